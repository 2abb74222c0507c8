// Package simtest is what exsim's tests share: golden files under testdata/ and the
// -update flag that rewrites them (the standard library's convention, in one place so
// every package behaves the same). Only tests import it.
package simtest

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// Update reports whether the test binary was run with -update.
func Update() bool { return *update }

// Golden compares got with the file testdata/name byte for byte. With -update it
// writes got there instead (creating directories), for review with git diff.
func Golden(t testing.TB, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file %s; create it with: go test -run '%s' -update", path, t.Name())
	require.Equal(t, string(want), got, "%s changed; if intended, rerun with: go test -run '%s' -update, and review git diff", path, t.Name())
}
