package simtest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// recorder is a testing.TB that records a failure instead of stopping the test.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) FailNow()              { r.failed = true; panic(r) }
func (r *recorder) Helper()               {}

func golden(r *recorder, name, got string) {
	defer func() {
		if p := recover(); p != nil && p != r {
			panic(p)
		}
	}()
	Golden(r, name, got)
}

// Golden passes on equal bytes and fails on a difference or a missing file; -update
// writes the file.
func TestGolden(t *testing.T) {
	t.Chdir(t.TempDir())

	r := &recorder{TB: t}
	golden(r, "sub/a.golden", "x")
	require.True(t, r.failed, "a missing file fails")

	*update = true
	r = &recorder{TB: t}
	golden(r, "sub/a.golden", "x\n")
	*update = false
	require.False(t, r.failed)
	data, err := os.ReadFile(filepath.Join("testdata", "sub", "a.golden"))
	require.NoError(t, err)
	require.Equal(t, "x\n", string(data))

	r = &recorder{TB: t}
	golden(r, "sub/a.golden", "x\n")
	require.False(t, r.failed, "equal bytes pass")
	r = &recorder{TB: t}
	golden(r, "sub/a.golden", "y\n")
	require.True(t, r.failed, "a difference fails")
}
