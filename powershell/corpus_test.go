package powershell

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/exsim/exsim/sim/simtest"
)

// TestCorpus runs every script under testdata/scripts and ../scenarios/scripts (the
// built-in scenarios' scripts) against the fake host and
// pins its console transcript, the files it wrote and how it ended. A script's
// first comments may give "# answers: a, b" (Read-Host and -Confirm answers) and
// "# args: -Name value" (the script's arguments).
func TestCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/scripts/*.ps1")
	require.NoError(t, err)
	// the built-in scenarios' scripts too (their transcripts are pinned here as well)
	builtins, err := filepath.Glob("../scenarios/scripts/*.ps1")
	require.NoError(t, err)
	files = append(files, builtins...)
	require.NotEmpty(t, files)
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			require.NoError(t, err)
			var answers []string
			var args []Arg
			for _, l := range strings.Split(string(src), "\n") {
				if a, ok := strings.CutPrefix(l, "# answers: "); ok {
					for _, x := range strings.Split(a, ",") {
						answers = append(answers, strings.TrimSpace(x))
					}
				}
				if a, ok := strings.CutPrefix(l, "# args: "); ok {
					for _, w := range strings.Fields(a) {
						if p, ok := strings.CutPrefix(w, "-"); ok {
							args = append(args, Arg{Param: p})
						} else {
							args = append(args, Arg{Value: w})
						}
					}
				}
			}
			got := runCorpus(t, name, string(src), answers, args)
			simtest.Golden(t, "scripts/"+strings.TrimSuffix(name, ".ps1")+".golden", got)
			// Same input, same bytes out.
			require.Equal(t, got, runCorpus(t, name, string(src), answers, args))
			// Scripts saved on Windows have CRLF line ends: the same script runs the
			// same (here-strings then hold CRLF, so compare without CR).
			crlf := runCorpus(t, name, strings.ReplaceAll(string(src), "\n", "\r\n"), answers, args)
			require.Equal(t, got, strings.ReplaceAll(crlf, "\r", ""))
		})
	}
}

func runCorpus(t *testing.T, name, src string, answers []string, args []Arg) string {
	s, err := Parse(name, src)
	require.NoError(t, err)
	h := newFakeHost(answers...)
	res, err := Run(s, h, Options{
		Path: `C:\scripts\` + name, Args: args,
		Variables: []NamedValue{{Name: "ExScripts", Value: `C:\Program Files\Microsoft\Exchange Server\V15\scripts`}},
		Env:       []NamedValue{{Name: "COMPUTERNAME", Value: "EX1"}, {Name: "USERNAME", Value: "CONTOSO\\admin"}},
	})
	out := h.transcript()
	out += fmt.Sprintf("--- exit code %d after %d steps; simulated time %s; host calls %s\n", res.ExitCode, res.Steps, h.now.Sub(h.start), strings.Join(h.calls, ", "))
	if err != nil {
		out += "--- stopped: " + err.Error() + "\n"
	}
	return out
}
