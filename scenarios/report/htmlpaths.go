package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/transport"
	"github.com/exsim/exsim/transport/logs"
)

type hPath struct {
	Msg    int
	Class  string
	D      string
	Shadow []string // dashed segments where a shadow copy sat
	Sender string   // dashed segment while the internet sender held its copy
	Title  string
	Seq    int
	Hops   []hMarker // where the message's events were logged
	Ends   []hMarker
}

// hBundle is the messages that arrived on a lane in one column of the axis.
type hBundle struct {
	X, Y, W, Opacity string
	T                int64
	Title            string
}

// hop is one point of a message's path.
type hop struct {
	at     time.Duration
	server string
	event  string
	seq    int
}

// paths draws each message's way across the lanes (up to maxPaths, lost, stuck and
// bounced first), bundles the hops of all of them past bundleMin paths, and marks
// every lost message where it died.
func (b *hbuild) paths() (paths []hPath, lost []hMarker, bundles []hBundle, notes []string) {
	hops := map[int][]hop{}
	shadows := map[int][][2]hop{} // open/close of each shadow copy
	openShadow := map[[2]string]hop{}
	// closeShadows ends every open shadow of a message, in server order
	closeShadows := func(m int, subject string, at time.Duration) {
		var ks [][2]string
		for k := range openShadow {
			if k[1] == subject {
				ks = append(ks, k)
			}
		}
		slices.SortFunc(ks, func(a, c [2]string) int { return strings.Compare(a[0], c[0]) })
		for _, k := range ks {
			shadows[m] = append(shadows[m], [2]hop{openShadow[k], {at: at}})
			delete(openShadow, k)
		}
	}
	first := map[int]int{} // first narrated record of each message
	for i := range b.kept {
		rec := &b.kept[i]
		m := transport.MessageOf(rec.Data)
		if m <= 0 || !b.plan.drawn[m] {
			continue
		}
		subject := "#" + strconv.Itoa(m)
		if _, ok := first[m]; !ok && narrated(*rec) {
			first[m] = rec.Seq
		}
		switch rec.Kind {
		case "transport.submit":
			if internetSubmit(*rec) && len(hops[m]) == 0 {
				hops[m] = append(hops[m], hop{rec.At, internetLane, "SENDER", rec.Seq})
			}
		case logs.KindTracking:
			e, ok := rec.Data.(logs.TrackingEvent)
			if !ok {
				continue
			}
			switch e.EventID {
			case logs.EventReceive, logs.EventSend, logs.EventSubmit, logs.EventHARedirect, logs.EventFail:
				hops[m] = append(hops[m], hop{rec.At, e.Server, string(e.EventID), -1})
			case logs.EventDeliver:
				hops[m] = append(hops[m], hop{rec.At, e.Server, "DELIVER", -1})
				if _, ok := b.lane[e.ServerHostname]; ok && e.ServerHostname != e.Server {
					hops[m] = append(hops[m], hop{rec.At, e.ServerHostname, "DELIVERED", -1})
				}
				closeShadows(m, subject, rec.At)
			}
		case "transport.shadow":
			k := [2]string{rec.Server, subject}
			if _, ok := rec.Data.(transport.ShadowTakeover); ok {
				if h, ok := openShadow[k]; ok {
					shadows[m] = append(shadows[m], [2]hop{h, {at: rec.At}})
					delete(openShadow, k)
				}
				hops[m] = append(hops[m], hop{rec.At, rec.Server, "RESUBMIT", rec.Seq})
			} else if _, ok := openShadow[k]; !ok {
				openShadow[k] = hop{rec.At, rec.Server, "SHADOW", rec.Seq}
			}
		case "transport.lost":
			closeShadows(m, subject, rec.At)
		}
	}
	// shadows still open at the end, in a fixed order
	var still [][2]string
	for k := range openShadow {
		still = append(still, k)
	}
	slices.SortFunc(still, func(a, c [2]string) int { return strings.Compare(a[0]+"\x00"+a[1], c[0]+"\x00"+c[1]) })
	for _, k := range still {
		m, _ := strconv.Atoi(k[1][1:]) // "#N"
		shadows[m] = append(shadows[m], [2]hop{openShadow[k], {at: b.end}})
	}

	fate := b.plan.fateOf
	pick := b.plan.pick
	notes = b.plan.notes
	yOf := func(server string, m int) (float64, bool) {
		if server == internetLane {
			return float64(b.netY+14) + float64(m%7)*2, b.net
		}
		i, ok := b.lane[server]
		if !ok {
			return 0, false
		}
		return b.pathY(i, m), true
	}
	bundled := len(pick) > bundleMin
	if bundled {
		bundles = b.bundles(yOf)
	}
	for _, m := range pick {
		hs := hops[m]
		var d strings.Builder
		cls := "path " + strings.ToLower(string(fate(m)))
		if bundled && fate(m) == transport.Delivered {
			cls += " detail-only"
		}
		y := func(server string) (float64, bool) { return yOf(server, m) }
		started := false
		var lastX, lastY float64
		for _, h := range hs {
			yy, ok := y(h.server)
			if !ok {
				continue
			}
			x := b.x(h.at)
			if !started {
				fmt.Fprintf(&d, "M%s %s", fx(x), fx(yy))
				started = true
			} else {
				if yy != lastY {
					fmt.Fprintf(&d, "H%s L%s %s", fx(max(x-1.5, lastX)), fx(x), fx(yy))
				} else {
					fmt.Fprintf(&d, "H%s", fx(x))
				}
			}
			lastX, lastY = x, yy
		}
		if !started {
			continue
		}
		endAt := b.end
		if l, ok := b.rec.lostLast[m]; ok {
			endAt = l.at
		}
		last := hs[len(hs)-1]
		if fate(m) == transport.Delivered || last.event == "DELIVERED" || last.event == "FAIL" {
			endAt = last.at
		}
		if x := b.x(endAt); x > lastX {
			fmt.Fprintf(&d, "H%s", fx(x))
		}
		p := hPath{Msg: m, Class: cls, D: d.String(), Seq: first[m],
			Title: fmt.Sprintf("Message #%d (%s): %s", m, strings.ToLower(string(fate(m))), hopText(hs, b.r))}
		if sp, ok := b.sender[m]; ok && b.net {
			yy, _ := y(internetLane)
			p.Sender = fmt.Sprintf("M%s %sH%s", fx(b.x(sp[0])), fx(yy+5), fx(max(b.x(sp[1]), b.x(sp[0])+1)))
		}
		for _, sh := range shadows[m] {
			if yy, ok := y(sh[0].server); ok {
				p.Shadow = append(p.Shadow, fmt.Sprintf("M%s %sH%s", fx(b.x(sh[0].at)), fx(yy+5), fx(b.x(sh[1].at))))
			}
		}
		for _, h := range hs { // each logged event, with its message tracking EventId (not for bundled ones: the page stays small)
			if bundled && fate(m) == transport.Delivered {
				break
			}
			if yy, ok := y(h.server); ok && h.event != "DELIVERED" && h.event != "SENDER" {
				p.Hops = append(p.Hops, hMarker{X: fx(b.x(h.at)), Y: fx(yy), Class: "hop", T: ms(h.at), Msg: m,
					Title: fmt.Sprintf("%s %s %s #%d", b.r.Clock(h.at), h.server, h.event, m)})
			}
		}
		if last.event == "DELIVERED" || last.event == "DELIVER" {
			p.Ends = append(p.Ends, hMarker{X: fx(b.x(last.at)), Y: fx(lastY), Class: "delivered", Seq: last.seq, T: ms(last.at), Msg: m, Title: fmt.Sprintf("#%d delivered at %s", m, b.r.Clock(last.at))})
		}
		paths = append(paths, p)
	}
	// lost markers: one per server and 8-unit column of the axis (markers closer
	// than that would overlap), naming the messages
	type place struct {
		server string
		col    int
	}
	type grp struct {
		from, to time.Duration
		seq      int
		msgs     []int
	}
	group := map[place]*grp{}
	var places []place
	seen := map[int]bool{}
	for _, f := range b.r.Verdict.Fates {
		if f.Fate != transport.Lost || seen[f.Message] {
			continue
		}
		seen[f.Message] = true
		l, ok := b.rec.lostLast[f.Message]
		at, seq := b.end, -1
		if ok {
			at, seq = l.at, l.seq
		}
		pl := place{f.Server, int(b.x(at) / 8)}
		g := group[pl]
		if g == nil {
			g = &grp{from: at, to: at, seq: seq}
			group[pl] = g
			places = append(places, pl)
		}
		g.from, g.to = min(g.from, at), max(g.to, at)
		g.msgs = append(g.msgs, f.Message)
	}
	for _, pl := range places {
		i, ok := b.lane[pl.server]
		if !ok {
			continue
		}
		g := group[pl]
		label := "✕"
		if len(g.msgs) > 1 {
			label = fmt.Sprintf("✕ %d lost", len(g.msgs))
		}
		when := "at " + b.r.Clock(g.from)
		if g.to != g.from {
			when = "from " + b.r.Clock(g.from) + " to " + b.r.Clock(g.to)
		}
		lost = append(lost, hMarker{X: fx(b.x(g.from)), Y: strconv.Itoa(b.geo[i].QY + 22), Class: "lost", Label: label, Seq: g.seq, T: ms(g.from),
			Title: fmt.Sprintf("LOST on %s %s: %s (the last copy was destroyed here)", pl.server, when, listMsgs(g.msgs))})
	}
	return paths, lost, bundles, notes
}

