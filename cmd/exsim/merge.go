package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/exsim/exsim/scenarios/explore"
)

// mergeUsage is the usage line of `exsim merge`.
const mergeUsage = "exsim merge REPORT.json... [--report FILE.json]"

// cmdMerge folds the --report files of a sweep's shards into one: it checks they
// are shards of one sweep that together ran every variant exactly once, prints the
// failures grouped by signature and the summed coverage, and with --report writes
// the merged report, which is byte for byte the report of the sweep run on one
// machine. Exit 0: no variant failed; 1: some did; 2: bad input, or variants
// missing or run twice.
func cmdMerge(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("merge", stderr)
	out := fs.String("report", "", "write the merged report as JSON to `FILE`")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) == 0 {
		fmt.Fprintln(stderr, "exsim merge: expected the report files of a sweep's shards (exsim check --report FILE.json)")
		fmt.Fprintln(stderr, "usage: "+mergeUsage)
		return 2
	}
	reports := make([]*explore.SweepReport, 0, len(pos))
	for _, p := range pos {
		data, err := os.ReadFile(p)
		if err != nil {
			fmt.Fprintf(stderr, "exsim merge: %v\n", err)
			return 2
		}
		r, err := explore.ReadReport(data)
		if err != nil {
			fmt.Fprintf(stderr, "exsim merge: %s: %v\n", p, err)
			return 2
		}
		reports = append(reports, r)
	}
	m, err := explore.Merge(reports, pos)
	if err != nil {
		fmt.Fprintf(stderr, "exsim merge: %v\n", err)
		return 2
	}
	var cov explore.Coverage
	if m.Coverage != nil {
		if cov, err = m.Coverage.Coverage(); err != nil {
			fmt.Fprintf(stderr, "exsim merge: %v\n", err)
			return 2
		}
	}
	if *out != "" {
		if err := writeFile(*out, m.Write); err != nil {
			fmt.Fprintf(stderr, "exsim merge: --report: %v\n", err)
			return 2
		}
	}
	sw := m.Sweep
	fmt.Fprintf(stdout, "exsim merge: %s, %s sweep of %d variant(s) (seed %d; properties %s; faults %s), from %d report(s) of %d shard(s): every variant ran exactly once.\n",
		m.Scenario, sw.Mode, sw.Total, sw.Seed, strings.Join(sw.Properties, ","), strings.Join(sw.Faults, "; "), len(reports), reports[0].Shard.N)
	groups := explore.Groups(m.Failures)
	if len(groups) > 0 {
		fmt.Fprintln(stdout)
		fmt.Fprintln(stdout, "Failures by signature (properties broken, fault kinds, the step each fault follows):")
		fmt.Fprint(stdout, explore.GroupTable(groups))
	}
	fmt.Fprintf(stdout, "\n%d of %d variant(s) broke a property, %d signature(s).\n", len(m.Failures), sw.Total, len(groups))
	if m.Coverage != nil {
		fmt.Fprintln(stdout)
		fmt.Fprint(stdout, cov.Table())
	}
	if len(m.Failures) > 0 {
		return 1
	}
	return 0
}
