package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/exsim/exsim/components"
	"github.com/exsim/exsim/dag"
	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/scenarios/fault"
	"github.com/exsim/exsim/scenarios/scom"
	"github.com/exsim/exsim/transport"
)

// band is one labelled period on a lane's row.
type band struct {
	from, to time.Duration
	text     string // the state, drawn on the band
	class    string
	title    string // the tooltip; "from … to …" is added
}

// laneRow is a row of a server's lane; rank orders rows: services, components,
// database copies.
type laneRow struct {
	server, key, label, title string
	rank, first               int
	bands                     []band
	open                      *band
}

type hRows struct {
	rows  map[string][]*laneRow // per server, in drawing order
	down  map[string][]band     // per server: the lane is down (shaded whole)
	spans map[string][]hSpan    // the same, for the slider
}

// laneRows replays the journal into each server's rows: when each service was down
// or ran with a component state other than Active, when each component was not
// Active, and each database copy's status.
func (b *hbuild) laneRows() hRows {
	out := hRows{rows: map[string][]*laneRow{}, down: map[string][]band{}, spans: map[string][]hSpan{}}
	for _, n := range b.names {
		out.spans[n] = []hSpan{}
	}
	byKey := map[[2]string]*laneRow{}
	count := 0
	row := func(server, key, label, title string, rank int) *laneRow {
		k := [2]string{server, key}
		if r := byKey[k]; r != nil {
			return r
		}
		count++
		r := &laneRow{server: server, key: key, label: label, title: title, rank: rank, first: count}
		byKey[k] = r
		out.rows[server] = append(out.rows[server], r)
		return r
	}
	closeBand := func(r *laneRow, at time.Duration) {
		if r.open == nil {
			return
		}
		if at > r.open.from {
			bd := *r.open
			bd.to = at
			r.bands = append(r.bands, bd)
		}
		r.open = nil
	}
	openBand := func(r *laneRow, at time.Duration, text, class, title string) {
		closeBand(r, at)
		r.open = &band{from: at, text: text, class: class, title: title}
	}
	// services of each server, so that a server going down closes every one
	services := func(server string) []*laneRow {
		var s []*laneRow
		for _, r := range out.rows[server] {
			if r.rank == 0 {
				s = append(s, r)
			}
		}
		return s
	}
	const transportSvc = "MSExchangeTransport"
	serverDown := map[string][]band{} // each server's down periods so far, for service rows that appear later
	svc := func(server, service string) *laneRow {
		k := [2]string{server, "s:" + service}
		r := byKey[k]
		if r == nil {
			r = row(server, "s:"+service, service, "the "+service+" service: down, or running with a component state other than Active (a transport service reads its state only when it starts)", 0)
			r.bands = append(r.bands, serverDown[server]...)
		}
		return r
	}
	type open struct {
		at    time.Duration
		label string
	}
	downAt := map[string]*open{}
	closeDown := func(server string, at time.Duration) {
		o := downAt[server]
		if o == nil {
			return
		}
		delete(downAt, server)
		if at <= o.at {
			return
		}
		out.down[server] = append(out.down[server], band{from: o.at, to: at, text: o.label, class: "down",
			title: fmt.Sprintf("%s %s", server, o.label)})
		out.spans[server] = append(out.spans[server], hSpan{ms(o.at), ms(at)})
	}
	runsAs := func(r *laneRow, at time.Duration, component, state string) {
		if state != "" && state != string(components.Active) {
			openBand(r, at, state, "run", fmt.Sprintf("%s: %s runs with %s %s (it reads the state only when it starts)", r.server, r.label, component, state))
		}
	}
	// started: a service started; where no event 7009 said what it read, its start
	// record does
	started := func(r *laneRow, at time.Duration, component, state string) {
		if r.open != nil && r.open.class == "down" {
			closeBand(r, at)
		}
		if r.open == nil {
			runsAs(r, at, component, state)
		}
	}
	copies := map[[2]string]bool{} // database copies seen
	for _, rec := range b.kept {
		switch e := rec.Data.(type) {
		case scenarios.FaultInjected:
			f, err := parseFault(rec)
			if err != nil {
				continue
			}
			goDown := func(server, label string) {
				if downAt[server] != nil {
					return
				}
				downAt[server] = &open{at: rec.At, label: label}
				if len(services(server)) == 0 {
					svc(server, transportSvc)
				}
				for _, r := range services(server) {
					openBand(r, rec.At, "server "+label, "down", server+": the server "+label)
				}
			}
			comeUp := func(server string) {
				if o := downAt[server]; o != nil && rec.At > o.at {
					serverDown[server] = append(serverDown[server], band{from: o.at, to: rec.At, text: "server " + o.label, class: "down", title: server + ": the server " + o.label})
				}
				closeDown(server, rec.At)
				for _, r := range services(server) {
					closeBand(r, rec.At)
				}
			}
			switch f.Kind {
			case fault.Crash, fault.Stop:
				label := "stopped"
				if f.Kind == fault.Crash {
					label = "crashed"
					if f.LoseQueue {
						label = "crashed, queue database lost"
					}
				}
				goDown(f.Server, label)
			case fault.Start:
				comeUp(f.Server)
			case fault.FailSite, fault.RestoreSite: // every server of the site (issue 17)
				for _, sv := range b.r.Scenario.Topology.Servers {
					if !strings.EqualFold(sv.Site, f.Site) {
						continue
					}
					if f.Kind == fault.FailSite {
						goDown(sv.Name, "failed with site "+f.Site)
					} else {
						comeUp(sv.Name)
					}
				}
			}
		case transport.ServiceStopped:
			if e.Service == transportSvc && downAt[rec.Server] == nil {
				downAt[rec.Server] = &open{at: rec.At, label: transportSvc + " stopped"}
			}
			r := svc(rec.Server, e.Service)
			openBand(r, rec.At, "stopped", "down", rec.Server+": "+e.Service+" stopped")
		case transport.Started:
			if o := downAt[rec.Server]; o != nil && o.label == transportSvc+" stopped" {
				closeDown(rec.Server, rec.At)
			}
			if !e.Transport {
				continue
			}
			started(svc(rec.Server, transportSvc), rec.At, "HubTransport", e.State)
		case transport.ServiceStarted:
			started(svc(rec.Server, e.Service), rec.At, "FrontendTransport", e.State)
		case components.ServiceReadState: // event 7009: the state the service keeps until its next start
			r := svc(rec.Server, e.Service)
			closeBand(r, rec.At)
			runsAs(r, rec.At, e.Component, string(e.State))
		case components.StateSet:
			r := row(rec.Server, "c:"+e.Component, e.Component, "the "+e.Component+" component's effective state when not Active", 1)
			closeBand(r, rec.At)
			if e.After != components.Active {
				openBand(r, rec.At, string(e.After), "state", fmt.Sprintf("%s: %s %s", rec.Server, e.Component, e.After))
			}
		case dag.NodePaused:
			r := row(rec.Server, "c:cluster node", "cluster node", "the server's node of the DAG's cluster", 1)
			closeBand(r, rec.At)
			if e.Paused {
				openBand(r, rec.At, "paused", "state", rec.Server+": cluster node paused")
			}
		case dag.AutoActivationPolicySet:
			r := row(rec.Server, "c:activation", "activation policy", "DatabaseCopyAutoActivationPolicy when not Unrestricted", 1)
			closeBand(r, rec.At)
			if e.Policy != dag.Unrestricted {
				openBand(r, rec.At, string(e.Policy), "state", fmt.Sprintf("%s: activation %s", rec.Server, e.Policy))
			}
		case transport.PressureActions: // back pressure refusing mail (transport/pressure.go)
			refusing := false
			for _, d := range e.Disabled {
				refusing = refusing || strings.HasPrefix(d, "Inbound mail submission") || d == "Mail submission from Mailbox server"
			}
			r := row(rec.Server, "c:pressure", "back pressure", "the server refuses mail with 452 4.3.1 Insufficient system resources", 1)
			closeBand(r, rec.At)
			if refusing {
				openBand(r, rec.At, "452 4.3.1", "state", rec.Server+": back pressure refuses mail (452 4.3.1)")
			}
		case scom.MaintenanceMode:
			r := row(rec.Server, "c:scom", "SCOM", "System Center Operations Manager maintenance mode", 1)
			closeBand(r, rec.At)
			if e.Enter {
				openBand(r, rec.At, "maintenance mode", "state", rec.Server+": SCOM maintenance mode")
			}
		case dag.CopyChange:
			r := row(e.Server, "d:"+e.Database, e.Database+" copy", "the copy of "+e.Database+" on "+e.Server+": active while Mounted, its status while neither Mounted nor Healthy", 2)
			k := [2]string{e.Database, e.Server}
			if !copies[k] { // before its first change the copy was in From
				copies[k] = true
				if bd := copyBand(e.Server, e.Database, e.From); bd != nil {
					r.open = bd
				}
			}
			closeBand(r, rec.At)
			if bd := copyBand(e.Server, e.Database, e.To); bd != nil {
				bd.from = rec.At
				r.open = bd
			}
		}
	}
	for _, n := range b.names {
		closeDown(n, b.end)
		var kept []*laneRow
		for _, r := range out.rows[n] {
			closeBand(r, b.end)
			if len(r.bands) > 0 { // a row with nothing to show is left out
				kept = append(kept, r)
			}
		}
		out.rows[n] = kept
		slices.SortStableFunc(out.rows[n], func(a, c *laneRow) int {
			if a.rank != c.rank {
				return a.rank - c.rank
			}
			return a.first - c.first
		})
	}
	return out
}