// spread picks n of xs, evenly spaced, keeping their order.
func spread(xs []int, n int) []int {
	if n >= len(xs) {
		return xs
	}
	out := make([]int, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, xs[i*len(xs)/n])
	}
	return out
}

func hopText(hs []hop, r *scenarios.Result) string {
	var s []string
	for i, h := range hs {
		if i == 10 {
			s = append(s, "…")
			break
		}
		server := h.server
		if server == internetLane {
			server = "internet"
		}
		s = append(s, fmt.Sprintf("%s %s %s", r.Clock(h.at), server, h.event))
	}
	return strings.Join(s, " → ")
}

// routineKinds are narrated records of everyday traffic; a large run keeps those of

// bundles counts, for every column of the axis hClusterPx wide and every lane, the
// messages that arrived there from another lane, and shades the top of the lane's
// queue row in that column as dark as its count against the busiest: a density
// strip, with no line crossing other lanes. Columns widen until there are at most
// maxBundles shaded cells.
func (b *hbuild) bundles(yOf func(string, int) (float64, bool)) []hBundle {
	a := b.rec.arrivals
	for width, shift := float64(hClusterPx), 0; ; width, shift = width*2, shift+1 {
		// a column of width is 2^shift of the narrowest: x/width is exact in floating
		// point, so its column is the narrowest's shifted
		count := map[cell]*arrivalCell{}
		var keys []cell
		for k, c := range a.cells {
			wk := cell{col: k.col >> shift, to: k.to}
			g := count[wk]
			if g == nil {
				g = &arrivalCell{from: c.from, to: c.to, sources: map[uint16]int{}}
				count[wk] = g
				keys = append(keys, wk)
			}
			g.n += c.n
			for src, n := range c.sources {
				g.sources[src] += n
			}
			g.from, g.to = min(g.from, c.from), max(g.to, c.to)
		}
		if len(keys) > maxBundles && width < hPlotW {
			continue
		}
		server := func(id uint16) string { return a.names[id-1] }
		slices.SortFunc(keys, func(p, q cell) int {
			if p.col != q.col {
				return p.col - q.col
			}
			return strings.Compare(server(p.to), server(q.to))
		})
		busiest := 1
		for _, g := range count {
			busiest = max(busiest, g.n)
		}
		name := func(s string) string {
			if s == internetLane {
				return "internet senders"
			}
			return s
		}
		out := []hBundle{}
		for _, k := range keys {
			g := count[k]
			y, ok := yOf(server(k.to), 0)
			if !ok {
				continue
			}
			var from []string
			n := map[string]int{}
			for src, c := range g.sources {
				from = append(from, server(src))
				n[server(src)] = c
			}
			slices.Sort(from)
			for i, src := range from {
				from[i] = fmt.Sprintf("%d from %s", n[src], name(src))
			}
			x := float64(k.col) * width
			out = append(out, hBundle{X: fx(x), Y: fx(y - 9), W: fx(min(width, hPlotW-x)), T: ms(g.from),
				Opacity: fx(0.15 + 0.75*float64(g.n)/float64(busiest)),
				Title:   fmt.Sprintf("%d message(s) arrived on %s %s–%s: %s", g.n, name(server(k.to)), hms(b.r, g.from), hms(b.r, g.to), strings.Join(from, ", "))})
		}
		return out
	}
}

// hms is the clock of t to the second.
func hms(r *scenarios.Result, t time.Duration) string {
	return r.Scenario.Start.Add(t).UTC().Format("15:04:05")
}
