package main

import (
	"io"
	"testing"
)

// BenchmarkRunDayTrackingLogs is `exsim run day-100k.yaml --quiet --tracking-logs DIR`
// in-process: the streamed message tracking logs of 100,000 messages.
func BenchmarkRunDayTrackingLogs(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		args := []string{"run", "../../scenarios/testdata/bench/day-100k.yaml", "--quiet", "--tracking-logs", b.TempDir()}
		if code := run(args, io.Discard, io.Discard); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}
