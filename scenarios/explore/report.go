package explore

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// SweepReport is one shard's result as `exsim check --report` writes it, and what
// `exsim merge` reads back: enough to check that the shards of one sweep ran every
// variant exactly once and to fold their failures and coverage into the report
// the whole sweep on one machine would have written, byte for byte. It holds no
// wall-clock time, host or path: the same sweep gives the same bytes.
type SweepReport struct {
	Format   int    `json:"format"`   // ReportFormat
	Version  string `json:"version"`  // exsim's version (and commit, when built from git)
	Scenario string `json:"scenario"` // its name
	// ScenarioSHA256 is the hash of the scenario as Marshal writes it: shards of
	// one sweep must have run the same scenario, whatever its file was called.
	ScenarioSHA256 string `json:"scenarioSHA256"`
	Sweep          Sweep  `json:"sweep"`
	Shard          Shard  `json:"shard"`
	// Variants are the indices run, as sorted, disjoint, inclusive spans [from, to].
	Variants []Span         `json:"variants"`
	Failures []Failure      `json:"failures"`           // in index order
	Coverage *CoverageCount `json:"coverage,omitempty"` // absent when run without coverage
}

// ReportFormat is the version of the report's JSON layout.
const ReportFormat = 1

// Sweep is what identifies a sweep: every shard of it has the same.
type Sweep struct {
	Mode        string   `json:"mode"` // "random" (Check) or "exhaustive"
	Seed        uint64   `json:"seed"`
	Total       int      `json:"total"` // variants (or exhaustive cells) of the whole sweep
	Properties  []string `json:"properties"`
	Faults      []string `json:"faults"` // the templates
	MaxFaults   int      `json:"maxFaults"`
	Settle      string   `json:"settle"`
	Granularity string   `json:"granularity"`
	Grid        string   `json:"grid,omitempty"`
	PermutePlan bool     `json:"permutePlan,omitempty"`
	PlanDelay   string   `json:"planDelay,omitempty"`
}

// Shard is K of N, 1-based; 1 of 1 is the whole sweep (and a merged report).
type Shard struct {
	K int `json:"k"`
	N int `json:"n"`
}

// Span is an inclusive range of variant indices, written "FROM-TO", or "I" for
// one index: a shard's variants are a line each, and a whole sweep's one line.
type Span [2]int

// MarshalJSON writes the span as a string.
func (s Span) MarshalJSON() ([]byte, error) {
	if s[0] == s[1] {
		return json.Marshal(strconv.Itoa(s[0]))
	}
	return json.Marshal(strconv.Itoa(s[0]) + "-" + strconv.Itoa(s[1]))
}

// UnmarshalJSON reads "FROM-TO" or "I", each a non-negative decimal.
func (s *Span) UnmarshalJSON(data []byte) error {
	var str string
	if err := json.Unmarshal(data, &str); err != nil {
		return fmt.Errorf("variant span %s: want a string \"FROM-TO\" or \"I\"", data)
	}
	from, to, isRange := strings.Cut(str, "-")
	if !isRange {
		to = from
	}
	a, err1 := strconv.Atoi(from)
	b, err2 := strconv.Atoi(to)
	if err1 != nil || err2 != nil || a < 0 || b < 0 || strconv.Itoa(a) != from || strconv.Itoa(b) != to {
		return fmt.Errorf("variant span %q: want \"FROM-TO\" or \"I\", non-negative integers", str)
	}
	*s = Span{a, b}
	return nil
}

// CoverageCount is the coverage counters by mechanism name.
type CoverageCount struct {
	Runs       int              `json:"runs"`
	Mechanisms []MechanismCount `json:"mechanisms"`
}

// MechanismCount is one counter: how often it fired, in how many runs.
type MechanismCount struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
	Runs  int    `json:"runs"`
}

// ModeRandom and ModeExhaustive name the two sweeps a report can hold.
const (
	ModeRandom     = "random"
	ModeExhaustive = "exhaustive"
)

// CheckReport is the report of a [Check] sweep of cfg: rep's variants, failures
// and coverage.
func CheckReport(cfg Config, version string, rep *Report) (*SweepReport, error) {
	r, err := newSweepReport(cfg, version, ModeRandom)
	if err != nil {
		return nil, err
	}
	idx := make([]int, len(rep.Outcomes))
	for i, o := range rep.Outcomes {
		idx[i] = o.Index
	}
	r.Variants = spans(idx)
	r.Failures = append(r.Failures, OutcomeFailures(cfg.Scenario, rep.Outcomes)...)
	r.Coverage = coverageCount(cfg, rep.Coverage)
	return r, nil
}

