package scenarios

import "time"

// The runner's journal vocabulary: admin steps, faults, monitors and their alerts,
// traffic errors and the liveness phase. Kind and Narrate are in narrate.go.

// StepRun: an admin step ran a cmdlet pipeline ("[PS] ..." in the narration).
type StepRun struct{ Step string }

// StepError: a step's cmdlet failed (as the shell would print its error), or a fault
// step could not be applied.
type StepError struct {
	Step string
	Err  string
}

// Output is what a Get- step printed; it is journaled beneath its step.
type Output struct {
	At   time.Duration `json:"-"`
	Step string        `json:"step"`
	Text string        `json:"text"`
}

// FaultInjected: a fault step (the plan's or an exploration's) happened.
type FaultInjected struct{ Fault string }

// TrafficError: a traffic line's message could not be submitted.
type TrafficError struct{ Err string }

// LivenessStarted: exploration healed every fault and runs on to see whether all mail
// gets through.
type LivenessStarted struct{}

// LagBeyondSafetyNet: a lagged copy's ReplayLagTime is longer than SafetyNetHoldTime,
// so activating it would need mail Safety Net no longer holds
// (exchange-site-resilience.md 3.4: SafetyNetHoldTime must be at least ReplayLagTime).
type LagBeyondSafetyNet struct {
	Database, Server string
	ReplayLagTime    time.Duration
	SafetyNetHold    time.Duration
}