// copyBand is the band of a database copy in status st, nil for a healthy passive
// copy (nothing to show).
func copyBand(server, db string, st dag.Status) *band {
	switch st {
	case "Mounted":
		return &band{text: "active (Mounted)", class: "dbactive", title: fmt.Sprintf("%s: %s active copy (Mounted)", server, db)}
	case "Healthy":
		return nil
	}
	return &band{text: string(st), class: "dbstate", title: fmt.Sprintf("%s: %s %s", server, db, st)}
}

// rowRects draws lane i's rows and down periods.
func (b *hbuild) rowRects(i int, rows hRows) ([]hRow, []hRect) {
	name := b.names[i]
	g := b.geo[i]
	var out []hRow
	for k, r := range rows.rows[name] {
		y := g.Y + hHeadH + k*hRowH
		hr := hRow{Label: fitW(r.label, hLabelW-14, 6.6), Title: r.label + ": " + r.title, Y: y}
		for _, bd := range r.bands {
			w := b.x(bd.to) - b.x(bd.from)
			hr.Bands = append(hr.Bands, hRect{X: fx(b.x(bd.from)), W: fx(max(w, 0.5)), Y: strconv.Itoa(y + 1), H: strconv.Itoa(hRowH - 2),
				Class: bd.class, Label: fit(bd.text, w), Full: bd.text, T0: ms(bd.from), T1: ms(bd.to),
				Title: fmt.Sprintf("%s from %s to %s", bd.title, b.r.Clock(bd.from), b.r.Clock(bd.to))})
		}
		out = append(out, hr)
	}
	var down []hRect
	for _, bd := range rows.down[name] {
		down = append(down, hRect{X: fx(b.x(bd.from)), W: fx(b.x(bd.to) - b.x(bd.from)), Y: strconv.Itoa(g.Y), H: strconv.Itoa(g.H),
			Class: "down", T0: ms(bd.from), T1: ms(bd.to), Title: fmt.Sprintf("%s from %s to %s", bd.title, b.r.Clock(bd.from), b.r.Clock(bd.to))})
	}
	return out, down
}

