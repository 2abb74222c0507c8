package scenarios

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/exsim/exsim/sim"
)

// Tracking logs streamed to disk as the run goes are byte for byte the files built
// from a whole journal afterwards, for every built-in scenario; and a streaming run
// keeps no tracking row it does not need.
func TestStreamedTrackingLogsEqualTheJournalsFiles(t *testing.T) {
	list, err := Builtins()
	require.NoError(t, err)
	for _, b := range list {
		t.Run(b.Name, func(t *testing.T) {
			full := runBuiltin(t, b.Name)
			want, err := full.TrackingLogs()
			require.NoError(t, err)
			sc, err := Open(b.Name)
			require.NoError(t, err)
			dir := t.TempDir()
			lean, err := Run(sc, Options{Outputs: VerdictOutput, TrackingLogDir: dir})
			require.NoError(t, err)
			require.Equal(t, full.Hash, lean.Hash)
			for _, f := range want {
				got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
				require.NoError(t, err)
				require.Equal(t, string(f.Data), string(got), f.Path)
			}
			var n int
			require.NoError(t, filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					n++
				}
				return err
			}))
			require.Equal(t, len(want), n, "no other file is written")
			scripted := slices.ContainsFunc(sc.Steps, func(st Step) bool { return st.Script != nil })
			if !sc.ReadsTracking() && !scripted { // a script may read them: kept then
				kept, err := lean.TrackingLogs()
				require.NoError(t, err)
				require.Empty(t, kept, "rows that went to the stream are not also kept")
			}
		})
	}
}

// A run that fails part-way (here its event budget runs out after the tracking
// stream's writer goroutine has started) stops the writer and closes the files it had
// open: goleak (TestMain) finds the goroutine otherwise.
func TestRunThatFailsStopsItsTrackingLogWriter(t *testing.T) {
	full := runBuiltin(t, "datacenter-switchover") // 4,974 tracking rows: about ten batches
	sc, err := Open("datacenter-switchover")
	require.NoError(t, err)
	_, err = Run(sc, Options{Outputs: VerdictOutput, TrackingLogDir: t.TempDir(), MaxEvents: full.Events / 2})
	require.ErrorIs(t, err, sim.ErrEventBudget)
}
