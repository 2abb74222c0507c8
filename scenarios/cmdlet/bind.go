package cmdlet

import (
	"sort"
	"strings"
)

// ParamSpec describes one parameter of a cmdlet.
type ParamSpec struct {
	Name     string
	Switch   bool // -Name alone means $true; -Name:$false turns it off
	Position int  // 1-based position for positional values; 0 = named only
	Required bool // checked by Spec.Check
	Type     Type // what the value names, for the caller's checks
	Enum     []string
	// CheckedByCmdlet: the real parameter is a [String] that the cmdlet itself checks
	// when it runs (Set-ServerComponentState -Component), so a loader must not refuse
	// a value outside Enum: the step runs and prints the cmdlet's error.
	CheckedByCmdlet bool
	// MinVersion: the parameter exists from this version on ("" = every version);
	// a loader refuses it on an older shell, as the shell does.
	MinVersion string
}

// Type says what a parameter's value is, so a loader can check references.
type Type int

const (
	Text     Type = iota // any string
	Server               // a server name
	Database             // a mailbox database name
	Copy                 // DB\Server
	Queue                // Server\QueueName or a queue name
	Boolean              // $true/$false
	Duration             // a time span
	Integer              // a whole number
	EnumType             // one of Enum, case-insensitive
	Texts                // a list of strings
	Filter               // a {script block} or a string filter
	DateTime             // a [DateTime] in the forms the en-US shell takes, or a span since the start
)

// Common parameters every cmdlet has (a subset: the ones a step may use).
var common = []ParamSpec{
	{Name: "Confirm", Switch: true},
	{Name: "WhatIf", Switch: true},
	{Name: "Verbose", Switch: true},
	{Name: "ErrorAction", Type: EnumType, Enum: []string{"Continue", "Ignore", "Inquire", "SilentlyContinue", "Stop"}},
	{Name: "WarningAction", Type: EnumType, Enum: []string{"Continue", "Ignore", "Inquire", "SilentlyContinue", "Stop"}},
}

// Bind matches c's arguments to spec (plus the common parameters Confirm, WhatIf,
// Verbose, ErrorAction, WarningAction) as PowerShell does: names case-insensitive,
// an exact name first, otherwise a unique prefix; an ambiguous prefix or an
// unknown name is an error that suggests the closest. A switch takes no value
// unless written -Switch:$false; a value after a bare switch is positional.
// Positional values fill the positional parameters not bound by name, in
// Position order. The result is keyed by the spec's spelling of each name; a
// switch given is Value{Kind: Bool}.
func (c Command) Bind(spec []ParamSpec) (map[string]Value, error) {
	all := make([]ParamSpec, 0, len(spec)+len(common))
	all = append(all, spec...)
	for _, cp := range common {
		if _, ok := find(spec, cp.Name); !ok {
			all = append(all, cp)
		}
	}
	out := map[string]Value{}
	type pv struct {
		v   Value
		pos int
	}
	var positional []pv
	for _, a := range c.Args {
		if a.Name == "" {
			positional = append(positional, pv{a.Value, a.Pos})
			continue
		}
		p, err := match(all, a.Name, a.Pos)
		if err != nil {
			return nil, err
		}
		if _, dup := out[p.Name]; dup {
			return nil, errAt(a.Pos, "parameter -%s is given more than once", p.Name)
		}
		switch {
		case p.Switch && a.Value.Kind == None:
			out[p.Name] = Value{Kind: Bool, Bool: true, Pos: a.Pos}
		case p.Switch && a.Colon:
			if a.Value.Kind != Bool {
				return nil, errAt(a.Pos, "switch -%s takes $true or $false after ':', not %s", p.Name, a.Value)
			}
			out[p.Name] = a.Value
		case p.Switch:
			out[p.Name] = Value{Kind: Bool, Bool: true, Pos: a.Pos}
			positional = append(positional, pv{a.Value, a.Value.Pos})
		case a.Value.Kind == None:
			return nil, errAt(a.Pos, "missing an argument for parameter -%s", p.Name)
		default:
			out[p.Name] = a.Value
		}
	}
	var slots []ParamSpec
	for _, p := range spec {
		if _, bound := out[p.Name]; p.Position > 0 && !bound {
			slots = append(slots, p)
		}
	}
	sort.SliceStable(slots, func(i, j int) bool { return slots[i].Position < slots[j].Position })
	for i, v := range positional {
		if i >= len(slots) {
			return nil, errAt(v.pos, "a positional parameter cannot be found that accepts argument %s", v.v)
		}
		out[slots[i].Name] = v.v
	}
	return out, nil
}

func find(spec []ParamSpec, name string) (ParamSpec, bool) {
	for _, p := range spec {
		if strings.EqualFold(p.Name, name) {
			return p, true
		}
	}
	return ParamSpec{}, false
}

func match(all []ParamSpec, name string, pos int) (ParamSpec, error) {
	if p, ok := find(all, name); ok {
		return p, nil
	}
	var hits []string
	var hit ParamSpec
	for _, p := range all {
		if len(name) < len(p.Name) && strings.EqualFold(p.Name[:len(name)], name) {
			hits = append(hits, "-"+p.Name)
			hit = p
		}
	}
	switch len(hits) {
	case 1:
		return hit, nil
	case 0:
		names := make([]string, len(all))
		for i, p := range all {
			names[i] = p.Name
		}
		return ParamSpec{}, errAt(pos, "a parameter cannot be found that matches parameter name -%s%s", name, didYouMean(name, names))
	}
	return ParamSpec{}, errAt(pos, "parameter name -%s is ambiguous: it matches %s", name, strings.Join(hits, ", "))
}

// Spec is a supported cmdlet.
type Spec struct {
	Name       string
	MinVersion string // "" = every version
	Params     []ParamSpec
}

// Check binds c and checks required parameters, except those a pipe supplies
// (piped: c follows a '|', and its Identity-like positional parameter comes from
// the objects piped in).
func (s Spec) Check(c Command, piped bool) (map[string]Value, error) {
	m, err := c.Bind(s.Params)
	if err != nil {
		return nil, err
	}
	for _, p := range s.Params {
		if _, ok := m[p.Name]; !ok && p.Required && !(piped && p.Position == 1) {
			return nil, errAt(c.Pos, "%s needs -%s", s.Name, p.Name)
		}
	}
	return m, nil
}

// String describes a Type for messages.
func (t Type) String() string {
	switch t {
	case Server:
		return "a server name"
	case Database:
		return "a database name"
	case Copy:
		return `a database copy DATABASE\SERVER`
	case Queue:
		return `a queue identity SERVER\QUEUE`
	case Boolean:
		return "$true or $false"
	case Duration:
		return "a time span such as 00:30:00"
	case Integer:
		return "a whole number"
	case EnumType:
		return "one of a fixed set of values"
	case Texts:
		return "a list"
	case Filter:
		return "a filter"
	case DateTime:
		return `a date and time such as "8/27/2016 10:45:00 PM"`
	}
	return "a string"
}
