package transport

import (
	"fmt"
	"strings"
	"time"

	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport/smtp"
)

// Back pressure (exchange-stress.md section 1): the Transport service watches its
// resources and, as one is overused, refuses new mail from the internet, then from
// other Exchange servers and from the mailbox submission service; it recovers when
// the resource falls back.
//
// Resources modelled (1.2, 1.4, 1.5), with their meter names as the 2019 diagnostic
// output writes them (1.7):
//   - DatabaseUsedSpace[...\Queue]: the queue database drive, moved by the disk
//     fault (Org.SetResourceUse).
//   - PrivateBytes: EdgeTransport.exe's memory as a percent of RAM, moved by the
//     memory fault; a start of the service gives its memory back (exsim's choice: a
//     new process starts small).
//   - SystemMemory: all processes; exsim keeps it at its baseline (no fault moves
//     it), shown for the diagnostic output's shape.
//   - UsedVersionBuckets[...\mail.que]: uncommitted queue database transactions.
//     exsim's model: one per message whose data an internet session is receiving
//     right now (srv.inboundOpen), the transactions a real server holds open.
//   - UsedDiskSpace[...\Queue]: the drive of the queue's transaction logs, by default
//     the queue database's folder, so the disk fault on "queue" moves both meters.
//     2013 and 2010 call it the queue database logging path.
//   - UsedDiskSpace[...\data]: the content conversion drive (2016+), the disk fault
//     on "data".
//   - QueueLength[SubmissionQueue]: messages waiting in the Submission queue (only a
//     suspended Submission queue holds any in exsim, as categorization is instant).
//
// Thresholds: 2016+ "pressure transitions" LowToMedium, MediumToHigh, HighToMedium,
// MediumToLow (1.2); 2010 and 2013 have Normal/Medium/High thresholds (1.4, 1.5),
// which exsim reads as the same machine with LowToMedium = Medium, MediumToHigh =
// High, HighToMedium = Medium and MediumToLow = Normal (inference: the 2010 event
// "= 97% [Medium] [Normal=95% Medium=97% High=99%]" shows 97 at Medium, so a level
// is entered at its threshold, >=, and left below the lower one). The 2010/2013
// queue drive thresholds follow the 500 MB formula on a 1 TB drive (99/97/95; exsim
// gives every drive 1 TB). Conflicts (section "Conflicts"): 2010 version buckets
// 80/120/200 and Submission queue 1000/2000/4000 as the 2010 events log them; 2013
// version buckets 1750/2000/2500 (the 2018 correction "verified in source code").
//
// Actions (1.3, 1.4): which flows each resource refuses at Medium and High, per
// version. Refusing is "452 4.3.1 Insufficient system resources" at MAIL FROM (1.6;
// the conflict about where it is answered: exsim follows the documents, MAIL FROM).
// Version buckets and the Submission queue first tarpit and refuse only once their
// history depth has passed (pressure_tarpit.go). Dehydration changes no mail flow and is only
// listed. A 2016+ server at Medium on disk or private bytes also refuses to hold
// shadows ("Shadow Redundancy rejects messages"): the primary then tries its next
// shadow server.
//
// Levels are evaluated only when a meter moves (a fault, an internet session
// opening or queueing, the Submission queue growing), never per message scanned:
// the hot path reads one precomputed bit mask.

// Resource is one monitored resource.
type Resource uint8

// The resources, in the order the 2019 diagnostic output lists them.
const (
	PrivateBytes Resource = iota
	SystemMemory
	UsedVersionBuckets
	DatabaseUsedSpace
	UsedDiskSpaceQueue // the queue's transaction logs, on the queue database's drive by default
	UsedDiskSpaceData  // content conversion (TemporaryStoragePath), 2016+
	SubmissionQueueLength
	nResources
)

// Level is a resource's pressure: Low (Normal before 2016), Medium or High.
type Level uint8

// Levels.
const (
	Low Level = iota
	Medium
	High
)

