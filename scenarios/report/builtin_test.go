package report

import (
	"bytes"
	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/sim/simtest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport"
	"github.com/exsim/exsim/transport/logs"
	"github.com/stretchr/testify/require"
)

// goldenFile compares got with testdata/golden/name byte for byte; -update rewrites it.
func goldenFile(t *testing.T, name string, got []byte) {
	t.Helper()
	simtest.Golden(t, filepath.Join("golden", name), string(got))
}

func runBuiltin(t testing.TB, name string) *scenarios.Result {
	t.Helper()
	sc, err := scenarios.Open(name)
	require.NoError(t, err)
	res, err := scenarios.Run(sc, scenarios.Options{})
	require.NoError(t, err)
	return res
}

// Every built-in scenario passes its own expectations, and its narration, JSON result
// and first tracking log are pinned byte for byte.
func TestBuiltinScenariosPassAndMatchGolden(t *testing.T) {
	list, err := scenarios.Builtins()
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(list), 6)
	for _, b := range list {
		t.Run(b.Name, func(t *testing.T) {
			res := runBuiltin(t, b.Name)
			require.True(t, res.Passed(), "expectations failed:\n%s", strings.Join(res.Failures, "\n"))

			var narration bytes.Buffer
			require.NoError(t, Write(&narration, res, Options{Command: "exsim run " + b.Name}))
			goldenFile(t, b.Name+".narration.golden", narration.Bytes())

			var js bytes.Buffer
			require.NoError(t, WriteJSON(&js, res))
			goldenFile(t, b.Name+".json.golden", js.Bytes())

			files, err := res.TrackingLogs()
			require.NoError(t, err)
			if len(files) > 0 {
				goldenFile(t, b.Name+".tracking.golden", []byte(files[0].Path+"\n"+string(files[0].Data)))
			}
		})
	}
}

// The same scenario and seed give byte-identical output and the same hash.
func TestBuiltinScenariosAreDeterministic(t *testing.T) {
	list, err := scenarios.Builtins()
	require.NoError(t, err)
	for _, b := range list {
		t.Run(b.Name, func(t *testing.T) {
			a, c := runBuiltin(t, b.Name), runBuiltin(t, b.Name)
			require.Equal(t, a.Hash, c.Hash)
			var x, y bytes.Buffer
			require.NoError(t, WriteJSON(&x, a))
			require.NoError(t, WriteJSON(&y, c))
			require.Equal(t, x.String(), y.String())
		})
	}
}

// A different seed changes a scenario with random traffic, so the hash really
// covers what ran (the test can fail).
func TestSeedChangesRandomTraffic(t *testing.T) {
	sc, err := scenarios.Open("single-server-maintenance-documented")
	require.NoError(t, err)
	a, err := scenarios.Run(sc, scenarios.Options{})
	require.NoError(t, err)
	seed := uint64(7)
	b, err := scenarios.Run(sc, scenarios.Options{Seed: &seed})
	require.NoError(t, err)
	require.NotEqual(t, a.Hash, b.Hash)
}

// seed 002: the first ack is delayed the full 30 s, the second is skipped because
// the queue is in Retry, and the crash with a lost queue database loses both.
func TestHubFailureReproducesSeed002(t *testing.T) {
	res := runBuiltin(t, "hub-failure")
	held := map[int]time.Duration{}
	var acks []sim.Record
	for _, r := range res.Journal {
		if r.Kind == "transport.delayedack" {
			held[transport.MessageOf(r.Data)] = r.At
		} else if r.Kind == "transport.ack" {
			acks = append(acks, r)
		}
	}
	require.Len(t, acks, 2)
	require.Equal(t, 30*time.Second, acks[0].At-held[transport.MessageOf(acks[0].Data)], "the first ack waits the full MaxAcknowledgementDelay")
	require.Contains(t, acks[0].Text(), "MaxAcknowledgementDelay (30s) ran out")
	require.Equal(t, time.Duration(0), acks[1].At-held[transport.MessageOf(acks[1].Data)], "the second is not delayed at all")
	require.Contains(t, acks[1].Text(), "DelayedAckSkipping (QueueInRetry)")
	require.Equal(t, 2, res.Verdict.Lost)
	require.Equal(t, "FAB-RED-HUB1", res.Verdict.MostExposedServer)
}

