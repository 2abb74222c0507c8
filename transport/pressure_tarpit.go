package transport

import (
	"fmt"
	"strings"
	"time"

	"github.com/exsim/exsim/transport/smtp"
)

// Tarpitting under back pressure and each resource's history depth
// (exchange-stress.md 1.1, 1.2, 1.3, 1.4).
//
//   - A resource whose action is "tarpit first" (version buckets and the Submission
//     queue, 1.3 and 1.4; batch points are not modelled) delays its acknowledgement of
//     MAIL FROM from sources outside the organization: first by the start delay, then
//     one step more per ResourceMeteringInterval (2 s) it stays pressed, up to the
//     maximum (1.1). When it has not gone back to Low/Normal within its history depth
//     (a number of metering intervals) tarpitting stops and MAIL FROM is refused with
//     452 4.3.1 until it does (pressure.go).
//   - The schedule (Conflicts, "Tarpit timing"): 2010, 2013 and 2016 follow the
//     documents, SMTPStartThrottlingDelayInterval 00:00:10, Step 00:00:05, Max
//     00:00:55 (the 2013 keys; the 2016 page states the same 10 s / 5 s / 55 s);
//     2019 and SE follow the live 2019 server's configuration, start PT1S, step PT1S,
//     max PT55S (a real product's values over the page's). Base delay 0 everywhere.
//     That the step is taken per metering interval (rather than per MAIL FROM) is
//     exsim's reading: with version buckets' depth of 10 intervals it climbs from 10 s
//     to exactly the 55 s maximum as the documents describe.
//   - History depth per version (1.2, 1.4): VersionBucketsHistoryDepth 10 and
//     SubmissionQueueHistoryDepth 300 ("after 10 minutes") on 2013 and 2016+;
//     PrivateBytesHistoryDepth 30 on both, which gates nothing in exsim: neither
//     action table gives private bytes a tarpit (it refuses at Medium at once).
//     2010: no 2010 source gives depths (Gaps: the 2010 page is not readable), so
//     exsim uses 2013's.
//   - Per version, what the depth covers (1.3 vs 1.4): on 2016+ version buckets and the
//     Submission queue tarpit at Medium only; High refuses at once ("High: plus reject
//     other Exchange servers", no tarpit named). The 2013 table says "High after
//     history depth" as well, so on 2013 (and 2010, as above) High tarpits too until
//     the depth has passed.
//   - The tarpit is written in the Receive protocol log as "Tarpit for '0.00:00:10'
//     due to 'BackPressure'" (the row form of a real 2010 log, 'DelayedAck' there; the
//     reason word for back pressure is exsim's choice, no source shows one) and
//     delays the session, so it shows in the message's latency.
//   - Receive connector TarpitInterval (5 s, for connections that answer with an error
//     to a first command, 2.4) is not modelled: exsim's recipients are never refused
//     at RCPT TO, so nothing triggers it.

// historyDepth is resource r's history depth on version v in metering intervals (0:
// none documented).
func historyDepth(v Version, r Resource) int {
	switch r {
	case UsedVersionBuckets:
		return 10
	case SubmissionQueueLength:
		return 300
	case PrivateBytes:
		return 30
	}
	return 0
}

// tarpits reports whether resource r tarpits before it refuses.
func tarpits(r Resource) bool { return r == UsedVersionBuckets || r == SubmissionQueueLength }

// tarpitsAtHigh reports whether version v's history depth covers High too (1.4).
func tarpitsAtHigh(v Version) bool { return v.Is2010() || v == Exchange2013 }

// tarpitSchedule is version v's start, step and maximum delay.
func tarpitSchedule(v Version) (start, step, maxDelay time.Duration) {
	if v == Exchange2019 || v == ExchangeSE {
		return time.Second, time.Second, 55 * time.Second
	}
	return 10 * time.Second, 5 * time.Second, 55 * time.Second
}

// inTarpit reports whether resource r of srv is pressed but still within its history
// depth: it tarpits instead of refusing.
func (o *Org) inTarpit(srv *server, r Resource) bool {
	m := &srv.bp.meters[r]
	if m.level == Low || !tarpits(r) || !exists(srv.version, r) {
		return false
	}
	if m.level == High && !tarpitsAtHigh(srv.version) {
		return false
	}
	return o.now()-m.pressed < time.Duration(historyDepth(srv.version, r))*meteringInterval
}

// tarpitDelay is how long srv holds its reply to an outside sender's MAIL FROM now (0:
// not at all).
func (o *Org) tarpitDelay(srv *server) time.Duration {
	if srv.bp == nil || !srv.bp.tarpitting {
		return 0
	}
	start, step, maxDelay := tarpitSchedule(srv.version)
	var d time.Duration
	for r := Resource(0); r < nResources; r++ {
		if !o.inTarpit(srv, r) {
			continue
		}
		n := (o.now() - srv.bp.meters[r].pressed) / meteringInterval
		d = max(d, min(start+time.Duration(n)*step, maxDelay))
	}
	return d
}

// tarpit sets c's MAIL FROM delay when srv is tarpitting m's sender.
func (o *Org) tarpit(srv *server, c *smtp.Conversation, m *message) {
	if d := o.tarpitDelay(srv); d > 0 {
		c.MailDelay, c.TarpitReason = d, tarpitReason
		if o.s.Journal().Enabled() {
			emit(o, srv.name, "", Tarpitted{Msg: Msg{m.id}, Server: srv.name, Delay: d, Why: o.tarpitWhy(srv)})
		}
	}
}

// tarpitWhy names the resources that tarpit on srv now.
func (o *Org) tarpitWhy(srv *server) string {
	var names []string
	for r := Resource(0); r < nResources; r++ {
		if o.inTarpit(srv, r) {
			names = append(names, o.meterLine(srv, r))
		}
	}
	return strings.Join(names, ", ")
}

// Tarpitted: srv held its reply to the MAIL FROM of message Msg's sender for Delay
// (back pressure's tarpit, Why the resources within their history depth).
type Tarpitted struct {
	Msg
	Server string
	Delay  time.Duration
	Why    string
}

func (Tarpitted) Kind() string { return "transport.pressure" }
func (e Tarpitted) Narrate() string {
	return fmt.Sprintf("%s tarpits the MAIL FROM of message #%d for %v (back pressure, before it refuses: %s).", e.Server, e.Message, e.Delay, e.Why)
}

// tarpitReason is the tarpit row's "due to" word (exsim's choice, above).
const tarpitReason = "BackPressure"
