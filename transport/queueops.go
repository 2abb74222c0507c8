package transport

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/exsim/exsim/sim/psfmt"
)

// findQueue resolves a queue identity: <Server>\<n>, <Server>\Shadow\<n>,
// <Server>\Submission, <Server>\Unreachable or <Server>\<NextHopDomain>.
func (o *Org) findQueue(id string) (*queue, error) {
	server, name, ok := strings.Cut(id, `\`)
	if !ok || name == "" {
		return nil, fmt.Errorf(`queue identity %q: expected <Server>\<Queue>`, id)
	}
	srv, err := o.server(server)
	if err != nil {
		return nil, err
	}
	if !srv.up {
		return nil, fmt.Errorf("%s is not reachable: its transport service is not running", srv.name)
	}
	var names []string
	for _, q := range srv.queues {
		if q.kind == qSafetyNet {
			continue // Safety Net is in the queue database but is no queue the cmdlets see
		}
		qn := strings.TrimPrefix(q.identity(), srv.name+`\`)
		names = append(names, qn)
		if strings.EqualFold(qn, name) || (q.kind == qDelivery && strings.EqualFold(q.nextHop, name)) {
			return q, nil
		}
	}
	if c := closest(name, names); c != "" {
		return nil, fmt.Errorf("queue %q was not found (did you mean %q?)", id, srv.name+`\`+c)
	}
	return nil, fmt.Errorf("queue %q was not found", id)
}

// RetryQueue forces a connection attempt now for a delivery queue (Retry-Queue).
func (o *Org) RetryQueue(id string) error {
	q, err := o.findQueue(id)
	if err != nil {
		return err
	}
	if q.kind != qDelivery {
		return fmt.Errorf("Retry-Queue: %s is not a delivery queue", q.identity())
	}
	if q.suspended {
		return fmt.Errorf("Retry-Queue: %s is suspended; resume it first", q.identity())
	}
	if o.s.Journal().Enabled() {
		emit(o, q.srv.name, q.identity(), QueueEvent{Op: QueueRetried, Identity: q.identity(), Status: q.status})
	}
	if !q.busy {
		o.scheduleAttempt(q, 0)
	}
	return nil
}

// SuspendQueue suspends a queue (Suspend-Queue): new messages still enter, nothing
// leaves until it is resumed. A suspended Submission queue holds messages before the
// categorizer.
func (o *Org) SuspendQueue(id string) error {
	q, err := o.findQueue(id)
	if err != nil {
		return err
	}
	if q.kind == qPoison {
		return fmt.Errorf("Suspend-Queue: %s cannot be suspended: its messages are already suspended", q.identity())
	}
	q.suspended = true
	q.status = "Suspended"
	if o.s.Journal().Enabled() {
		emit(o, q.srv.name, q.identity(), QueueEvent{Op: QueueSuspended, Identity: q.identity(), Status: "Suspended"})
	}
	return nil
}

// ResumeQueue resumes a suspended queue (Resume-Queue).
func (o *Org) ResumeQueue(id string) error {
	q, err := o.findQueue(id)
	if err != nil {
		return err
	}
	if q.kind == qPoison {
		return fmt.Errorf("Resume-Queue: %s cannot be resumed as a queue; each message is resumed with Resume-Message", q.identity())
	}
	if !q.suspended {
		return nil
	}
	q.suspended = false
	q.status = "Ready"
	if q.inRetry {
		q.status = "Retry"
	}
	if o.s.Journal().Enabled() {
		emit(o, q.srv.name, q.identity(), QueueEvent{Op: QueueResumed, Identity: q.identity(), Status: q.status})
	}
	switch q.kind {
	case qDelivery:
		if !q.busy {
			o.scheduleAttempt(q, 0)
		}
	case qSubmission:
		items := q.items
		q.items = nil
		q.emptySince = o.now()
		for _, it := range items {
			it.q = nil
			o.categorize(q.srv, it)
		}
	}
	return nil
}

// GetMessage prints the messages of a queue (queue "<Server>\<Queue>") or of every
// queue of server, as Get-Message does: a content-sized table of the default
// view's columns Identity, FromAddress, Status, Queue, Subject, or Format-List. It
// is the model's own rendering, for its tests; a step prints the shell's view
// (scenarios' views table) of Messages.
func (o *Org) GetMessage(server, queueID string, list bool) (string, error) {
	objs, err := o.Messages(server, queueID)
	if err != nil {
		return "", err
	}
	if list {
		return psfmt.List(objs), nil
	}
	cols := []psfmt.Column{{Name: "Identity"}, {Name: "FromAddress"}, {Name: "Status"}, {Name: "Queue"}, {Name: "Subject"}}
	var cells [][]string
	for _, m := range objs {
		// Subject, Size, FromAddress, Status, LastError, Queue, Identity
		cells = append(cells, []string{m[6].Value, m[2].Value, m[3].Value, m[5].Value, m[0].Value})
	}
	return psfmt.Table(cols, cells), nil
}

// Messages are the objects Get-Message returns for a queue or every queue of a
// server, each with its properties in the order Format-List prints them: Subject,
// Size, FromAddress, Status, LastError, Queue, Identity.
func (o *Org) Messages(server, queueID string) ([][]psfmt.Field, error) {
	var qs []*queue
	switch {
	case queueID != "":
		q, err := o.findQueue(queueID)
		if err != nil {
			return nil, err
		}
		qs = []*queue{q}
	case server != "":
		srv, err := o.server(server)
		if err != nil {
			return nil, err
		}
		if !srv.up {
			return nil, fmt.Errorf("%s is not reachable: its transport service is not running", srv.name)
		}
		qs = srv.queues
	default:
		for _, srv := range o.servers {
			if srv.up {
				qs = append(qs, srv.queues...)
			}
		}
	}
	type row struct{ id, from, status, queue, subject, lastErr, size string }
	var rows []row
	for _, q := range qs {
		if q.kind == qSafetyNet {
			continue // Get-Message does not list Safety Net
		}
		for _, it := range q.items {
			st, lastErr := "Ready", q.lastError
			switch {
			case q.kind == qPoison: // 3.3: poison messages are permanently Suspended
				st = "Suspended"
			case q.suspended:
				st = "Suspended"
			case q.inRetry:
				st = "Retry"
			case it.sending:
				st = "Active"
			case it.ext != nil && it.ext.deferErr != "":
				// deferred alone (a 4xx for this message): 3.3's message status Retry,
				// with the reply as its LastError (exsim's choice: no source shows one)
				st, lastErr = "Retry", it.ext.deferErr
			}
			rows = append(rows, row{id: q.identity() + `\` + strconv.Itoa(it.intID), from: it.m.m.From, status: st, queue: q.identity(),
				subject: it.m.m.Subject, lastErr: lastErr, size: psSize(it.m.m.Size)})
		}
	}
	var objs [][]psfmt.Field
	for _, r := range rows {
		objs = append(objs, []psfmt.Field{
			{Name: "Subject", Value: r.subject},
			{Name: "Size", Value: r.size},
			{Name: "FromAddress", Value: r.from},
			{Name: "Status", Value: r.status},
			{Name: "LastError", Value: r.lastErr},
			{Name: "Queue", Value: r.queue},
			{Name: "Identity", Value: r.id},
		})
	}
	return objs, nil
}

// psSize renders a byte count as Exchange's ByteQuantifiedSize does: "4 KB (4,096 bytes)".
func psSize(n int) string {
	unit, div := "B", 1.0
	switch {
	case n >= 1<<30:
		unit, div = "GB", 1<<30
	case n >= 1<<20:
		unit, div = "MB", 1<<20
	case n >= 1<<10:
		unit, div = "KB", 1<<10
	}
	v := strconv.FormatFloat(float64(n)/div, 'f', 3, 64)
	v = strings.TrimRight(strings.TrimRight(v, "0"), ".")
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return v + " " + unit + " (" + b.String() + " bytes)"
}

// RedirectMessage drains the active messages of every delivery queue of server to
// target (Redirect-Message -Server -Target, Exchange 2013+ only: RM). Shadow queues,
// Safety Net and Poison stay. While it drains, server takes no new messages (exsim:
// until its transport service next starts). The target shadows what it receives
// again. The drained messages wait in a queue of DeliveryType SmtpRelayToServers
// whose NextHopDomain is the target (exsim's choice: the sources do not show it).
func (o *Org) RedirectMessage(source, target string) error {
	srv, err := o.server(source)
	if err != nil {
		return err
	}
	tgt, err := o.server(strings.TrimSuffix(strings.SplitN(target, ".", 2)[0], "."))
	if err != nil {
		return fmt.Errorf("Redirect-Message -Target: %w", err)
	}
	if srv.version.Is2010() || tgt.version.Is2010() {
		return fmt.Errorf("Redirect-Message exists in Exchange 2013 and later only (%s runs %s)", srv.name, srv.version)
	}
	if !srv.transport || !tgt.transport {
		return fmt.Errorf("Redirect-Message: %s and %s must both run the Transport service", srv.name, tgt.name)
	}
	if srv == tgt {
		return fmt.Errorf("Redirect-Message: the target must be another server than %s", srv.name)
	}
	if !srv.up {
		return fmt.Errorf("%s is not reachable: its transport service is not running", srv.name)
	}
	srv.redirected = true
	rq := o.queueFor(srv, route{dtype: "SmtpRelayToServers", nextHop: o.fqdn(tgt), kind: qDelivery, targets: []*server{tgt}})
	n := 0
	for _, q := range append([]*queue(nil), srv.queues...) {
		if q.kind != qDelivery || q == rq {
			continue
		}
		for _, it := range append([]*item(nil), q.items...) {
			if it.sending {
				continue
			}
			o.takeFromQueue(it)
			o.enqueue(rq, it)
			n++
		}
	}
	if o.s.Journal().Enabled() {
		emit(o, srv.name, srv.name, Redirected{Server: srv.name, Target: tgt.name, Count: n})
	}
	return nil
}
