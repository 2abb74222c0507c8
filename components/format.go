package components

import (
	"fmt"
	"time"

	"github.com/exsim/exsim/sim/psfmt"
)

// Row is one object of Get-ServerComponentState.
type Row struct {
	Server       string
	Component    string
	State        State   // the effective state
	LocalStates  []Entry // registry entries, in registry order
	RemoteStates []Entry // AD msExchComponentStates entries, in AD order
}

// Entry is one requester's value in one store.
type Entry struct {
	Requester Requester
	State     State
	Timestamp time.Time // UTC, as Exchange stamps it
}

// String renders an entry as Exchange prints it inside LocalStates/RemoteStates.
func (e Entry) String() string {
	return fmt.Sprintf("[Requester: %s] [State: %s] [Timestamp: %s]", e.Requester, e.State, e.Timestamp.UTC().Format("1/2/2006 3:04:05 PM"))
}

// Get is Get-ServerComponentState -Identity server [-Component component]: one row
// per component (all of the server's version, in Exchange's order, when component
// is empty).
func (st *Store) Get(serverName, comp string) ([]Row, error) {
	sv, err := st.serverWithStates(serverName)
	if err != nil {
		return nil, err
	}
	list := Components(sv.version)
	if comp != "" {
		c, err := component(sv.version, comp)
		if err != nil {
			return nil, err
		}
		list = []string{c}
	}
	rows := make([]Row, 0, len(list))
	for _, c := range list {
		row := Row{Server: sv.name, Component: c, State: sv.effective(c)}
		if cs := sv.comps[c]; cs != nil {
			row.LocalStates = st.entries(cs.local)
			row.RemoteStates = st.entries(cs.remote)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func (st *Store) entries(es []entry) []Entry {
	out := make([]Entry, len(es))
	for i, e := range es {
		out[i] = Entry{Requester: e.requester, State: e.state, Timestamp: st.s.Wall(e.at).UTC()}
	}
	return out
}

// FormatTable renders rows with the columns of Get-ServerComponentState's default
// table, sized to the content and with the short server name: the model's own
// rendering, for its tests. A step prints the shell's view (scenarios' views
// table) of Fields, whose Server is the FQDN.
func FormatTable(rows []Row) string {
	cells := make([][]string, len(rows))
	for i, r := range rows {
		cells[i] = []string{r.Server, r.Component, string(r.State)}
	}
	return psfmt.Table([]psfmt.Column{{Name: "Server"}, {Name: "Component"}, {Name: "State"}}, cells)
}

// formatEnumerationLimit is PowerShell's $FormatEnumerationLimit default: a
// collection with more items prints the first four and "...".
const formatEnumerationLimit = 4

// FormatList renders rows as "Get-ServerComponentState ... | Format-List" does,
// with the per-requester entries of both stores. RunspaceId (a per-session GUID)
// and the identity bookkeeping properties are left out.
func FormatList(rows []Row) string {
	objs := make([][]psfmt.Field, len(rows))
	for i, r := range rows {
		objs[i] = []psfmt.Field{
			{Name: "Server", Value: r.Server},
			{Name: "Component", Value: r.Component},
			{Name: "State", Value: string(r.State)},
			{Name: "LocalStates", Value: collection(r.LocalStates)},
			{Name: "RemoteStates", Value: collection(r.RemoteStates)},
		}
	}
	return psfmt.List(objs)
}

func collection(es []Entry) string {
	items := make([]string, 0, len(es))
	for i, e := range es {
		if i == formatEnumerationLimit {
			items[len(items)-1] += "..."
			break
		}
		items = append(items, e.String())
	}
	return psfmt.Collection(items)
}

// Fields gives a row's properties in the order the shell's Format-List prints them
// (the E15 capture's ServerComponentStatePresentationObject): ServerFqdn (the
// server's FQDN, which the default table labels Server), Component, State,
// LocalStates, RemoteStates. RunspaceId and the identity bookkeeping properties
// are left out.
func (r Row) Fields(fqdn string) []psfmt.Field {
	return []psfmt.Field{
		{Name: "ServerFqdn", Value: fqdn},
		{Name: "Component", Value: r.Component},
		{Name: "State", Value: string(r.State)},
		{Name: "LocalStates", Value: collection(r.LocalStates)},
		{Name: "RemoteStates", Value: collection(r.RemoteStates)},
	}
}