// ExhaustiveReport is the report of an [Exhaustive] sweep of cfg.
func ExhaustiveReport(cfg Config, version string, cells []Cell, cov Coverage) (*SweepReport, error) {
	r, err := newSweepReport(cfg, version, ModeExhaustive)
	if err != nil {
		return nil, err
	}
	idx := make([]int, len(cells))
	for i, c := range cells {
		idx[i] = c.Index
	}
	r.Variants = spans(idx)
	r.Failures = append(r.Failures, CellFailures(cfg.Scenario, cells)...)
	r.Coverage = coverageCount(cfg, cov)
	return r, nil
}

func newSweepReport(cfg Config, version, mode string) (*SweepReport, error) {
	exhaustiveFaults := max(cfg.MaxFaults, 1)
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	data, err := Marshal(cfg.Scenario, "")
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	sw := Sweep{Mode: mode, Seed: cfg.Seed, Total: cfg.Runs, Faults: slices.Clone(cfg.Faults), MaxFaults: cfg.MaxFaults,
		Settle: dur(max(cfg.Settle, 0)), Granularity: dur(cfg.Granularity), PermutePlan: cfg.PermutePlan}
	if cfg.PlanDelay > 0 {
		sw.PlanDelay = dur(cfg.PlanDelay)
	}
	for _, p := range cfg.Properties {
		sw.Properties = append(sw.Properties, p.Name)
	}
	if mode == ModeExhaustive {
		cands, err := Expand(cfg.Scenario, cfg.Faults)
		if err != nil {
			return nil, err
		}
		cells, err := ExhaustiveCells(cfg.Scenario, cands, exhaustiveFaults, cfg.Grid)
		if err != nil {
			return nil, err
		}
		sw.Seed, sw.Total, sw.MaxFaults, sw.Granularity = cfg.Scenario.Seed, len(cells), exhaustiveFaults, ""
		if cfg.Grid > 0 {
			sw.Grid = dur(cfg.Grid)
		}
	}
	return &SweepReport{Format: ReportFormat, Version: version, Scenario: cfg.Scenario.Name, ScenarioSHA256: hex.EncodeToString(sum[:]),
		Sweep: sw, Shard: Shard{K: cfg.Shard, N: cfg.Shards}, Variants: []Span{}, Failures: []Failure{}}, nil
}

func coverageCount(cfg Config, c Coverage) *CoverageCount {
	if cfg.NoCoverage {
		return nil
	}
	out := &CoverageCount{Runs: c.Runs, Mechanisms: make([]MechanismCount, len(mechanisms))}
	for i, m := range mechanisms {
		out.Mechanisms[i].Name = m.name
		if i < len(c.Counts) {
			out.Mechanisms[i].Count, out.Mechanisms[i].Runs = c.Counts[i], c.RunsWith[i]
		}
	}
	return out
}

// Coverage turns the counters back into a [Coverage] of this build's mechanisms;
// counters of another set of mechanisms are an error.
func (c *CoverageCount) Coverage() (Coverage, error) {
	out := newCoverage()
	if len(c.Mechanisms) != len(mechanisms) {
		return out, fmt.Errorf("the report counts %d mechanisms, this exsim %d: it was written by another version", len(c.Mechanisms), len(mechanisms))
	}
	for i, m := range c.Mechanisms {
		if m.Name != mechanisms[i].name {
			return out, fmt.Errorf("the report's mechanism %d is %q, this exsim's %q: it was written by another version", i+1, m.Name, mechanisms[i].name)
		}
		out.Counts[i], out.RunsWith[i] = m.Count, m.Runs
	}
	out.Runs = c.Runs
	return out, nil
}

// spans folds indices (in any order, without repeats) into sorted spans.
func spans(idx []int) []Span {
	idx = slices.Clone(idx)
	slices.Sort(idx)
	out := []Span{}
	for _, i := range idx {
		if n := len(out); n > 0 && out[n-1][1]+1 == i {
			out[n-1][1] = i
			continue
		}
		out = append(out, Span{i, i})
	}
	return out
}

// Count is the number of variants the report ran.
func (r *SweepReport) Count() int {
	n := 0
	for _, s := range r.Variants {
		n += s[1] - s[0] + 1
	}
	return n
}

