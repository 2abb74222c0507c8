package transport

import (
	"fmt"
	"strconv"
	"strings"
	"time"

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
			case it.sending && it.ext != nil && it.ext.pendingRemove: // 4.2
				st = "PendingRemove"
			case it.sending && it.ext != nil && it.ext.suspended: // 4.2
				st = "PendingSuspend"
			case q.suspended, it.ext != nil && it.ext.suspended:
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

// Queue recovery (exchange-stress.md section 4).

// QueueResubmitted: a queue's messages went back to the categorizer (Retry-Queue
// -Resubmit $true, or MaxIdleTimeBeforeResubmit).
type QueueResubmitted struct {
	Identity string
	Messages int
	Why      string // "Retry-Queue -Resubmit $true" or "MaxIdleTimeBeforeResubmit"
}

func (QueueResubmitted) Kind() string { return "transport.queue" }
func (e QueueResubmitted) Narrate() string {
	return fmt.Sprintf("%s: %d message(s) go back to the categorizer (%s) and are routed again.", e.Identity, e.Messages, e.Why)
}

// ResubmitQueue is Retry-Queue -Resubmit $true (4.1): the messages of a delivery
// queue in Retry, or of the Unreachable queue, are sent back to the categorizer
// before connecting; the poison queue cannot be resubmitted as a queue, and a
// suspended queue's messages are not resubmitted (4.1).
func (o *Org) ResubmitQueue(id string) error {
	q, err := o.findQueue(id)
	if err != nil {
		return err
	}
	switch {
	case q.kind == qPoison:
		return fmt.Errorf("Retry-Queue: %s cannot be resubmitted as a queue; resume each message with Resume-Message", q.identity())
	case q.kind != qDelivery && q.kind != qUnreachable:
		return fmt.Errorf("Retry-Queue: %s is not a delivery queue or the Unreachable queue", q.identity())
	case q.kind == qDelivery && !q.inRetry:
		// the product's wording (Exchange 2007's reference, 4.1)
		return fmt.Errorf("Retry-Queue: you can set the Resubmit parameter to $true only when the status of the remote queue is Retry (%s is %s)", q.identity(), q.status)
	case q.suspended:
		return fmt.Errorf("Retry-Queue: %s is suspended: suspended messages are not resubmitted; resume it first", q.identity())
	}
	o.resubmitQueue(q, "Retry-Queue -Resubmit $true")
	return nil
}

// resubmitQueue sends q's messages that are not on the wire back to the categorizer.
func (o *Org) resubmitQueue(q *queue, why string) {
	var items []*item
	for _, it := range q.items {
		if !it.sending && !it.awaiting {
			items = append(items, it)
		}
	}
	if len(items) == 0 {
		return
	}
	if o.s.Journal().Enabled() {
		emit(o, q.srv.name, q.identity(), QueueResubmitted{Identity: q.identity(), Messages: len(items), Why: why})
	}
	if o.idleResubmit == nil {
		o.idleResubmit = map[*queue]time.Duration{}
	}
	o.idleResubmit[q] = o.now()
	for _, it := range items {
		o.takeFromQueue(it)
		it.q = nil
		o.categorize(q.srv, it)
	}
}

// idleResubmitCheck is MaxIdleTimeBeforeResubmit (EdgeTransport.exe.config, 12 h,
// 4.3): a delivery queue in Retry that has delivered nothing for that long (since it
// went to Retry, or since its last resubmission) sends its messages back to the
// Submission queue for re-categorization. Back pressure's "message resubmission
// paused" (1.3, 2016+) holds it until the pressure ends (the next retry after).
func (o *Org) idleResubmitCheck(q *queue) {
	if q.kind != qDelivery || !q.inRetry || q.suspended || q.srv.refuses(pauseResubmit) {
		return
	}
	since := q.firstRetry
	if t, ok := o.idleResubmit[q]; ok && t > since {
		since = t
	}
	if o.now()-since >= o.cfgDur(cMaxIdleTimeBeforeResubmit, q.srv) {
		o.resubmitQueue(q, "MaxIdleTimeBeforeResubmit")
	}
}

var cMaxIdleTimeBeforeResubmit = mustSetting("MaxIdleTimeBeforeResubmit")

// findMessage resolves a message identity <Server>\<Queue>\<MessageInteger>, the
// Identity column of Get-Message (4.2; the shorter forms need a context exsim's steps
// do not have).
func (o *Org) findMessage(id string) (*queue, *item, error) {
	k := strings.LastIndex(id, `\`)
	if k <= 0 {
		return nil, nil, fmt.Errorf(`message identity %q: expected <Server>\<Queue>\<MessageInteger> (Get-Message shows it)`, id)
	}
	n, err := strconv.Atoi(id[k+1:])
	if err != nil {
		return nil, nil, fmt.Errorf(`message identity %q: expected <Server>\<Queue>\<MessageInteger> (Get-Message shows it)`, id)
	}
	q, err := o.findQueue(id[:k])
	if err != nil {
		return nil, nil, err
	}
	for _, it := range q.items {
		if it.intID == n && !it.dead {
			return q, it, nil
		}
	}
	return nil, nil, fmt.Errorf("message %q was not found", id)
}

// MessageRemoved: Remove-Message took a message out of a queue, with an NDR to its
// sender or without (then it is lost, unless another copy delivers it). Pending: the
// message was being delivered; it is PendingRemove and goes only if that fails.
type MessageRemoved struct {
	Msg
	Identity string
	WithNDR  bool
	Pending  bool
}

func (MessageRemoved) Kind() string { return "transport.queue" }
func (e MessageRemoved) Narrate() string {
	switch {
	case e.Pending:
		return fmt.Sprintf("Remove-Message: message #%d (%s) is being delivered: it is PendingRemove and is removed only if this delivery fails.", e.Message, e.Identity)
	case e.WithNDR:
		return fmt.Sprintf("Remove-Message removed message #%d (%s); its sender gets an NDR.", e.Message, e.Identity)
	}
	return fmt.Sprintf("Remove-Message -WithNDR $false removed message #%d (%s) without an NDR: nobody is told.", e.Message, e.Identity)
}

// MessageSuspended: Suspend-Message or Resume-Message changed a message's status.
// Pending: it was being delivered (PendingSuspend): it is suspended only if that
// delivery fails.
type MessageSuspended struct {
	Msg
	Identity  string
	Suspended bool
	Pending   bool
}

func (MessageSuspended) Kind() string { return "transport.queue" }
func (e MessageSuspended) Narrate() string {
	switch {
	case e.Pending:
		return fmt.Sprintf("Suspend-Message: message #%d (%s) is being delivered: it is PendingSuspend and is suspended only if this delivery fails.", e.Message, e.Identity)
	case e.Suspended:
		return fmt.Sprintf("Suspend-Message: message #%d (%s) is Suspended: it stays in its queue and is not sent.", e.Message, e.Identity)
	}
	return fmt.Sprintf("Resume-Message: message #%d (%s) is ready again.", e.Message, e.Identity)
}

// removedNDR is the NDR status of a message an administrator removed: exsim's wording
// (the reference quotes none).
const removedNDR = "removed by an administrator with Remove-Message -WithNDR $true"

// RemoveMessage is Remove-Message (4.2): -WithNDR $true (the default) returns the
// message to its sender with an NDR; $false deletes it silently, so when no other
// copy delivers it the verdict counts it lost to the removal. Messages can be
// removed from any queue but the Submission queue. A message being delivered becomes
// PendingRemove and is removed only if the delivery fails and it re-enters its queue
// (4.2; Conflicts: the Remove-Message reference calls the status PendingDelete, the
// queues page's status table PendingRemove, which exsim shows, the table being the
// list of the values Get-Message prints). Its shadow is discarded with it.
func (o *Org) RemoveMessage(id string, withNDR bool) error {
	q, it, err := o.findMessage(id)
	if err != nil {
		return err
	}
	if q.kind == qSubmission {
		return fmt.Errorf("Remove-Message: messages can't be removed from the Submission queue (%s)", id)
	}
	if q.kind == qShadow {
		return fmt.Errorf("Remove-Message: %s is a shadow copy: exsim removes messages from primary queues only", id)
	}
	if it.sending || it.awaiting {
		x := it.x()
		x.pendingRemove, x.removeNDR = true, withNDR
		if o.s.Journal().Enabled() {
			emit(o, q.srv.name, q.identity(), MessageRemoved{Msg: Msg{it.m.id}, Identity: id, WithNDR: withNDR, Pending: true})
		}
		return nil
	}
	o.removeItem(q, it, id, withNDR)
	return nil
}

// settlePending carries out a PendingRemove once a failed delivery has put it back in
// its queue (not sending, still alive); it reports whether it removed it.
func (o *Org) settlePending(it *item) bool {
	if it.ext == nil || !it.ext.pendingRemove || it.sending || it.dead || it.finished || it.q == nil || (it.q.kind != qDelivery && it.q.kind != qUnreachable) {
		return false
	}
	o.removeItem(it.q, it, it.q.identity()+`\`+strconv.Itoa(it.intID), it.ext.removeNDR)
	return true
}

// removeItem takes it out of q for Remove-Message.
func (o *Org) removeItem(q *queue, it *item, id string, withNDR bool) {
	if o.s.Journal().Enabled() {
		emit(o, q.srv.name, q.identity(), MessageRemoved{Msg: Msg{it.m.id}, Identity: id, WithNDR: withNDR})
	}
	if withNDR {
		for _, r := range it.rcpts {
			o.bounceRcpt(it.m, r, removedNDR)
		}
		o.led.dsns++
	}
	o.takeFromQueue(it)
	// removed is done, as an expired message is: the primary's shadows (also those
	// made of a copy it was bifurcated from) are discarded at their next heartbeat
	o.finish(it)
	fault := "Remove-Message -WithNDR $false"
	// its shadows go with it: the 2013+ primary's (it.shadow) and a 2010 XSHADOW
	// sender's, which points at it without it pointing back
	var shadows []*item
	for _, sh := range it.m.items {
		if sh != it && !sh.dead && sh.primary == it && (sh == it.shadow || sh.loc == locShadow) {
			shadows = append(shadows, sh)
		}
	}
	for _, sh := range shadows {
		o.takeFromQueue(sh)
		o.removeCopy(sh, fault, sh.srv.name)
	}
	o.removeCopy(it, fault, q.srv.name)
}

// SuspendMessage is Suspend-Message (4.2): the message stays in its queue and is not
// sent until Resume-Message; a poison message is already suspended.
func (o *Org) SuspendMessage(id string) error { return o.setSuspended(id, true) }

// ResumeMessage is Resume-Message (4.2); for a poison message, resuming is
// resubmitting: it goes back to the categorizer.
func (o *Org) ResumeMessage(id string) error { return o.setSuspended(id, false) }

func (o *Org) setSuspended(id string, on bool) error {
	q, it, err := o.findMessage(id)
	if err != nil {
		return err
	}
	if q.kind == qPoison {
		if on {
			return fmt.Errorf("Suspend-Message: %s is in the poison queue: it is already suspended", id)
		}
		if o.s.Journal().Enabled() {
			emit(o, q.srv.name, q.identity(), MessageSuspended{Msg: Msg{it.m.id}, Identity: id})
		}
		o.takeFromQueue(it)
		it.q = nil
		o.categorize(q.srv, it)
		return nil
	}
	if q.kind != qDelivery && q.kind != qUnreachable {
		return fmt.Errorf("%s: %s is not in a delivery or Unreachable queue", map[bool]string{true: "Suspend-Message", false: "Resume-Message"}[on], id)
	}
	// A message being delivered is PendingSuspend (4.2): marked now, it is not offered
	// again if the delivery fails and it re-enters the queue, and Get-Message shows
	// PendingSuspend while it is on the wire.
	it.x().suspended = on
	if o.s.Journal().Enabled() {
		emit(o, q.srv.name, q.identity(), MessageSuspended{Msg: Msg{it.m.id}, Identity: id, Suspended: on, Pending: on && it.sending})
	}
	if !on && q.kind == qDelivery && !q.busy && !q.suspended {
		o.scheduleAttempt(q, 0)
	}
	return nil
}

// hasSuspended reports whether q holds a message Suspend-Message suspended.
func hasSuspended(q *queue) bool {
	for _, it := range q.items {
		if it.ext != nil && it.ext.suspended {
			return true
		}
	}
	return false
}

// ResubmitRequest is one Add-ResubmitRequest (4.5), numbered from 1 as the product
// numbers them.
type ResubmitRequest struct {
	Identity            int
	Destination         string // the mailbox database (exsim names it; the product takes its GUID); "" for a ConditionalResubmit
	Conditions          string // ConditionalResubmit: its -Recipient/-Sender/-MessageId, as given
	StartTime, EndTime  time.Time
	CreationTime        time.Time
	MessagesResubmitted int
}

// ResubmitFilter is what an Add-ResubmitRequest selects (4.5): Destination (the
// MDBResubmit set), or any of Recipient, Sender and MessageID (the ConditionalResubmit
// set; Recipient and Sender can't be combined with Destination);
// UnresponsivePrimaryServers lets the other servers holding copies (Shadow Safety
// Net) resubmit in place of those primaries.
type ResubmitFilter struct {
	Destination                  string
	Recipient, Sender, MessageID string
	UnresponsivePrimaryServers   []string
}

// AddResubmitRequest is Add-ResubmitRequest -Destination DB -StartTime -EndTime (the
// MDBResubmit set): see AddResubmitRequestFor.
func (o *Org) AddResubmitRequest(db string, start, end time.Duration) (ResubmitRequest, error) {
	return o.AddResubmitRequestFor(ResubmitFilter{Destination: db}, start, end)
}

// AddResubmitRequestFor is Add-ResubmitRequest (4.5; 2013+): every primary Safety Net
// copy kept between start and end of a message-recipient the filter selects is
// resubmitted (RESUBMIT, SAFETYNET; DSNs suppressed); a mailbox recipient that has the
// message already is a duplicate its mailbox detects, an external one sees it again
// (4.5). Both times must be in the past and start before end. A primary Safety Net on
// a server that is down answers when it starts (as after a lossy failover), unless
// the server is among UnresponsivePrimaryServers: then a Shadow Safety Net copy on a
// running server answers instead, or none if there is none. -ResubmitTo (another
// recipient) is not modelled.
func (o *Org) AddResubmitRequestFor(f ResubmitFilter, start, end time.Duration) (ResubmitRequest, error) {
	conditional := f.Recipient != "" || f.Sender != "" || f.MessageID != ""
	switch {
	case f.Destination != "" && (f.Recipient != "" || f.Sender != ""):
		return ResubmitRequest{}, fmt.Errorf("Add-ResubmitRequest: -Recipient and -Sender can't be used with -Destination (they belong to the ConditionalResubmit parameter set)")
	case f.Destination == "" && !conditional:
		return ResubmitRequest{}, fmt.Errorf("Add-ResubmitRequest: give -Destination (a mailbox database) or the conditions -Recipient, -Sender or -MessageId")
	case !(start < end):
		return ResubmitRequest{}, fmt.Errorf("Add-ResubmitRequest: StartTime must be before EndTime")
	case end > o.now():
		return ResubmitRequest{}, fmt.Errorf("Add-ResubmitRequest: StartTime and EndTime must be in the past")
	}
	unresponsive := map[*server]bool{}
	for _, n := range f.UnresponsivePrimaryServers {
		srv, err := o.server(n)
		if err != nil {
			return ResubmitRequest{}, fmt.Errorf("Add-ResubmitRequest -UnresponsivePrimaryServers: %w", err)
		}
		unresponsive[srv] = true
	}
	req := ResubmitRequest{Identity: len(o.resubmitReqs) + 1, Destination: f.Destination, StartTime: o.s.Wall(start), EndTime: o.s.Wall(end), CreationTime: o.s.Wall(o.now())}
	var conds []string
	for _, c := range [][2]string{{"Recipient", f.Recipient}, {"Sender", f.Sender}, {"MessageId", f.MessageID}} {
		if c[1] != "" {
			conds = append(conds, c[0]+"="+c[1])
		}
	}
	req.Conditions = strings.Join(conds, ";")
	kept := o.keptCopies()
	for _, m := range o.msgs {
		if f.Sender != "" && !strings.EqualFold(m.m.From, f.Sender) {
			continue
		}
		if f.MessageID != "" && strings.Trim(f.MessageID, "<>") != strings.Trim(o.msgID(m, nil), "<>") {
			continue
		}
		for r := range m.rcpts {
			if f.Destination != "" && m.rcpts[r].db != f.Destination {
				continue
			}
			if f.Recipient != "" && !strings.EqualFold(m.rcpts[r].addr, f.Recipient) {
				continue
			}
			var primary, shadow *keptCopy
			for k := range kept[m] {
				kc := &kept[m][k]
				c := kc.c
				if kc.ref.srv.version.Is2010() || !c.covers(r) || c.keptAt < start || c.keptAt > end {
					continue
				}
				if !c.shadow && primary == nil {
					primary = kc
				}
				if c.shadow && shadow == nil && kc.ref.srv.up {
					shadow = kc
				}
			}
			sn := primary
			if primary != nil && unresponsive[primary.ref.srv] || primary == nil && len(unresponsive) > 0 {
				sn = shadow // the primaries are down: the shadow servers' copies answer
			}
			if sn == nil {
				continue
			}
			req.MessagesResubmitted++
			if sn.ref.srv.up {
				o.resubmitFromSafetyNet(sn.ref, r, "Add-ResubmitRequest")
			} else {
				o.arm(sn.ref)
				sn.ref.srv.redeliver = append(sn.ref.srv.redeliver, redelivery{sn.ref, m, r})
			}
		}
	}
	o.resubmitReqs = append(o.resubmitReqs, req)
	if o.s.Journal().Enabled() {
		subject := f.Destination
		if subject == "" {
			subject = req.Conditions
		}
		emit(o, "", subject, ResubmitRequested{Request: req.Identity, Database: f.Destination, Conditions: req.Conditions, Messages: req.MessagesResubmitted})
	}
	return req, nil
}

// ResubmitRequested: Add-ResubmitRequest asked Safety Net to resubmit to Database
// (MDBResubmit) or what matches Conditions (ConditionalResubmit).
type ResubmitRequested struct {
	Request    int
	Database   string
	Conditions string
	Messages   int
}

func (ResubmitRequested) Kind() string { return "transport.resubmit" }
func (e ResubmitRequested) Narrate() string {
	if e.Database == "" {
		return fmt.Sprintf("Resubmit request %d (%s): Safety Net resubmits %d message-recipient(s); mailboxes drop the ones they already have, external recipients get them again.", e.Request, e.Conditions, e.Messages)
	}
	return fmt.Sprintf("Resubmit request %d: Safety Net resubmits %d message-recipient(s) to %s; their mailboxes drop the ones they already have.", e.Request, e.Messages, e.Database)
}

// GetResubmitRequest prints Get-ResubmitRequest [[-Identity] N] (4.5): every request,
// or one. The product's output layout is not documented (4.5 Gaps): exsim prints the
// request's number, destination, window and creation time as a table.
func (o *Org) GetResubmitRequest(id int) (string, error) {
	var cells [][]string
	for _, r := range o.resubmitReqs {
		if id != 0 && r.Identity != id {
			continue
		}
		dest := r.Destination
		if dest == "" {
			dest = r.Conditions // exsim's choice: the ConditionalResubmit's conditions in its place
		}
		cells = append(cells, []string{strconv.Itoa(r.Identity), dest, psTime(r.StartTime), psTime(r.EndTime), psTime(r.CreationTime)})
	}
	if id != 0 && len(cells) == 0 {
		return "", fmt.Errorf("Get-ResubmitRequest: no resubmit request %d", id)
	}
	cols := []psfmt.Column{{Name: "Identity"}, {Name: "Destination"}, {Name: "StartTime"}, {Name: "EndTime"}, {Name: "CreationTime"}}
	return psfmt.Table(cols, cells), nil
}
