package explore

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/transport"
)

func TestParseProperties(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		err  string
	}{
		{"no-loss", []string{"no-loss"}, ""},
		{"no-loss, no-stuck,no-duplicates", []string{"no-loss", "no-stuck", "no-duplicates"}, ""},
		{"spof-under:5m,latency-under:1h30m", []string{"spof-under:5m", "latency-under:1h30m"}, ""},
		{"spof-under:00:05:00", []string{"spof-under:5m"}, ""},
		{"No-Loss,no-loss", []string{"no-loss"}, ""},
		{"expectations", []string{"expectations"}, ""},
		{"", nil, "no property given"},
		{"no-los", nil, `did you mean "no-loss"`},
		{"spof-under", nil, "needs a bound"},
		{"spof-under:0s", nil, "positive duration"},
		{"latency-under:soon", nil, "positive duration"},
		{"no-loss:5m", nil, "takes no argument"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			ps, err := ParseProperties(tc.in)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			var names []string
			for _, p := range ps {
				names = append(names, p.String())
			}
			require.Equal(t, tc.want, names)
		})
	}
}

// Each property judges the verdict it names, and its pin makes an expect that
// holds on exactly that verdict.
func TestPropertiesJudgeAndPinTheVerdict(t *testing.T) {
	// What the loader makes of a file without expect: lost and duplicates == 0.
	sc := &scenarios.Scenario{Expect: scenarios.Expect{Implicit: true, Lost: exactly(0), Duplicates: exactly(0)}}
	bad := &scenarios.Result{Scenario: sc, Verdict: transport.Verdict{
		Delivered: 2, Lost: 1, Stuck: 1, Duplicates: 2,
		Fates: []transport.Fate{
			{Message: 1, Recipient: "a@contoso.com", Fate: transport.Delivered, Latency: 90 * time.Minute},
			{Message: 2, Recipient: "b@contoso.com", Fate: transport.Delivered, Latency: time.Second},
			{Message: 3, Recipient: "c@contoso.com", Fate: transport.Lost, Reason: "crash EX2 lose-queue"},
			{Message: 4, Recipient: "d@contoso.com", Fate: transport.Stuck, Reason: "EX1 is down"},
		},
		SPOF: []transport.SPOFWindow{{Message: 3, Server: "EX2", From: time.Minute, To: 11*time.Minute + 1234567}},
	}, Failures: []string{"lost: 1, expected ==0"}}
	good := &scenarios.Result{Scenario: sc, Verdict: transport.Verdict{Delivered: 1,
		Fates: []transport.Fate{{Message: 1, Fate: transport.Delivered, Latency: time.Minute}}}}
	for _, tc := range []struct {
		p    Property
		why  string
		pins func(e scenarios.Expect) bool
	}{
		{NoLoss(), "1 message-recipient(s) lost: #3 to c@contoso.com (crash EX2 lose-queue)", func(e scenarios.Expect) bool { return e.Lost.Holds(1) && !e.Lost.Holds(0) }},
		{NoDuplicates(), "2 duplicate(s) seen by recipients", func(e scenarios.Expect) bool { return e.Duplicates.Holds(2) }},
		{NoStuck(), "1 message-recipient(s) stuck after the faults healed: #4 to d@contoso.com (EX1 is down)", func(e scenarios.Expect) bool { return e.Delivered.Holds(2) }},
		{SPOFUnder(10 * time.Minute), "message #3 sat only on EX2 for 10m0.001s (from 1m), not under 10m", func(e scenarios.Expect) bool { return e.SPOF.Windows.Holds(1) }},
		{LatencyUnder(time.Hour), "message #1 to a@contoso.com took 1h30m, not under 1h", func(e scenarios.Expect) bool { return e.Delivered.Holds(2) }},
		{Expectations(), "lost: 1, expected ==0", func(e scenarios.Expect) bool { return !e.Implicit && e.Lost.Holds(0) }},
	} {
		t.Run(tc.p.Name, func(t *testing.T) {
			require.Equal(t, tc.why, tc.p.Check(bad))
			require.Empty(t, tc.p.Check(good))
			var e scenarios.Expect
			tc.p.pin(bad, &e)
			require.True(t, tc.pins(e))
		})
	}
	vs := Violations([]Property{NoLoss(), NoDuplicates()}, bad)
	require.Len(t, vs, 2)
	require.Equal(t, "no-loss: 1 message-recipient(s) lost: #3 to c@contoso.com (crash EX2 lose-queue)", vs[0].String())
	require.Empty(t, Violations([]Property{NoLoss(), NoStuck()}, good))
}