// Write writes the report as indented JSON and a final newline.
func (r *SweepReport) Write(w io.Writer) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

// maxReportVariants bounds a report's sweep: a report claiming more is not one
// exsim wrote (Config.Runs is an int, but a sweep of 2^31 variants is no sweep).
const maxReportVariants = 1 << 31

// ReadReport parses a report written by [SweepReport.Write] and checks it is one:
// every field known, the shard within its count, the spans sorted, disjoint and
// within the sweep, each failure's index among the variants run, the coverage
// counting the runs made.
func ReadReport(data []byte) (*SweepReport, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r SweepReport
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("not an exsim sweep report: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("not an exsim sweep report: more data after the report's JSON object")
	}
	if err := r.validate(); err != nil {
		return nil, err
	}
	return &r, nil
}

func (r *SweepReport) validate() error {
	switch {
	case r.Format != ReportFormat:
		return fmt.Errorf("report format %d: this exsim reads format %d", r.Format, ReportFormat)
	case r.Version == "":
		return errors.New("the report names no exsim version")
	case r.Sweep.Mode != ModeRandom && r.Sweep.Mode != ModeExhaustive:
		return fmt.Errorf("sweep mode %q: want %q or %q", r.Sweep.Mode, ModeRandom, ModeExhaustive)
	case r.Sweep.Total < 1 || r.Sweep.Total > maxReportVariants:
		return fmt.Errorf("sweep total %d: want 1 to %d variants", r.Sweep.Total, maxReportVariants)
	case r.Shard.N < 1 || r.Shard.K < 1 || r.Shard.K > r.Shard.N:
		return fmt.Errorf("shard %d/%d: want K/N with 1 <= K <= N", r.Shard.K, r.Shard.N)
	}
	prev := -1
	for _, s := range r.Variants {
		if s[0] > s[1] || s[0] <= prev || s[1] >= r.Sweep.Total {
			return fmt.Errorf("variant span [%d, %d]: want sorted, disjoint spans within 0..%d", s[0], s[1], r.Sweep.Total-1)
		}
		prev = s[1]
	}
	if r.Failures == nil {
		r.Failures = []Failure{}
	}
	prev = -1
	for _, f := range r.Failures {
		if f.Index <= prev {
			return fmt.Errorf("failure of variant %d: failures must be in variant order, each once", f.Index)
		}
		if !r.ran(f.Index) {
			return fmt.Errorf("failure of variant %d, which the report does not list as run", f.Index)
		}
		prev = f.Index
	}
	if c := r.Coverage; c != nil {
		if c.Runs != r.Count() {
			return fmt.Errorf("the coverage counts %d run(s) but the report ran %d", c.Runs, r.Count())
		}
		for _, m := range c.Mechanisms {
			if m.Count < 0 || m.Runs < 0 || m.Runs > c.Runs || (m.Count == 0) != (m.Runs == 0) {
				return fmt.Errorf("coverage of %q: count %d in %d run(s) is not a count of %d run(s)", m.Name, m.Count, m.Runs, c.Runs)
			}
		}
	}
	return nil
}

func (r *SweepReport) ran(i int) bool {
	_, found := slices.BinarySearchFunc(r.Variants, i, func(s Span, i int) int {
		switch {
		case s[1] < i:
			return -1
		case s[0] > i:
			return 1
		}
		return 0
	})
	return found
}