// seed 000: no alert while MX01 is in maintenance mode, two missing-heartbeat alerts
// when it ends with MX01 still down, and one latency alert listing the queued probes
// once MX01 is back and MX02 has retried.
func TestMailflowMaintenanceModeReproducesSeed000(t *testing.T) {
	res := runBuiltin(t, "mailflow-maintenance-mode")
	require.Len(t, res.Alerts, 3)
	for _, a := range res.Alerts {
		require.GreaterOrEqual(t, a.At, 54*time.Minute, "no alert during maintenance (24m to 54m)")
	}
	require.Equal(t, "heartbeat", res.Alerts[0].Monitor)
	require.Equal(t, "heartbeat", res.Alerts[1].Monitor)
	late := res.Alerts[2]
	require.Equal(t, "mailflow", late.Monitor)
	require.Equal(t, "Specified delivery latency of mail flow messages exceeded", late.Name)
	require.Equal(t, 4, strings.Count(late.Detail, "Delivery latency from MX02"), late.Detail)
}

// seed 003: the Send protocol log of the outbound session to the smart host has the
// documented #Fields and the session the author annotated: attempting to connect,
// connect, 220, EHLO, "sending message", MAIL FROM, RCPT TO, DATA, 250, QUIT, 221.
func TestDagMessageTrackingOutboundProtocolLog(t *testing.T) {
	res := runBuiltin(t, "dag-message-tracking")
	files, err := res.ProtocolLogs()
	require.NoError(t, err)
	var send string
	for _, f := range files {
		if f.Server == "EX13-2" && strings.Contains(f.Path, "SmtpSend") {
			send = string(f.Data)
		}
	}
	require.Contains(t, send, "#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\r\n")
	var events []string
	for _, line := range strings.Split(send, "\r\n") {
		if !strings.Contains(line, ",MYNET-SendConn-1,") {
			continue
		}
		f := strings.Split(line, ",")
		require.Len(t, f, 9, line)
		word := ""
		if w := strings.Fields(f[7] + " " + f[8]); len(w) > 0 {
			word = w[0]
		}
		events = append(events, f[6]+" "+word)
	}
	// The smart host offers SIZE 36700160 and PIPELINING ("<,250-SIZE 36700160,"), so
	// MAIL FROM (with SIZE=) and RCPT TO go before their two 250s, as in the seed.
	require.Equal(t, []string{"* attempting", "+ ", "< 220", "> EHLO", "< 250-smtp.no-ip.com", "< 250-SIZE", "< 250", "* 1",
		"> MAIL", "> RCPT", "< 250", "< 250", "> DATA", "< 354", "< 250", "> QUIT", "< 221", "- Local"}, events)
	require.Contains(t, send, ",>,MAIL FROM:<alan.reid@mynet.ca> SIZE=6144,")
}

// Omitting the protocol log rows (as exploration does) changes nothing else: the same
// events run, the verdict, JSON and tracking logs are identical.
func TestOmittingProtocolRowsChangesNothingElse(t *testing.T) {
	list, err := scenarios.Builtins()
	require.NoError(t, err)
	for _, b := range list {
		t.Run(b.Name, func(t *testing.T) {
			sc, err := scenarios.Open(b.Name)
			require.NoError(t, err)
			full, err := scenarios.Run(sc, scenarios.Options{})
			require.NoError(t, err)
			lean, err := scenarios.Run(sc, scenarios.Options{OmitKinds: []string{logs.KindProtocol}})
			require.NoError(t, err)
			require.Equal(t, full.Hash, lean.Hash)
			var a, c bytes.Buffer
			require.NoError(t, WriteJSON(&a, full))
			require.NoError(t, WriteJSON(&c, lean))
			require.Equal(t, a.String(), c.String())
			ft, err := full.TrackingLogs()
			require.NoError(t, err)
			lt, err := lean.TrackingLogs()
			require.NoError(t, err)
			require.Equal(t, ft, lt)
			p, err := lean.ProtocolLogs()
			require.NoError(t, err)
			require.Empty(t, p)
		})
	}
}