// name is the level as a server of version v writes it.
func (l Level) name(v Version) string {
	switch l {
	case Medium:
		return "Medium"
	case High:
		return "High"
	}
	if v.Is2010() || v == Exchange2013 {
		return "Normal"
	}
	return "Low"
}

// What back pressure stops (bits of backPressure.refuse).
const (
	refuseInternet   uint8 = 1 << iota // non-Exchange SMTP, Pickup and Replay
	refuseExchange                     // SMTP from other Exchange servers
	refuseSubmission                   // Mailbox Transport Submission / Mail Submission
	refuseShadow                       // Shadow Redundancy rejects messages (2016+)
	pauseResubmit                      // message resubmission paused (2016+)
	dehydrate                          // message dehydration
)

// transitions are one resource's thresholds.
type transitions struct{ lowToMedium, mediumToHigh, highToMedium, mediumToLow int }

// meteringInterval is ResourceMeteringInterval (2016+; ResourceMonitoringInterval in
// 2013): 2 seconds.
const meteringInterval = 2 * time.Second

// baseline is the value of each resource on a server nothing presses (exsim's
// choice; PrivateBytes 6 % as in the 2019 capture, section 1.7).
var baseline = [nResources]int{PrivateBytes: 6, SystemMemory: 50, DatabaseUsedSpace: 40, UsedDiskSpaceQueue: 40, UsedDiskSpaceData: 40}

// thresholds returns resource r's transitions on version v.
func thresholds(v Version, r Resource) transitions {
	old := func(normal, medium, high int) transitions { return transitions{medium, high, medium, normal} }
	switch {
	case v.Is2010():
		switch r {
		case PrivateBytes:
			return old(71, 73, 75)
		case SystemMemory:
			return old(94, 94, 101) // PercentagePhysicalMemoryUsedLimit 94: dehydration only
		case UsedVersionBuckets:
			return old(80, 120, 200)
		case DatabaseUsedSpace, UsedDiskSpaceQueue, UsedDiskSpaceData:
			return old(95, 97, 99)
		case SubmissionQueueLength:
			return old(1000, 2000, 4000)
		}
	case v == Exchange2013:
		switch r {
		case PrivateBytes:
			return old(71, 73, 75)
		case SystemMemory:
			return old(94, 94, 101)
		case UsedVersionBuckets:
			return old(1750, 2000, 2500)
		case DatabaseUsedSpace, UsedDiskSpaceQueue, UsedDiskSpaceData:
			return old(95, 97, 99)
		case SubmissionQueueLength:
			return old(2000, 4000, 10000)
		}
	}
	switch r {
	case PrivateBytes:
		return transitions{72, 75, 73, 71}
	case SystemMemory:
		return transitions{88, 94, 89, 84}
	case UsedVersionBuckets:
		return transitions{999, 1500, 1000, 800}
	case DatabaseUsedSpace:
		return transitions{96, 99, 97, 94}
	case UsedDiskSpaceQueue, UsedDiskSpaceData:
		// the documents' 89/99/90/80 (Conflicts: a 2019 CU14 capture shows 90/99/94/88)
		return transitions{89, 99, 90, 80}
	}
	return transitions{9999, 15000, 10000, 2000}
}

// next is the level after value x is sampled at level l: entering a level needs its
// threshold, leaving it a value below the lower one (hysteresis).
func (t transitions) next(l Level, x int) Level {
	switch l {
	case Low:
		if x >= t.mediumToHigh {
			return High
		}
		if x >= t.lowToMedium {
			return Medium
		}
	case Medium:
		if x >= t.mediumToHigh {
			return High
		}
		if x < t.mediumToLow {
			return Low
		}
	case High:
		if x < t.mediumToLow {
			return Low
		}
		if x < t.highToMedium {
			return Medium
		}
	}
	return l
}

// meter is one resource on one server.
type meter struct {
	value           int
	level, previous Level
	since           time.Duration // when it entered its level
	pressed         time.Duration // when it last left Low (the start of its history depth)
	fault           bool          // moved by a fault (release puts it back)
}

