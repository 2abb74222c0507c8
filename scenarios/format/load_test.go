package format

import (
	"fmt"
	"github.com/exsim/exsim/sim/simtest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/exsim/exsim/scenarios/fault"
)

// TestBadScenarioIsRejectedWithFileLineColumn: every file in testdata/bad breaks
// one rule and its .golden file holds the exact error.
func TestBadScenarioIsRejectedWithFileLineColumn(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
			_, err := Load(f)
			require.Error(t, err)
			got := err.Error() + "\n"
			golden := strings.TrimSuffix(f, ".yaml") + ".golden"
			if simtest.Update() {
				require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "missing golden file; run with -update")
			require.Equal(t, string(want), got)
			require.Regexp(t, `^[a-z0-9-]+\.yaml:\d+:\d+: `, got, "every error names file:line:col")
		})
	}
}

func TestGoodScenarioLoads(t *testing.T) {
	files, err := filepath.Glob("testdata/good/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			s, err := Load(f)
			require.NoError(t, err)
			require.Equal(t, filepath.Base(f), s.File)
		})
	}
}

const minimal = `name: minimal
description: d
version: Exchange2016
duration: 1h
topology:
  servers: [{name: EX1, roles: [Mailbox]}]
`

func TestDefaultsAreTheFormatsDefaults(t *testing.T) {
	s, err := Parse("minimal.yaml", []byte(minimal))
	require.NoError(t, err)
	require.Equal(t, uint64(1), s.Seed)
	require.Equal(t, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), s.Start)
	require.Equal(t, 50*time.Millisecond, s.Topology.Latency)
	require.Equal(t, 15*time.Minute, s.Topology.Internet.SenderRetry)
	require.True(t, s.Expect.Implicit)
	require.Equal(t, &Compare{Op: "==", Value: 0}, s.Expect.Lost)
	require.Equal(t, &Compare{Op: "==", Value: 0}, s.Expect.Duplicates)
	require.Nil(t, s.Expect.Delivered)
	require.Equal(t, DefaultSite, s.Topology.Servers[0].Site)
	require.Equal(t, "Exchange2016", s.Topology.Servers[0].Version)
}

func TestExpectPresentChecksOnlyWhatItSays(t *testing.T) {
	s, err := Parse("x.yaml", []byte(minimal+"expect:\n  delivered: \">0\"\n"))
	require.NoError(t, err)
	require.False(t, s.Expect.Implicit)
	require.Nil(t, s.Expect.Lost)
	require.Equal(t, &Compare{Op: ">", Value: 0}, s.Expect.Delivered)
}

func TestNamesResolveCaseInsensitivelyToTheirDeclaration(t *testing.T) {
	s, err := Load("testdata/good/dag-2013.yaml")
	require.NoError(t, err)
	require.Equal(t, []string{"EX1", "EX2"}, s.Topology.DAGs[0].Members)
	require.Equal(t, "DB2", s.Topology.Mailboxes[1].Database)
	require.True(t, s.Topology.Internet.Inbound.LoadBalancer)
	require.Equal(t, "roundRobin", s.Topology.Internet.Inbound.Policy)
}

func TestStepsCarryParsedCmdletsFaultsAndPositions(t *testing.T) {
	s, err := Load("testdata/good/format-example.yaml")
	require.NoError(t, err)
	st := s.Steps[0]
	require.Equal(t, 5*time.Minute, st.At)
	require.Equal(t, "Dismount-Database", st.Run[0].Name)
	require.Equal(t, Pos{Line: 38, Col: 20}, st.TextPos, "after the opening quote")
	require.Equal(t, "Format-List", s.Steps[3].Run[1].Name)
	require.Equal(t, &fault.Fault{Kind: fault.Crash, Server: "FAB-RED-HUB1", LoseQueue: true}, s.Steps[4].Fault)
	require.Nil(t, s.Steps[4].Run)
	require.Equal(t, Pos{Line: 13, Col: 8}, s.Topology.Servers[0].Pos)
	require.Equal(t, "false", s.EdgeTransportConfig["ShadowRedundancyPromotionEnabled"])
	require.True(t, s.Traffic[2].Poisson())
	require.Equal(t, time.Hour, s.Traffic[2].Until)
	require.Equal(t, 2*time.Hour, s.Traffic[0].Until, "until defaults to the duration")
}

