package transport

import (
	"fmt"
	"strings"
	"time"
)

// ResourceThrottling prints what Get-ExchangeDiagnosticInfo -Server S -Process
// EdgeTransport -Component ResourceThrottling returns: its Result, the XML document in
// the shape of a 2019 server's (exchange-stress.md 1.7): ProcessInfo, then
// Components/ResourceThrottling with the ResourceTracker (AggregateUse and one
// ResourceMeter per resource: CurrentResourceUse, PreviousResourceUse,
// PressureTransitions, Pressure), the ResourceLevelMediator's observers, and the
// Configuration.
//
// exsim's choices: ProcessInfo carries the id (synthetic, derived from the server's
// place in the topology), serverName, startTime (the service's last start),
// currentTime and lifetime; threadCount, handleCount and workingSet are left out
// (exsim does not model them). The Configuration carries the tarpit schedule's four
// Smtp*ThrottlingDelayInterval attributes as the 2019 capture has them (1.1), with
// the version's values (pressure_tarpit.go). The JetSessions and CheckpointDepth meters of the
// capture are left out too (undocumented, not modelled). Which observers a level
// pauses is read from the action table (1.3): SmtpIn and Pickup with the internet
// refusal, MessageResubmission with "resubmission paused", ShadowRedundancy with
// "Shadow Redundancy rejects messages", BootScanner with private bytes or the
// Submission queue at Medium, RemoteDelivery with version buckets at High.
func (o *Org) ResourceThrottling(server string) (string, error) {
	srv, err := o.server(server)
	if err != nil {
		return "", err
	}
	if !srv.transport {
		return "", fmt.Errorf("Get-ExchangeDiagnosticInfo: %s runs no EdgeTransport process", srv.name)
	}
	if !srv.up {
		return "", fmt.Errorf("Get-ExchangeDiagnosticInfo: the EdgeTransport process on %s is not running", srv.name)
	}
	bp := srv.bp
	var b strings.Builder
	wall := func(d time.Duration) string { return o.s.Wall(d).UTC().Format("2006-01-02T15:04:05.0000000Z") }
	id := 4000
	for i, s := range o.servers {
		if s == srv {
			id += 4 * (i + 1) // a process id: multiples of 4, as Windows gives
		}
	}
	b.WriteString("<Diagnostics>\n  <ProcessInfo>\n")
	fmt.Fprintf(&b, "    <id>%d</id>\n    <serverName>%s</serverName>\n", id, xmlEscape(srv.name))
	fmt.Fprintf(&b, "    <startTime>%s</startTime>\n    <currentTime>%s</currentTime>\n", wall(bp.started), wall(o.now()))
	fmt.Fprintf(&b, "    <lifetime>%s</lifetime>\n", timeSpan(o.now()-bp.started))
	b.WriteString("  </ProcessInfo>\n  <Components>\n    <ResourceThrottling>\n      <ResourceTracker>\n")
	agg := Low
	for r := Resource(0); r < nResources; r++ {
		if exists(srv.version, r) && bp.meters[r].level > agg {
			agg = bp.meters[r].level
		}
	}
	if !o.monitoring(srv) {
		agg = Low
	}
	fmt.Fprintf(&b, "        <AggregateUse>%s</AggregateUse>\n", levelXML(agg))
	for r := Resource(0); r < nResources; r++ {
		if !exists(srv.version, r) {
			continue
		}
		m := bp.meters[r]
		t := thresholds(srv.version, r)
		fmt.Fprintf(&b, "        <ResourceMeter Resource=\"%s\">\n", xmlEscape(meterName(srv.version, r)))
		fmt.Fprintf(&b, "          <CurrentResourceUse>%s</CurrentResourceUse>\n", levelXML(m.level))
		fmt.Fprintf(&b, "          <PreviousResourceUse>%s</PreviousResourceUse>\n", levelXML(m.previous))
		fmt.Fprintf(&b, "          <PressureTransitions>[PressureTransitions: MediumToHigh=%d HighToMedium=%d LowToMedium=%d MediumToLow=%d]</PressureTransitions>\n",
			t.mediumToHigh, t.highToMedium, t.lowToMedium, t.mediumToLow)
		fmt.Fprintf(&b, "          <Pressure>%d</Pressure>\n        </ResourceMeter>\n", m.value)
	}
	b.WriteString("      </ResourceTracker>\n      <ResourceLevelMediator>\n")
	for _, ob := range observers {
		paused := ob.paused(o, srv)
		fmt.Fprintf(&b, "        <ResourceLevelObserver Name=\"%s\">\n          <Paused>%t</Paused>\n          <SubStatus></SubStatus>\n        </ResourceLevelObserver>\n", ob.name, paused)
	}
	b.WriteString("      </ResourceLevelMediator>\n      <Configuration>\n")
	start, step, maxDelay := tarpitSchedule(srv.version)
	fmt.Fprintf(&b, "        <ResourceThrottlingConfiguration DehydrateMessagesUnderMemoryPressure=\"true\" DisabledResourceLevelObservers=\"System.String[]\" MaxTransientExceptionsAllowed=\"5\" ResourceLevelObserverTimeout=\"PT5M\" ResourceThrottlingEnabled=\"%t\" SmtpBaseThrottlingDelayInterval=\"PT0S\" SmtpMaxThrottlingDelayInterval=\"PT%dS\" SmtpStepThrottlingDelayInterval=\"PT%dS\" SmtpStartThrottlingDelayInterval=\"PT%dS\" PeriodicDehydrationEnabled=\"true\" PeriodicDehydrationInterval=\"PT5M\" />\n",
		o.monitoring(srv), int(maxDelay.Seconds()), int(step.Seconds()), int(start.Seconds()))
	b.WriteString("        <Overrides>\n          <Status OverrideCount=\"0\" />\n        </Overrides>\n")
	b.WriteString("      </Configuration>\n    </ResourceThrottling>\n  </Components>\n</Diagnostics>\n")
	return b.String(), nil
}