// fit shortens a label to a width of w units (11px text); "" when not even a few
// characters fit. The band keeps the whole label in its tooltip.
func fit(label string, w float64) string { return fitW(label, w, hCharW) }

// fitW is fit for characters charW wide.
func fitW(label string, w, charW float64) string {
	n := int((w - 6) / charW)
	r := []rune(label)
	switch {
	case len(r) <= n:
		return label
	case n < 4:
		return ""
	}
	return string(r[:n-1]) + "…"
}

func sortStrings(s []string) { slices.Sort(s) }

// steps are the steps and faults of the run, with a short label each.
func (b *hbuild) steps() []hStep {
	out := []hStep{}
	for _, rec := range b.kept {
		var class, text string
		switch e := rec.Data.(type) {
		case scenarios.StepRun:
			class, text = "step", rec.Subject
			if strings.HasPrefix(strings.TrimSpace(text), "Get-") {
				class = "step get"
			}
		case scenarios.ScriptCommand:
			class, text = "step", e.Command
		case scenarios.FaultInjected:
			class, text = "fault", rec.Subject
		case scenarios.LivenessStarted:
			class, text = "step", "liveness phase: every fault healed"
		default:
			continue
		}
		title := b.r.Clock(rec.At) + "  " + text
		label := shortStep(text)
		if rec.Server != "" && class != "fault" {
			title = b.r.Clock(rec.At) + "  [" + rec.Server + "] " + text
			label = rec.Server + ": " + label
		}
		out = append(out, hStep{T: ms(rec.At), Seq: rec.Seq, Label: label, Title: title, Class: class})
	}
	return out
}

// quietParams are parameters whose value says nothing on a marker's label.
var quietParams = map[string]bool{"-requester": true, "-movecomment": true, "-confirm": true, "-whatif": true}

