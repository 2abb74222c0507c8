package components

import "time"

// Journal events: the sim.Payload of every record this package journals, with
// kinds "component.set", "component.event" and "component.responder". Each is built
// from values captured at the event's instant; Kind and Narrate are in narrate.go.
// The vocabulary is listed in doc.go ("Journal events").

// StateSet is a Set-ServerComponentState write (also Exchange setup's writes).
type StateSet struct {
	Server        string
	Component     string
	Requester     Requester
	State         State // the state written
	Local, Remote bool  // which stores were written (registry, AD)
	Before, After State // the component's effective state around the write
	// OfflineOverride: ServerWideOffline (itself not Active) forces this component
	// Inactive, whatever its own entries say.
	OfflineOverride bool
	// Holders are the other requesters whose entries keep the component at After
	// when the write did not take effect (set only then).
	Holders []Requester
}

// ApplicationEvent is implemented by the events that Exchange writes to the
// Application log (category Components), for writers that print that log.
type ApplicationEvent interface {
	EventID() int
	Level() string  // "Information" or "Warning"
	Source() string // the service writing the event
}

// ServiceReadState is event 7009: Service started and picked up Component's
// effective state, which it keeps until its next start.
type ServiceReadState struct {
	Server    string
	Service   string // ServiceTransport or ServiceFrontEndTransport
	Component string // HubTransport or FrontendTransport
	State     State
	// ClearsInconsistency: a 7011/7012 warning was standing for this service.
	ClearsInconsistency bool
}

// StateInconsistent is warning 7011 (MSExchangeTransport) or 7012
// (MSExchangeFrontEndTransport): the component's state changed while the service
// runs with the state it read at its start.
type StateInconsistent struct {
	ID        int // 7011 or 7012
	Server    string
	Service   string
	Component string
	Running   State // the state the service took at its start
	Expected  State // the component's effective state now
}

// ResponderRestarted: a Managed Availability responder forces a crash and restart
// of Service to resolve an inconsistent state.
type ResponderRestarted struct {
	Server, Responder, Service, Component string
	Running, Expected                     State
}

// ResponderThrottled: the responder found the service still inconsistent but has
// used its restarts for the last 24 hours; it tries again after RetryIn.
type ResponderThrottled struct {
	Server, Responder, Service, Component string
	Running, Expected                     State
	Limit                                 int  // restarts allowed per 24 h
	DAGMember                             bool // Limit is the DAG member's, not the standalone server's
	RetryIn                               time.Duration
}

// ResponderSkipped: the responder cannot run because Blocker (Monitoring or
// RecoveryActionsEnabled) is not Active, so the service keeps its state.
type ResponderSkipped struct {
	Server, Responder, Service, Component string
	Running, Expected                     State
	Blocker                               string
	BlockerState                          State
}
