//go:build unix

package main

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// Issue 23's findings at the command line: a device, a FIFO and an empty --faults
// are refused at once with what was wrong, never read or silently defaulted.
func TestHostileInputAtTheCommandLine(t *testing.T) {
	var out, errb strings.Builder
	require.Equal(t, 2, run([]string{"validate", "/dev/zero"}, &out, &errb))
	require.Contains(t, errb.String(), "/dev/zero")

	fifo := filepath.Join(t.TempDir(), "scenario.yaml")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	errb.Reset()
	require.Equal(t, 2, run([]string{"validate", fifo}, &out, &errb), "a FIFO is refused, not waited on")
	require.Contains(t, errb.String(), "scenario.yaml")

	errb.Reset()
	require.Equal(t, 2, run([]string{"check", "hub-failure", "--property", "no-loss", "--faults="}, &out, &errb))
	require.Contains(t, errb.String(), "empty")
}