// backPressure is one server's resource tracker.
type backPressure struct {
	meters [nResources]meter
	refuse uint8 // what the current levels stop
	// version buckets move with every internet session: the values at which the
	// level may change, so most moves cost two comparisons
	vbUp, vbDown int
	timerGen     int           // history-depth re-evaluations still pending are stale when it moves
	tarpitting   bool          // a resource is within its history depth: MAIL FROM is tarpitted (pressure_tarpit.go)
	started      time.Duration // when the service last started (the process's startTime)
}

// resourcePath is the queue folder of a server's version (1.2, 1.5).
func resourcePath(v Version) string {
	if v.Is2010() {
		return `C:\Program Files\Microsoft\Exchange Server\V14\TransportRoles\data\Queue`
	}
	return `C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\data\Queue`
}

// meterName is the resource as the diagnostic output and the 2016+ events name it.
func meterName(v Version, r Resource) string {
	switch r {
	case PrivateBytes:
		return "PrivateBytes"
	case SystemMemory:
		return "SystemMemory"
	case UsedVersionBuckets:
		return "UsedVersionBuckets[" + resourcePath(v) + `\mail.que]`
	case DatabaseUsedSpace:
		return "DatabaseUsedSpace[" + resourcePath(v) + "]"
	case UsedDiskSpaceQueue:
		return "UsedDiskSpace[" + resourcePath(v) + "]"
	case UsedDiskSpaceData:
		return "UsedDiskSpace[" + strings.TrimSuffix(resourcePath(v), `\Queue`) + "]"
	}
	return "QueueLength[SubmissionQueue]"
}

// eventName is the resource as a 2010/2013 event 15004-15006 body writes it (1.5, 1.2).
func eventName(v Version, r Resource) string {
	if !v.Is2010() && v != Exchange2013 {
		return meterName(v, r)
	}
	switch r {
	case PrivateBytes:
		return "Private bytes"
	case SystemMemory:
		return "Physical memory load"
	case UsedVersionBuckets:
		return "Version buckets"
	case DatabaseUsedSpace:
		return `Queue database path ("` + resourcePath(v) + `\mail.que")`
	case UsedDiskSpaceQueue:
		return `Queue database logging path ("` + resourcePath(v) + `\")`
	}
	return "Submission Queue"
}

// percent reports whether the resource is measured in percent.
func (r Resource) percent() bool {
	return r != UsedVersionBuckets && r != SubmissionQueueLength
}

// exists reports whether version v has resource r: no content conversion meter
// before 2016 (1.4), no Submission queue meter in 2010's list (1.5; its events do
// show one, which exsim follows) nor in the 2019 capture (1.7, Conflicts).
func exists(v Version, r Resource) bool {
	switch r {
	case UsedDiskSpaceData:
		return !v.Is2010() && v != Exchange2013
	case SubmissionQueueLength:
		return v != Exchange2019 && v != ExchangeSE
	}
	return true
}

// ParseResource reads a resource by its meter name (without the bracketed path).
func ParseResource(s string) (Resource, bool) {
	for r := Resource(0); r < nResources; r++ {
		n := meterName(Exchange2019, r)
		if i := strings.IndexByte(n, '['); i > 0 && !strings.HasPrefix(n, "QueueLength") {
			n = n[:i]
		}
		if strings.EqualFold(n, s) {
			return r, true
		}
	}
	return 0, false
}

func (o *Org) initPressure(srv *server) {
	bp := &backPressure{}
	for r := range bp.meters {
		bp.meters[r].value = baseline[r]
	}
	srv.bp = bp
	o.vbWatch(srv)
}

// monitoring reports whether back pressure is on (EnableResourceMonitoring, read at
// the service's start like every EdgeTransport.exe.config key).
func (o *Org) monitoring(srv *server) bool {
	return o.cfgBool(cEnableResourceMonitoring, srv)
}

