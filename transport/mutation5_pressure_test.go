package transport

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Tests that pin back pressure's levels, names and narration (pressure*.go), found by
// mutation testing (issue 24, the fifth transport pass).

// fact: exchange-stress.md §1.1: the level depends on the direction of travel; the
// live 2019 example (MediumToHigh=94 HighToMedium=89 LowToMedium=88 MediumToLow=84)
// stays High until the value drops below 89, and leaves for Low only below 84: at
// exactly 84 a High meter is Medium.
func TestHighPressureFallsToLowOnlyBelowMediumToLow(t *testing.T) {
	tr := transitions{lowToMedium: 88, mediumToHigh: 94, highToMedium: 89, mediumToLow: 84}
	for _, c := range []struct {
		x    int
		want Level
	}{{92, High}, {89, High}, {88, Medium}, {84, Medium}, {83, Low}} {
		require.Equal(t, c.want, tr.next(High, c.x), "High at %d", c.x)
	}
}

// fact: exchange-stress.md §1.5 and §1.2: the 2010 (and 2013) event 15004-15006 body
// names resources in words ("Private bytes", "Physical memory load"); 2016+ names them
// as the diagnostic output does (PrivateBytes, SystemMemory).
func TestPressureEventsNameResourcesAsTheirVersionDoes(t *testing.T) {
	require.Equal(t, "Private bytes", eventName(Exchange2010SP3, PrivateBytes))
	require.Equal(t, "Private bytes", eventName(Exchange2013, PrivateBytes))
	require.Equal(t, "Physical memory load", eventName(Exchange2013, SystemMemory))
	require.Equal(t, "PrivateBytes", eventName(Exchange2016, PrivateBytes))
	require.Equal(t, "SystemMemory", eventName(Exchange2019, SystemMemory))
}

// fact: exchange-stress.md §1.3: PrivateBytes at Medium already pauses boot scanning
// (the BootScanner ResourceLevelObserver); at Low it runs.
func TestBootScannerIsPausedFromMediumPrivateBytes(t *testing.T) {
	h := newHarness(t, Topology{Servers: []ServerSpec{mailbox2016("EX1", "S1", "")}}, newWorld())
	srv := h.o.byName["ex1"]
	var boot observer
	for _, ob := range observers {
		if ob.name == "BootScanner" {
			boot = ob
		}
	}
	require.NotNil(t, boot.paused)
	require.False(t, boot.paused(h.o, srv), "Low")
	srv.bp.meters[PrivateBytes].level = Medium
	require.True(t, boot.paused(h.o, srv), "Medium")
	srv.bp.meters[PrivateBytes].level = High
	require.True(t, boot.paused(h.o, srv), "High")
}

// fact: exchange-stress.md §1.6: event 15004 says "Resource pressure increased from
// <Previous> to <Current>", 15005 "decreased"; 15006 rejects for disk space, 15007
// for the service's memory, each with its own first sentence.
func TestPressureEventsNarrateTheirEventText(t *testing.T) {
	up := PressureChanged{Server: "EX1", EventID: 15004, From: "Normal", To: "Medium"}.Narrate()
	require.Contains(t, up, "event 15004: Resource pressure increased from Normal to Medium.")
	down := PressureChanged{Server: "EX1", EventID: 15005, From: "Medium", To: "Normal"}.Narrate()
	require.Contains(t, down, "event 15005: Resource pressure decreased from Medium to Normal.")
	disk := PressureRejecting{Server: "EX1", EventID: 15006}.Narrate()
	require.Contains(t, disk, "because the available disk space has dropped below the configured threshold.")
	memory := PressureRejecting{Server: "EX1", EventID: 15007}.Narrate()
	require.Contains(t, memory, "because the service continues to consume more memory than the configured threshold.")
	require.NotContains(t, memory, "disk space")
}

// fact: exchange-stress.md §1.1: a server recovers when the resource falls back: it
// then disables nothing and accepts mail again; under pressure the narration names
// what it disables and the 452 4.3.1 senders get.
func TestPressureActionsNarrateRecoveryAndWhatIsDisabled(t *testing.T) {
	require.Equal(t, "EX1: back pressure disables nothing any more: it accepts mail again.", PressureActions{Server: "EX1"}.Narrate())
	require.Contains(t, PressureActions{Server: "EX1", Disabled: []string{"Inbound mail submission from the Internet"}}.Narrate(),
		"now disables Inbound mail submission from the Internet; refused senders get 452 4.3.1")
}

// fact: exchange-2013-pipeline.md §1.5: a message FET proxies to its first destination
// went nowhere else, and that FrontEndRelayed is not narrated (a busy run's narration
// stays small); one with a detour says why.
func TestFrontEndRelayedIsNarratedOnlyWithADetour(t *testing.T) {
	require.Empty(t, FrontEndRelayed{Msg: Msg{1}, FrontEnd: "EX1", BackEnd: "EX2"}.Narrate())
	require.Contains(t, FrontEndRelayed{Msg: Msg{1}, FrontEnd: "EX1", BackEnd: "EX2", Detour: "EX1's own Transport service is down"}.Narrate(),
		"EX1's Front End Transport proxied message #1 to EX2's Transport service")
}
