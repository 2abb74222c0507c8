package report

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/sim"
)

// BenchmarkBuiltin measures `exsim run` of each built-in scenario without printing:
// load, run with the journal on, verdict and expectations, and the narration.
// go test -run='^$' -bench=Builtin -benchmem ./scenarios/
func BenchmarkBuiltin(b *testing.B) {
	list, err := scenarios.Builtins()
	if err != nil {
		b.Fatal(err)
	}
	for _, bi := range list {
		b.Run(bi.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sc, err := scenarios.Open(bi.Name)
				if err != nil {
					b.Fatal(err)
				}
				res, err := scenarios.Run(sc, scenarios.Options{})
				if err != nil {
					b.Fatal(err)
				}
				var sink discard
				if err := Write(&sink, res, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// BenchmarkHTMLDay measures `exsim run --quiet --html` on days of 10,000 and 40,000
// messages through four Exchange 2016 servers: the census run, the page's pass and
// the page. live-MB is the heap live when the page's pass ends (the model's state
// gone, the census's few numbers per message, the page's summaries and the
// verdict): it grows with the messages (the verdict and the census are a few
// dozen bytes each), not with their events, while the journal page ("journal")
// holds the whole run.
// go test -run='^$' -bench=HTMLDay -benchmem ./scenarios/report/
func BenchmarkHTMLDay(b *testing.B) {
	for _, n := range []int{10000, 40000} {
		src := strings.Replace(bigRuns["big-2016"], "perHour: 3333", fmt.Sprintf("perHour: %d", n/6), 1)
		sc, err := scenarios.Parse("day.yaml", []byte(src))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("stream/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var live uint64
			for b.Loop() {
				s := NewHTMLStream(sc)
				r, err := scenarios.Run(sc, scenarios.Options{Outputs: scenarios.VerdictOutput, Taps: []sim.Tap{s.Tap()}})
				if err != nil {
					b.Fatal(err)
				}
				err = s.Write(discard{}, r, func(tap sim.Tap) (*scenarios.Result, error) {
					again, err := scenarios.Run(sc, scenarios.Options{Outputs: scenarios.VerdictOutput, Taps: []sim.Tap{tap}})
					live = liveHeap()
					return again, err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(live)/(1<<20), "live-MB")
		})
		b.Run(fmt.Sprintf("journal/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var live uint64
			for b.Loop() {
				r, err := scenarios.Run(sc, scenarios.Options{})
				if err != nil {
					b.Fatal(err)
				}
				live = liveHeap()
				if err := WriteHTML(discard{}, r); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(live)/(1<<20), "live-MB")
		})
	}
}

// liveHeap is the heap's live bytes after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
