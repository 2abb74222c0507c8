package scenarios

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/exsim/exsim/scenarios/cmdlet"
	"github.com/exsim/exsim/scenarios/fault"
	"github.com/exsim/exsim/scenarios/format"
)

// builtin holds the built-in scenarios: each replays a source document of the
// project (named in the file's opening comment) and pins its outcome in `expect`.
//
//go:embed *.yaml scripts/*.ps1
var builtin embed.FS

// Builtin describes one built-in scenario.
type Builtin struct {
	Name        string
	Description string
}

// Builtins lists the built-in scenarios by name.
func Builtins() ([]Builtin, error) {
	names, err := fs.Glob(builtin, "*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []Builtin
	for _, n := range names {
		sc, err := loadBuiltin(strings.TrimSuffix(n, ".yaml"))
		if err != nil {
			return nil, err
		}
		out = append(out, Builtin{Name: sc.Name, Description: sc.Description})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func loadBuiltin(name string) (*Scenario, error) {
	data, err := builtin.ReadFile(name + ".yaml")
	if err != nil {
		return nil, err
	}
	return format.ParseFiles(path.Join("scenarios", name+".yaml"), data, func(rel string) ([]byte, error) {
		return builtin.ReadFile(path.Clean(rel)) // scripts/*.ps1 beside the built-ins
	})
}

// Open loads a scenario from a file path or, when no such file exists, the built-in
// scenario of that name ("hub-failure" or "hub-failure.yaml").
func Open(nameOrPath string) (*Scenario, error) {
	if _, err := os.Stat(nameOrPath); err == nil {
		return Load(nameOrPath)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	name := strings.TrimSuffix(path.Base(filepathToSlash(nameOrPath)), ".yaml")
	if sc, err := loadBuiltin(name); err == nil {
		return sc, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	var names []string
	if list, err := Builtins(); err == nil {
		for _, b := range list {
			names = append(names, b.Name)
		}
	}
	return nil, fmt.Errorf("%s: no such file or built-in scenario%s (built-in: %s)", nameOrPath, didYouMean(name, names), strings.Join(names, ", "))
}

func filepathToSlash(p string) string { return strings.ReplaceAll(p, `\`, "/") }

// Closest returns the candidate nearest to word, or "" when none is close: the
// suggestion behind every "did you mean" of exsim.
func Closest(word string, candidates []string) string {
	s, _ := cmdlet.Closest(word, candidates)
	return s
}

func startFault(server string) *fault.Fault {
	return &fault.Fault{Kind: fault.Start, Server: server}
}

// didYouMean returns ` (did you mean "x"?)` or "".
func didYouMean(word string, candidates []string) string {
	if c := Closest(word, candidates); c != "" {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}
