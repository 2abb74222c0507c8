package psfmt_test

import (
	"github.com/exsim/exsim/sim/simtest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/exsim/exsim/sim/psfmt"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func golden(t *testing.T, name, got string) {
	t.Helper()
	simtest.Golden(t, name, got)
}

// getQueue is shaped like Get-Queue's default table: text columns left-aligned,
// MessageCount (a number) right-aligned, header included.
var getQueue = struct {
	cols []psfmt.Column
	rows [][]string
}{
	cols: []psfmt.Column{
		{Name: "Identity"}, {Name: "DeliveryType"}, {Name: "Status"},
		{Name: "MessageCount", Numeric: true}, {Name: "Velocity", Numeric: true},
		{Name: "RiskLevel"}, {Name: "OutboundIPPool", Numeric: true}, {Name: "NextHopDomain"},
	},
	rows: [][]string{
		{`EX01\3`, "SmtpRelayToMailboxDeliveryGroup", "Retry", "12", "0", "Normal", "0", "site-b"},
		{`EX01\Submission`, "Undefined", "Ready", "0", "0", "Normal", "0", "Submission"},
		{`EX01\Shadow\4`, "ShadowRedundancy", "Ready", "1534", "0", "Normal", "0", "ex02.contoso.com"},
	},
}

func TestTableAlignsNumbersRightAndUnderlinesHeaders(t *testing.T) {
	golden(t, "get-queue.table.golden", psfmt.Table(getQueue.cols, getQueue.rows))
}

func TestTable(t *testing.T) {
	cases := []struct {
		name string
		cols []psfmt.Column
		rows [][]string
		want string
	}{
		{
			name: "numeric column and its header are right-aligned",
			cols: []psfmt.Column{{Name: "Name"}, {Name: "N", Numeric: true}},
			rows: [][]string{{"a", "5"}, {"bb", "1234"}},
			want: "Name    N\n" +
				"----    -\n" +
				"a       5\n" +
				"bb   1234\n",
		},
		{
			name: "the underline is as long as the header, not the column",
			cols: []psfmt.Column{{Name: "Id"}, {Name: "State"}},
			rows: [][]string{{"FrontendTransport", "Active"}},
			want: "Id                State\n" +
				"--                -----\n" +
				"FrontendTransport Active\n",
		},
		{
			name: "trailing spaces are trimmed and missing cells are blank",
			cols: []psfmt.Column{{Name: "A"}, {Name: "Bee"}},
			rows: [][]string{{"x"}, {"long", ""}},
			want: "A    Bee\n" +
				"-    ---\n" +
				"x\n" +
				"long\n",
		},
		{
			name: "no rows: header and underline only",
			cols: []psfmt.Column{{Name: "Server"}},
			want: "Server\n------\n",
		},
		{
			name: "widths count characters, not bytes",
			cols: []psfmt.Column{{Name: "Name"}, {Name: "X"}},
			rows: [][]string{{"Zürich", "1"}},
			want: "Name   X\n" +
				"----   -\n" +
				"Zürich 1\n",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, psfmt.Table(c.cols, c.rows))
		})
	}
}

func TestListAlignsColonsAcrossObjectsWithABlankLineBetween(t *testing.T) {
	objects := [][]psfmt.Field{
		{
			{Name: "Identity", Value: "EX01"},
			{Name: "Component", Value: "HubTransport"},
			{Name: "State", Value: "Inactive"},
			{Name: "Requester", Value: ""},
		},
		{
			{Name: "Identity", Value: "EX02"},
			{Name: "LastActivityTimeStamp", Value: "3/1/2026 8:00:00 AM"},
			{Name: "Requesters", Value: psfmt.Collection([]string{"Maintenance", "Functional"})},
		},
	}
	out := psfmt.List(objects)
	golden(t, "get-servercomponentstate.list.golden", out)
	for _, line := range strings.Split(out, "\n") {
		if line != "" {
			require.Equal(t, len("LastActivityTimeStamp "), strings.Index(line, ":"), "colon column in %q", line)
			require.False(t, strings.HasSuffix(line, " "), "no trailing space in %q", line)
		}
	}
	require.Contains(t, out, "\n\nIdentity", "a blank line separates objects")
}

func TestList(t *testing.T) {
	cases := []struct {
		name    string
		objects [][]psfmt.Field
		want    string
	}{
		{"nothing", nil, ""},
		{"one object", [][]psfmt.Field{{{"Name", "EX01"}, {"Id", "7"}}}, "Name : EX01\nId   : 7\n"},
		{"empty value has no trailing space", [][]psfmt.Field{{{"Name", ""}}}, "Name :\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, psfmt.List(c.objects))
		})
	}
}

func TestCollectionIsBracedAndCommaSeparated(t *testing.T) {
	require.Equal(t, "{}", psfmt.Collection(nil))
	require.Equal(t, "{a}", psfmt.Collection([]string{"a"}))
	require.Equal(t, "{Maintenance, Functional}", psfmt.Collection([]string{"Maintenance", "Functional"}))
}
