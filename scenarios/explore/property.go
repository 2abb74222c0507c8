package explore

import (
	"fmt"
	"strings"
	"time"

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/transport"
)

// Property is one thing every run of a scenario must show. Properties are values:
// a test or the CLI combines them in a slice, and [Violations] judges a run
// against all of them.
type Property struct {
	// Name is how the CLI writes it: no-loss, no-duplicates, no-stuck,
	// spof-under:5m, latency-under:30m, expectations.
	Name string
	// check explains the violation, "" when the property holds.
	check func(r *scenarios.Result) string
	// pin sets in e an expectation that holds exactly when the violation happens
	// again, so a counterexample's expect shows its failure.
	pin func(r *scenarios.Result, e *scenarios.Expect)
}

// Check returns why r violates the property, or "" when it holds.
func (p Property) Check(r *scenarios.Result) string { return p.check(r) }

func (p Property) String() string { return p.Name }

func exactly(n int) *scenarios.Compare { return &scenarios.Compare{Op: "==", Value: float64(n)} }

// NoLoss: no message-recipient is lost (design.md: no copy left anywhere).
func NoLoss() Property {
	return Property{
		Name: "no-loss",
		check: func(r *scenarios.Result) string {
			if r.Verdict.Lost == 0 {
				return ""
			}
			return fmt.Sprintf("%d message-recipient(s) lost%s", r.Verdict.Lost, fates(r.Verdict, transport.Lost))
		},
		pin: func(r *scenarios.Result, e *scenarios.Expect) { e.Lost = exactly(r.Verdict.Lost) },
	}
}

// NoDuplicates: no recipient outside the organization gets a message twice (a
// mailbox's duplicate detection drops the copies a mailbox gets, so those do not
// count: Verdict.Duplicates is what an end user sees).
func NoDuplicates() Property {
	return Property{
		Name: "no-duplicates",
		check: func(r *scenarios.Result) string {
			if r.Verdict.Duplicates == 0 {
				return ""
			}
			return fmt.Sprintf("%d duplicate(s) seen by recipients", r.Verdict.Duplicates)
		},
		pin: func(r *scenarios.Result, e *scenarios.Expect) { e.Duplicates = exactly(r.Verdict.Duplicates) },
	}
}

// NoStuck: after every fault is healed and the run goes on (the liveness phase,
// Config.Settle), every message-recipient is delivered, bounced or lost. The
// format has no "stuck" expectation, so a counterexample pins the delivered count.
func NoStuck() Property {
	return Property{
		Name: "no-stuck",
		check: func(r *scenarios.Result) string {
			if r.Verdict.Stuck == 0 {
				return ""
			}
			return fmt.Sprintf("%d message-recipient(s) stuck after the faults healed%s", r.Verdict.Stuck, fates(r.Verdict, transport.Stuck))
		},
		pin: func(r *scenarios.Result, e *scenarios.Expect) {
			e.Delivered = exactly(r.Verdict.Delivered)
		},
	}
}

// SPOFUnder: no acknowledged, undelivered message sits on a single server for d
// or longer. A counterexample pins the number of SPOF windows.
func SPOFUnder(d time.Duration) Property {
	return Property{
		Name: "spof-under:" + dur(d),
		check: func(r *scenarios.Result) string {
			for _, w := range r.Verdict.SPOF {
				if w.To-w.From >= d {
					return fmt.Sprintf("message #%d sat only on %s for %s (from %s), not under %s", w.Message, w.Server, ms(w.To-w.From), ms(w.From), dur(d))
				}
			}
			return ""
		},
		pin: func(r *scenarios.Result, e *scenarios.Expect) {
			e.SPOF = &scenarios.SPOFExpect{Windows: exactly(len(r.Verdict.SPOF))}
		},
	}
}

// LatencyUnder: every delivered message-recipient arrives in under d. A
// counterexample pins the delivered count (maxLatency can only state the bound).
func LatencyUnder(d time.Duration) Property {
	return Property{
		Name: "latency-under:" + dur(d),
		check: func(r *scenarios.Result) string {
			for _, f := range r.Verdict.Fates {
				if f.Fate == transport.Delivered && f.Latency >= d {
					return fmt.Sprintf("message #%d to %s took %s, not under %s", f.Message, f.Recipient, ms(f.Latency), dur(d))
				}
			}
			return ""
		},
		pin: func(r *scenarios.Result, e *scenarios.Expect) { e.Delivered = exactly(r.Verdict.Delivered) },
	}
}

