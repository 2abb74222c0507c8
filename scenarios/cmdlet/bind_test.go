package cmdlet

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func mustParse(t *testing.T, line string) Command {
	t.Helper()
	p, err := Parse(line)
	require.NoError(t, err)
	require.Len(t, p, 1)
	return p[0]
}

func TestBindMatchesParametersAsPowerShellDoes(t *testing.T) {
	set, _ := Lookup("Set-ServerComponentState")
	move, _ := Lookup("Move-ActiveMailboxDatabase")
	tests := []struct {
		name string
		spec Spec
		line string
		want map[string]Value
	}{
		{"case-insensitive names and positional identity", set,
			"set-servercomponentstate EX1 -component HubTransport -STATE Draining -requester Maintenance",
			map[string]Value{"Identity": str("EX1"), "Component": str("HubTransport"), "State": str("Draining"), "Requester": str("Maintenance")}},
		{"unique prefixes", set,
			"Set-ServerComponentState -Id EX1 -Comp HubTransport -St Inactive -Req Maintenance",
			map[string]Value{"Identity": str("EX1"), "Component": str("HubTransport"), "State": str("Inactive"), "Requester": str("Maintenance")}},
		{"a value after a bare switch is positional", move,
			"Move-ActiveMailboxDatabase -SkipLagChecks DB1 -ActivateOnServer EX2",
			map[string]Value{"SkipLagChecks": {Kind: Bool, Bool: true}, "Identity": str("DB1"), "ActivateOnServer": str("EX2")}},
		{"common -Confirm:$false on every cmdlet", move,
			"Move-ActiveMailboxDatabase DB1 -ActivateOnServer EX2 -Confirm:$false",
			map[string]Value{"Identity": str("DB1"), "ActivateOnServer": str("EX2"), "Confirm": {Kind: Bool}}},
		{"exact name wins over a longer name it prefixes", move,
			"Move-ActiveMailboxDatabase -Server EX1",
			map[string]Value{"Server": str("EX1")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mustParse(t, tt.line).Bind(tt.spec.Params)
			require.NoError(t, err)
			for k, v := range got {
				got[k] = clearValue(v)
			}
			require.Equal(t, tt.want, got)
		})
	}
}

func TestBindErrorsSuggestTheClosestParameter(t *testing.T) {
	set, _ := Lookup("Set-ServerComponentState")
	svc, _ := Lookup("Restart-Service")
	tests := []struct {
		name string
		spec Spec
		line string
		msg  string
	}{
		{"unknown name suggests", set, "Set-ServerComponentState EX1 -Componnet HubTransport",
			`a parameter cannot be found that matches parameter name -Componnet (did you mean "Component"?)`},
		{"ambiguous prefix lists the candidates (Component, Confirm)", set, "Set-ServerComponentState EX1 -C HubTransport",
			"parameter name -C is ambiguous: it matches -Component, -Confirm"},
		{"missing value", set, "Set-ServerComponentState EX1 -State",
			"missing an argument for parameter -State"},
		{"given twice", set, "Set-ServerComponentState EX1 -State Active -St Inactive",
			"parameter -State is given more than once"},
		{"extra positional", svc, "Restart-Service MSExchangeTransport extra",
			"a positional parameter cannot be found that accepts argument extra"},
		{"switch with a non-boolean after colon", svc, "Restart-Service MSExchangeTransport -Force:yes",
			"switch -Force takes $true or $false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mustParse(t, tt.line).Bind(tt.spec.Params)
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestBoundValuesKnowWhereTheyAre(t *testing.T) {
	move, _ := Lookup("Move-ActiveMailboxDatabase")
	got, err := mustParse(t, "Move-ActiveMailboxDatabase -SkipLagChecks DB1 -ActivateOnServer EX2").Bind(move.Params)
	require.NoError(t, err)
	require.Equal(t, 42, got["Identity"].Pos)
	require.Equal(t, 64, got["ActivateOnServer"].Pos)
}

func TestCheckRequiresParametersExceptWhatAPipeSupplies(t *testing.T) {
	res, _ := Lookup("Resume-MailboxDatabaseCopy")
	_, err := res.Check(mustParse(t, "Resume-MailboxDatabaseCopy"), false)
	require.ErrorContains(t, err, "Resume-MailboxDatabaseCopy needs -Identity")
	_, err = res.Check(mustParse(t, "Resume-MailboxDatabaseCopy"), true)
	require.NoError(t, err)
}

func TestLookupIsCaseInsensitiveAndNamesAreSorted(t *testing.T) {
	s, ok := Lookup("get-queue")
	require.True(t, ok)
	require.Equal(t, "Get-Queue", s.Name)
	_, ok = Lookup("Get-Mailbox")
	require.False(t, ok)
	names := Names()
	require.IsNonDecreasing(t, names)
	require.Contains(t, names, "Start-SCOMMaintenanceMode")
}

func TestClosestSuggestsTyposOnly(t *testing.T) {
	c, ok := Closest("Get-Queu", Names())
	require.True(t, ok)
	require.Equal(t, "Get-Queue", c)
	_, ok = Closest("Frobnicate-Everything", Names())
	require.False(t, ok)
}

// TestEveryUniquePrefixBindsItsParameter: for every supported cmdlet and every
// parameter, each prefix that no other parameter (common ones included) shares
// binds to that parameter, in any letter case.
func TestEveryUniquePrefixBindsItsParameter(t *testing.T) {
	for _, name := range Names() {
		spec, _ := Lookup(name)
		all := append(append([]ParamSpec(nil), spec.Params...), common...)
		for _, p := range spec.Params {
			for n := 1; n <= len(p.Name); n++ {
				prefix := p.Name[:n]
				unique := true
				for _, o := range all {
					if o.Name != p.Name && len(o.Name) >= n && strings.EqualFold(o.Name[:n], prefix) {
						unique = false
					}
				}
				if !unique && n < len(p.Name) {
					continue
				}
				line := name + " -" + strings.ToLower(prefix)
				if !p.Switch {
					line += " x"
				}
				got, err := mustParse(t, line).Bind(spec.Params)
				require.NoError(t, err, line)
				require.Contains(t, got, p.Name, line)
			}
		}
	}
}

// fl and ft are PowerShell's built-in aliases of Format-List and Format-Table (seed
// 003: "Get-MailboxDatabase | Get-MailboxDatabaseCopyStatus | fl name,status").
func TestFlAndFtAreAliasesOfFormatListAndFormatTable(t *testing.T) {
	for alias, name := range map[string]string{"fl": "Format-List", "FT": "Format-Table"} {
		s, ok := Lookup(alias)
		require.True(t, ok, alias)
		require.Equal(t, name, s.Name)
	}
	p, err := Parse("Get-MailboxDatabase | Get-MailboxDatabaseCopyStatus | fl name,activation*")
	require.NoError(t, err)
	require.Equal(t, "fl", p[2].Name)
	args, err := p[2].Bind(mustLookup(t, "fl").Params)
	require.NoError(t, err)
	require.Equal(t, []string{"name", "activation*"}, args["Property"].Strings())
}

func mustLookup(t *testing.T, name string) Spec {
	t.Helper()
	s, ok := Lookup(name)
	require.True(t, ok, name)
	return s
}
