package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

type hSPOF struct {
	rects  map[string][]hRect
	series map[string][]hPoint
}

// spof shades, on each server's lane, the union of the SPOF windows it held, and
// gives the slider the number of messages exposed on it at each instant.
func (b *hbuild) spof() hSPOF {
	out := hSPOF{rects: map[string][]hRect{}, series: map[string][]hPoint{}}
	type edge struct {
		at    time.Duration
		delta int
		msg   int
	}
	edges := map[string][]edge{}
	for _, w := range b.r.Verdict.SPOF {
		edges[w.Server] = append(edges[w.Server], edge{w.From, 1, w.Message}, edge{w.To, -1, w.Message})
	}
	for _, server := range b.names {
		out.series[server] = []hPoint{}
		es := edges[server]
		slices.SortStableFunc(es, func(a, c edge) int {
			if a.at != c.at {
				return cmp.Compare(a.at, c.at)
			}
			return a.delta - c.delta // ends before starts at one instant
		})
		i, ok := b.lane[server]
		if !ok {
			continue
		}
		n, peak := 0, 0
		var from, to time.Duration
		var msgs []int
		var series []depth
		flush := func() {
			if len(msgs) == 0 {
				return
			}
			title := fmt.Sprintf("Single point of failure on %s from %s to %s: %d message(s) had their only copy here (at most %d at once): %s",
				server, b.r.Clock(from), b.r.Clock(to), len(msgs), peak, listMsgs(msgs))
			out.rects[server] = append(out.rects[server], hRect{X: fx(b.x(from)), W: fx(max(b.x(to)-b.x(from), 1)),
				Y: strconv.Itoa(b.geo[i].Y), H: strconv.Itoa(b.geo[i].H), T0: ms(from), T1: ms(to), Class: "spof", Title: title, Label: fmt.Sprintf("SPOF ×%d", len(msgs))})
			msgs = nil
		}
		for _, e := range es {
			// windows less than a pixel apart share one shaded rectangle
			if e.delta > 0 && n == 0 && (len(msgs) == 0 || b.x(e.at)-b.x(to) >= 1) {
				flush()
				from, peak = e.at, 0
			}
			if e.delta > 0 {
				msgs = append(msgs, e.msg)
			}
			n += e.delta
			peak = max(peak, n)
			if k := len(series); k > 0 && series[k-1].At == e.at {
				series[k-1].Q = n
			} else {
				series = append(series, depth{At: e.at, Q: n})
			}
			if n == 0 {
				to = e.at
			}
		}
		flush()
		for _, d := range bucket(series, b) {
			out.series[server] = append(out.series[server], hPoint{ms(d.At), int64(d.Q), 0})
		}
	}
	return out
}

func listMsgs(msgs []int) string {
	var s []string
	for i, m := range msgs {
		if i == maxTitleList {
			s = append(s, fmt.Sprintf("… %d more", len(msgs)-i))
			break
		}
		s = append(s, "#"+strconv.Itoa(m))
	}
	return strings.Join(s, ", ")
}