func TestParseDurationAcceptsGoDaysAndTimeSpans(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"90s", 90 * time.Second},
		{"30m", 30 * time.Minute},
		{"2h", 2 * time.Hour},
		{"2d", 48 * time.Hour},
		{"1d12h", 36 * time.Hour},
		{"1.5h", 90 * time.Minute},
		{"250ms", 250 * time.Millisecond},
		{"0", 0},
		{"00:00:30", 30 * time.Second},
		{"01:30", 90 * time.Minute},
		{"2.00:00:00", 48 * time.Hour},
		{"1.02:03:04.5", 26*time.Hour + 3*time.Minute + 4500*time.Millisecond},
		{" 15m ", 15 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDuration(tt.in)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestParseDurationRejectsAmbiguousOrBrokenInput(t *testing.T) {
	for _, in := range []string{"", "2", "2 hours", "-5m", "1w", "25:00:00", "00:60:00", "1:2:3:4", "1.:00:00", "h", "00:00:30.", "99999999999999999999d"} {
		t.Run(in, func(t *testing.T) {
			_, err := ParseDuration(in)
			require.Error(t, err)
		})
	}
}

// TestTimeSpanAndGoSyntaxAgree: d.hh:mm:ss and the Go form of one duration parse
// to the same value.
func TestTimeSpanAndGoSyntaxAgree(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := rapid.IntRange(0, 40).Draw(t, "d")
		h := rapid.IntRange(0, 23).Draw(t, "h")
		m := rapid.IntRange(0, 59).Draw(t, "m")
		sec := rapid.IntRange(0, 59).Draw(t, "s")
		span, err := ParseDuration(itoa(d) + "." + pad(h) + ":" + pad(m) + ":" + pad(sec))
		require.NoError(t, err)
		goForm, err := ParseDuration(itoa(d) + "d" + itoa(h) + "h" + itoa(m) + "m" + itoa(sec) + "s")
		require.NoError(t, err)
		require.Equal(t, span, goForm)
		require.Equal(t, time.Duration(d)*24*time.Hour+time.Duration(h)*time.Hour+time.Duration(m)*time.Minute+time.Duration(sec)*time.Second, span)
	})
}

func itoa(i int) string { return strconv.Itoa(i) }

func pad(i int) string { return fmt.Sprintf("%02d", i) }

func TestCompareHolds(t *testing.T) {
	tests := []struct {
		in   string
		v    float64
		want bool
	}{
		{"2", 2, true}, {"2", 3, false},
		{">0", 1, true}, {">0", 0, false},
		{">=1", 1, true}, {"<5", 5, false},
		{"<=5", 5, true}, {"!=0", 0, false},
		{"== 3", 3, true}, {"=3", 3, true},
	}
	for _, tt := range tests {
		c, err := ParseCompare(tt.in)
		require.NoError(t, err, tt.in)
		require.Equal(t, tt.want, c.Holds(tt.v), "%s holds for %v", tt.in, tt.v)
	}
	for _, bad := range []string{"", ">", "about 2", "NaN", "=>3"} {
		_, err := ParseCompare(bad)
		require.Error(t, err, bad)
	}
}

func TestSuggestionOnlyForNearWords(t *testing.T) {
	require.Equal(t, ` (did you mean "FAB-RED-HUB1"?)`, didYouMean("FAB-RED-HUB3", []string{"FAB-RED-MBX1", "FAB-RED-HUB1"}))
	require.Equal(t, "", didYouMean("xyz", []string{"FAB-RED-HUB1"}))
	require.Equal(t, "", didYouMean("x", nil))
}

func TestParseNeverPanicsOnMangledScenarios(t *testing.T) {
	data, err := os.ReadFile("testdata/good/format-example.yaml")
	require.NoError(t, err)
	rapid.Check(t, func(t *rapid.T) {
		b := []byte(string(data))
		for range rapid.IntRange(1, 4).Draw(t, "edits") {
			i := rapid.IntRange(0, len(b)-1).Draw(t, "at")
			b[i] = rapid.SampledFrom([]byte(" :-[]{}\"'\nax1*&|,")).Draw(t, "byte")
		}
		s, err := Parse("m.yaml", b)
		if err != nil {
			require.Regexp(t, `^m\.yaml(:\d+:\d+)?: `, err.Error())
			return
		}
		require.NotNil(t, s)
	})
}

