package scom

import (
	"fmt"
	"strings"
)

// Kind and Narrate of the monitors' journal events.

func (ProbeSent) Kind() string { return "monitor.probe" }
func (e ProbeSent) Narrate() string {
	return fmt.Sprintf("Mail flow probe #%d sent from %s to %s.", e.Message, e.From, e.To)
}

func (ProbeError) Kind() string      { return "monitor.error" }
func (e ProbeError) Narrate() string { return "mail flow probe not sent: " + e.Err }

func (MaintenanceMode) Kind() string { return "monitor.maintenance" }
func (e MaintenanceMode) Narrate() string {
	if e.Enter {
		return fmt.Sprintf("%s is in maintenance mode until %s: its alerts are held back.", e.Server, e.Until.Format("15:04:05"))
	}
	return e.Server + " leaves maintenance mode."
}

func (Alert) Kind() string { return "monitor.alert" }
func (a Alert) Narrate() string {
	if a.Script != "" {
		// A script's event: its text already carries the computer and the description.
		return "ALERT " + strings.ReplaceAll(a.Detail, "\n", " | ")
	}
	return fmt.Sprintf("ALERT on %s: %s. %s", a.Server, a.Name, strings.ReplaceAll(a.Detail, "\n", " | "))
}
