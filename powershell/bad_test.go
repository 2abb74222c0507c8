package powershell

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/exsim/exsim/sim/simtest"
)

// TestBadScripts pins the error each script under testdata/bad stops with: a
// position, the construct, and what exsim supports instead.
func TestBadScripts(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.ps1")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var b strings.Builder
	for _, f := range files {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		name := filepath.Base(f)
		s, err := Parse(name, string(src))
		if err == nil {
			_, err = Run(s, newFakeHost(), Options{})
		}
		require.Error(t, err, name)
		b.WriteString(err.Error() + "\n")
	}
	simtest.Golden(t, "bad.golden", b.String())
}