func TestAnchorsAndAliasesAreResolved(t *testing.T) {
	src := `name: anchors
description: d
version: Exchange2013
duration: 1h
topology:
  servers:
    - {name: EX1, roles: &r [Mailbox, ClientAccess]}
    - {name: EX2, roles: *r}
`
	s, err := Parse("a.yaml", []byte(src))
	require.NoError(t, err)
	require.Equal(t, []string{"Mailbox", "ClientAccess"}, s.Topology.Servers[1].Roles)
	_, err = Parse("a.yaml", []byte(strings.Replace(src, "*r", "*nope", 1)))
	require.ErrorContains(t, err, "a.yaml:8:26: unknown alias")
}

func TestConfigLinesAreParsedCmdlets(t *testing.T) {
	s, err := Load("testdata/good/format-example.yaml")
	require.NoError(t, err)
	require.Len(t, s.Config, 1)
	require.Equal(t, "Set-TransportConfig", s.Config[0].Pipeline[0].Name)
	require.Equal(t, Pos{Line: 28, Col: 5}, s.Config[0].Pos)
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.yaml")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("f.yaml", data)
		if err != nil {
			require.True(t, strings.HasPrefix(err.Error(), "f.yaml:"), err.Error())
			return
		}
		require.NotEmpty(t, s.Topology.Servers)
	})
}

func TestAliasBombIsStopped(t *testing.T) {
	// 900 aliases of a 1,200-address list: each within the pre-scan's limits (aliases,
	// items, line length), together over a million list items for the loader.
	var b strings.Builder
	b.WriteString(minimal + "traffic:\n  - {at: 1m, from: a@b.net, to: &l0 [\n")
	for range 1200 {
		b.WriteString("      x@y.net,\n")
	}
	b.WriteString("      x@y.net]}\n")
	for range 900 {
		b.WriteString("  - {at: 1m, from: a@b.net, to: *l0}\n")
	}
	_, err := Parse("bomb.yaml", []byte(b.String()))
	require.ErrorContains(t, err, "more than 1000000 list items")
}

// The pre-scan stops the hostile shapes before go-yaml sees them, with file:line:col
// (issue 23): deep nesting, too many aliases, a NUL byte, invalid UTF-8.
func TestHostileYAMLIsRefusedBeforeTheParser(t *testing.T) {
	for _, tt := range []struct{ name, src, want string }{
		{"deep", "a: " + strings.Repeat("[", 40000) + strings.Repeat("]", 40000) + "\n", "deep.yaml:1:"},
		{"aliases", minimal + "x: &a 1\n" + strings.Repeat("y: *a\n", 1), "aliases.yaml:"},
		{"nul", minimal + "steps: []\n# \x00\n", "nul.yaml:"},
		{"utf8", "name: \xff\xfe\n", "utf8.yaml:1:"},
		{"escaped-nul", strings.Replace(minimal, "description: d", `description: "a\x00b"`, 1), "escaped-nul.yaml:2:14: description:"},
	} {
		_, err := Parse(tt.name+".yaml", []byte(tt.src))
		require.Error(t, err, tt.name)
		require.Contains(t, err.Error(), tt.want, tt.name)
	}
}
func TestEmptyExpectIsAnAbsentExpect(t *testing.T) {
	s, err := Parse("x.yaml", []byte(minimal+"expect:\n"))
	require.NoError(t, err)
	require.True(t, s.Expect.Implicit)
	require.NotNil(t, s.Expect.Lost)
}

// An inbound load balancer takes roundRobin (the default), leastConnections or
// sourceIPAffinity; anything else is refused with the list.
func TestInboundLoadBalancerPoliciesLoad(t *testing.T) {
	base := "name: lb\ndescription: d\nversion: Exchange2016\nduration: 1h\ntopology:\n  servers: [{name: EX1, roles: [Mailbox]}, {name: EX2, roles: [Mailbox]}]\n  internet:\n    inbound: {loadBalancer: [EX1, EX2]%s}\n"
	for _, c := range []struct{ extra, want string }{
		{"", "roundRobin"},
		{", policy: leastConnections", "leastConnections"},
		{", policy: sourceIPAffinity", "sourceIPAffinity"},
	} {
		s, err := Parse("lb.yaml", []byte(fmt.Sprintf(base, c.extra)))
		require.NoError(t, err)
		require.Equal(t, c.want, s.Topology.Internet.Inbound.Policy)
	}
	_, err := Parse("lb.yaml", []byte(fmt.Sprintf(base, ", policy: random")))
	require.ErrorContains(t, err, "want roundRobin, leastConnections, sourceIPAffinity")
}
