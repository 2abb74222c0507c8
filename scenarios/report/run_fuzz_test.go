package report

import (
	"errors"
	"github.com/exsim/exsim/scenarios"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/exsim/exsim/sim"
)

// FuzzLoadAndRun runs whatever loads: bad input may be refused with an error, never a
// panic, in the loader, the world builder, the models, the steps or the reports. The
// event budget keeps each run small; running out of it is an error, not a failure.
func FuzzLoadAndRun(f *testing.F) {
	builtins, _ := filepath.Glob(filepath.Join("..", "*.yaml"))
	good, _ := filepath.Glob(filepath.Join("..", "format", "testdata", "good", "*.yaml"))
	good = append(builtins, good...)
	for _, g := range good {
		data, err := os.ReadFile(g)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := scenarios.Parse("fuzz.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		res, err := scenarios.Run(sc, scenarios.Options{MaxEvents: 20_000})
		if err != nil {
			if errors.Is(err, sim.ErrEventBudget) {
				return
			}
			return // refused with an error: allowed
		}
		var sink discard
		if err := Write(&sink, res, Options{}); err != nil {
			t.Fatal(err)
		}
		if err := WriteJSON(&sink, res); err != nil {
			t.Fatal(err)
		}
		if _, err := res.TrackingLogs(); err != nil {
			t.Fatal(err)
		}
		if err := WriteHTML(&sink, res); err != nil {
			t.Fatal(err)
		}
	})
}