// Merge folds the reports of a sweep's shards (named, for errors, by names) into
// the report of the whole sweep, as one machine would have written it: shard 1 of
// 1, every variant, the failures in variant order, the coverage summed. The
// reports must be of one sweep (the same version, scenario and sweep settings)
// and together run every variant exactly once; variants missing or run twice are
// an error that names them.
func Merge(reports []*SweepReport, names []string) (*SweepReport, error) {
	if len(reports) == 0 {
		return nil, errors.New("no report to merge")
	}
	name := func(i int) string {
		if i < len(names) {
			return names[i]
		}
		return fmt.Sprintf("report %d", i+1)
	}
	first := reports[0]
	for i, r := range reports[1:] {
		if diff := sameSweep(first, r); diff != "" {
			return nil, fmt.Errorf("%s and %s are not shards of one sweep: %s", name(0), name(i+1), diff)
		}
	}
	total := first.Sweep.Total
	// Every report's spans, by start: a span that starts at or before the end of
	// the ones before it repeats variants; a gap between them is variants missing.
	// (Spans, not a table of every index: a sweep may have millions of variants.)
	type owned struct {
		s  Span
		by int
	}
	var all []owned
	for i, r := range reports {
		for _, s := range r.Variants {
			all = append(all, owned{s, i})
		}
	}
	slices.SortStableFunc(all, func(a, b owned) int { return a.s[0] - b.s[0] })
	var twice []string
	var missing []Span
	next, last := 0, -1 // next: the first variant no span has covered; last: the report that covered next-1
	for _, o := range all {
		if o.s[0] > next {
			missing = append(missing, Span{next, o.s[0] - 1})
		}
		if o.s[0] < next {
			overlap := Span{o.s[0], min(o.s[1], next-1)}
			twice = append(twice, fmt.Sprintf("%s (%s and %s)", spanList([]Span{overlap}), name(last), name(o.by)))
		}
		if o.s[1]+1 > next {
			next, last = o.s[1]+1, o.by
		}
	}
	if next < total {
		missing = append(missing, Span{next, total - 1})
	}
	n := 0
	for _, s := range missing {
		n += s[1] - s[0] + 1
	}
	var problems []string
	if len(twice) > 0 {
		if len(twice) > 20 {
			twice = append(twice[:20], fmt.Sprintf("... (%d more)", len(twice)-20))
		}
		problems = append(problems, "variant(s) run more than once: "+strings.Join(twice, ", "))
	}
	if n > 0 {
		problems = append(problems, fmt.Sprintf("%d variant(s) of %d never run: %s", n, total, spanList(missing)))
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "; "))
	}
	out := *first
	out.Shard = Shard{K: 1, N: 1}
	out.Variants = []Span{{0, total - 1}}
	out.Failures = []Failure{}
	for _, r := range reports {
		out.Failures = append(out.Failures, r.Failures...)
	}
	slices.SortStableFunc(out.Failures, func(a, b Failure) int { return a.Index - b.Index })
	if first.Coverage != nil {
		sum := &CoverageCount{Mechanisms: slices.Clone(first.Coverage.Mechanisms)}
		for i := range sum.Mechanisms {
			sum.Mechanisms[i].Count, sum.Mechanisms[i].Runs = 0, 0
		}
		for _, r := range reports {
			sum.Runs += r.Coverage.Runs
			for i, m := range r.Coverage.Mechanisms {
				sum.Mechanisms[i].Count += m.Count
				sum.Mechanisms[i].Runs += m.Runs
			}
		}
		out.Coverage = sum
	}
	return &out, nil
}

// sameSweep says how b is not a shard of a's sweep ("" when it is).
func sameSweep(a, b *SweepReport) string {
	switch {
	case a.Version != b.Version:
		return fmt.Sprintf("exsim %s and %s", a.Version, b.Version)
	case a.ScenarioSHA256 != b.ScenarioSHA256:
		return fmt.Sprintf("different scenarios (%s %.12s, %s %.12s)", a.Scenario, a.ScenarioSHA256, b.Scenario, b.ScenarioSHA256)
	case a.Shard.N != b.Shard.N:
		return fmt.Sprintf("shards of %d and of %d", a.Shard.N, b.Shard.N)
	case (a.Coverage == nil) != (b.Coverage == nil):
		return "one counted coverage, the other ran with --no-coverage"
	case a.Coverage != nil && !slices.EqualFunc(a.Coverage.Mechanisms, b.Coverage.Mechanisms, func(x, y MechanismCount) bool { return x.Name == y.Name }):
		return "their coverage counts different mechanisms"
	}
	ja, _ := json.Marshal(a.Sweep)
	jb, _ := json.Marshal(b.Sweep)
	if !bytes.Equal(ja, jb) {
		return fmt.Sprintf("sweep settings %s and %s", ja, jb)
	}
	return ""
}

// spanList writes spans as "0-3, 7, 9-12", at most 20 of them.
func spanList(ss []Span) string {
	parts := make([]string, 0, min(len(ss), 21))
	for i, s := range ss {
		if i == 20 {
			parts = append(parts, fmt.Sprintf("... (%d more spans)", len(ss)-20))
			break
		}
		if s[0] == s[1] {
			parts = append(parts, fmt.Sprint(s[0]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", s[0], s[1]))
		}
	}
	return strings.Join(parts, ", ")
}
