package report

import (
	"github.com/exsim/exsim/components"
	"github.com/exsim/exsim/dag"
	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/scenarios/scom"
	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport"
)

// The teaching view has two levels. The story level is what a teacher points at:
// what the admin did and what it changed, faults, state changes of servers,
// services, components and database copies, failovers and switchovers, shadow
// takeovers and resubmissions, losses, NDRs and duplicates, single points of failure
// opening, alerts, and queues changing status (to Retry, by Retry-Queue).
// Everything else (a message queued, relayed, shadowed, acknowledged, deferred,
// delivered; probes; SMTP refusals that the sender retries) is the detail level,
// shown on demand.
//
// The level is decided from the payload's type, never from its narration. A type
// this list does not name is detail: a new event of another package shows at the
// detail level until it is added here, which is one line.

// storyPayload reports whether a journal record belongs to the story level.
func storyPayload(p sim.Payload) bool {
	switch p.(type) {
	// the admin and the scenario
	case scenarios.StepRun, scenarios.StepError, scenarios.Output, scenarios.FaultInjected,
		scenarios.TrafficError, scenarios.LivenessStarted, scenarios.ScriptCommand, scenarios.ScriptEnded:
		return true
	// transport: servers and services, and what happens to a message that matters
	case transport.ConfigSet, transport.NoHubForSubmission, transport.LossyFailover, transport.MessageLost,
		transport.Resubmitted, transport.Duplicate, transport.SPOFOpened, transport.SPOFClosed, transport.Crashed,
		transport.ServiceCrashed, transport.Poisoned, transport.Stopped, transport.ServiceStopped,
		transport.ServiceStarted, transport.Started, transport.NetworkChanged, transport.Expired,
		transport.Redirected, transport.ShadowTakeover, transport.HeartbeatMissed, transport.QueueEvent,
		transport.PressureChanged, transport.PressureActions, transport.HostChanged, transport.SmartHostFailover,
		transport.QueueResubmitted, transport.MessageRemoved, transport.MessageSuspended, transport.ResubmitRequested,
		transport.FrontEndRelayed, transport.ProxyRefused, transport.DomainNotFound:
		return true
	// database availability groups: every event changes where a database is or can go
	case dag.Activation, dag.NoFailoverTarget, dag.ShutdownNoTarget, dag.MoveRefused, dag.MoveNowNoTarget,
		dag.DatabaseMounted, dag.MountRefused, dag.DatabaseDismounted, dag.CopyChange, dag.CopyFailed,
		dag.CopyRepaired, dag.CopySuspended, dag.CopyResumed, dag.ServerDown, dag.ServerUp, dag.QuorumChange,
		dag.PAMChanged, dag.PAMMoved, dag.PAMMoveFailed, dag.AutoActivationPolicySet, dag.MountDialSet,
		dag.ActivationDisabledAndMoveNowSet, dag.NodePaused, dag.MaintenanceStarted, dag.MaintenanceStage,
		dag.HighAvailabilitySet, dag.MaintenanceFinished, dag.MaintenanceFailed, dag.MaintenanceReset,
		dag.PreferenceMoveFrequencySet, dag.RebalanceSkipped:
		return true
	// component states and the services that read them
	case components.StateSet, components.ServiceReadState, components.StateInconsistent,
		components.ResponderRestarted, components.ResponderThrottled, components.ResponderSkipped:
		return true
	// monitoring
	case scom.Alert, scom.MaintenanceMode, scom.ProbeError:
		return true
	}
	return false
}

// storyLevel is the level of a narration line: "story" or "detail".
func storyLevel(rec sim.Record) string {
	if rec.Data != nil && storyPayload(rec.Data) {
		return "story"
	}
	return "detail"
}