// vbWatch sets the version-bucket values at which the level may change.
func (o *Org) vbWatch(srv *server) {
	bp := srv.bp
	t := thresholds(srv.version, UsedVersionBuckets)
	switch bp.meters[UsedVersionBuckets].level {
	case Low:
		bp.vbUp, bp.vbDown = t.lowToMedium, -1
	case Medium:
		bp.vbUp, bp.vbDown = t.mediumToHigh, t.mediumToLow
	default:
		bp.vbUp, bp.vbDown = 1<<62, t.highToMedium
	}
}

// versionBucketsMoved is called when srv.inboundOpen changed: O(1) unless a
// threshold is crossed.
func (o *Org) versionBucketsMoved(srv *server) {
	if bp := srv.bp; bp != nil && (srv.inboundOpen >= bp.vbUp || srv.inboundOpen < bp.vbDown) {
		o.sample(srv, UsedVersionBuckets, srv.inboundOpen)
	}
}

// submissionMoved re-samples the Submission queue's length.
func (o *Org) submissionMoved(srv *server) {
	if sub := srv.submission(); sub != nil && srv.bp != nil {
		o.sample(srv, SubmissionQueueLength, len(sub.items))
	}
}

// SetResourceUse sets resource r of server to value (percent, or a count): the disk
// and memory faults. DatabaseUsedSpace moves UsedDiskSpace[...\Queue] too (one drive). The level follows at once (exsim samples on change rather than
// every ResourceMeteringInterval).
func (o *Org) SetResourceUse(server string, r Resource, value int) error {
	srv, err := o.server(server)
	if err != nil {
		return err
	}
	if !srv.transport {
		return fmt.Errorf("transport: %s runs no transport service: it has no back pressure", srv.name)
	}
	if r < nResources && !exists(srv.version, r) {
		return fmt.Errorf("transport: %s (%s) has no %s meter (the content conversion drive is watched from Exchange 2016 on)", srv.name, srv.version, meterName(srv.version, r))
	}
	if r >= nResources || value < 0 || (r.percent() && value > 100) {
		return fmt.Errorf("transport: bad resource use %d for %s", value, meterName(srv.version, r))
	}
	srv.bp.meters[r].fault = true
	o.sample(srv, r, value)
	if r == DatabaseUsedSpace {
		// the queue's logs are in the database's folder by default: the same drive
		srv.bp.meters[UsedDiskSpaceQueue].fault = true
		o.sample(srv, UsedDiskSpaceQueue, value)
	}
	return nil
}

// ReleaseResources puts every resource a fault moved on server back to its baseline
// (the admin freed the drive, the memory was given back).
func (o *Org) ReleaseResources(server string) error {
	srv, err := o.server(server)
	if err != nil {
		return err
	}
	if !srv.transport {
		return fmt.Errorf("transport: %s runs no transport service: it has no back pressure", srv.name)
	}
	for r := Resource(0); r < nResources; r++ {
		if srv.bp.meters[r].fault {
			srv.bp.meters[r].fault = false
			o.sample(srv, r, baseline[r])
		}
	}
	return nil
}

// pressureBoot: a started service is a new EdgeTransport.exe (its private bytes back
// to the baseline) that reads EnableResourceMonitoring again.
func (o *Org) pressureBoot(srv *server) {
	if srv.bp == nil {
		return
	}
	srv.bp.started = o.now()
	srv.bp.meters[PrivateBytes].fault = false
	o.sample(srv, PrivateBytes, baseline[PrivateBytes])
	o.sample(srv, SubmissionQueueLength, len(srv.submission().items))
	o.reevaluate(srv)
}

