package format

import (
	"fmt"
	"path"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/exsim/exsim/powershell"
)

// ScriptStep is an admin's PowerShell script run as a step ({at, on, script, args,
// answers}): it starts at the step's instant on its server and drives the world
// until it ends.
type ScriptStep struct {
	Path    string   // as written, relative to the scenario
	Source  string   // the script's text, read and parsed at load
	Args    []string // Name=Value, in the order written
	Answers []string // Read-Host and -Confirm answers, in order
}

// scriptStep reads, parses and checks the script a step names, so a syntax error or
// an unsupported construct is a load error with its position in the script.
func (l *loader) scriptStep(st *Step, es []entry) error {
	sc := &ScriptStep{Path: st.Text}
	if !strings.HasSuffix(strings.ToLower(sc.Path), ".ps1") || path.IsAbs(sc.Path) || strings.HasPrefix(path.Clean(sc.Path), "..") {
		return l.errf(st.TextPos, "script %q: want a .ps1 file beside the scenario or below it", sc.Path)
	}
	if l.files == nil {
		return l.errf(st.TextPos, "script %q: this scenario was not read from a file, so exsim cannot find its scripts", sc.Path)
	}
	src, err := l.files(sc.Path)
	if err != nil {
		return l.errf(st.TextPos, "script %q: %v", sc.Path, err)
	}
	if len(src) > powershell.MaxScriptBytes {
		return l.errf(st.TextPos, "script %q is %d bytes; exsim reads scripts up to %d bytes", sc.Path, len(src), powershell.MaxScriptBytes)
	}
	sc.Source = string(src)
	if _, err := powershell.Parse(path.Base(sc.Path), sc.Source); err != nil {
		return l.errf(st.TextPos, "%v", err)
	}
	for _, e := range es {
		switch e.key {
		case "args":
			if err := l.scriptArgs(sc, e.val); err != nil {
				return err
			}
		case "answers":
			if sc.Answers, _, err = l.strs(e.val, "answers", false); err != nil {
				return err
			}
		}
	}
	st.Script = sc
	return nil
}

func (l *loader) scriptArgs(sc *ScriptStep, n ast.Node) error {
	r, err := l.resolve(n)
	if err != nil {
		return err
	}
	var mvs []*ast.MappingValueNode
	switch m := r.(type) {
	case *ast.MappingNode:
		mvs = m.Values
	case *ast.MappingValueNode:
		mvs = []*ast.MappingValueNode{m}
	case *ast.NullNode:
		return nil
	default:
		return l.errf(posOf(r), "args must be a mapping of the script's parameter names to values, found %s", describe(r))
	}
	seen := map[string]bool{}
	for _, mv := range mvs {
		k, err := l.str(mv.Key, "a script parameter name")
		if err != nil {
			return err
		}
		if seen[strings.ToLower(k)] {
			return l.errf(posOf(mv.Key), "script parameter %q given twice", k)
		}
		seen[strings.ToLower(k)] = true
		v, err := l.scalar(mv.Value, "script parameter "+k)
		if err != nil {
			return err
		}
		sc.Args = append(sc.Args, fmt.Sprintf("%s=%s", strings.TrimPrefix(k, "-"), v))
	}
	return nil
}
