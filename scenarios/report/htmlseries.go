package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/exsim/exsim/scenarios/fault"
	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport"
	"github.com/exsim/exsim/transport/logs"
)

// depth is one change of a server's queues: from At on it holds Q primary and S
// shadow copies.
type depth struct {
	At   time.Duration
	Q, S int
}

// queues replays the journal into each server's queue depth over time.
func (b *hbuild) queues() map[string][]depth {
	type key struct {
		server string
		msg    int
	}
	prim := map[key]int{} // recipients of msg queued on server
	shadow := map[key]bool{}
	nq, ns := map[string]int{}, map[string]int{}
	out := map[string][]depth{}
	note := func(server string, at time.Duration) {
		s := out[server]
		d := depth{at, nq[server], ns[server]}
		if n := len(s); n > 0 && s[n-1].At == at {
			s[n-1] = d
		} else if n == 0 || s[n-1].Q != d.Q || s[n-1].S != d.S {
			s = append(s, d)
		}
		out[server] = s
	}
	add := func(k key, n int, at time.Duration) {
		if prim[k] == 0 {
			nq[k.server]++
		}
		prim[k] += n
		note(k.server, at)
	}
	sub := func(k key, n int, at time.Duration) {
		if prim[k] == 0 {
			return
		}
		prim[k] -= n
		if prim[k] <= 0 {
			delete(prim, k)
			nq[k.server]--
		}
		note(k.server, at)
	}
	unshadow := func(k key, at time.Duration) {
		if shadow[k] {
			delete(shadow, k)
			ns[k.server]--
			note(k.server, at)
		}
	}
	addShadow := func(k key, at time.Duration) {
		if !shadow[k] {
			shadow[k] = true
			ns[k.server]++
			note(k.server, at)
		}
	}
	// forget drops every copy matching pred, in a deterministic (sorted) order.
	forget := func(at time.Duration, pred func(key) bool) {
		var ks []key
		for k := range prim {
			if pred(k) {
				ks = append(ks, k)
			}
		}
		for k := range shadow {
			if pred(k) {
				ks = append(ks, k)
			}
		}
		slices.SortFunc(ks, func(a, c key) int {
			if a.server != c.server {
				return strings.Compare(a.server, c.server)
			}
			return a.msg - c.msg
		})
		for _, k := range ks {
			if n := prim[k]; n > 0 {
				sub(k, n, at)
			}
			unshadow(k, at)
		}
	}
	b.each(func(rec sim.Record, e *trow) {
		m := transport.MessageOf(rec.Data)
		if e != nil {
			m = e.msg
		}
		switch rec.Kind {
		case logs.KindTracking:
			if e == nil || m == 0 {
				return
			}
			k := key{e.server, m}
			n := e.n
			switch e.ev {
			case logs.EventReceive:
				add(k, n, rec.At)
			case logs.EventSend, logs.EventDeliver, logs.EventFail, logs.EventSubmit:
				// SUBMIT ends the Mailbox Transport Submission service's RECEIVE
				// (2013+: NOTIFYMAPI, RECEIVE STOREDRIVER, SUBMIT, then Transport's own
				// RECEIVE); on 2010 the mailbox server logs SUBMIT with nothing queued.
				sub(k, n, rec.At)
			}
			switch e.ev {
			case logs.EventHAReceive: // 2013+: the shadow server logs the copy it keeps
				addShadow(k, rec.At)
			case logs.EventHADiscard: // the shadow server learned the message went on
				unshadow(k, rec.At)
			}
			if e.ev == logs.EventDeliver {
				forget(rec.At, func(x key) bool { return x.msg == m && shadow[x] && prim[x] == 0 })
			}
		case "transport.shadow":
			if m == 0 {
				return
			}
			k := key{rec.Server, m}
			switch e := rec.Data.(type) {
			case transport.ShadowTakeover:
				unshadow(k, rec.At)
				add(k, 1, rec.At)
			case transport.ShadowMade:
				if e.XShadow { // 2010: the sending hub keeps the shadow (no HARECEIVE is logged)
					addShadow(k, rec.At)
				}
			}
		case "transport.lost":
			forget(rec.At, func(x key) bool { return x.msg == m })
		case "fault":
			if f, err := parseFault(rec); err == nil && f.Kind == fault.Crash && f.LoseQueue {
				server := rec.Server
				forget(rec.At, func(x key) bool { return x.server == server })
			}
		}
	})
	return out
}