// sample records value x of resource r and moves its level.
func (o *Org) sample(srv *server, r Resource, x int) {
	bp := srv.bp
	m := &bp.meters[r]
	m.value = x
	l := thresholds(srv.version, r).next(m.level, x)
	if r == UsedVersionBuckets || l != m.level {
		defer o.vbWatch(srv)
	}
	if l == m.level {
		return
	}
	from := m.level
	m.previous, m.level, m.since = m.level, l, o.now()
	if from == Low {
		m.pressed = o.now()
	}
	if o.s.Journal().Enabled() && o.monitoring(srv) {
		id := 15004
		if l < from {
			id = 15005
		}
		emit(o, srv.name, "", PressureChanged{Server: srv.name, EventID: id, Resource: o.meterLine(srv, r),
			From: from.name(srv.version), To: l.name(srv.version)})
	}
	if d := historyDepth(srv.version, r); d > 0 && tarpits(r) && from == Low {
		bp.timerGen++
		gen := bp.timerGen
		o.on(srv, time.Duration(d)*meteringInterval, kindPressure, func() {
			if bp.timerGen == gen {
				o.reevaluate(srv)
			}
		})
	}
	o.reevaluate(srv)
}

// reevaluate recomputes what srv refuses from its levels and journals the rejection
// events 15006 (disk) and 15007 (memory) when refusing begins.
func (o *Org) reevaluate(srv *server) {
	bp := srv.bp
	before := bp.refuse
	bp.refuse = 0
	bp.tarpitting = false
	if o.monitoring(srv) {
		for r := Resource(0); r < nResources; r++ {
			bp.refuse |= o.actions(srv, r)
			bp.tarpitting = bp.tarpitting || o.inTarpit(srv, r)
		}
	}
	if bp.refuse == before || !o.s.Journal().Enabled() {
		return
	}
	if began := bp.refuse &^ before; began&(refuseInternet|refuseExchange|refuseSubmission) != 0 {
		for _, ev := range []struct {
			id  int
			why []Resource
		}{{15006, []Resource{DatabaseUsedSpace, UsedDiskSpaceQueue, UsedDiskSpaceData}}, {15007, []Resource{PrivateBytes}}} {
			var under []string
			for _, r := range ev.why {
				if o.actions(srv, r)&began != 0 {
					under = append(under, o.meterLine(srv, r))
				}
			}
			if len(under) > 0 {
				emit(o, srv.name, "", PressureRejecting{Server: srv.name, EventID: ev.id, Resources: under,
					Disabled: disabledComponents(srv.version, bp.refuse)})
			}
		}
	}
	emit(o, srv.name, "", PressureActions{Server: srv.name, Disabled: disabledComponents(srv.version, bp.refuse)})
}

// actions is what resource r stops at its current level on srv (1.3; 1.4 for 2013 and
// 2010).
func (o *Org) actions(srv *server, r Resource) uint8 {
	m := &srv.bp.meters[r]
	if m.level == Low || !exists(srv.version, r) {
		return 0
	}
	high := m.level == High
	if o.inTarpit(srv, r) {
		return 0 // still tarpitting (pressure_tarpit.go)
	}
	v := srv.version
	modern := !v.Is2010() && v != Exchange2013
	var a uint8
	switch r {
	case SystemMemory:
		if modern {
			return dehydrate // "SystemMemory does not block mail flow"
		}
		a = refuseInternet
		if high {
			a |= refuseExchange | refuseSubmission | dehydrate
		}
		return a
	case UsedVersionBuckets, UsedDiskSpaceData:
		a = refuseInternet
	default:
		a = refuseInternet
		if modern {
			a |= refuseShadow | pauseResubmit
		}
		if r == PrivateBytes && modern {
			a |= dehydrate
		}
	}
	if high {
		a |= refuseExchange | refuseSubmission
		if r == SubmissionQueueLength {
			a |= dehydrate
		}
	}
	return a
}

// disabledComponents lists what refuse stops, in the words of event 15006 (1.3, 1.5).
func disabledComponents(v Version, refuse uint8) []string {
	var out []string
	if refuse&refuseExchange != 0 {
		if v.Is2010() {
			out = append(out, "Inbound mail submission from Hub Transport servers")
		} else {
			out = append(out, "Inbound mail submission from other Exchange servers")
		}
	}
	if refuse&refuseInternet != 0 {
		out = append(out, "Inbound mail submission from the Internet", "Mail submission from Pickup directory", "Mail submission from Replay directory")
	}
	if refuse&refuseSubmission != 0 {
		out = append(out, "Mail submission from Mailbox server")
	}
	if refuse&pauseResubmit != 0 {
		out = append(out, "Mail resubmission from the Message Resubmission component.")
	}
	if refuse&refuseShadow != 0 {
		out = append(out, "Mail resubmission from the Shadow Redundancy Component")
	}
	return out
}