// levelXML is a level as the diagnostic output writes it (Low, Medium, High).
func levelXML(l Level) string { return l.name(Exchange2019) }

// timeSpan is d as .NET prints a TimeSpan: [d.]hh:mm:ss.
func timeSpan(d time.Duration) string {
	s := int64(d / time.Second)
	days, h, m, sec := s/86400, s/3600%24, s/60%60, s%60
	if days > 0 {
		return fmt.Sprintf("%d.%02d:%02d:%02d", days, h, m, sec)
	}
	return fmt.Sprintf("%02d:%02d:%02d", h, m, sec)
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

type observer struct {
	name   string
	paused func(o *Org, srv *server) bool
}

func never(*Org, *server) bool { return false }

func refusing(f uint8) func(*Org, *server) bool {
	return func(_ *Org, srv *server) bool { return srv.refuses(f) }
}

func atLeast(l Level, rs ...Resource) func(*Org, *server) bool {
	return func(o *Org, srv *server) bool {
		if !o.monitoring(srv) {
			return false
		}
		for _, r := range rs {
			if exists(srv.version, r) && srv.bp.meters[r].level >= l {
				return true
			}
		}
		return false
	}
}

// observers are the ResourceLevelObserver names of the capture, in its order (1.3).
var observers = []observer{
	{"BootScanner", atLeast(Medium, PrivateBytes, SubmissionQueueLength)},
	{"ContentAggregator", never},
	{"DelayedDelivery", never},
	{"EnhancedDns", never},
	{"IsMemberOfResolver", never},
	{"MessageResubmission", refusing(pauseResubmit)},
	{"MessagingDatabase", never},
	{"Pickup", refusing(refuseInternet)},
	{"RemoteDelivery", atLeast(High, UsedVersionBuckets)},
	{"ShadowRedundancy", refusing(refuseShadow)},
	{"Replication", never},
	{"SmtpIn", refusing(refuseInternet)},
	{"Categorizer", never},
}
