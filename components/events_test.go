package components

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/exsim/exsim/sim/simtest"

	"github.com/exsim/exsim/sim"
)

// journalKinds are the kinds doc.go documents ("Journal events").
var journalKinds = []string{"component.set", "component.event", "component.responder"}

// TestEveryJournalEventNarrates keeps the vocabulary from silently losing its
// narration: one sample per event type; a new type belongs here and in doc.go.
func TestEveryJournalEventNarrates(t *testing.T) {
	samples := []sim.Payload{
		StateSet{Server: "EX1", Component: HubTransport, Requester: Maintenance, State: Inactive, Local: true, Remote: true, Before: Active, After: Inactive},
		StateSet{Server: "EX1", Component: HubTransport, Requester: Maintenance, State: Active, Local: true, Before: Inactive, After: Inactive, Holders: []Requester{Functional}},
		ServiceReadState{Server: "EX1", Service: ServiceTransport, Component: HubTransport, State: Draining, ClearsInconsistency: true},
		StateInconsistent{ID: 7011, Server: "EX1", Service: ServiceTransport, Component: HubTransport, Running: Active, Expected: Inactive},
		ResponderRestarted{Server: "EX1", Responder: "R", Service: ServiceTransport, Component: HubTransport, Running: Active, Expected: Inactive},
		ResponderThrottled{Server: "EX1", Responder: "R", Service: ServiceTransport, Component: HubTransport, Running: Active, Expected: Inactive, Limit: 1, RetryIn: time.Hour},
		ResponderSkipped{Server: "EX1", Responder: "R", Service: ServiceTransport, Component: HubTransport, Running: Active, Expected: Inactive, Blocker: Monitoring, BlockerState: Inactive},
	}
	seen := map[string]bool{}
	for _, p := range samples {
		name := fmt.Sprintf("%T", p)
		seen[name] = true
		require.NotEmpty(t, p.Narrate(), name)
		require.Contains(t, journalKinds, p.Kind(), name)
	}
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	for _, k := range journalKinds {
		require.Contains(t, string(doc), `"`+k+`"`, "doc.go lists the kind")
	}
	for name := range seen {
		require.Contains(t, string(doc), "["+name[strings.Index(name, ".")+1:]+"]", "doc.go lists the type")
	}
	require.Equal(t, simtest.StructTypes(t, "events.go", "components."), seen, "one sample per event type of events.go")
	var _ ApplicationEvent = ServiceReadState{}
	var _ ApplicationEvent = StateInconsistent{}
}