// depthPaths draws a lane's queue (solid, above qBase) and shadow (dashed, above
// sBase) depths as step lines, each scaled to its own peak.
func (b *hbuild) depthPaths(ds []depth, qBase, qH, sBase, sH int) (qp, sp string, peakQ, peakS int) {
	for _, d := range ds {
		peakQ, peakS = max(peakQ, d.Q), max(peakS, d.S)
	}
	if peakQ == 0 && peakS == 0 {
		return "", "", 0, 0
	}
	ds = bucket(ds, b)
	line := func(v func(depth) int, base, height, peak int) string {
		y := func(v int) string { return fx(float64(base) - float64(v)*float64(height)/float64(max(peak, 1))) }
		var sb strings.Builder
		prev := 0
		fmt.Fprintf(&sb, "M%s %s", fx(b.x(0)), y(0))
		for _, d := range ds {
			if d.At > b.end {
				break
			}
			x := fx(b.x(d.At))
			fmt.Fprintf(&sb, "H%s", x)
			if v(d) != prev {
				fmt.Fprintf(&sb, "V%s", y(v(d)))
				prev = v(d)
			}
		}
		fmt.Fprintf(&sb, "H%s", fx(b.x(b.end)))
		return sb.String()
	}
	qp = line(func(d depth) int { return d.Q }, qBase, qH, peakQ)
	if peakS > 0 {
		sp = line(func(d depth) int { return d.S }, sBase, sH, peakS)
	}
	return qp, sp, peakQ, peakS
}

// bucket keeps a long series drawable: past maxSeries changes, one change per pixel
// column holding that column's peak.
func bucket(ds []depth, b *hbuild) []depth {
	if len(ds) <= maxSeries {
		return ds
	}
	col := func(t time.Duration) int { return int(float64(min(t, b.end)) / float64(b.end) * hPlotW) }
	peaks := make([]depth, hPlotW+1)
	for i := range peaks {
		peaks[i].At = time.Duration(float64(i) / hPlotW * float64(b.end))
		peaks[i].Q, peaks[i].S = -1, -1
	}
	for i, d := range ds {
		last := hPlotW
		if i+1 < len(ds) {
			last = col(ds[i+1].At)
		}
		for c := col(d.At); c <= last && c <= hPlotW; c++ {
			if peaks[c].Q < 0 { // the column's value starts with its first change
				peaks[c].At = max(peaks[c].At, d.At)
			}
			peaks[c].Q, peaks[c].S = max(peaks[c].Q, d.Q), max(peaks[c].S, d.S)
		}
	}
	var out []depth
	for _, p := range peaks {
		if p.Q >= 0 {
			out = append(out, p)
		}
	}
	return out
}

func seriesJSON(ds []depth, end time.Duration) []hPoint {
	out := []hPoint{}
	for _, d := range bucketFor(ds, end) {
		out = append(out, hPoint{ms(d.At), int64(d.Q), int64(d.S)})
	}
	return out
}

func bucketFor(ds []depth, end time.Duration) []depth {
	return bucket(ds, &hbuild{end: end})
}

// hPeriods are the lane bands: down periods, component-state and maintenance
// hNet is the internet senders' lane: an internet sender keeps its copy of a
// message until an Exchange server answers 250 (after a delayed acknowledgement in
// 2010), so until then the sender's copy is one of the message's copies.
type hNet struct {
	Y, H, Max int
	Path      string
	series    []hPoint
}

// internet replays how many messages internet senders hold over time. A sender's
// copy ends at the server's 250 (the "transport.ack" record); where transport writes
// none (2013+ acknowledges once the shadow exists, within the SMTP session), at the
// message's first RECEIVE.
func (b *hbuild) internet() *hNet {
	b.sender = map[int][2]time.Duration{}
	var order []int
	acked := map[int]bool{}
	b.each(func(rec sim.Record, tr *trow) {
		m := transport.MessageOf(rec.Data)
		if tr != nil {
			m = tr.msg
		}
		if m == 0 {
			return
		}
		sp, ok := b.sender[m]
		switch {
		case internetSubmit(rec):
			if !ok {
				b.sender[m] = [2]time.Duration{rec.At, -1}
				order = append(order, m)
			}
		case !ok:
		case rec.Kind == "transport.ack":
			sp[1], acked[m] = rec.At, true
			b.sender[m] = sp
		case tr != nil && !acked[m] && sp[1] < 0:
			if tr.ev == logs.EventReceive {
				sp[1] = rec.At
				b.sender[m] = sp
			}
		}
	})
	type edge struct {
		at    time.Duration
		delta int
	}
	var es []edge
	for _, m := range order {
		sp := b.sender[m]
		if sp[1] < 0 {
			sp[1] = b.r.End
			b.sender[m] = sp
		}
		es = append(es, edge{sp[0], 1}, edge{sp[1], -1})
	}
	slices.SortStableFunc(es, func(a, c edge) int {
		if a.at != c.at {
			return cmp.Compare(a.at, c.at)
		}
		return a.delta - c.delta
	})
	var ds []depth
	n := 0
	for _, e := range es {
		n += e.delta
		if k := len(ds); k > 0 && ds[k-1].At == e.at {
			ds[k-1].Q = n
		} else {
			ds = append(ds, depth{At: e.at, Q: n})
		}
	}
	l := &hNet{Y: b.netY, H: hNetH, series: seriesJSON(ds, b.end)}
	l.Path, _, l.Max, _ = b.depthPaths(ds, b.netY+hNetH-3, 22, 0, 0)
	return l
}