// Stop-SCOMMaintenanceMode ends maintenance early: MX01 went down at 35m, its last
// heartbeat was at 30m, so by the check at 40m two (5m apart) are missed; the check runs
// just after the step at that instant, and the alerts come at 40m instead of at 60m,
// when maintenance would have ended.
func TestStopSCOMMaintenanceModeReleasesHeldAlerts(t *testing.T) {
	sc, err := scenarios.Open("mailflow-maintenance-mode")
	require.NoError(t, err)
	stop, err := scenarios.CmdletAt(40*time.Minute, "", "Stop-SCOMMaintenanceMode -Instance MX01")
	require.NoError(t, err)
	res, err := scenarios.Run(sc, scenarios.Options{Steps: []scenarios.Step{stop}})
	require.NoError(t, err)
	var beats []time.Duration
	for _, a := range res.Alerts {
		if a.Monitor == "heartbeat" {
			beats = append(beats, a.At)
		}
	}
	require.Equal(t, []time.Duration{40 * time.Minute, 40 * time.Minute}, beats)
}

// A run that journals only what its outputs read writes those outputs exactly as a
// run that keeps everything: the same hash, narration, JSON and tracking logs.
func TestOutputsAreTheSameWhateverElseIsJournaled(t *testing.T) {
	list, err := scenarios.Builtins()
	require.NoError(t, err)
	for _, b := range list {
		t.Run(b.Name, func(t *testing.T) {
			sc, err := scenarios.Open(b.Name)
			require.NoError(t, err)
			full := runBuiltin(t, b.Name)
			var wantText, wantJSON bytes.Buffer
			require.NoError(t, Write(&wantText, full, Options{}))
			require.NoError(t, WriteJSON(&wantJSON, full))
			wantLogs, err := full.TrackingLogs()
			require.NoError(t, err)
			for _, outs := range []scenarios.Outputs{
				scenarios.VerdictOutput,
				scenarios.VerdictOutput | scenarios.NarrationOutput,
				scenarios.VerdictOutput | scenarios.TrackingLogOutput,
				scenarios.VerdictOutput | scenarios.ProtocolLogOutput,
			} {
				lean, err := scenarios.Run(sc, scenarios.Options{Outputs: outs})
				require.NoError(t, err)
				require.Equal(t, full.Hash, lean.Hash, "outputs %b", outs)
				var text, js bytes.Buffer
				require.NoError(t, WriteJSON(&js, lean))
				require.Equal(t, wantJSON.String(), js.String(), "outputs %b", outs)
				if outs&scenarios.NarrationOutput != 0 {
					require.NoError(t, Write(&text, lean, Options{}))
					require.Equal(t, wantText.String(), text.String())
				}
				if outs&scenarios.TrackingLogOutput != 0 {
					logs, err := lean.TrackingLogs()
					require.NoError(t, err)
					require.Equal(t, wantLogs, logs)
				}
				if outs == scenarios.VerdictOutput {
					// (connectors log no SMTP session by default, so a full run's journal is
					// no longer mostly protocol rows: the lean one is smaller and has none)
					require.Less(t, len(lean.Journal), len(full.Journal), "a verdict-only run keeps few records")
					for _, r := range lean.Journal {
						require.NotEqual(t, logs.KindProtocol, r.Kind, "a verdict-only run keeps no protocol row")
					}
				}
			}
		})
	}
}