// Expectations: the scenario's own expect block holds. A counterexample keeps
// that block, so its replay fails the same way (exsim run exits 1).
func Expectations() Property {
	return Property{
		Name: "expectations",
		check: func(r *scenarios.Result) string {
			return strings.Join(r.Failures, "; ")
		},
		pin: func(r *scenarios.Result, e *scenarios.Expect) {
			orig := r.Scenario.Expect
			if orig.Implicit {
				orig.Implicit = false
			}
			pins := *e
			*e = orig
			for _, p := range []struct{ dst, src **scenarios.Compare }{
				{&e.Lost, &pins.Lost}, {&e.Duplicates, &pins.Duplicates}, {&e.Delivered, &pins.Delivered}, {&e.Bounced, &pins.Bounced},
			} {
				if *p.src != nil {
					*p.dst = *p.src
				}
			}
			if pins.SPOF != nil {
				e.SPOF = pins.SPOF
			}
		},
	}
}

// ParseProperties reads a comma list as the CLI takes it:
// "no-loss,no-stuck,spof-under:5m".
func ParseProperties(s string) ([]Property, error) {
	var out []Property
	seen := map[string]bool{}
	for _, w := range strings.Split(s, ",") {
		w = strings.TrimSpace(w)
		if w == "" {
			continue
		}
		name, arg, hasArg := strings.Cut(w, ":")
		var p Property
		switch strings.ToLower(name) {
		case "no-loss":
			p = NoLoss()
		case "no-duplicates":
			p = NoDuplicates()
		case "no-stuck":
			p = NoStuck()
		case "expectations":
			p = Expectations()
		case "spof-under", "latency-under":
			if !hasArg {
				return nil, fmt.Errorf("property %q needs a bound, e.g. %s:5m", w, name)
			}
			d, err := scenarios.ParseDuration(arg)
			if err != nil || d <= 0 {
				return nil, fmt.Errorf("property %q: the bound must be a positive duration like 5m", w)
			}
			if strings.EqualFold(name, "spof-under") {
				p = SPOFUnder(d)
			} else {
				p = LatencyUnder(d)
			}
		default:
			return nil, fmt.Errorf("unknown property %q%s (want %s)", name, didYouMean(name, PropertyNames), strings.Join(PropertyNames, ", "))
		}
		if hasArg && p.Name == strings.ToLower(name) {
			return nil, fmt.Errorf("property %q takes no argument", name)
		}
		if !seen[p.Name] {
			seen[p.Name] = true
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no property given (want %s)", strings.Join(PropertyNames, ", "))
	}
	return out, nil
}

// PropertyNames are the properties ParseProperties knows, as the CLI writes them.
var PropertyNames = []string{"no-loss", "no-duplicates", "no-stuck", "spof-under:DUR", "latency-under:DUR", "expectations"}

func didYouMean(w string, cands []string) string {
	var names []string
	for _, c := range cands {
		n, _, _ := strings.Cut(c, ":")
		names = append(names, n)
	}
	if s := scenarios.Closest(w, names); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}

// ms prints a simulated span to the millisecond, as the narration's clock does.
func ms(d time.Duration) string { return dur(d.Round(time.Millisecond)) }

// Violation is one property a run broke, and why.
type Violation struct {
	Property string
	Why      string
}

func (v Violation) String() string { return v.Property + ": " + v.Why }

// Violations judges r against every property, in the order given.
func Violations(props []Property, r *scenarios.Result) []Violation {
	var out []Violation
	for _, p := range props {
		if why := p.check(r); why != "" {
			out = append(out, Violation{Property: p.Name, Why: why})
		}
	}
	return out
}

// fates lists up to three message-recipients of one fate, for a violation's why.
func fates(v transport.Verdict, kind transport.FateKind) string {
	var parts []string
	n := 0
	for _, f := range v.Fates {
		if f.Fate != kind {
			continue
		}
		n++
		if n <= 3 {
			s := fmt.Sprintf("#%d to %s", f.Message, f.Recipient)
			if f.Reason != "" {
				s += " (" + f.Reason + ")"
			}
			parts = append(parts, s)
		}
	}
	if n > 3 {
		parts = append(parts, fmt.Sprintf("%d more", n-3))
	}
	if len(parts) == 0 {
		return ""
	}
	return ": " + strings.Join(parts, "; ")
}
