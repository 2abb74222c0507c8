package components

import (
	"fmt"
	"strings"
)

// Kind and Narrate of every journal event (events.go). Narrate reads only the
// event's fields: it runs at report time, long after the model moved on.

func (StateSet) Kind() string           { return "component.set" }
func (ServiceReadState) Kind() string   { return "component.event" }
func (StateInconsistent) Kind() string  { return "component.event" }
func (ResponderRestarted) Kind() string { return "component.responder" }
func (ResponderThrottled) Kind() string { return "component.responder" }
func (ResponderSkipped) Kind() string   { return "component.responder" }

func (ServiceReadState) EventID() int     { return 7009 }
func (ServiceReadState) Level() string    { return "Information" }
func (e ServiceReadState) Source() string { return e.Service }

func (e StateInconsistent) EventID() int   { return e.ID }
func (StateInconsistent) Level() string    { return "Warning" }
func (e StateInconsistent) Source() string { return e.Service }

func (e StateSet) Narrate() string {
	where := "in the registry and in Active Directory"
	switch {
	case e.Local && !e.Remote:
		where = "in the registry only (-LocalOnly)"
	case e.Remote && !e.Local:
		where = "in Active Directory only (-RemoteOnly)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s set %s to %s on %s %s", e.Requester, e.Component, e.State, e.Server, where)
	c := e.Component
	switch {
	case e.After == e.State && c == ServerWideOffline && e.After != Active:
		b.WriteString("; every component except Monitoring and RecoveryActionsEnabled now reads Inactive")
	case e.After == e.State && c == ServerWideOffline && e.Before != Active:
		b.WriteString("; it is now Active and every component reads its own state again")
	case e.After == e.State:
		fmt.Fprintf(&b, "; it is now %s", e.After)
	case e.OfflineOverride:
		fmt.Fprintf(&b, ", but it still reads %s because ServerWideOffline is not Active, which overrides every component except Monitoring and RecoveryActionsEnabled", e.After)
	default:
		holders := make([]string, len(e.Holders))
		for i, h := range e.Holders {
			holders[i] = string(h)
		}
		verb := "hold"
		if len(holders) == 1 {
			verb = "holds"
		}
		fmt.Fprintf(&b, ", but it stays %s: %s still %s it %s, and only the requester that set a state can clear it",
			e.After, strings.Join(holders, " and "), verb, e.After)
		if c == ServerWideOffline {
			b.WriteString(", so every component except Monitoring and RecoveryActionsEnabled still reads Inactive")
		}
	}
	b.WriteString(".")
	return b.String()
}

func (e ServiceReadState) Narrate() string {
	text := fmt.Sprintf("Event 7009 from %s: the service started and retrieved %s = %s, %s.", e.Service, e.Component, e.State, consequence(e.Component, e.State))
	if e.ClearsInconsistency {
		text += " This clears the earlier inconsistency between the set and the running state."
	}
	return text
}

func consequence(component string, s State) string {
	switch {
	case s == Inactive && component == HubTransport:
		// Port 25 is the front end's, which has no transport service to proxy to.
		return "so it takes no new mail (SMTP senders get 451 4.7.0 Temporary server error through an Active front end, 421 4.3.2 Service not active from an Inactive one)"
	case s == Inactive:
		return "so it takes no new mail (SMTP senders get 421 4.3.2 Service not active)"
	case s == Draining:
		return "so it takes no new mail but keeps delivering what is already queued"
	}
	return "so it takes mail normally"
}

func (e StateInconsistent) Narrate() string {
	return fmt.Sprintf("Event %d (Warning) from %s: the %s state is inconsistent, current: %s, expected: %s. The service reads its component state only when it starts, so it keeps running as %s until %s restarts.",
		e.ID, e.Service, e.Component, e.Running, e.Expected, e.Running, e.Service)
}

func (e ResponderRestarted) Narrate() string {
	return fmt.Sprintf("%s forces a crash and restart of %s because it runs as %s while %s is set %s; on restart it picks up the set state.",
		e.Responder, e.Service, e.Running, e.Component, e.Expected)
}

func (e ResponderThrottled) Narrate() string {
	kind := "a standalone server"
	if e.DAGMember {
		kind = "a DAG member"
	}
	return fmt.Sprintf("%s found %s still inconsistent (running %s, set %s) but has used its %d restart(s) a day for %s; it tries again in %v.",
		e.Responder, e.Service, e.Running, e.Expected, e.Limit, kind, e.RetryIn)
}

func (e ResponderSkipped) Narrate() string {
	return fmt.Sprintf("Managed Availability cannot run %s: %s is %s, so no recovery action runs and %s keeps running as %s until someone restarts it.",
		e.Responder, e.Blocker, e.BlockerState, e.Service, e.Running)
}
