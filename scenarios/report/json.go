package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/transport"
)

// JSONResult is the stable, documented shape of `exsim run --json`. Fields are only
// ever added; times are RFC 3339 wall-clock times of the simulated run, spans are
// seconds.
type JSONResult struct {
	Scenario     string            `json:"scenario"`
	Seed         uint64            `json:"seed"`
	Hash         string            `json:"hash"`
	Events       uint64            `json:"events"`
	Passed       bool              `json:"passed"`
	Failures     []string          `json:"failures"`
	Counts       JSONCounts        `json:"counts"`
	Messages     []JSONFate        `json:"messages"`
	SPOF         JSONSPOF          `json:"spof"`
	Alerts       []scenarios.Alert `json:"alerts"`
	Outputs      []JSONOutput      `json:"outputs"`
	LatencyMaxS  float64           `json:"maxLatencySeconds"`
	LatencyMeanS float64           `json:"meanLatencySeconds"`
}

// JSONCounts are the verdict's counts, over message-recipients.
type JSONCounts struct {
	Delivered          int `json:"delivered"`
	Bounced            int `json:"bounced"`
	Lost               int `json:"lost"`
	Stuck              int `json:"stuck"`
	Duplicates         int `json:"duplicates"`
	DuplicatesDetected int `json:"duplicatesDetected"`
	DSNs               int `json:"dsns"`
}

// JSONFate is the end of one message-recipient.
type JSONFate struct {
	Message   int     `json:"message"`
	Recipient string  `json:"recipient"`
	Fate      string  `json:"fate"`
	LatencyS  float64 `json:"latencySeconds"`
	Reason    string  `json:"reason,omitempty"`
	Server    string  `json:"server,omitempty"`
}

// JSONSPOF summarizes the single-point-of-failure windows.
type JSONSPOF struct {
	Windows           []JSONWindow `json:"windows"`
	ExposureSeconds   float64      `json:"exposureSeconds"`
	PeakExposed       int          `json:"peakExposed"`
	MostExposedServer string       `json:"mostExposedServer,omitempty"`
}

// JSONWindow is one interval in which a message had copies on one server only.
type JSONWindow struct {
	Message   int     `json:"message"`
	Server    string  `json:"server"`
	From      string  `json:"from"`
	To        string  `json:"to"`
	DurationS float64 `json:"seconds"`
}

// JSONOutput is what a Get- step printed.
type JSONOutput struct {
	Time string `json:"time"`
	Step string `json:"step"`
	Text string `json:"text"`
}

// JSON builds the stable JSON shape of the result.
func JSON(r *scenarios.Result) JSONResult {
	v := r.Verdict
	wall := func(t time.Duration) string { return r.Scenario.Start.Add(t).UTC().Format("2006-01-02T15:04:05.000Z") }
	j := JSONResult{
		Scenario: r.Scenario.Name, Seed: r.Seed, Hash: fmt.Sprintf("%016x", r.Hash), Events: r.Events,
		Passed: r.Passed(), Failures: append([]string{}, r.Failures...),
		Counts: JSONCounts{v.Delivered, v.Bounced, v.Lost, v.Stuck, v.Duplicates, v.DuplicatesDetected, v.DSNs},
		SPOF: JSONSPOF{Windows: []JSONWindow{}, ExposureSeconds: roundSeconds(v.ExposureSeconds),
			PeakExposed: v.PeakExposed, MostExposedServer: v.MostExposedServer},
		Alerts: append([]scenarios.Alert{}, r.Alerts...), Messages: []JSONFate{}, Outputs: []JSONOutput{},
	}
	var sum float64
	n := 0
	for _, f := range v.Fates {
		lat := roundSeconds(f.Latency.Seconds())
		j.Messages = append(j.Messages, JSONFate{f.Message, f.Recipient, string(f.Fate), lat, f.Reason, f.Server})
		if f.Fate == transport.Delivered {
			sum += f.Latency.Seconds()
			n++
			j.LatencyMaxS = max(j.LatencyMaxS, lat)
		}
	}
	if n > 0 {
		j.LatencyMeanS = roundSeconds(sum / float64(n))
	}
	for _, win := range v.SPOF {
		j.SPOF.Windows = append(j.SPOF.Windows, JSONWindow{win.Message, win.Server, wall(win.From), wall(win.To), roundSeconds((win.To - win.From).Seconds())})
	}
	for _, rec := range r.Journal {
		if out, ok := rec.Data.(scenarios.Output); ok {
			j.Outputs = append(j.Outputs, JSONOutput{wall(out.At), out.Step, out.Text})
		}
	}
	return j
}

// WriteJSON writes the result as indented JSON (see JSONResult), the bytes of a
// json.Encoder with SetIndent("", "  "): the value marshalled, indented by
// indentCompact, and a newline.
func WriteJSON(w io.Writer, r *scenarios.Result) error {
	b, err := json.Marshal(JSON(r))
	if err != nil {
		return err
	}
	_, err = w.Write(append(indentCompact(make([]byte, 0, len(b)+len(b)/2), b, "  "), '\n'))
	return err
}

// indentCompact appends src, compact JSON as json.Marshal writes it (no space
// outside strings), indented as json.Indent indents it with no prefix. Indent runs
// its scanner's state machine over every byte: for the 100,000 fates of the
// day-100k run that was 9% of `exsim run --json` (cachegrind); compact input needs
// only to know whether a byte is in a string.
func indentCompact(dst, src []byte, indent string) []byte {
	needIndent, depth := false, 0
	newline := func() {
		dst = append(dst, '\n')
		for range depth {
			dst = append(dst, indent...)
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		if needIndent && c != '}' && c != ']' {
			needIndent = false
			depth++
			newline()
		}
		switch c {
		case '"':
			j := i + 1 // the string whole: to its closing quote, past escapes
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			dst = append(dst, src[i:min(j+1, len(src))]...)
			i = j
		case '{', '[':
			needIndent = true // delayed, so that an empty one stays {} or []
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			newline()
		case ':':
			dst = append(dst, c, ' ')
		case '}', ']':
			if needIndent {
				needIndent = false
			} else {
				depth--
				newline()
			}
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// roundSeconds rounds a span in seconds to milliseconds for JSON.
func roundSeconds(f float64) float64 { return math.Round(f*1000) / 1000 }