// shortStep is a step's label: the cmdlet and its values without parameter names
// ("Set-ServerComponentState EX1 HubTransport Draining"), at most 34 characters.
func shortStep(text string) string {
	f := strings.Fields(text)
	var out []string
	for i := 0; i < len(f); i++ {
		w := f[i]
		if i == 0 {
			out = append(out, strings.TrimPrefix(w, `.\`))
			continue
		}
		if strings.HasPrefix(w, "-") {
			name := strings.ToLower(w)
			if j := strings.IndexByte(name, ':'); j >= 0 {
				continue // -Confirm:$false
			}
			if quietParams[name] && i+1 < len(f) && !strings.HasPrefix(f[i+1], "-") {
				i++
			}
			continue
		}
		out = append(out, w)
	}
	s := strings.Join(out, " ")
	if r := []rune(s); len(r) > 34 {
		s = string(r[:33]) + "…"
	}
	return s
}

// layoutSteps places the markers of steps on the steps lane at the whole run's zoom,
// as index.js does again at every zoom: steps closer than hClusterPx share one
// marker numbered with how many they are (its tooltip lists them); each marker's
// label goes on the first of three rows where it does not run into the previous
// label, and is left out where none has room.
func layoutSteps(steps []hStep, end int64) (markers, labels []hMarker) {
	if end <= 0 {
		return nil, nil
	}
	xOf := func(t int64) float64 { return float64(t) / float64(end) * hPlotW }
	type cluster struct {
		x     float64
		steps []hStep
	}
	var cs []*cluster
	for _, s := range steps {
		x := xOf(s.T)
		if n := len(cs); n > 0 && x-cs[n-1].x < hClusterPx {
			cs[n-1].steps = append(cs[n-1].steps, s)
			continue
		}
		cs = append(cs, &cluster{x: x, steps: []hStep{s}})
	}
	rowEnd := []float64{-1e9, -1e9, -1e9}
	for _, c := range cs {
		lead := c.steps[0] // the label names the first step that is not a Get-
		class := "step"
		var titles []string
		for _, s := range c.steps {
			titles = append(titles, s.Title)
			if s.Class == "fault" {
				class = "fault"
			}
		}
		for _, s := range c.steps {
			if s.Class != "step get" {
				lead = s
				break
			}
		}
		if class != "fault" && lead.Class == "step get" {
			class = "step get"
		}
		m := hMarker{X: fx(c.x), Y: "10", Class: class, Title: strings.Join(titles, "\n"), Seq: lead.Seq, T: c.steps[0].T, Count: len(c.steps)}
		markers = append(markers, m)
		text := lead.Label
		if len(c.steps) > 1 {
			text = fmt.Sprintf("%s (+%d)", text, len(c.steps)-1)
		}
		for row := range rowEnd {
			x := c.x - 4
			avail := hPlotW - x
			w := float64(len([]rune(text)))*hCharW + 4
			if x < rowEnd[row]+10 {
				continue
			}
			if w > avail {
				if avail < 6*hCharW {
					break
				}
				text = fit(text, avail)
				w = avail
			}
			rowEnd[row] = x + w
			labels = append(labels, hMarker{X: fx(x), Y: strconv.Itoa(34 + row*14), Class: "mlabel", Label: text, Title: m.Title, Seq: lead.Seq, T: m.T})
			break
		}
	}
	return markers, labels
}

// faultMarkers puts each fault on the lane of the server it hits, in its header.
func (b *hbuild) faultMarkers(lanes []hLane) {
	for _, rec := range b.kept {
		if _, ok := rec.Data.(scenarios.FaultInjected); !ok {
			continue
		}
		if i, ok := b.lane[rec.Server]; ok {
			lanes[i].Markers = append(lanes[i].Markers, hMarker{X: fx(b.x(rec.At)), Y: strconv.Itoa(lanes[i].Y + 10), Class: "fault",
				Title: b.r.Clock(rec.At) + "  " + rec.Subject, Seq: rec.Seq, T: ms(rec.At)})
		}
	}
}

func (b *hbuild) alertMarkers(lanes []hLane) {
	for _, rec := range b.kept {
		a, ok := rec.Data.(scom.Alert)
		if !ok || rec.Kind != "monitor.alert" {
			continue
		}
		i, ok := b.lane[a.Server]
		if !ok {
			continue
		}
		lanes[i].Markers = append(lanes[i].Markers, hMarker{X: fx(b.x(rec.At)), Y: strconv.Itoa(lanes[i].Y + 10), Class: "alert", Label: "!",
			Title: fmt.Sprintf("%s ALERT %s (%s monitor): %s", b.r.Clock(rec.At), a.Name, a.Monitor, a.Detail), Seq: rec.Seq, T: ms(rec.At)})
	}
}
