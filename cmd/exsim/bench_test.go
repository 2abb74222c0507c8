package main

import (
	"io"
	"testing"
)

// BenchmarkRunDay is `exsim run` of the anchors workload as a scenario (100,000
// internet messages over a day into 8 Exchange 2016 servers), in-process, as a user
// runs it. BENCHMARKS.md times the same command as a whole process beside the anchors.
// go test -run='^$' -bench=RunDay -benchtime=3x ./cmd/exsim/
func BenchmarkRunDay(b *testing.B) {
	for _, flags := range [][]string{{"--quiet"}, {"--json"}} {
		b.Run(flags[0], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				args := append([]string{"run", "../../scenarios/testdata/bench/day-100k.yaml"}, flags...)
				if code := run(args, io.Discard, io.Discard); code != 0 {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}
