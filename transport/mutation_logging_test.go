package transport

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/exsim/exsim/transport/logs"
	"github.com/stretchr/testify/require"
)

// Tests that what happens does not depend on which logs are kept (mutation testing,
// issue 24): the protocol log is built from the same sessions the model times, so a
// run without it has the same events at the same instants.

// withoutProtocolLog runs build's world for d, with or without the protocol log, and
// returns every other journal record as "instant kind text", and the verdict.
func withoutProtocolLog(t *testing.T, omit bool, d time.Duration, build func(t *testing.T) *harness) (string, Verdict) {
	h := build(t)
	if omit {
		h.s.Journal().Omit(logs.KindProtocol)
	}
	h.run(d)
	var b strings.Builder
	for _, r := range h.s.Journal().Records() {
		if r.Kind == logs.KindProtocol {
			continue
		}
		fmt.Fprintf(&b, "%v %s %s %v\n", r.At, r.Kind, r.Subject, r.Text())
	}
	return b.String(), h.o.Verdict()
}

// fact: exchange-2013-pipeline.md §1.5 and §2: the sender has FET's reply one crossing
// after the back end's 250 reached FET, whether or not the front end's protocol log is
// kept; exchange-transport.md §1.4: the same for a 2010 hub's delayed acknowledgement.
func TestAcknowledgementTimesDoNotDependOnTheProtocolLog(t *testing.T) {
	worlds := map[string]func(t *testing.T) *harness{
		"front end fails over": func(t *testing.T) *harness {
			top, w := twoDAGs2019()
			h := newHarness(t, top, w)
			h.at(30*time.Second, func() { h.o.Crash("B1", false) })
			for i := 0; i < 3; i++ {
				h.at(time.Duration(i+1)*time.Minute, func() {
					h.submit(Message{From: "x@fabrikam.net", To: []string{"b@contoso.com"}, Subject: "s"})
				})
			}
			return h
		},
		"2010 delayed ack": func(t *testing.T) *harness { return seed002World(t) },
		// exchange-stress.md 1.1: the back end holds the proxied MAIL FROM; runs
		// without protocol logs once lost the delay (the session timing cache)
		"a tarpitting back end": func(t *testing.T) *harness {
			h := pressureHarness(t, Exchange2016)
			h.at(time.Second, func() { h.o.sample(h.o.byName["ex1"], UsedVersionBuckets, 1200) })
			for i := 0; i < 6; i++ {
				h.at(time.Duration(2+i)*time.Second, func() { h.submit(internetMail(fmt.Sprint("tarpitted ", i))) })
			}
			return h
		},
		// every session an internet message has, timed without being
		// built when no protocol log shows it (quickQueued)
		"a day of internet mail, compressed": func(t *testing.T) *harness {
			top, w := threeMember2016()
			h := newHarness(t, top, w)
			for i := 0; i < 40; i++ {
				h.at(time.Duration(i)*7*time.Second, func() {
					h.submit(Message{From: "x@fabrikam.net", To: []string{"user@contoso.com"}, Subject: fmt.Sprint("m", i)})
				})
			}
			return h
		},
		// exchange-2013-pipeline.md 1.7: with MSExchangeDelivery stopped, port 475
		// refuses and the message waits in its delivery queue
		"Mailbox Transport Delivery stopped": func(t *testing.T) *harness {
			top, w := twoDAGs2019()
			h := newHarness(t, top, w)
			h.at(30*time.Second, func() { require.NoError(t, h.o.StopService("B1", "MSExchangeDelivery")) })
			h.at(time.Minute, func() { h.submit(Message{From: "x@fabrikam.net", To: []string{"b@contoso.com"}, Subject: "in"}) })
			h.at(6*time.Minute, func() { require.NoError(t, h.o.StartService("B1", "MSExchangeDelivery")) })
			return h
		},
		// exchange-stress.md 4.2: a suspended message is not offered, even alone in
		// its queue when its database comes back
		"a suspended message": func(t *testing.T) *harness {
			top, w := twoMemberSite(Exchange2016)
			w.mounted["DB1"] = false
			h := newHarness(t, top, w)
			h.at(time.Minute, func() {
				h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "suspended"})
			})
			h.at(5*time.Minute, func() {
				n := 0
				for _, srv := range []string{"EX1", "EX2"} {
					for _, q := range h.o.GetQueue(srv) {
						if q.DeliveryType == "SmtpDeliveryToMailbox" && q.MessageCount > 0 {
							require.NoError(t, h.o.SuspendMessage(messageID(h, srv, "SmtpDeliveryToMailbox")))
							n++
						}
					}
				}
				require.Equal(t, 1, n, "the message waits in one delivery queue")
				w.mounted["DB1"] = true
			})
			return h
		},
		"2010 hub defers to 2013": func(t *testing.T) *harness {
			h := mixed2010to2013(t, true)
			h.at(10*time.Minute, func() { h.submit(internetMail("deferred")) })
			return h
		},
	}
	for name, build := range worlds {
		t.Run(name, func(t *testing.T) {
			with, vWith := withoutProtocolLog(t, false, 20*time.Minute, build)
			without, vWithout := withoutProtocolLog(t, true, 20*time.Minute, build)
			require.Equal(t, with, without)
			require.Equal(t, vWith, vWithout)
		})
	}
}

// seed002World is seed 002's world (DB1 dismounted) with two internet messages.
func seed002World(t *testing.T) *harness {
	top, w := redSite()
	h := newHarness(t, top, w)
	h.at(10*time.Minute, func() { h.submit(internetMail("test 1")) })
	h.at(10*time.Minute+45*time.Second, func() { h.submit(internetMail("test 2")) })
	return h
}
