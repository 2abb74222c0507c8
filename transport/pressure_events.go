package transport

import (
	"fmt"
	"strings"
)

// Back pressure's journal vocabulary (pressure.go).

// PressureChanged: a monitored resource changed level, event 15004 ("Resource pressure
// increased from <Previous Utilization Level> to <Current Utilization Level>.") or
// 15005 ("Resource pressure decreased from ..."), Source MSExchangeTransport, Category
// Resource Manager (exchange-stress.md 1.6).
type PressureChanged struct {
	Server   string
	EventID  int    // 15004 or 15005
	Resource string // the resource, its value, level and thresholds, as the event body lists it
	From, To string // level names of the version (Normal/Low, Medium, High)
}

func (PressureChanged) Kind() string { return "transport.pressure" }
func (e PressureChanged) Narrate() string {
	verb := "increased"
	if e.EventID == 15005 {
		verb = "decreased"
	}
	return fmt.Sprintf("%s logs event %d: Resource pressure %s from %s to %s. %s.",
		e.Server, e.EventID, verb, e.From, e.To, e.Resource)
}

// PressureRejecting: back pressure began refusing mail because of the queue drive
// (event 15006, "Microsoft Exchange Transport is rejecting message submissions because
// the available disk space has dropped below the configured threshold.") or of the
// service's memory (15007, "... because the service continues to consume more memory
// than the configured threshold."), 1.6.
type PressureRejecting struct {
	Server    string
	EventID   int
	Resources []string // "The following resources are under pressure:"
	Disabled  []string // "The following components are disabled due to back pressure:"
}

func (PressureRejecting) Kind() string { return "transport.pressure" }
func (e PressureRejecting) Narrate() string {
	text := "Microsoft Exchange Transport is rejecting message submissions because the available disk space has dropped below the configured threshold."
	if e.EventID == 15007 {
		text = "The Microsoft Exchange Transport service is rejecting message submissions because the service continues to consume more memory than the configured threshold. This may require that this service be restarted to continue normal operation."
	}
	return fmt.Sprintf("%s logs event %d: %s The following resources are under pressure: %s. The following components are disabled due to back pressure: %s.",
		e.Server, e.EventID, text, strings.Join(e.Resources, "; "), strings.Join(e.Disabled, "; "))
}

// PressureActions: what srv's back pressure stops changed (every component it now
// disables; none when it recovered).
type PressureActions struct {
	Server   string
	Disabled []string
}

func (PressureActions) Kind() string { return "transport.pressure" }
func (e PressureActions) Narrate() string {
	if len(e.Disabled) == 0 {
		return fmt.Sprintf("%s: back pressure disables nothing any more: it accepts mail again.", e.Server)
	}
	return fmt.Sprintf("%s: back pressure now disables %s; refused senders get 452 4.3.1 Insufficient system resources at MAIL FROM and retry.", e.Server, strings.Join(e.Disabled, "; "))
}

// SubmissionRefused: back pressure on Server refused a message from the mailbox
// submission service; it stays in the Outbox, which tries again after Retry.
type SubmissionRefused struct {
	Msg
	Server, Why string
}

func (SubmissionRefused) Kind() string { return "transport.submit" }
func (e SubmissionRefused) Narrate() string {
	return fmt.Sprintf("%s refuses message #%d from the mailbox submission service (%s): it stays in the Outbox and is submitted again in %v.", e.Server, e.Message, e.Why, outboxRetry)
}

// HostChanged: a fault changed an external SMTP host (smarthost.go): State "down"
// (connections time out), "refuse" (Reply to MAIL FROM) or "up".
type HostChanged struct {
	Host, State, Reply string
}

func (HostChanged) Kind() string { return "transport.host" }
func (e HostChanged) Narrate() string {
	switch e.State {
	case "down":
		return fmt.Sprintf("External host %s stops answering: connections to it time out.", e.Host)
	case "refuse":
		return fmt.Sprintf("External host %s answers MAIL FROM with %s.", e.Host, e.Reply)
	}
	return fmt.Sprintf("External host %s accepts mail again.", e.Host)
}

// SmartHostFailover: an attempt of Queue could not deliver to the hosts Tried (down
// or refusing) and failed over to Host.
type SmartHostFailover struct {
	Queue string
	Tried []string
	Host  string
}

func (SmartHostFailover) Kind() string { return "transport.failover" }
func (e SmartHostFailover) Narrate() string {
	return fmt.Sprintf("%s: %s did not take the connection; Exchange fails over to the alternate host %s.", e.Queue, strings.Join(e.Tried, ", "), e.Host)
}
