package powershell

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// builtins are the cmdlets the interpreter implements itself (the language's own
// utility cmdlets); everything else goes to the host.
var builtins = map[string]*builtin{}

func def(name string, params []bparam, run func(in *interp, b *bcall) (stage, error)) {
	builtins[strings.ToLower(name)] = &builtin{name: name, params: params, run: run}
}

func named(names ...string) []bparam {
	var out []bparam
	for _, n := range names {
		out = append(out, bparam{name: n, pos: -1})
	}
	return out
}

func switches(names ...string) []bparam {
	var out []bparam
	for _, n := range names {
		out = append(out, bparam{name: n, pos: -1, isSwitch: true})
	}
	return out
}

func params(groups ...[]bparam) []bparam {
	var out []bparam
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// whereOps are Where-Object's comparison switches (the simplified syntax).
var whereOps = []string{"EQ", "CEQ", "NE", "CNE", "GT", "CGT", "GE", "CGE", "LT", "CLT", "LE", "CLE", "Like", "CLike", "NotLike", "CNotLike",
	"Match", "CMatch", "NotMatch", "CNotMatch", "Contains", "CContains", "NotContains", "CNotContains", "In", "CIn", "NotIn", "CNotIn", "Is", "IsNot"}

func init() {
	def("Where-Object", params([]bparam{{name: "Property", pos: 0}, {name: "Value", pos: 1}, {name: "FilterScript", pos: -1}, {name: "InputObject", pos: -1}}, switches(whereOps...)), whereObject)
	def("ForEach-Object", params([]bparam{{name: "Process", pos: 0, rest: true}, {name: "Begin", pos: -1}, {name: "End", pos: -1},
		{name: "MemberName", pos: -1}, {name: "ArgumentList", pos: -1, aliases: []string{"Args"}}, {name: "InputObject", pos: -1}}), forEachObject)
	def("Select-Object", params([]bparam{{name: "Property", pos: 0}}, named("ExpandProperty", "First", "Last", "Skip", "ExcludeProperty", "Index", "InputObject"), switches("Unique", "Wait")), selectObject)
	def("Sort-Object", params([]bparam{{name: "Property", pos: 0}}, switches("Descending", "Unique", "CaseSensitive"), named("InputObject")), sortObject)
	def("Measure-Object", params([]bparam{{name: "Property", pos: 0}}, switches("Sum", "Average", "Maximum", "Minimum"), named("InputObject")), measureObject)
	def("Group-Object", params([]bparam{{name: "Property", pos: 0}}, switches("NoElement", "CaseSensitive"), named("InputObject")), groupObject)
	def("Out-Null", named("InputObject"), func(in *interp, b *bcall) (stage, error) { return &funcStage{}, nil })
	def("Out-String", params(switches("Stream"), named("Width", "InputObject")), outString)
	def("Out-Host", params(switches("Paging"), named("InputObject")), outHost)
	def("Out-Default", named("InputObject"), outHost)
	def("Format-Table", params([]bparam{{name: "Property", pos: 0}}, switches("AutoSize", "Wrap", "HideTableHeaders", "Force"), named("GroupBy", "InputObject")), formatCmd(false))
	def("Format-List", params([]bparam{{name: "Property", pos: 0}}, switches("Force"), named("InputObject")), formatCmd(true))
	def("Write-Host", params([]bparam{{name: "Object", pos: 0, rest: true}}, switches("NoNewline"), named("ForegroundColor", "BackgroundColor", "Separator")), writeHost)
	def("Write-Output", params([]bparam{{name: "InputObject", pos: 0, rest: true}}, switches("NoEnumerate")), writeOutput)
	def("Write-Warning", []bparam{{name: "Message", pos: 0}}, writeStream(StreamWarning, "WARNING: ", "WarningPreference"))
	def("Write-Verbose", []bparam{{name: "Message", pos: 0}}, writeStream(StreamVerbose, "VERBOSE: ", "VerbosePreference"))
	def("Write-Debug", []bparam{{name: "Message", pos: 0}}, writeStream(StreamDebug, "DEBUG: ", "DebugPreference"))
	def("Write-Information", params([]bparam{{name: "MessageData", pos: 0}}, named("Tags")), writeStream(StreamInformation, "", "InformationPreference"))
	def("Write-Error", params([]bparam{{name: "Message", pos: 0}}, named("Category", "ErrorId", "TargetObject", "Exception", "CategoryReason", "CategoryTargetName", "CategoryTargetType", "RecommendedAction", "ErrorRecord")), writeError)
	def("Write-Progress", params([]bparam{{name: "Activity", pos: 0}, {name: "Status", pos: 1}}, named("PercentComplete", "Id", "ParentId", "CurrentOperation", "SecondsRemaining"), switches("Completed")),
		func(in *interp, b *bcall) (stage, error) { return &funcStage{}, nil })
	def("Read-Host", params([]bparam{{name: "Prompt", pos: 0}}, switches("AsSecureString")), readHost)
	def("Start-Sleep", []bparam{{name: "Seconds", pos: 0, aliases: []string{"s"}}, {name: "Milliseconds", pos: -1, aliases: []string{"ms"}}}, startSleep)
	def("Get-Date", params([]bparam{{name: "Date", pos: 0}}, named("Format", "UFormat", "Year", "Month", "Day", "Hour", "Minute", "Second", "Millisecond")), getDate)
	def("New-TimeSpan", params([]bparam{{name: "Start", pos: 0}, {name: "End", pos: 1}}, named("Days", "Hours", "Minutes", "Seconds")), newTimeSpan)
	def("New-Object", []bparam{{name: "TypeName", pos: 0}, {name: "ArgumentList", pos: 1}, {name: "Property", pos: -1}}, newObject)
	def("Out-File", params([]bparam{{name: "FilePath", pos: 0, aliases: []string{"Path"}}, {name: "Encoding", pos: 1}}, switches("Append", "Force", "NoClobber", "NoNewline"), named("Width", "InputObject")), outFile)
	def("Add-Content", params([]bparam{{name: "Path", pos: 0}, {name: "Value", pos: 1}}, named("Encoding"), switches("Force", "NoNewline")), content(true))
	def("Set-Content", params([]bparam{{name: "Path", pos: 0}, {name: "Value", pos: 1}}, named("Encoding"), switches("Force", "NoNewline")), content(false))
	def("Start-Transcript", params([]bparam{{name: "Path", pos: 0, aliases: []string{"LiteralPath"}}}, switches("Append", "Force", "NoClobber", "IncludeInvocationHeader"), named("OutputDirectory")), startTranscript)
	def("Stop-Transcript", nil, stopTranscriptCmd)
	def("Set-Location", []bparam{{name: "Path", pos: 0, aliases: []string{"LiteralPath"}}}, setLocation)
	def("Get-Location", nil, func(in *interp, b *bcall) (stage, error) {
		return once(b, func() error {
			return b.next(NewPSObject("System.Management.Automation.PathInfo").Set("Path", in.location).SetToString(in.location))
		}), nil
	})
	def("Clear-Host", nil, func(in *interp, b *bcall) (stage, error) { return &funcStage{}, nil })
	def("Set-StrictMode", params(named("Version"), switches("Off")), func(in *interp, b *bcall) (stage, error) {
		in.strict = !b.has("Off")
		return &funcStage{}, nil
	})
	def("timeout.exe", []bparam{{name: "args", pos: 0, rest: true}}, timeoutExe)
	def("pause", nil, func(in *interp, b *bcall) (stage, error) {
		// pause is a function in Windows PowerShell: Read-Host 'Press Enter to continue...'.
		return once(b, func() error {
			in.write(StreamInformation, "Press Enter to continue...: ")
			in.flushConsole()
			ans, err := in.host.ReadHost("Press Enter to continue...")
			if err != nil {
				if isFatal(err) {
					return err
				}
				return &HostError{Pos: in.pos(b.c.off), Err: err}
			}
			in.write(StreamInformation, ans+"\n")
			return nil
		}), nil
	})
	def("Export-Csv", params([]bparam{{name: "Path", pos: 0, aliases: []string{"LiteralPath"}}}, switches("NoTypeInformation", "Append", "Force", "NoClobber"), named("Delimiter", "Encoding", "InputObject")), csvCmd(true))
	def("ConvertTo-Csv", params(switches("NoTypeInformation"), named("Delimiter", "InputObject")), csvCmd(false))
	def("Get-Variable", params([]bparam{{name: "Name", pos: 0}}, switches("ValueOnly"), named("Scope")), getVariable)
	def("Set-Variable", params([]bparam{{name: "Name", pos: 0}, {name: "Value", pos: 1}}, named("Scope", "Option"), switches("PassThru", "Force")), setVariable)
	def("Remove-Variable", params([]bparam{{name: "Name", pos: 0}}, named("Scope"), switches("Force")), removeVariable)
	def("Add-Member", params([]bparam{{name: "MemberType", pos: 0, aliases: []string{"Type"}}, {name: "Name", pos: 1}, {name: "Value", pos: 2}},
		named("NotePropertyName", "NotePropertyValue", "NotePropertyMembers", "InputObject", "SecondValue", "TypeName"), switches("PassThru", "Force")), addMember)
	def("Split-Path", params([]bparam{{name: "Path", pos: 0}}, switches("Parent", "Leaf", "Qualifier", "NoQualifier")), splitPath)
	def("Join-Path", []bparam{{name: "Path", pos: 0}, {name: "ChildPath", pos: 1}}, joinPath)
}

// csvCmd is Export-Csv and ConvertTo-Csv as in 5.1: a "#TYPE name" line unless
// -NoTypeInformation, a header of the first object's properties, every field
// double-quoted.
func csvCmd(export bool) func(in *interp, b *bcall) (stage, error) {
	return func(in *interp, b *bcall) (stage, error) {
		delim := ","
		if b.has("Delimiter") {
			delim = toString(b.get("Delimiter"))
		}
		path := toString(b.get("Path"))
		if export && path == "" {
			return nil, in.bindingError(b.c, "MissingMandatoryParameter", "Export-Csv needs -Path.")
		}
		return inputStage(b, func(items []Value) error {
			var lines []string
			var props []string
			q := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
			for i, v := range items {
				o, ok := v.(*PSObject)
				if !ok {
					o = NewPSObject(typeOf(v)).Set("Length", len([]rune(toString(v))))
					if _, isStr := v.(string); !isStr {
						return in.unsupported(b.c.node, "%s of a %s is not supported; pass objects", b.name, typeOf(v))
					}
				}
				if i == 0 {
					props = o.Properties()
					if !truthy(b.get("NoTypeInformation")) && !truthy(b.get("Append")) {
						lines = append(lines, "#TYPE "+typeOf(o))
					}
					var head []string
					for _, p := range props {
						head = append(head, q(p))
					}
					if !truthy(b.get("Append")) || !export {
						lines = append(lines, strings.Join(head, delim))
					}
				}
				var row []string
				for _, p := range props {
					pv, _ := o.Get(p)
					cell := toString(pv)
					if isCollection(pv) {
						cell = typeOf(pv)
					}
					row = append(row, q(cell))
				}
				lines = append(lines, strings.Join(row, delim))
			}
			if !export {
				for _, l := range lines {
					if err := b.next(l); err != nil {
						return err
					}
				}
				return nil
			}
			text := ""
			if len(lines) > 0 {
				text = strings.Join(lines, "\n") + "\n"
			}
			if err := in.host.WriteFile(path, text, truthy(b.get("Append"))); err != nil {
				if isFatal(err) {
					return err
				}
				return in.writeError(b, in.locate(&ErrorRecord{Message: err.Error(), ExceptionType: "System.IO.IOException", Category: "WriteError",
					ErrorID: "FileOpenFailure,Microsoft.PowerShell.Commands.ExportCsvCommand", TargetName: path, TargetType: "String"}, b.c.node))
			}
			return nil
		}), nil
	}
}

func varScope(in *interp, b *bcall) (string, error) {
	if !b.has("Scope") {
		return "", nil
	}
	switch sc := strings.ToLower(toString(b.get("Scope"))); sc {
	case "global", "script", "local":
		return sc, nil
	default:
		return "", in.unsupported(b.c.node, "-Scope %s is not supported; exsim supports Global, Script and Local", toString(b.get("Scope")))
	}
}

func getVariable(in *interp, b *bcall) (stage, error) {
	sc, err := varScope(in, b)
	if err != nil {
		return nil, err
	}
	return once(b, func() error {
		for _, n := range asList(b.get("Name")) {
			name := toString(n)
			v := in.lookup(name, sc)
			if v == nil {
				if err := in.writeError(b, in.locate(&ErrorRecord{Message: fmt.Sprintf("Cannot find a variable with the name '%s'.", name),
					ExceptionType: "System.Management.Automation.ItemNotFoundException", Category: "ObjectNotFound",
					ErrorID: "VariableNotFound,Microsoft.PowerShell.Commands.GetVariableCommand", TargetName: name, TargetType: "String"}, b.c.node)); err != nil {
					return err
				}
				continue
			}
			if truthy(b.get("ValueOnly")) {
				if err := b.next(v.value); err != nil {
					return err
				}
				continue
			}
			if err := b.next(NewPSObject("System.Management.Automation.PSVariable").Set("Name", v.name).Set("Value", v.value).SetDefaultDisplay("Name", "Value")); err != nil {
				return err
			}
		}
		return nil
	}), nil
}

func setVariable(in *interp, b *bcall) (stage, error) {
	sc, err := varScope(in, b)
	if err != nil {
		return nil, err
	}
	set := func(v Value) error {
		name := toString(b.get("Name"))
		if err := in.setVar(&varExpr{node: b.c.node, name: name, scope: sc}, v, ""); err != nil {
			return err
		}
		if truthy(b.get("PassThru")) {
			return b.next(NewPSObject("System.Management.Automation.PSVariable").Set("Name", name).Set("Value", v).SetDefaultDisplay("Name", "Value"))
		}
		return nil
	}
	if b.has("Value") {
		return once(b, func() error { return set(b.get("Value")) }), nil
	}
	return inputStage(b, func(items []Value) error { return set(unwrap(items)) }), nil
}

func removeVariable(in *interp, b *bcall) (stage, error) {
	sc, err := varScope(in, b)
	if err != nil {
		return nil, err
	}
	return once(b, func() error {
		for _, n := range asList(b.get("Name")) {
			k := strings.ToLower(toString(n))
			for s := in.scopeFor(sc); s != nil; s = s.parent {
				if _, ok := s.vars[k]; ok {
					delete(s.vars, k)
					break
				}
				if sc != "" {
					break
				}
			}
		}
		return nil
	}), nil
}

// addMember adds note properties to objects (Add-Member -MemberType NoteProperty).
func addMember(in *interp, b *bcall) (stage, error) {
	if b.has("MemberType") {
		switch strings.ToLower(toString(b.get("MemberType"))) {
		case "noteproperty":
		case "scriptmethod", "scriptproperty", "aliasproperty":
			return nil, in.unsupported(b.c.node, "Add-Member -MemberType %s is not supported; exsim supports NoteProperty", toString(b.get("MemberType")))
		default:
			return nil, in.bindingError(b.c, "CannotConvertArgumentNoMessage", "Cannot bind parameter 'MemberType'. Cannot convert value \"%s\" to type \"System.Management.Automation.PSMemberTypes\".", toString(b.get("MemberType")))
		}
	}
	add := func(v Value) error {
		o, ok := v.(*PSObject)
		if !ok {
			return in.unsupported(b.c.node, "Add-Member on a %s is not supported; exsim adds members to objects", typeOf(v))
		}
		set := func(name string, val Value) error {
			if _, exists := o.Get(name); exists && !truthy(b.get("Force")) {
				return in.writeError(b, in.locate(&ErrorRecord{Message: fmt.Sprintf("Cannot add a member with the name \"%s\" because a member with that name already exists. To overwrite the member anyway, add the Force parameter to your command.", name),
					ExceptionType: "System.InvalidOperationException", Category: "InvalidOperation", ErrorID: "MemberAlreadyExists,Microsoft.PowerShell.Commands.AddMemberCommand"}, b.c.node))
			}
			o.Set(name, val)
			return nil
		}
		if h, ok := b.get("NotePropertyMembers").(*Hashtable); ok {
			for i := range h.keys {
				if err := set(toString(h.keys[i]), h.vals[i]); err != nil {
					return err
				}
			}
		} else if b.has("NotePropertyName") {
			if err := set(toString(b.get("NotePropertyName")), b.get("NotePropertyValue")); err != nil {
				return err
			}
		} else if err := set(toString(b.get("Name")), b.get("Value")); err != nil {
			return err
		}
		if truthy(b.get("PassThru")) {
			return b.next(o)
		}
		return nil
	}
	if b.has("InputObject") {
		return once(b, func() error { return add(b.get("InputObject")) }), nil
	}
	return &funcStage{processF: add}, nil
}

func splitPath(in *interp, b *bcall) (stage, error) {
	return once(b, func() error {
		for _, pv := range asList(b.get("Path")) {
			p := strings.TrimRight(toString(pv), `\/`)
			i := strings.LastIndexAny(p, `\/`)
			switch {
			case truthy(b.get("Leaf")):
				if err := b.next(p[i+1:]); err != nil {
					return err
				}
			case truthy(b.get("Qualifier")):
				q, _, _ := strings.Cut(p, ":")
				if err := b.next(q + ":"); err != nil {
					return err
				}
			default:
				parent := ""
				if i > 0 {
					parent = p[:i]
				}
				if len(parent) == 2 && parent[1] == ':' {
					parent += `\`
				}
				if err := b.next(parent); err != nil {
					return err
				}
			}
		}
		return nil
	}), nil
}

func joinPath(in *interp, b *bcall) (stage, error) {
	return once(b, func() error {
		return b.next(strings.TrimRight(toString(b.get("Path")), `\/`) + `\` + strings.TrimLeft(toString(b.get("ChildPath")), `\/`))
	}), nil
}

// once runs f at the end of a stage that takes no pipeline input.
func once(b *bcall, f func() error) stage {
	return &funcStage{endF: f}
}

// inputStage collects the pipeline input (or -InputObject) and calls f at the end.
func inputStage(b *bcall, f func(items []Value) error) stage {
	var items []Value
	return &funcStage{processF: func(v Value) error { items = append(items, v); return nil }, endF: func() error { return f(items) }}
}

func propertyOf(in *interp, n node, v Value, name string) (Value, error) {
	return in.member(n, v, name)
}

func whereObject(in *interp, b *bcall) (stage, error) {
	var filter *ScriptBlock
	prop := ""
	if sb, ok := b.get("Property").(*ScriptBlock); ok {
		filter = sb
	} else if sb, ok := b.get("FilterScript").(*ScriptBlock); ok {
		filter = sb
	} else if b.has("Property") {
		prop = toString(b.get("Property"))
	} else {
		return nil, in.bindingError(b.c, "MissingMandatoryParameter", "Where-Object needs a script block or a property name, as in Where-Object { $_.Status -eq 'Ready' } or Where-Object Status -eq Ready")
	}
	op := ""
	for _, o := range whereOps {
		if b.has(o) {
			if op != "" {
				return nil, in.bindingError(b.c, "AmbiguousParameterSet", "Parameter set cannot be resolved using the specified named parameters.")
			}
			op = "-" + strings.ToLower(o)
		}
	}
	if filter != nil && (op != "" || b.has("Value")) {
		return nil, in.bindingError(b.c, "AmbiguousParameterSet", "Parameter set cannot be resolved using the specified named parameters.")
	}
	test := func(v Value) (bool, error) {
		if filter != nil {
			var got []Value
			err := in.dotBlock(filter, v, func(x Value) error { got = append(got, x); return nil }, b.c.node)
			return truthy(unwrap(got)), err
		}
		pv, err := propertyOf(in, b.c.node, v, prop)
		if err != nil {
			return false, err
		}
		if op == "" {
			if b.has("Value") {
				return false, in.bindingError(b.c, "AmbiguousParameterSet", "Parameter set cannot be resolved using the specified named parameters.")
			}
			return truthy(pv), nil
		}
		r, err := in.binary(b.c.node, op, pv, b.get("Value"))
		if err != nil {
			return false, err
		}
		return truthy(r), nil
	}
	return &funcStage{processF: func(v Value) error {
		if err := in.step(b.c.node); err != nil {
			return err
		}
		ok, err := test(v)
		if err != nil || !ok {
			return err
		}
		return b.next(v)
	}}, nil
}

func forEachObject(in *interp, b *bcall) (stage, error) {
	var blocks []*ScriptBlock
	member := ""
	if b.has("MemberName") {
		member = toString(b.get("MemberName"))
	}
	for _, v := range asList(b.get("Process")) {
		sb, ok := v.(*ScriptBlock)
		if !ok {
			if member == "" && len(asList(b.get("Process"))) == 1 {
				member = toString(v)
				continue
			}
			return nil, in.bindingError(b.c, "CannotConvertArgument", "Cannot bind parameter 'Process'. Cannot convert the \"%s\" value of type \"%s\" to type \"System.Management.Automation.ScriptBlock\".", toString(v), typeOf(v))
		}
		blocks = append(blocks, sb)
	}
	begin, _ := b.get("Begin").(*ScriptBlock)
	end, _ := b.get("End").(*ScriptBlock)
	// Several positional blocks: the first is -Begin and, with three or more,
	// the last is -End (ForEach-Object's documented binding).
	if begin == nil && end == nil && len(blocks) >= 2 {
		begin, blocks = blocks[0], blocks[1:]
		if len(blocks) >= 2 {
			end, blocks = blocks[len(blocks)-1], blocks[:len(blocks)-1]
		}
	}
	argList := asList(b.get("ArgumentList"))
	if argList != nil && member == "" {
		return nil, in.unsupported(b.c.node, "ForEach-Object -ArgumentList with a script block is not supported; exsim supports it with a member name (ForEach-Object Split -ArgumentList ',')")
	}
	run := func(sb *ScriptBlock, v Value) error { return in.dotBlock(sb, v, b.next, b.c.node) }
	s := &funcStage{}
	if begin != nil {
		s.beginF = func() error { return run(begin, nil) }
	}
	s.processF = func(v Value) error {
		if err := in.step(b.c.node); err != nil {
			return err
		}
		if member != "" {
			if argList != nil || isMethodLike(v, member) {
				r, err := in.callMethod(b.c.node, v, member, argList)
				if err != nil {
					return err
				}
				return enumerate(r, b.next)
			}
			r, err := propertyOf(in, b.c.node, v, member)
			if err != nil {
				return err
			}
			return enumerate(r, b.next)
		}
		for _, sb := range blocks {
			if err := run(sb, v); err != nil {
				return err
			}
		}
		return nil
	}
	if end != nil {
		s.endF = func() error { return run(end, nil) }
	}
	return s, nil
}

func isMethodLike(v Value, name string) bool {
	if o, ok := v.(*PSObject); ok {
		_, m := o.methods[strings.ToLower(name)]
		return m
	}
	switch strings.ToLower(name) {
	case "toupper", "tolower", "trim", "tostring", "gettype":
		return true
	}
	return false
}

// calcProp is a Select-Object/Sort-Object property: a name, a script block, or a
// calculated-property hashtable (Name/Label/N/L, Expression/E, Descending).
type calcProp struct {
	name string
	expr *ScriptBlock
	desc *bool
	wild bool
}

func (in *interp) calcProps(b *bcall, v Value) ([]calcProp, error) {
	var out []calcProp
	for _, it := range asList(v) {
		switch x := it.(type) {
		case *ScriptBlock:
			out = append(out, calcProp{name: x.text, expr: x})
		case *Hashtable:
			var cp calcProp
			for i := range x.keys {
				k := strings.ToLower(toString(x.keys[i]))
				switch {
				case k == "name" || k == "n" || k == "label" || k == "l":
					cp.name = toString(x.vals[i])
				case strings.HasPrefix("expression", k):
					switch e := x.vals[i].(type) {
					case *ScriptBlock:
						cp.expr = e
						if cp.name == "" {
							cp.name = e.text
						}
					default:
						if cp.name == "" {
							cp.name = toString(e)
						}
						cp.expr = nil
						cp.name = toString(e)
					}
				case strings.HasPrefix("descending", k) || strings.HasPrefix("ascending", k):
					d := truthy(x.vals[i])
					if strings.HasPrefix("ascending", k) {
						d = !d
					}
					cp.desc = &d
				case k == "width" || k == "alignment" || k == "formatstring":
				default:
					return nil, in.bindingError(b.c, "IllegalKey", "The %s key is not valid.", toString(x.keys[i]))
				}
			}
			out = append(out, cp)
		default:
			s := toString(it)
			out = append(out, calcProp{name: s, wild: strings.ContainsAny(s, "*?")})
		}
	}
	return out, nil
}

func (in *interp) propValue(b *bcall, v Value, cp calcProp) (Value, error) {
	if cp.expr != nil {
		var got []Value
		err := in.dotBlock(cp.expr, v, func(x Value) error { got = append(got, x); return nil }, b.c.node)
		return unwrap(got), err
	}
	return propertyOf(in, b.c.node, v, cp.name)
}

func selectObject(in *interp, b *bcall) (stage, error) {
	props, err := in.calcProps(b, b.get("Property"))
	if err != nil {
		return nil, err
	}
	num := func(name string) (int, bool, error) {
		if !b.has(name) {
			return 0, false, nil
		}
		n, err := toInt(b.get(name))
		if err != nil {
			return 0, false, in.convErr(b.c.node, err)
		}
		return n, true, nil
	}
	firstN, hasFirst, err := num("First")
	if err != nil {
		return nil, err
	}
	lastN, hasLast, err := num("Last")
	if err != nil {
		return nil, err
	}
	skip, _, err := num("Skip")
	if err != nil {
		return nil, err
	}
	expand := ""
	if b.has("ExpandProperty") {
		expand = toString(b.get("ExpandProperty"))
	}
	var indexes []int
	for _, v := range asList(b.get("Index")) {
		i, err := toInt(v)
		if err != nil {
			return nil, in.convErr(b.c.node, err)
		}
		indexes = append(indexes, i)
	}
	project := func(v Value) (Value, error) {
		if expand != "" {
			pv, err := propertyOf(in, b.c.node, v, expand)
			if err != nil {
				return nil, err
			}
			if pv == nil {
				if o, ok := v.(*PSObject); !ok || func() bool { _, has := o.Get(expand); return !has }() {
					return nil, in.writeError(b, in.locate(&ErrorRecord{Message: fmt.Sprintf("Property \"%s\" cannot be found.", expand),
						ExceptionType: "System.ArgumentException", Category: "InvalidArgument", ErrorID: "ExpandPropertyNotFound,Microsoft.PowerShell.Commands.SelectObjectCommand",
						TargetName: toString(v), TargetType: shortType(typeOf(v))}, b.c.node))
				}
			}
			return pv, nil
		}
		if len(props) == 0 {
			return v, nil
		}
		var src *PSObject
		tn := "Selected.System.Management.Automation.PSCustomObject"
		if o, ok := v.(*PSObject); ok {
			src = o
			tn = "Selected." + typeOf(o)
		}
		o := NewPSObject(tn, "System.Management.Automation.PSCustomObject", "System.Object")
		excluded := func(name string) bool {
			for _, x := range asList(b.get("ExcludeProperty")) {
				if wildcardMatch(toString(x), name, false) {
					return true
				}
			}
			return false
		}
		for _, cp := range props {
			if excluded(cp.name) {
				continue
			}
			if cp.wild && src != nil {
				for _, n := range propsFor(src, []string{cp.name}) {
					if excluded(n) {
						continue
					}
					pv, _ := src.Get(n)
					o.Set(n, pv)
				}
				continue
			}
			pv, err := in.propValue(b, v, cp)
			if err != nil {
				return nil, err
			}
			o.Set(cp.name, pv)
		}
		return o, nil
	}
	var kept []Value
	seen := 0
	emitted := 0
	s := &funcStage{}
	var stage *funcStage = s
	send := func(v Value) error {
		pv, err := project(v)
		if err != nil {
			return err
		}
		if pv == nil && expand != "" {
			return nil
		}
		if expand != "" {
			return enumerate(pv, b.next)
		}
		return b.next(pv)
	}
	streaming := !hasLast && !b.has("Unique") && indexes == nil
	s.processF = func(v Value) error {
		seen++
		if seen <= skip {
			return nil
		}
		if !streaming {
			kept = append(kept, v)
			return nil
		}
		if hasFirst && emitted >= firstN {
			return &stopPipe{owner: stage}
		}
		emitted++
		if err := send(v); err != nil {
			return err
		}
		if hasFirst && emitted >= firstN && !b.has("Wait") {
			return &stopPipe{owner: stage}
		}
		return nil
	}
	s.endF = func() error {
		if streaming {
			return nil
		}
		items := kept
		if indexes != nil {
			var picked []Value
			for _, i := range indexes {
				if i >= 0 && i < len(items) {
					picked = append(picked, items[i])
				}
			}
			items = picked
		}
		var out []Value
		for _, v := range items {
			pv, err := project(v)
			if err != nil {
				return err
			}
			if pv == nil && expand != "" {
				continue
			}
			out = append(out, pv)
		}
		if b.has("Unique") {
			var u []Value
			for _, v := range out {
				dup := false
				for _, w := range u {
					if sameObject(v, w, true) {
						dup = true
						break
					}
				}
				if !dup {
					u = append(u, v)
				}
			}
			out = u
		}
		if hasFirst && len(out) > firstN {
			out = out[:firstN]
		}
		if hasLast && len(out) > lastN {
			out = out[len(out)-lastN:]
		}
		for _, v := range out {
			if expand != "" {
				if err := enumerate(v, b.next); err != nil {
					return err
				}
				continue
			}
			if err := b.next(v); err != nil {
				return err
			}
		}
		return nil
	}
	return s, nil
}

// sameObject is the equality Select-Object -Unique and Sort-Object -Unique use:
// equal values, or objects with equal property values.
func sameObject(a, b Value, cs bool) bool {
	oa, ok1 := a.(*PSObject)
	ob, ok2 := b.(*PSObject)
	if ok1 && ok2 {
		if len(oa.names) != len(ob.names) {
			return false
		}
		for i, n := range oa.names {
			v, ok := ob.Get(n)
			if !ok || !equal(oa.vals[i], v, cs) {
				return false
			}
		}
		return true
	}
	return equal(a, b, cs)
}

func sortObject(in *interp, b *bcall) (stage, error) {
	props, err := in.calcProps(b, b.get("Property"))
	if err != nil {
		return nil, err
	}
	desc := truthy(b.get("Descending"))
	return inputStage(b, func(items []Value) error {
		keys := make([][]Value, len(items))
		dirs := make([]bool, max(1, len(props)))
		for i := range dirs {
			dirs[i] = desc
			if i < len(props) && props[i].desc != nil {
				dirs[i] = *props[i].desc
			}
		}
		for i, v := range items {
			if err := in.step(b.c.node); err != nil {
				return err
			}
			if len(props) == 0 {
				k := v
				if o, ok := v.(*PSObject); ok && o.str != nil {
					k = *o.str
				}
				keys[i] = []Value{k}
				continue
			}
			for _, cp := range props {
				pv, err := in.propValue(b, v, cp)
				if err != nil {
					return err
				}
				keys[i] = append(keys[i], pv)
			}
		}
		sorted := append([]Value(nil), items...)
		idx := make([]Value, len(items))
		for i := range idx {
			idx[i] = i
		}
		sortStable(idx, keys, dirs, truthy(b.get("CaseSensitive")))
		for i, j := range idx {
			sorted[i] = items[j.(int)]
		}
		if b.has("Unique") {
			var u []Value
			for _, v := range sorted {
				if len(u) > 0 && sameObject(u[len(u)-1], v, truthy(b.get("CaseSensitive"))) {
					continue
				}
				u = append(u, v)
			}
			sorted = u
		}
		for _, v := range sorted {
			if err := b.next(v); err != nil {
				return err
			}
		}
		return nil
	}), nil
}

func measureObject(in *interp, b *bcall) (stage, error) {
	prop := ""
	if b.has("Property") {
		prop = toString(b.get("Property"))
	}
	return inputStage(b, func(items []Value) error {
		count := 0
		sum := 0.0
		var mx, mn Value
		allInt := true
		for _, v := range items {
			if prop != "" {
				pv, err := propertyOf(in, b.c.node, v, prop)
				if err != nil {
					return err
				}
				if o, ok := v.(*PSObject); ok {
					if _, has := o.Get(prop); !has {
						continue
					}
				}
				v = pv
			}
			count++
			if !(b.has("Sum") || b.has("Average") || b.has("Maximum") || b.has("Minimum")) {
				continue
			}
			f, err := toFloat(v)
			if err != nil {
				return in.writeError(b, in.locate(&ErrorRecord{Message: fmt.Sprintf("Input object \"%s\" is not numeric.", toString(v)),
					ExceptionType: "System.Management.Automation.PSInvalidOperationException", Category: "InvalidType",
					ErrorID: "NonNumericInputObject,Microsoft.PowerShell.Commands.MeasureObjectCommand"}, b.c.node))
			}
			if _, ok := v.(int); !ok {
				allInt = false
			}
			sum += f
			if c, _ := compare(v, mx, false); mx == nil || c > 0 {
				mx = v
			}
			if c, _ := compare(v, mn, false); mn == nil || c < 0 {
				mn = v
			}
		}
		o := NewPSObject("Microsoft.PowerShell.Commands.GenericMeasureInfo", "Microsoft.PowerShell.Commands.MeasureInfo", "System.Object")
		o.Set("Count", count)
		var avg, s, maxV, minV Value
		if b.has("Average") && count > 0 {
			avg = sum / float64(count)
		}
		if b.has("Sum") {
			s = sum
			if allInt && sum == math.Trunc(sum) && math.Abs(sum) < 1<<53 {
				s = float64(sum)
			}
		}
		if b.has("Maximum") && mx != nil {
			maxV, _ = toFloat(mx)
		}
		if b.has("Minimum") && mn != nil {
			minV, _ = toFloat(mn)
		}
		var p Value
		if prop != "" {
			p = prop
		}
		o.Set("Average", avg).Set("Sum", s).Set("Maximum", maxV).Set("Minimum", minV).Set("Property", p)
		return b.next(o)
	}), nil
}

func groupObject(in *interp, b *bcall) (stage, error) {
	props, err := in.calcProps(b, b.get("Property"))
	if err != nil {
		return nil, err
	}
	return inputStage(b, func(items []Value) error {
		type group struct {
			name  string
			items []Value
		}
		var groups []*group
		index := map[string]*group{}
		for _, v := range items {
			var parts []string
			for _, cp := range props {
				pv, err := in.propValue(b, v, cp)
				if err != nil {
					return err
				}
				parts = append(parts, toString(pv))
			}
			if len(props) == 0 {
				parts = []string{toString(v)}
			}
			name := strings.Join(parts, ", ")
			k := strings.ToLower(name)
			if truthy(b.get("CaseSensitive")) {
				k = name
			}
			g, ok := index[k]
			if !ok {
				g = &group{name: name}
				index[k] = g
				groups = append(groups, g)
			}
			g.items = append(g.items, v)
		}
		for _, g := range groups {
			o := NewPSObject("Microsoft.PowerShell.Commands.GroupInfo", "System.Object")
			o.Set("Count", len(g.items)).Set("Name", g.name)
			if !b.has("NoElement") {
				o.Set("Group", g.items)
			}
			if err := b.next(o); err != nil {
				return err
			}
		}
		return nil
	}), nil
}

func outString(in *interp, b *bcall) (stage, error) {
	return inputStage(b, func(items []Value) error {
		text := in.formatDefault(items)
		if b.has("Stream") {
			for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
				if err := b.next(l); err != nil {
					return err
				}
			}
			return nil
		}
		return b.next(text)
	}), nil
}

func outHost(in *interp, b *bcall) (stage, error) {
	return inputStage(b, func(items []Value) error {
		in.write(StreamOutput, in.formatDefault(items))
		return nil
	}), nil
}

func formatCmd(list bool) func(in *interp, b *bcall) (stage, error) {
	return func(in *interp, b *bcall) (stage, error) {
		var want []string
		for _, p := range asList(b.get("Property")) {
			if _, ok := p.(*Hashtable); ok {
				return nil, in.unsupported(b.c.node, "calculated properties in Format-Table/Format-List are not supported; use Select-Object with @{Name=...; Expression={...}} first")
			}
			want = append(want, toString(p))
		}
		if b.has("GroupBy") {
			return nil, in.unsupported(b.c.node, "Format-Table -GroupBy is not supported; sort and format each group, or use Group-Object")
		}
		return inputStage(b, func(items []Value) error {
			if len(items) == 0 {
				return nil
			}
			var text string
			if list {
				if len(want) == 0 {
					want = []string{"*"} // Format-List shows every property
				}
				text = "\n\n" + listText(items, want) + "\n\n"
			} else {
				text = tableTextSized(items, want, truthy(b.get("AutoSize")), truthy(b.get("Wrap")))
				if truthy(b.get("HideTableHeaders")) {
					if parts := strings.SplitN(text, "\n", 3); len(parts) == 3 && !strings.HasPrefix(text, "Name  ") {
						text = parts[2]
					}
				}
				text = "\n" + text + "\n\n"
			}
			return b.next(formatted{text: text})
		}), nil
	}
}

var consoleColors = []string{"Black", "DarkBlue", "DarkGreen", "DarkCyan", "DarkRed", "DarkMagenta", "DarkYellow", "Gray", "DarkGray", "Blue", "Green", "Cyan", "Red", "Magenta", "Yellow", "White"}

func checkColor(in *interp, b *bcall, p string) error {
	if !b.has(p) {
		return nil
	}
	c := toString(b.get(p))
	for _, k := range consoleColors {
		if strings.EqualFold(k, c) {
			return nil
		}
	}
	return in.bindingError(b.c, "CannotConvertArgumentNoMessage,Microsoft.PowerShell.Commands.WriteHostCommand",
		"Cannot bind parameter '%s'. Cannot convert value \"%s\" to type \"System.ConsoleColor\". Error: \"Unable to match the identifier name %s to a valid enumerator name. Specify one of the following enumerator names and try again:\n%s\"", p, c, c, strings.Join(consoleColors, ", "))
}

func writeHost(in *interp, b *bcall) (stage, error) {
	if err := checkColor(in, b, "ForegroundColor"); err != nil {
		return nil, err
	}
	if err := checkColor(in, b, "BackgroundColor"); err != nil {
		return nil, err
	}
	sep := " "
	if b.has("Separator") {
		sep = toString(b.get("Separator"))
	}
	hostText := func(v Value) string {
		if isCollection(v) {
			var parts []string
			for _, it := range asList(v) {
				parts = append(parts, hostTextOne(it))
			}
			return strings.Join(parts, sep)
		}
		return hostTextOne(v)
	}
	write := func(v Value) {
		text := hostText(v)
		if !truthy(b.get("NoNewline")) {
			text += "\n"
		}
		in.write(StreamInformation, text)
	}
	if b.has("Object") {
		return once(b, func() error { write(b.get("Object")); return nil }), nil
	}
	got := false
	return &funcStage{processF: func(v Value) error { got = true; write(v); return nil },
		endF: func() error {
			if !got && b.first {
				write("")
			}
			return nil
		}}, nil
}

// hostTextOne is Write-Host's form of one object: ToString() in the current
// (en-US) culture, so dates print as 12/1/2026 8:05:00 PM.
func hostTextOne(v Value) string {
	switch x := v.(type) {
	case time.Time:
		return cultureDate(x)
	case formatted:
		return x.text
	}
	return toString(v)
}

func writeOutput(in *interp, b *bcall) (stage, error) {
	if b.has("InputObject") {
		return once(b, func() error {
			v := b.get("InputObject")
			if truthy(b.get("NoEnumerate")) {
				return b.next(v)
			}
			return enumerate(v, b.next)
		}), nil
	}
	return &funcStage{processF: b.next}, nil
}

func writeStream(s Stream, prefix, pref string) func(in *interp, b *bcall) (stage, error) {
	return func(in *interp, b *bcall) (stage, error) {
		write := func(v Value) {
			p := strings.ToLower(toString(in.lookupValue(pref)))
			if s == StreamWarning && b.wa != "" {
				p = strings.ToLower(b.wa)
			}
			on := p == "continue" || p == "inquire" || p == "stop"
			if s == StreamVerbose && b.verbose {
				on = true
			}
			if !on {
				return
			}
			in.write(s, prefix+toString(v)+"\n")
		}
		key := "Message"
		if s == StreamInformation {
			key = "MessageData"
		}
		if b.has(key) {
			return once(b, func() error { write(b.get(key)); return nil }), nil
		}
		return &funcStage{processF: func(v Value) error { write(v); return nil }}, nil
	}
}

func writeError(in *interp, b *bcall) (stage, error) {
	mk := func(v Value) *ErrorRecord {
		if rec, ok := v.(*ErrorRecord); ok {
			return rec
		}
		if rec, ok := b.get("ErrorRecord").(*ErrorRecord); ok {
			return rec
		}
		rec := &ErrorRecord{Message: toString(v), ExceptionType: "Microsoft.PowerShell.Commands.WriteErrorException", Category: "NotSpecified",
			ErrorID: "Microsoft.PowerShell.Commands.WriteErrorException"}
		if b.has("Category") {
			rec.Category = toString(b.get("Category"))
		}
		if b.has("ErrorId") {
			rec.ErrorID = toString(b.get("ErrorId"))
		}
		if b.has("TargetObject") {
			rec.TargetObject = b.get("TargetObject")
			rec.TargetName, rec.TargetType = toString(rec.TargetObject), shortType(typeOf(rec.TargetObject))
		}
		if b.has("Exception") {
			rec.Message = toString(b.get("Exception"))
		}
		if b.has("CategoryTargetName") {
			rec.TargetName = toString(b.get("CategoryTargetName"))
		}
		if b.has("CategoryTargetType") {
			rec.TargetType = toString(b.get("CategoryTargetType"))
		}
		if b.has("CategoryReason") {
			rec.reason = toString(b.get("CategoryReason"))
		}
		// In an advanced function or script the error is Write-Error's own
		// ("Write-Error : msg", id ...WriteErrorException,Write-Error, as
		// microsoft/CSS-Exchange#2487 shows from HealthChecker); elsewhere it
		// is attributed to the enclosing function or script file, with
		// Write-Error as the activity (an inference from 5.1 behaviour; not
		// sourced).
		rec.Command = in.currentCommandName()
		if in.currentAdvanced() {
			rec.Command = "Write-Error"
		}
		rec.activity = "Write-Error"
		if !b.has("ErrorId") {
			short := rec.Command
			if i := strings.LastIndexAny(short, `\/`); i >= 0 {
				short = short[i+1:]
			}
			rec.ErrorID += "," + short
		}
		return rec
	}
	emitErr := func(v Value) error { return in.writeError(b, mk(v)) }
	if b.has("Message") || b.has("Exception") || b.has("ErrorRecord") {
		return once(b, func() error { return emitErr(b.get("Message")) }), nil
	}
	return &funcStage{processF: emitErr}, nil
}

// currentCommandName is what Write-Error shows before the message: the function
// it runs in, or the script file.
func (in *interp) currentAdvanced() bool {
	for s := in.cur; s != nil; s = s.parent {
		if _, ok := s.vars["myinvocation"]; ok {
			return s.advanced
		}
	}
	return false
}

func (in *interp) currentCommandName() string {
	if v := in.lookup("MyInvocation", ""); v != nil {
		if o, ok := v.value.(*PSObject); ok {
			if mc, ok := o.Get("MyCommand"); ok {
				if m, ok := mc.(*PSObject); ok {
					if n, ok := m.Get("Name"); ok {
						if p, ok := m.Get("Path"); ok && toString(p) != "" {
							return toString(p)
						}
						return toString(n)
					}
				}
			}
		}
	}
	return in.path
}

func readHost(in *interp, b *bcall) (stage, error) {
	return once(b, func() error {
		prompt := ""
		if b.has("Prompt") {
			prompt = toString(b.get("Prompt"))
			in.write(StreamInformation, prompt+": ")
		}
		in.flushConsole()
		ans, err := in.host.ReadHost(prompt)
		if err != nil {
			if isFatal(err) {
				return err
			}
			return &HostError{Pos: in.pos(b.c.off), Err: err}
		}
		in.write(StreamInformation, ans+"\n")
		return b.next(ans)
	}), nil
}

func startSleep(in *interp, b *bcall) (stage, error) {
	var d time.Duration
	switch {
	case b.has("Milliseconds"):
		ms, err := toInt(b.get("Milliseconds"))
		if err != nil {
			return nil, in.bindingError(b.c, "CannotConvertArgumentNoMessage,Microsoft.PowerShell.Commands.StartSleepCommand", "Cannot bind parameter 'Milliseconds'. %s", err.Error())
		}
		d = time.Duration(ms) * time.Millisecond
	case b.has("Seconds"):
		// Start-Sleep -Seconds is an Int32 in 5.1: 1.5 is rounded to 2.
		s, err := toInt(b.get("Seconds"))
		if err != nil {
			return nil, in.bindingError(b.c, "CannotConvertArgumentNoMessage,Microsoft.PowerShell.Commands.StartSleepCommand", "Cannot bind parameter 'Seconds'. %s", err.Error())
		}
		d = time.Duration(s) * time.Second
	default:
		return nil, in.bindingError(b.c, "MissingMandatoryParameter", "Start-Sleep needs -Seconds or -Milliseconds.")
	}
	if d < 0 {
		return nil, in.bindingError(b.c, "ParameterArgumentValidationError", "Cannot validate argument on parameter 'Seconds'. The %d argument is less than the minimum allowed range of 0.", d/time.Second)
	}
	return once(b, func() error { return in.sleep(b.c.node, d) }), nil
}

func getDate(in *interp, b *bcall) (stage, error) {
	return once(b, func() error {
		t := in.now()
		if b.has("Date") {
			cv, err := in.convert(b.c.node, b.get("Date"), "datetime")
			if err != nil {
				return err
			}
			t = cv.(time.Time)
		}
		set := func(name string, f func(n int)) error {
			if !b.has(name) {
				return nil
			}
			n, err := toInt(b.get(name))
			if err != nil {
				return in.convErr(b.c.node, err)
			}
			f(n)
			return nil
		}
		y, mo, d := t.Date()
		h, mi, s := t.Clock()
		ns := t.Nanosecond()
		for _, x := range []struct {
			n string
			p *int
		}{{"Year", &y}, {"Day", &d}, {"Hour", &h}, {"Minute", &mi}, {"Second", &s}} {
			p := x.p
			if err := set(x.n, func(n int) { *p = n }); err != nil {
				return err
			}
		}
		m := int(mo)
		if err := set("Month", func(n int) { m = n }); err != nil {
			return err
		}
		if err := set("Millisecond", func(n int) { ns = n * 1e6 }); err != nil {
			return err
		}
		t = time.Date(y, time.Month(m), d, h, mi, s, ns, t.Location())
		if b.has("UFormat") {
			return in.unsupported(b.c.node, "Get-Date -UFormat is not supported; use -Format with .NET format strings such as 'yyyy-MM-dd HH:mm:ss'")
		}
		if b.has("Format") {
			return b.next(formatDate(t, toString(b.get("Format"))))
		}
		return b.next(t)
	}), nil
}

func newTimeSpan(in *interp, b *bcall) (stage, error) {
	return once(b, func() error {
		if b.has("Start") || b.has("End") {
			start, end := in.now(), in.now()
			for _, x := range []struct {
				n string
				t *time.Time
			}{{"Start", &start}, {"End", &end}} {
				if b.has(x.n) {
					cv, err := in.convert(b.c.node, b.get(x.n), "datetime")
					if err != nil {
						return err
					}
					*x.t = cv.(time.Time)
				}
			}
			return b.next(end.Sub(start))
		}
		var d time.Duration
		for _, x := range []struct {
			n string
			u time.Duration
		}{{"Days", 24 * time.Hour}, {"Hours", time.Hour}, {"Minutes", time.Minute}, {"Seconds", time.Second}} {
			if b.has(x.n) {
				k, err := toInt(b.get(x.n))
				if err != nil {
					return in.convErr(b.c.node, err)
				}
				d += time.Duration(k) * x.u
			}
		}
		return b.next(d)
	}), nil
}

func newObject(in *interp, b *bcall) (stage, error) {
	tn := strings.ToLower(toString(b.get("TypeName")))
	return once(b, func() error {
		switch strings.TrimPrefix(tn, "system.") {
		case "psobject", "management.automation.psobject", "pscustomobject", "object":
			o := NewPSObject()
			if h, ok := b.get("Property").(*Hashtable); ok {
				for i := range h.keys {
					o.Set(toString(h.keys[i]), h.vals[i])
				}
			}
			return b.next(o)
		case "collections.arraylist":
			return b.next(&ArrayList{})
		case "collections.generic.list[string]", "collections.generic.list[object]", "collections.generic.list[int]", "collections.generic.list[psobject]":
			return b.next(&ArrayList{generic: true})
		case "collections.hashtable":
			return b.next(newHashtable())
		case "datetime":
			args := asList(b.get("ArgumentList"))
			var n [6]int
			for i := 0; i < len(args) && i < 6; i++ {
				k, err := toInt(args[i])
				if err != nil {
					return in.convErr(b.c.node, err)
				}
				n[i] = k
			}
			return b.next(time.Date(n[0], time.Month(n[1]), n[2], n[3], n[4], n[5], 0, in.now().Location()))
		case "timespan":
			args := asList(b.get("ArgumentList"))
			var n [4]int
			for i := 0; i < len(args) && i < 4; i++ {
				k, err := toInt(args[i])
				if err != nil {
					return in.convErr(b.c.node, err)
				}
				n[i] = k
			}
			if len(args) == 3 {
				return b.next(time.Duration(n[0])*time.Hour + time.Duration(n[1])*time.Minute + time.Duration(n[2])*time.Second)
			}
			return b.next(time.Duration(n[0])*24*time.Hour + time.Duration(n[1])*time.Hour + time.Duration(n[2])*time.Minute + time.Duration(n[3])*time.Second)
		}
		return in.unsupported(b.c.node, "New-Object %s is not supported; exsim supports PSObject (with -Property), System.Collections.ArrayList, System.Collections.Generic.List[string|object|int|psobject], System.Collections.Hashtable, DateTime and TimeSpan", toString(b.get("TypeName")))
	}), nil
}

func outFile(in *interp, b *bcall) (stage, error) {
	if !b.has("FilePath") {
		return nil, in.bindingError(b.c, "MissingMandatoryParameter", "Out-File needs -FilePath.")
	}
	path := toString(b.get("FilePath"))
	return inputStage(b, func(items []Value) error {
		text := in.formatDefault(items)
		if truthy(b.get("NoNewline")) {
			text = strings.ReplaceAll(text, "\n", "")
		}
		if err := in.host.WriteFile(path, text, truthy(b.get("Append"))); err != nil {
			if isFatal(err) {
				return err
			}
			return in.writeError(b, in.locate(&ErrorRecord{Message: err.Error(), ExceptionType: "System.IO.IOException", Category: "WriteError",
				ErrorID: "FileOpenFailure,Microsoft.PowerShell.Commands.OutFileCommand", TargetName: path, TargetType: "String"}, b.c.node))
		}
		return nil
	}), nil
}

func content(appendTo bool) func(in *interp, b *bcall) (stage, error) {
	return func(in *interp, b *bcall) (stage, error) {
		path := toString(b.get("Path"))
		return inputStage(b, func(items []Value) error {
			if b.has("Value") {
				items = asList(b.get("Value"))
				if !isCollection(b.get("Value")) {
					items = []Value{b.get("Value")}
				}
			}
			var sb strings.Builder
			for _, it := range items {
				sb.WriteString(toString(it))
				if !truthy(b.get("NoNewline")) {
					sb.WriteString("\n")
				}
			}
			if err := in.host.WriteFile(path, sb.String(), appendTo); err != nil {
				if isFatal(err) {
					return err
				}
				return in.writeError(b, in.locate(&ErrorRecord{Message: err.Error(), ExceptionType: "System.IO.IOException", Category: "WriteError",
					ErrorID: "GetContentWriterIOError", TargetName: path, TargetType: "String"}, b.c.node))
			}
			return nil
		}), nil
	}
}

func startTranscript(in *interp, b *bcall) (stage, error) {
	return once(b, func() error {
		path := toString(b.get("Path"))
		if path == "" {
			dir := toString(b.get("OutputDirectory"))
			if dir == "" {
				dir = toString(in.lookupValue("HOME")) + `\Documents`
			}
			host, _ := in.env.get("COMPUTERNAME")
			path = fmt.Sprintf(`%s\PowerShell_transcript.%s.exsim.%s.txt`, dir, toString(host), in.now().Format("20060102150405"))
		}
		host, _ := in.env.get("COMPUTERNAME")
		user, _ := in.env.get("USERNAME")
		header := "**********************\nWindows PowerShell transcript start\nStart time: " + in.now().Format("20060102150405") +
			"\nUsername: " + toString(user) + "\nRunAs User: " + toString(user) + "\nMachine: " + toString(host) +
			" (Microsoft Windows NT 10.0.17763.0)\n**********************\n"
		if err := in.host.WriteFile(path, header, truthy(b.get("Append"))); err != nil {
			if isFatal(err) {
				return err
			}
			return in.locate(&ErrorRecord{Message: err.Error(), ExceptionType: "System.IO.IOException", Category: "InvalidOperation",
				ErrorID: "CannotStartTranscription,Microsoft.PowerShell.Commands.StartTranscriptCommand", Command: "Start-Transcript"}, b.c.node)
		}
		in.transcript = path
		return b.next("Transcript started, output file is " + path)
	}), nil
}

func stopTranscriptCmd(in *interp, b *bcall) (stage, error) {
	return once(b, func() error {
		if in.transcript == "" {
			return in.writeError(b, in.locate(&ErrorRecord{Message: "An error occurred stopping transcription: The host is not currently transcribing.",
				ExceptionType: "System.Management.Automation.PSInvalidOperationException", Category: "InvalidOperation",
				ErrorID: "InvalidOperation,Microsoft.PowerShell.Commands.StopTranscriptCommand"}, b.c.node))
		}
		path := in.stopTranscript()
		return b.next("Transcript stopped, output file is " + path)
	}), nil
}

func (in *interp) stopTranscript() string {
	path := in.transcript
	in.transcript = ""
	_ = in.host.WriteFile(path, "**********************\nWindows PowerShell transcript end\nEnd time: "+in.now().Format("20060102150405")+"\n**********************\n", true)
	return path
}

func setLocation(in *interp, b *bcall) (stage, error) {
	return once(b, func() error {
		p := toString(b.get("Path"))
		switch {
		case p == "" || p == ".":
		case p == "..":
			in.location = scriptRoot(in.location)
		case strings.HasPrefix(p, `.\`):
			in.location = in.location + p[1:]
		case len(p) > 1 && (p[1] == ':' || strings.HasPrefix(p, `\\`)):
			in.location = strings.TrimRight(p, `\`)
		default:
			in.location = strings.TrimRight(in.location, `\`) + `\` + p
		}
		return nil
	}), nil
}

// timeoutExe is Windows' timeout.exe /t N [/nobreak]: it waits N seconds. With no
// keyboard in a simulation nobody presses a key, so the full time passes.
func timeoutExe(in *interp, b *bcall) (stage, error) {
	args := asList(b.get("args"))
	if !isCollection(b.get("args")) && b.has("args") {
		args = []Value{b.get("args")}
	}
	secs := -2
	nobreak := false
	for i := 0; i < len(args); i++ {
		a := strings.ToLower(toString(args[i]))
		switch {
		case a == "/t" && i+1 < len(args):
			n, err := toInt(args[i+1])
			if err != nil {
				return nil, in.unsupported(b.c.node, "timeout.exe /t needs a number of seconds")
			}
			secs = n
			i++
		case a == "/nobreak":
			nobreak = true
		default:
			if n, err := toInt(args[i]); err == nil && secs == -2 {
				secs = n
				continue
			}
			return once(b, func() error {
				in.write(StreamError, "ERROR: Invalid syntax. Default option is not allowed more than '1' time(s).\nType \"TIMEOUT /?\" for usage.\n")
				in.global.set("LASTEXITCODE", 1)
				return nil
			}), nil
		}
	}
	if secs < -1 || secs > 99999 {
		return once(b, func() error {
			in.write(StreamError, "ERROR: Invalid value for timeout (/T) specified. Valid range is -1 to 99999.\n")
			in.global.set("LASTEXITCODE", 1)
			return nil
		}), nil
	}
	if secs == -1 {
		return nil, in.unsupported(b.c.node, "timeout.exe /t -1 waits for a key press forever; use Start-Sleep or Read-Host")
	}
	return once(b, func() error {
		msg := "press a key to continue ..."
		if nobreak {
			msg = "press CTRL+C to quit ..."
		}
		in.write(StreamInformation, fmt.Sprintf("\nWaiting for %d seconds, %s\n", secs, msg))
		if err := in.sleep(b.c.node, time.Duration(secs)*time.Second); err != nil {
			return err
		}
		in.global.set("LASTEXITCODE", 0)
		return nil
	}), nil
}
