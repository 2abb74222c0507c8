package scenarios

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// runAs runs a built-in scenario with every server on version v instead of the
// version its file names.
func runAs(t *testing.T, file, from, v string) *Result {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	src := strings.ReplaceAll(string(data), "version: "+from, "version: "+v)
	sc, err := Parse(file, []byte(src))
	require.NoError(t, err)
	res, err := Run(sc, Options{})
	require.NoError(t, err)
	return res
}

// Exchange 2010 SP2 and SP3 behave as SP1 where nothing modelled changed (seed 003's
// author ran SP3): the same run, event for event.
func TestExchange2010SP2AndSP3BehaveAsSP1(t *testing.T) {
	sp1 := runAs(t, "dag-message-tracking.yaml", "Exchange2010SP3", "Exchange2010SP1")
	for _, v := range []string{"Exchange2010SP2", "Exchange2010SP3"} {
		got := runAs(t, "dag-message-tracking.yaml", "Exchange2010SP3", v)
		require.Equal(t, sp1.Hash, got.Hash, v)
		require.Equal(t, sp1.Verdict, got.Verdict, v)
	}
}

// Subscription Edition is 2019 CU15's code with new version strings
// (exchange-2013-pipeline.md section 3): the same run as 2019, and its tracking logs
// carry SE's build, 15.02.2562.017.
func TestExchangeSEBehavesAs2019WithItsOwnBuild(t *testing.T) {
	e19 := runAs(t, "dag-maintenance.yaml", "Exchange2016", "Exchange2019")
	se := runAs(t, "dag-maintenance.yaml", "Exchange2016", "ExchangeSE")
	require.Equal(t, e19.Hash, se.Hash)
	require.Equal(t, e19.Verdict, se.Verdict)
	files, err := se.TrackingLogs()
	require.NoError(t, err)
	require.NotEmpty(t, files)
	require.Contains(t, string(files[0].Data), "#Version: 15.02.2562.017\r\n")
}
