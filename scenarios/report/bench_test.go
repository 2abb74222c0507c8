package report

import (
	"testing"

	"github.com/exsim/exsim/scenarios"
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
