package scom

import "time"

// The monitors' journal vocabulary; Kind and Narrate are in narrate.go.

// ProbeSent: a SCOM mail flow probe left its source server.
type ProbeSent struct {
	Message  int // transport's message number of the probe
	From, To string
}

// MessageNumber is the probe's message number.
func (p ProbeSent) MessageNumber() int { return p.Message }

// ProbeError: a mail flow probe could not be sent.
type ProbeError struct{ Err string }

// MaintenanceMode: a SCOM monitoring object entered (Until set) or left maintenance
// mode (Start-/Stop-SCOMMaintenanceMode, or its end time passed).
type MaintenanceMode struct {
	Server string
	Enter  bool
	Until  time.Time // wall-clock end, when entering
}

// Alert is a SCOM alert a monitor raised.
type Alert struct {
	At      time.Duration `json:"-"`
	Time    string        `json:"time"`
	Monitor string        `json:"monitor"` // "mailflow" or "heartbeat"
	Server  string        `json:"server"`
	Name    string        `json:"name"`
	Detail  string        `json:"detail"`
}