// transitionText is a resource's thresholds as the server prints them: 2016+
// "[PressureTransitions: MediumToHigh=99 HighToMedium=97 LowToMedium=96 MediumToLow=94]",
// 2010/2013 "[Normal=95% Medium=97% High=99%]".
func transitionText(v Version, r Resource) string {
	t := thresholds(v, r)
	if v.Is2010() || v == Exchange2013 {
		pct := ""
		if r.percent() {
			pct = "%"
		}
		return fmt.Sprintf("[Normal=%d%s Medium=%d%s High=%d%s]", t.mediumToLow, pct, t.lowToMedium, pct, t.mediumToHigh, pct)
	}
	return fmt.Sprintf("[PressureTransitions: MediumToHigh=%d HighToMedium=%d LowToMedium=%d MediumToLow=%d]",
		t.mediumToHigh, t.highToMedium, t.lowToMedium, t.mediumToLow)
}

// refuses reports whether srv's back pressure stops flow f now.
func (srv *server) refuses(f uint8) bool { return srv.bp != nil && srv.bp.refuse&f != 0 }

// pressureWhy names the resources behind what srv refuses, for the narration.
func (o *Org) pressureWhy(srv *server, f uint8) string {
	var names []string
	for r := Resource(0); r < nResources; r++ {
		if o.actions(srv, r)&f != 0 {
			m := srv.bp.meters[r]
			unit := ""
			if r.percent() {
				unit = "%"
			}
			names = append(names, fmt.Sprintf("%s = %d%s [%s]", meterName(srv.version, r), m.value, unit, m.level.name(srv.version)))
		}
	}
	return "back pressure: " + strings.Join(names, ", ")
}

// kindPressure: a history-depth re-evaluation (far from the other kinds, so adding
// kinds to org.go does not move it).
const kindPressure sim.Kind = 160

var cEnableResourceMonitoring = mustSetting("EnableResourceMonitoring")

// pressureRefuseInbound: srv answers the internet sender's MAIL FROM with 452 4.3.1;
// the sender tries its next server, or retries later.
func (o *Org) pressureRefuseInbound(m *message, sender *item, cands []*server, k int, c *smtp.Conversation) {
	srv := cands[k]
	r := smtp.InsufficientResources
	c.MailReply = &r
	res := o.converse(c)
	o.at(res.End, kindSession, func() {
		if o.s.Journal().Enabled() {
			emit(o, srv.name, "", MailFromRefused{Msg: Msg{m.id}, Server: srv.name, Why: o.pressureWhy(srv, refuseInternet), Reply: r.String()})
		}
		o.tryInbound(m, sender, cands, k+1)
	})
}

// pressureRefuseSubmission: hub's back pressure refuses a message from the mailbox
// submission service, which tries again in a minute.
func (o *Org) pressureRefuseSubmission(m *message, outbox *item, hub *server) {
	if o.s.Journal().Enabled() {
		emit(o, hub.name, "", SubmissionRefused{Msg: Msg{m.id}, Server: hub.name, Why: o.pressureWhy(hub, refuseSubmission)})
	}
	o.after(outboxRetry, kindOutbox, func() { o.submitOutbox(m, outbox) })
}

// meterLine is one resource as events 15004-15006 list it: "Queue database path
// ("...\mail.que") = 97% [Medium] [Normal=95% Medium=97% High=99%]" (1.5).
func (o *Org) meterLine(srv *server, r Resource) string {
	m := srv.bp.meters[r]
	unit := ""
	if r.percent() {
		unit = "%"
	}
	return fmt.Sprintf("%s = %d%s [%s] %s", eventName(srv.version, r), m.value, unit, m.level.name(srv.version), transitionText(srv.version, r))
}
