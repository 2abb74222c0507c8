package scenarios

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/exsim/exsim/scenarios/cmdlet"
	"github.com/exsim/exsim/sim/psfmt"
)

// pipeFormat is what the cmdlets after a Get- in a `run:` pipe do with its objects:
// Where-Object and Select-Object stages, in pipe order, then the Format- cmdlet at
// the end.
type pipeFormat struct {
	stages []stage
	// Format-List / Format-Table and their -Property and -AutoSize.
	list, table, autosize, wrap bool
	props                       []string
	// selected: a Select-Object with -Property made new objects, which have no view;
	// expand: the last Select-Object's -ExpandProperty, whose values print one a line.
	selected bool
	expand   string
}

// stage is one Where-Object or Select-Object.
type stage func(objs [][]psfmt.Field) ([][]psfmt.Field, error)

// add takes one cmdlet after the Get-; it reports false for a cmdlet that is not a
// Format-, Select-Object or Where-Object (an action the objects are piped into).
func (f *pipeFormat) add(spec cmdlet.Spec, c cmdlet.Command) (bool, error) {
	switch spec.Name {
	case "Format-List", "Format-Table":
		args, err := spec.Check(c, false)
		if err != nil {
			return true, err
		}
		f.list, f.table = spec.Name == "Format-List", spec.Name == "Format-Table"
		f.props = nil
		if v, ok := args["Property"]; ok {
			f.props = v.Strings()
		}
		f.autosize = f.table && args["AutoSize"].Bool
		f.wrap = f.table && args["Wrap"].Bool
		return true, nil
	case "Where-Object":
		args, err := spec.Check(c, false)
		if err != nil {
			return true, err
		}
		w, err := cmdlet.ParseWhere(args)
		if err != nil {
			return true, err
		}
		f.stages = append(f.stages, func(objs [][]psfmt.Field) ([][]psfmt.Field, error) {
			var out [][]psfmt.Field
			for _, o := range objs {
				if w.Match(func(p string) (string, bool) { return lookupField(o, p) }) {
					out = append(out, o)
				}
			}
			return out, nil
		})
		return true, nil
	case "Select-Object":
		args, err := spec.Check(c, false)
		if err != nil {
			return true, err
		}
		st, err := selectStage(args)
		if err != nil {
			return true, err
		}
		if v, ok := args["Property"]; ok && len(v.Strings()) > 0 {
			f.selected = true
		}
		if v, ok := args["ExpandProperty"]; ok {
			f.expand = v.Str
		}
		f.stages = append(f.stages, st)
		return true, nil
	}
	return false, nil
}

// selectStage is Select-Object [-Property p,...] [-ExpandProperty p] [-First n]
// [-Last n] [-Skip n] [-Unique]: -Skip, then -First or -Last, then the properties
// (a name that matches none makes an empty property, as PowerShell's does), then
// -Unique; -ExpandProperty keeps only that property, which must exist.
func selectStage(args map[string]cmdlet.Value) (stage, error) {
	num := func(name string) (int, bool, error) {
		v, ok := args[name]
		if !ok {
			return 0, false, nil
		}
		n, err := strconv.Atoi(v.Str)
		if err != nil || n < 0 {
			return 0, false, fmt.Errorf("Select-Object -%s takes a whole number, not %q", name, v.Str)
		}
		return n, true, nil
	}
	first, hasFirst, err := num("First")
	if err != nil {
		return nil, err
	}
	last, hasLast, err := num("Last")
	if err != nil {
		return nil, err
	}
	skip, _, err := num("Skip")
	if err != nil {
		return nil, err
	}
	var props []string
	if v, ok := args["Property"]; ok {
		props = v.Strings()
	}
	expand := args["ExpandProperty"].Str
	unique := args["Unique"].Bool
	return func(objs [][]psfmt.Field) ([][]psfmt.Field, error) {
		objs = objs[min(skip, len(objs)):]
		if hasFirst {
			objs = objs[:min(first, len(objs))]
		}
		if hasLast {
			objs = objs[len(objs)-min(last, len(objs)):]
		}
		out := make([][]psfmt.Field, 0, len(objs))
		for _, o := range objs {
			if len(props) > 0 {
				o = projectFields(o, props)
			}
			if expand != "" {
				v, ok := lookupField(o, expand)
				if !ok {
					return nil, fmt.Errorf("Select-Object : Property \"%s\" cannot be found.", expand)
				}
				for _, it := range expandValue(v) {
					out = append(out, []psfmt.Field{{Name: expand, Value: it}})
				}
				continue
			}
			out = append(out, o)
		}
		if unique {
			seen := map[string]bool{}
			var u [][]psfmt.Field
			for _, o := range out {
				k := fmt.Sprint(o)
				if !seen[k] {
					seen[k] = true
					u = append(u, o)
				}
			}
			out = u
		}
		return out, nil
	}, nil
}

// expandValue is a property's value as -ExpandProperty outputs it: a collection's
// items one by one.
func expandValue(v string) []string {
	if strings.HasPrefix(v, "{") && strings.HasSuffix(v, "}") {
		inner := v[1 : len(v)-1]
		if inner == "" {
			return nil
		}
		return strings.Split(inner, ", ")
	}
	return []string{v}
}

// shape runs the Where-Object and Select-Object stages.
func (f pipeFormat) shape(objs [][]psfmt.Field) ([][]psfmt.Field, error) {
	var err error
	for _, st := range f.stages {
		if objs, err = st(objs); err != nil {
			return nil, err
		}
	}
	return objs, nil
}

func lookupField(o []psfmt.Field, prop string) (string, bool) {
	for _, f := range o {
		if strings.EqualFold(f.Name, prop) {
			return f.Value, true
		}
	}
	return "", false
}

// projectFields is Select-Object -Property's selection: selectFields, plus an empty
// property for each plain name that matches none.
func projectFields(all []psfmt.Field, props []string) []psfmt.Field {
	var out []psfmt.Field
	for _, p := range props {
		sel := selectFields(all, []string{p})
		if len(sel) == 0 && !strings.ContainsAny(p, "*?") {
			sel = []psfmt.Field{{Name: p}}
		}
		for _, f := range sel {
			if _, dup := lookupField(out, f.Name); !dup {
				out = append(out, f)
			}
		}
	}
	return out
}
