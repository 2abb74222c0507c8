//go:build unix

package input

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Finding: "a FIFO blocks forever". Nobody writes to this one: opening it for
// reading would block, so ReadFile must refuse it before that.
func TestFindingFIFOIsRefusedWithoutBlocking(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo.yaml")
	require.NoError(t, syscall.Mkfifo(p, 0o644))
	done := make(chan error, 1)
	go func() {
		_, err := ReadFile(p, 1<<20)
		done <- err
	}()
	select {
	case err := <-done:
		require.EqualError(t, err, p+": a named pipe (FIFO), not a regular file; only regular files are read")
	case <-time.After(10 * time.Second):
		t.Fatal("ReadFile blocked on a FIFO") // the goroutine leaks; goleak reports it too
	}
}

// The path is checked again after opening: a FIFO swapped in after the first stat
// is opened without blocking and refused.
func TestOpenChecksTheOpenFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	require.NoError(t, syscall.Mkfifo(p, 0o644))
	f, err := openNonBlocking(p)
	require.NoError(t, err, "opening a FIFO without a writer must not block")
	st, err := f.Stat()
	require.NoError(t, err)
	require.False(t, st.Mode().IsRegular())
	require.NoError(t, f.Close())
}
