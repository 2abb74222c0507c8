package transport

import (
	"strings"
	"testing"
	"time"

	"github.com/exsim/exsim/transport/logs"
	"github.com/stretchr/testify/require"
)

// Tests of tarpitting and history depth (exchange-stress.md 1.1-1.4, pressure_tarpit.go).

// fact: exchange-stress.md 1.1: the MAIL FROM acknowledgement is first delayed 10 seconds, then the
// delay grows in 5-second steps up to 55 seconds; when the resource has not returned to
// normal within its history depth, tarpitting stops and MAIL FROM is rejected.
func TestTarpitDelaysMailFromTenSecondsThenFiveSecondStepsToFiftyFive(t *testing.T) {
	h := pressureHarness(t, Exchange2016)
	srv := h.o.byName["ex1"]
	h.at(time.Second, func() {
		h.o.sample(srv, UsedVersionBuckets, 1200) // Medium (LowToMedium 999)
		require.Equal(t, 10*time.Second, h.o.tarpitDelay(srv))
		require.False(t, srv.refuses(refuseInternet))
	})
	h.at(5*time.Second, func() { require.Equal(t, 20*time.Second, h.o.tarpitDelay(srv)) }) // two intervals
	h.at(19*time.Second, func() { require.Equal(t, 55*time.Second, h.o.tarpitDelay(srv)) })
	h.at(22*time.Second, func() {
		require.Zero(t, h.o.tarpitDelay(srv), "history depth (10 x 2 s) over: no more tarpit")
		require.True(t, srv.refuses(refuseInternet), "452 4.3.1 from now on")
	})
	h.run(time.Minute)
}

// fact: exchange-stress.md §Conflicts "Tarpit timing" and 1.1: a live 2019 server reports
// SmtpStartThrottlingDelayInterval PT1S, Step PT1S, Max PT55S; exsim follows it for
// 2019 and SE and the documents (10 s / 5 s / 55 s) for 2010-2016.
func TestTarpitSchedule2019FollowsTheLiveServer(t *testing.T) {
	for v, want := range map[Version][3]time.Duration{
		Exchange2019:    {time.Second, time.Second, 55 * time.Second},
		ExchangeSE:      {time.Second, time.Second, 55 * time.Second},
		Exchange2016:    {10 * time.Second, 5 * time.Second, 55 * time.Second},
		Exchange2013:    {10 * time.Second, 5 * time.Second, 55 * time.Second},
		Exchange2010SP1: {10 * time.Second, 5 * time.Second, 55 * time.Second},
	} {
		a, b, c := tarpitSchedule(v)
		require.Equal(t, want, [3]time.Duration{a, b, c}, v)
	}
	h := pressureHarness(t, Exchange2019)
	srv := h.o.byName["ex1"]
	h.at(time.Second, func() { h.o.sample(srv, UsedVersionBuckets, 1200) })
	h.at(7*time.Second, func() { require.Equal(t, 4*time.Second, h.o.tarpitDelay(srv)) }) // 1 s + 3 steps
	h.run(10 * time.Second)
}

// fact: exchange-stress.md 1.2 and 1.4: VersionBucketsHistoryDepth 10, SubmissionQueueHistoryDepth 300,
// PrivateBytesHistoryDepth 30 (2013 and 2016+); 1.3 vs 1.4: on 2016+ High refuses at
// once, the 2013 table refuses at High too only "after history depth".
func TestHistoryDepthPerVersion(t *testing.T) {
	for _, v := range []Version{Exchange2010SP1, Exchange2013, Exchange2016, Exchange2019, ExchangeSE} {
		require.Equal(t, 10, historyDepth(v, UsedVersionBuckets), v)
		require.Equal(t, 300, historyDepth(v, SubmissionQueueLength), v)
		require.Equal(t, 30, historyDepth(v, PrivateBytes), v)
		require.Zero(t, historyDepth(v, DatabaseUsedSpace), v)
	}
	for _, c := range []struct {
		v          Version
		high       int
		refusesNow bool
	}{{Exchange2016, 1600, true}, {Exchange2013, 2600, false}, {Exchange2010SP1, 250, false}} {
		h := pressureHarness(t, c.v)
		srv := h.o.byName["ex1"]
		h.at(time.Second, func() {
			h.o.sample(srv, UsedVersionBuckets, c.high)
			require.Equal(t, High, srv.bp.meters[UsedVersionBuckets].level, c.v)
			require.Equal(t, c.refusesNow, srv.refuses(refuseExchange), c.v)
			require.Equal(t, !c.refusesNow, h.o.tarpitDelay(srv) > 0, c.v)
		})
		h.at(22*time.Second, func() { require.True(t, srv.refuses(refuseExchange|refuseInternet), c.v) })
		h.run(30 * time.Second)
	}
	// private bytes has a history depth but no tarpit: it refuses at Medium at once
	h := pressureHarness(t, Exchange2016)
	srv := h.o.byName["ex1"]
	h.at(time.Second, func() {
		h.o.sample(srv, PrivateBytes, 72)
		require.True(t, srv.refuses(refuseInternet))
		require.Zero(t, h.o.tarpitDelay(srv))
	})
	h.run(2 * time.Second)
}

// fact: exchange-stress.md 1.1: since Exchange 2010 the connection is accepted under pressure and the
// throttle acts at MAIL FROM, acknowledged late (tarpit): the Receive log shows the
// tarpit and the message is queued that much later.
func TestTarpitShowsInTheProtocolLogAndInLatency(t *testing.T) {
	queued := func(press bool) (time.Duration, []string) {
		h := pressureHarness(t, Exchange2010SP1) // no front end: the internet reaches EX1 itself
		srv := h.o.byName["ex1"]
		if press {
			h.at(59*time.Second, func() { h.o.sample(srv, UsedVersionBuckets, 150) })
		}
		h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}}) })
		h.run(10 * time.Minute)
		var ctx []string
		var at time.Duration
		for _, r := range h.s.Journal().Records() {
			if p, ok := r.Data.(logs.ProtocolEvent); ok && p.Log == logs.Receive && p.Server == "EX1" {
				if strings.HasPrefix(p.Context, "Tarpit for") {
					ctx = append(ctx, p.Context)
				}
				if strings.HasPrefix(p.Data, "250 2.1.0") && at == 0 {
					at = p.At
				}
			}
		}
		require.Equal(t, Delivered, fateOf(h, 1).Fate)
		return at, ctx
	}
	plain, none := queued(false)
	tarpitted, rows := queued(true)
	require.Empty(t, none)
	require.Equal(t, []string{"Tarpit for '0.00:00:10' due to 'BackPressure'"}, rows)
	require.Equal(t, 10*time.Second, tarpitted-plain, "the sender's 250 to MAIL FROM comes 10 s later")
}

// The tarpit is journaled with its delay and the resource behind it.
func TestTarpitIsJournaledWithItsResource(t *testing.T) {
	h := pressureHarness(t, Exchange2010SP1)
	srv := h.o.byName["ex1"]
	h.at(59*time.Second, func() { h.o.sample(srv, UsedVersionBuckets, 150) })
	h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}}) })
	h.run(10 * time.Minute)
	var got []Tarpitted
	for _, r := range h.s.Journal().Records() {
		if e, ok := r.Data.(Tarpitted); ok {
			got = append(got, e)
		}
	}
	require.Len(t, got, 1)
	require.Equal(t, 10*time.Second, got[0].Delay)
	require.Contains(t, got[0].Narrate(), "Version buckets = 150 [Medium] [Normal=80 Medium=120 High=200]")
}
