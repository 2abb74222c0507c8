package powershell

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/exsim/exsim/sim/suggest"
)

// stage is one command of a running pipeline (begin, process per input, end).
type stage interface {
	begin() error
	process(v Value) error
	end() error
}

type funcStage struct {
	beginF   func() error
	processF func(v Value) error
	endF     func() error
}

func (s *funcStage) begin() error {
	if s.beginF == nil {
		return nil
	}
	return s.beginF()
}

func (s *funcStage) process(v Value) error {
	if s.processF == nil {
		return nil
	}
	return s.processF(v)
}

func (s *funcStage) end() error {
	if s.endF == nil {
		return nil
	}
	return s.endF()
}

// enumerate sends a value down a pipeline as PowerShell does: collections are
// unrolled one level, everything else (strings, hashtables) goes as one object.
func enumerate(v Value, out emit) error {
	if isCollection(v) {
		for _, it := range asList(v) {
			if err := out(it); err != nil {
				return err
			}
		}
		return nil
	}
	return out(v)
}

func (in *interp) execPipeline(ps *pipelineStmt, out emit) (err error) {
	prev := in.pipe
	st := &pipeState{}
	in.pipe = st
	// Stages nest within the pipeline: whatever a failed stage left behind (call
	// depth, an error redirection) is undone when the pipeline ends.
	depth0, redir0, caps0 := in.depth, in.errRedirect, len(in.captures)
	defer func() {
		in.depth, in.errRedirect, in.captures = depth0, redir0, in.captures[:caps0]
		in.pipe = prev
		in.dollarQ = err == nil && !st.failed
		var br *breakErr
		if err != nil && (errors.As(err, &br) || errors.Is(err, errReturn)) {
			in.dollarQ = true
		}
	}()
	out, finish, err := in.redirections(ps, out)
	if err != nil {
		return err
	}
	stages := make([]stage, len(ps.cmds))
	next := out
	for i := len(ps.cmds) - 1; i >= 0; i-- {
		s, err := in.makeStage(ps.cmds[i], next, i == 0 && ps.first == nil)
		if err != nil {
			return err
		}
		stages[i] = s
		next = s.process
	}
	run := func() error {
		for _, s := range stages {
			if err := s.begin(); err != nil {
				return err
			}
		}
		if ps.first != nil {
			v, err := in.eval(ps.first)
			if err != nil {
				return err
			}
			if silentExpr(ps.first) {
				if len(stages) == 0 {
					return nil
				}
			}
			if v == nil && isVoid(ps.first) {
				return nil
			}
			if err := enumerate(v, func(it Value) error {
				if err := in.step(ps.node); err != nil {
					return err
				}
				return next(it)
			}); err != nil {
				return err
			}
		}
		return nil
	}
	err = run()
	from := 0
	var sp *stopPipe
	if errors.As(err, &sp) {
		// Only the pipeline that holds the stopping Select-Object ends here; an
		// inner pipeline (inside a function feeding it) stops as a whole.
		for i, s := range stages {
			if s == sp.owner {
				from, err = i+1, nil
			}
		}
	}
	if err == nil {
		for _, s := range stages[from:] {
			if err = s.end(); err != nil {
				if errors.As(err, &sp) && ownsStage(stages, sp.owner) {
					err = nil
					continue
				}
				break
			}
		}
	}
	if ferr := finish(err); ferr != nil && err == nil {
		err = ferr
	}
	return err
}

func ownsStage(stages []stage, s any) bool {
	for _, x := range stages {
		if x == s {
			return true
		}
	}
	return false
}

// silentExpr: assignments and ++/-- used as statements write nothing.
func silentExpr(e expr) bool {
	_, ok := e.(*incDecExpr)
	return ok
}

func isVoid(e expr) bool {
	c, ok := e.(*castExpr)
	return ok && c.typ == "void"
}

// redirections applies > >> 2> 2>&1 *> to a pipeline's output.
func (in *interp) redirections(ps *pipelineStmt, out emit) (emit, func(error) error, error) {
	finish := func(error) error { return nil }
	for _, r := range ps.redirs {
		r := r
		if r.toOut {
			prevRedir := in.errRedirect
			target := out
			in.errRedirect = func(rec *ErrorRecord) error { return target(rec) }
			old := finish
			finish = func(e error) error { in.errRedirect = prevRedir; return old(e) }
			continue
		}
		var path string
		discard := false
		if v, ok := r.target.(*varExpr); ok && strings.EqualFold(v.name, "null") {
			discard = true
		} else {
			t, err := in.eval(r.target)
			if err != nil {
				return nil, nil, err
			}
			path = toString(t)
		}
		var c *capture
		if r.from != "1" {
			// 2> captures errors; 3> warnings; *> every stream.
			c = &capture{}
			switch r.from {
			case "2":
				c.streams[StreamError] = true
			case "3":
				c.streams[StreamWarning] = true
			case "*":
				for _, st := range []Stream{StreamError, StreamWarning, StreamVerbose, StreamDebug, StreamInformation} {
					c.streams[st] = true
				}
			}
			prevRedir := in.errRedirect
			if c.streams[StreamError] {
				in.errRedirect = func(rec *ErrorRecord) error { c.buf.WriteString(rec.render()); return nil }
			}
			in.captures = append(in.captures, c)
			old := finish
			finish = func(e error) error {
				in.errRedirect = prevRedir
				in.captures = in.captures[:len(in.captures)-1]
				if err := old(e); err != nil {
					return err
				}
				if discard || c.buf.Len() == 0 {
					return nil
				}
				if err := in.host.WriteFile(path, c.buf.String(), r.append); err != nil {
					return &HostError{Pos: in.pos(r.off), Err: err}
				}
				return nil
			}
		}
		if r.from == "*" {
			cc := c
			out = func(v Value) error { cc.buf.WriteString(in.formatDefault([]Value{v})); return nil }
			continue
		}
		if r.from == "1" {
			var got []Value
			out = func(v Value) error { got = append(got, v); return nil }
			old := finish
			finish = func(e error) error {
				if err := old(e); err != nil {
					return err
				}
				if discard {
					return nil
				}
				if err := in.host.WriteFile(path, in.formatDefault(got), r.append); err != nil {
					return &HostError{Pos: in.pos(r.off), Err: err}
				}
				return nil
			}
		}
	}
	return out, finish, nil
}

var aliases = map[string]string{
	"?": "where-object", "where": "where-object", "%": "foreach-object", "foreach": "foreach-object",
	"select": "select-object", "sort": "sort-object", "measure": "measure-object", "group": "group-object",
	"fl": "format-list", "ft": "format-table", "echo": "write-output", "write": "write-output", "sleep": "start-sleep",
	"cls": "clear-host", "clear": "clear-host", "cd": "set-location", "chdir": "set-location", "sl": "set-location",
	"pwd": "get-location", "gl": "get-location", "timeout": "timeout.exe", "gc": "get-content", "cat": "get-content",
	"type": "get-content", "ipmo": "import-module", "iex": "invoke-expression", "tee": "tee-object", "gm": "get-member",
	"ogv": "out-gridview", "oh": "out-host",
}

func (in *interp) lookupFunc(name string) *function {
	k := strings.ToLower(name)
	for s := in.cur; s != nil; s = s.parent {
		if f, ok := s.funcs[k]; ok {
			return f
		}
	}
	return nil
}

// makeStage resolves a command as PowerShell does: alias, function, the cmdlets
// the interpreter implements, then the host.
func (in *interp) makeStage(c *command, next emit, first bool) (stage, error) {
	name := c.name
	if c.nameExp != nil {
		v, err := in.eval(c.nameExp)
		if err != nil {
			return nil, err
		}
		if sb, ok := v.(*ScriptBlock); ok {
			return in.blockStage(c, sb, next, c.call == ".", first)
		}
		name = toString(v)
		if strings.ContainsAny(strings.TrimSpace(name), " ") && !strings.ContainsAny(name, `\/`) {
			return nil, in.commandNotFound(c, name)
		}
	}
	lower := strings.ToLower(name)
	if a, ok := aliases[lower]; ok {
		lower = a
	}
	if f := in.lookupFunc(lower); f != nil {
		return in.blockStage(c, &ScriptBlock{ast: f.sb, text: f.name}, next, c.call == ".", first)
	}
	if b, ok := builtins[lower]; ok {
		return in.builtinStage(c, b, next, first)
	}
	if in.script.laterFuncs[lower] {
		// Defined further down: in a script, functions must be defined before use.
		return nil, in.commandNotFound(c, name)
	}
	if msg, ok := unsupportedCmdlets[lower]; ok {
		return nil, in.unsupported(c.node, "%s is not supported: %s", name, msg)
	}
	return in.hostStage(c, name, next, first)
}

var unsupportedCmdlets = map[string]string{
	"invoke-expression": "exsim runs only code it can read; call the command directly",
	"tee-object":        "use Out-File, or assign the output and then write it",
	"get-member":        "exsim's objects are property bags; use Format-List *",
	"out-gridview":      "there is no GUI in a simulation; use Format-Table",
	"start-job":         "background jobs run concurrently; exsim runs one script on one thread",
	"invoke-command":    "remote commands are not modelled; run the command directly",
	"enter-pssession":   "remote sessions are not modelled",
	"new-pssession":     "remote sessions are not modelled",
	"import-pssession":  "remote sessions are not modelled; the Exchange cmdlets are already available",
	"set-psdebug":       "debugging is not modelled",
	"trap":              "trap is not supported; use try/catch",
}

func (in *interp) commandNotFound(c *command, name string) error {
	rec := &ErrorRecord{
		Message:       fmt.Sprintf("The term '%s' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.", name),
		ExceptionType: "System.Management.Automation.CommandNotFoundException", Category: "ObjectNotFound",
		ErrorID: "CommandNotFoundException", TargetName: name, TargetType: "String", Command: name, noActivity: true,
	}
	return in.locate(rec, c.node)
}

// evalArgs evaluates a command's arguments into the tokenizer's view (Arg).
func (in *interp) evalArgs(c *command) ([]Arg, error) {
	var out []Arg
	for _, a := range c.args {
		pos := in.pos(a.off)
		switch {
		case a.splat != "":
			v, err := in.getVar(&varExpr{node: a.node, name: a.splat})
			if err != nil {
				return nil, err
			}
			switch x := v.(type) {
			case *Hashtable:
				for i := range x.keys {
					out = append(out, Arg{Param: toString(x.keys[i]), Value: x.vals[i], Colon: true, Pos: pos})
				}
			case []Value:
				for _, it := range x {
					out = append(out, Arg{Value: it, Pos: pos})
				}
			case nil:
			default:
				out = append(out, Arg{Value: x, Pos: pos})
			}
		case a.param != "":
			arg := Arg{Param: a.param, Colon: a.colon, Pos: pos}
			if a.colon {
				v, err := in.argValue(a.value)
				if err != nil {
					return nil, err
				}
				arg.Value = v
			}
			out = append(out, arg)
		default:
			v, err := in.argValue(a.value)
			if err != nil {
				return nil, err
			}
			out = append(out, Arg{Value: v, Pos: pos})
		}
	}
	return out, nil
}

func (in *interp) argValue(e expr) (Value, error) {
	v, err := in.eval(e)
	if err != nil {
		return nil, err
	}
	if _, ok := e.(*subExpr); ok {
		in.dollarQ = true
	}
	return v, nil
}

// commonParams are PowerShell's common parameters and their aliases
// (about_CommonParameters); the interpreter handles them for every command.
var commonParams = map[string]string{
	"erroraction": "ErrorAction", "ea": "ErrorAction", "warningaction": "WarningAction", "wa": "WarningAction",
	"verbose": "Verbose", "vb": "Verbose", "debug": "Debug", "db": "Debug", "errorvariable": "ErrorVariable", "ev": "ErrorVariable",
	"warningvariable": "WarningVariable", "wv": "WarningVariable", "outvariable": "OutVariable", "ov": "OutVariable",
	"outbuffer": "OutBuffer", "ob": "OutBuffer", "pipelinevariable": "PipelineVariable", "pv": "PipelineVariable",
	"informationaction": "InformationAction", "infa": "InformationAction", "informationvariable": "InformationVariable", "iv": "InformationVariable",
}

var commonSwitch = map[string]bool{"Verbose": true, "Debug": true}

func commonName(p string) string {
	lp := strings.ToLower(p)
	if c, ok := commonParams[lp]; ok {
		return c
	}
	// A prefix long enough not to collide with a cmdlet's own parameters.
	if len(lp) >= 6 {
		for _, full := range []string{"erroraction", "errorvariable", "warningaction", "warningvariable", "outvariable", "informationaction"} {
			if strings.HasPrefix(full, lp) {
				return commonParams[full]
			}
		}
	}
	return ""
}

type commonValues struct {
	ea, wa, errVar, outVar string
	verbose                bool
}

// splitCommon removes the common parameters from args.
func (in *interp) splitCommon(c *command, args []Arg) ([]Arg, commonValues, error) {
	var cv commonValues
	var rest []Arg
	for i := 0; i < len(args); i++ {
		a := args[i]
		name := ""
		if a.Param != "" {
			name = commonName(a.Param)
		}
		if name == "" {
			rest = append(rest, a)
			continue
		}
		var v Value = true
		switch {
		case a.Colon:
			v = a.Value
		case commonSwitch[name]:
		case i+1 < len(args) && args[i+1].Param == "":
			i++
			v = args[i].Value
		default:
			return nil, cv, in.bindingError(c, "MissingArgument", "Missing an argument for parameter '%s'. Specify a parameter of type 'System.String' and try again.", name)
		}
		switch name {
		case "ErrorAction":
			s := toString(v)
			valid := map[string]string{"continue": "Continue", "silentlycontinue": "SilentlyContinue", "stop": "Stop", "ignore": "Ignore", "inquire": "Inquire", "suspend": "Suspend",
				"0": "SilentlyContinue", "1": "Stop", "2": "Continue", "3": "Inquire", "4": "Ignore", "5": "Suspend"}
			n, ok := valid[strings.ToLower(s)]
			if !ok {
				return nil, cv, in.bindingError(c, "CannotConvertArgumentNoMessage,Microsoft.PowerShell.Commands",
					"Cannot bind parameter 'ErrorAction'. Cannot convert value \"%s\" to type \"System.Management.Automation.ActionPreference\". Error: \"Unable to match the identifier name %s to a valid enumerator name. Specify one of the following enumerator names and try again:\nSilentlyContinue, Stop, Continue, Inquire, Ignore, Suspend\"", s, s)
			}
			cv.ea = n
		case "ErrorVariable":
			cv.errVar = toString(v)
		case "OutVariable":
			cv.outVar = toString(v)
		case "WarningAction":
			cv.wa = toString(v)
		case "Verbose":
			cv.verbose = truthy(v)
		}
	}
	return rest, cv, nil
}

func (in *interp) bindingError(c *command, id, format string, args ...any) *ErrorRecord {
	rec := &ErrorRecord{Message: fmt.Sprintf(format, args...), ExceptionType: "System.Management.Automation.ParameterBindingException",
		Category: "InvalidArgument", ErrorID: id, Command: c.name}
	if i := strings.IndexByte(id, ','); i < 0 && c.name != "" {
		rec.ErrorID = id + "," + c.name
	}
	return in.locate(rec, c.node)
}

// withVariables records -ErrorVariable and -OutVariable around a command.
func (in *interp) withVariables(cv commonValues, out emit) (emit, func() error, func(*ErrorRecord)) {
	var outs []Value
	var errs []Value
	o := out
	if cv.outVar != "" {
		o = func(v Value) error { outs = append(outs, v); return out(v) }
	}
	done := func() error {
		set := func(spec string, vals []Value) error {
			name, appendTo := strings.TrimPrefix(spec, "+"), strings.HasPrefix(spec, "+")
			ve := &varExpr{name: name}
			list := &ArrayList{}
			if appendTo {
				if cur, _ := in.getVar(ve); cur != nil {
					list.items = append(list.items, asList(cur)...)
				}
			}
			list.items = append(list.items, vals...)
			return in.setVar(ve, list, "")
		}
		if cv.outVar != "" {
			if err := set(cv.outVar, outs); err != nil {
				return err
			}
		}
		if cv.errVar != "" {
			return set(cv.errVar, errs)
		}
		return nil
	}
	return o, done, func(r *ErrorRecord) { errs = append(errs, r) }
}

func (in *interp) hostStage(c *command, name string, next emit, first bool) (stage, error) {
	args, err := in.evalArgs(c)
	if err != nil {
		return nil, err
	}
	args, cv, err := in.splitCommon(c, args)
	if err != nil {
		return nil, err
	}
	out, done, noteErr := in.withVariables(cv, next)
	invoke := func(input Value, has bool) error {
		if err := in.step(c.node); err != nil {
			return err
		}
		state := &callState{}
		call := &Call{Name: name, Args: args, Input: input, HasInput: has, DotSource: c.call == ".", Location: in.location,
			Pos: in.pos(c.off), in: in, cmd: c, out: state}
		call.ea = cv.ea
		call.WarningAction = cv.wa
		call.noteErr = noteErr
		in.flushConsole()
		vals, err := in.host.Invoke(call)
		if state.failed && in.pipe != nil {
			in.pipe.failed = true
		}
		for _, v := range vals {
			if err := out(normalize(v)); err != nil {
				return err
			}
		}
		if state.err != nil {
			return state.err
		}
		if err == nil {
			return nil
		}
		var rec *ErrorRecord
		var un *UnsupportedError
		switch {
		case errors.As(err, &un):
			if un.Pos.Line == 0 {
				un.Pos = in.pos(c.off)
			}
			return un
		case errors.As(err, &rec):
			if rec.Command == "" {
				rec.Command = name
			}
			noteErr(rec)
			if in.pipe != nil {
				in.pipe.failed = true
			}
			return in.locate(rec, c.node)
		case isFatal(err):
			return err
		}
		return &HostError{Pos: in.pos(c.off), Err: err}
	}
	s := &funcStage{}
	got := false
	s.processF = func(v Value) error {
		got = true
		return invoke(v, true)
	}
	s.endF = func() error {
		if first && !got {
			if err := invoke(nil, false); err != nil {
				return err
			}
		}
		return done()
	}
	return s, nil
}

// Functions and script blocks.

func (in *interp) enterCall(n node) error {
	in.depth++
	if in.depth > in.lim.Depth {
		in.depth--
		return in.limit(n, "more than %d nested function or script block calls (call depth overflow); exsim stops the script", in.lim.Depth)
	}
	return nil
}

// blockStage runs a function or script block as a pipeline stage, in a new scope
// (or the current one when dot-sourced).
func (in *interp) blockStage(c *command, sb *ScriptBlock, next emit, dot, first bool) (stage, error) {
	args, err := in.evalArgs(c)
	if err != nil {
		return nil, err
	}
	ast := sb.ast
	name := c.name
	if name == "" {
		name = "<ScriptBlock>"
	}
	var sc *scope
	var saved *scope
	var input []Value
	processed := false
	enter := func() { saved = in.cur; in.cur = sc }
	leave := func() { in.cur = saved }
	run := func(list []stmt) error {
		enter()
		defer leave()
		err := in.execList(list, next)
		if errors.Is(err, errReturn) {
			return nil
		}
		return err
	}
	s := &funcStage{}
	s.beginF = func() error {
		if err := in.enterCall(c.node); err != nil {
			return err
		}
		sc = in.cur
		if !dot {
			sc = newScope(in.cur)
		}
		inv := NewPSObject("System.Management.Automation.InvocationInfo")
		inv.Set("MyCommand", NewPSObject("System.Management.Automation.FunctionInfo").Set("Name", name).SetToString(name))
		inv.Set("InvocationName", name).Set("ScriptName", in.path).Set("ScriptLineNumber", in.pos(c.off).Line)
		sc.set("MyInvocation", inv)
		if ast.cmdletBinding {
			sc.set("PSCmdlet", in.psCmdlet(name))
		}
		enter()
		err := in.bindParams(ast, args, c, true, name, c.node)
		leave()
		if err != nil {
			in.depth--
			return err
		}
		if ast.named {
			return run(ast.begin)
		}
		return nil
	}
	s.processF = func(v Value) error {
		if !ast.named {
			input = append(input, v)
			return nil
		}
		processed = true
		sc.set("_", v)
		sc.set("PSItem", v)
		if err := in.bindPipelineParam(ast, sc, v, c); err != nil {
			return err
		}
		return run(ast.process)
	}
	s.endF = func() error {
		defer func() { in.depth-- }()
		if !ast.named {
			sc.set("input", input)
			if len(input) > 0 {
				if err := in.bindPipelineParam(ast, sc, input[len(input)-1], c); err != nil {
					return err
				}
			}
			return run(ast.end)
		}
		if first && !processed && ast.process != nil {
			// A function first in its pipeline runs its process block once.
			if err := run(ast.process); err != nil {
				return err
			}
		}
		return run(ast.end)
	}
	return s, nil
}

// psCmdlet is $PSCmdlet in an advanced function: ShouldProcess answers as the
// shell does without -WhatIf (True), and False under $WhatIfPreference.
func (in *interp) psCmdlet(name string) *PSObject {
	o := NewPSObject("System.Management.Automation.PSScriptCmdlet")
	o.Set("MyInvocation", in.lookupValue("MyInvocation"))
	o.SetMethod("ShouldProcess", func(args []Value) (Value, error) {
		if truthy(in.lookupValue("WhatIfPreference")) {
			target := ""
			if len(args) > 0 {
				target = toString(args[0])
			}
			in.write(StreamInformation, fmt.Sprintf("What if: Performing the operation \"%s\" on target \"%s\".\n", name, target))
			return false, nil
		}
		return true, nil
	})
	o.SetMethod("ShouldContinue", func(args []Value) (Value, error) {
		c := &Call{in: in}
		q, caption := "", ""
		if len(args) > 0 {
			q = toString(args[0])
		}
		if len(args) > 1 {
			caption = toString(args[1])
		}
		return c.Confirm(caption, q)
	})
	return o
}

func (in *interp) bindPipelineParam(ast *scriptBlockAST, sc *scope, v Value, c *command) error {
	for _, p := range ast.params {
		if p.fromPipe {
			val := v
			if o, ok := v.(*PSObject); ok {
				if pv, ok := o.Get(p.name); ok {
					val = pv
				}
			}
			if p.typ != "" {
				cv, err := in.convert(p.node, val, p.typ)
				if err != nil {
					return err
				}
				val = cv
			}
			sc.vars[strings.ToLower(p.name)] = &variable{name: p.name, value: val, typ: p.typ}
		}
	}
	return nil
}

// invokeBlock runs a script block in a child scope with arguments and collects
// its output. With setUnder, $_ is v.
func (in *interp) invokeBlock(sb *ScriptBlock, args []Value, v Value, setUnder bool, n node) ([]Value, error) {
	if err := in.enterCall(n); err != nil {
		return nil, err
	}
	defer func() { in.depth-- }()
	saved := in.cur
	in.cur = newScope(saved)
	defer func() { in.cur = saved }()
	if setUnder {
		in.cur.set("_", v)
		in.cur.set("PSItem", v)
	}
	var as []Arg
	for _, a := range args {
		as = append(as, Arg{Value: a})
	}
	if err := in.bindParams(sb.ast, as, nil, true, "<ScriptBlock>", n); err != nil {
		return nil, err
	}
	var got []Value
	collect := func(x Value) error { got = append(got, x); return nil }
	var err error
	if sb.ast.named {
		err = in.runBlocks(sb.ast, []Value{v}, collect)
	} else {
		err = in.execList(sb.ast.end, collect)
	}
	if errors.Is(err, errReturn) {
		err = nil
	}
	return got, err
}

// dotBlock runs a script block's statements in the current scope with $_ = v,
// as ForEach-Object and Where-Object do; return ends the current item only.
func (in *interp) dotBlock(sb *ScriptBlock, v Value, out emit, n node) error {
	if err := in.enterCall(n); err != nil {
		return err
	}
	defer func() { in.depth-- }()
	sv, sp := in.cur.vars["_"], in.cur.vars["psitem"]
	in.cur.set("_", v)
	in.cur.set("PSItem", v)
	defer func() {
		restoreVar(in.cur, "_", sv)
		restoreVar(in.cur, "psitem", sp)
	}()
	list := sb.ast.end
	if sb.ast.named {
		list = sb.ast.process
	}
	err := in.execList(list, out)
	if errors.Is(err, errReturn) {
		return nil
	}
	return err
}

func restoreVar(s *scope, k string, v *variable) {
	if v == nil {
		delete(s.vars, k)
	} else {
		s.vars[k] = v
	}
}

// bindParams binds arguments to a param block in the current scope, as the
// parameter binder does: named (exact, alias, unique prefix), then positional,
// then defaults; a missing mandatory parameter is prompted for with ReadHost, as
// the console does. Unbound values of a simple function go to $args.
func (in *interp) bindParams(ast *scriptBlockAST, args []Arg, c *command, isFunc bool, name string, n node) error {
	advanced := ast.cmdletBinding
	for _, p := range ast.params {
		if p.mandatory || p.fromPipe {
			advanced = true
		}
	}
	in.cur.advanced = advanced
	fail := func(id, format string, a ...any) error {
		rec := &ErrorRecord{Message: fmt.Sprintf(format, a...), ExceptionType: "System.Management.Automation.ParameterBindingException",
			Category: "InvalidArgument", ErrorID: id + "," + name, Command: name}
		return in.locate(rec, n)
	}
	bound := map[*paramDef]bool{}
	var extra []Value
	var positional []Value
	set := func(p *paramDef, v Value) error {
		if bound[p] {
			return fail("ParameterAlreadyBound", "Cannot bind parameter because parameter '%s' is specified more than once. To provide multiple values to parameters that can accept multiple values, use the array syntax. For example, \"-parameter value1,value2,value3\".", p.name)
		}
		bound[p] = true
		return in.bindValue(p, v, fail)
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a.Param == "" {
			positional = append(positional, a.Value)
			continue
		}
		p, err := matchParam(ast.params, a.Param)
		if err != nil {
			return fail("AmbiguousParameter", "%s", err.Error())
		}
		if p == nil {
			if cn := commonName(a.Param); cn != "" && advanced {
				var v Value = true
				if a.Colon {
					v = a.Value
				} else if !commonSwitch[cn] && i+1 < len(args) && args[i+1].Param == "" {
					i++
					v = args[i].Value
				}
				switch cn {
				case "ErrorAction":
					in.cur.set("ErrorActionPreference", toString(v))
				case "WarningAction":
					in.cur.set("WarningPreference", toString(v))
				case "Verbose":
					if truthy(v) {
						in.cur.set("VerbosePreference", "Continue")
					}
				}
				continue
			}
			if strings.EqualFold(a.Param, "WhatIf") || strings.EqualFold(a.Param, "Confirm") {
				if advanced {
					continue
				}
			}
			if advanced {
				return fail("NamedParameterNotFound", "A parameter cannot be found that matches parameter name '%s'.", a.Param)
			}
			extra = append(extra, "-"+a.Param)
			if a.Colon {
				extra = append(extra, a.Value)
			}
			continue
		}
		var v Value = true
		switch {
		case a.Colon:
			v = a.Value
		case p.typ == "switch":
		case i+1 < len(args) && args[i+1].Param == "":
			i++
			v = args[i].Value
		default:
			return fail("MissingArgument", "Missing an argument for parameter '%s'. Specify a parameter of type '%s' and try again.", p.name, typeFullName(orObject(p.typ)))
		}
		if err := set(p, v); err != nil {
			return err
		}
	}
	// Positional: explicit Position values first; otherwise declaration order.
	var pos []*paramDef
	explicit := false
	for _, p := range ast.params {
		if p.position >= 0 {
			explicit = true
		}
	}
	for _, p := range ast.params {
		if p.typ == "switch" {
			continue
		}
		if !explicit || p.position >= 0 {
			pos = append(pos, p)
		}
	}
	if explicit {
		sort.SliceStable(pos, func(i, j int) bool { return pos[i].position < pos[j].position })
	}
	for _, v := range positional {
		placed := false
		for _, p := range pos {
			if !bound[p] {
				if err := set(p, v); err != nil {
					return err
				}
				placed = true
				break
			}
		}
		if !placed {
			if advanced {
				return fail("PositionalParameterNotFound", "A positional parameter cannot be found that accepts argument '%s'.", toString(v))
			}
			extra = append(extra, v)
		}
	}
	for _, p := range ast.params {
		if bound[p] {
			continue
		}
		switch {
		case p.fromPipe:
			in.cur.vars[strings.ToLower(p.name)] = &variable{name: p.name, typ: p.typ}
		case p.mandatory:
			prompt := p.name
			in.write(StreamInformation, fmt.Sprintf("\ncmdlet %s at command pipeline position 1\nSupply values for the following parameters:\n%s: ", name, p.name))
			ans, err := in.host.ReadHost(prompt)
			if err != nil {
				return fail("MissingMandatoryParameter", "Cannot process command because of one or more missing mandatory parameters: %s. (%v)", p.name, err)
			}
			in.write(StreamInformation, ans+"\n")
			if err := in.bindValue(p, ans, fail); err != nil {
				return err
			}
		case p.def != nil:
			v, err := in.eval(p.def)
			if err != nil {
				return err
			}
			if err := in.bindValue(p, v, fail); err != nil {
				return err
			}
		case p.typ == "switch":
			in.cur.vars[strings.ToLower(p.name)] = &variable{name: p.name, value: false, typ: p.typ}
		default:
			var zero Value
			switch p.typ {
			case "int", "int32", "long", "int64", "double":
				zero = 0
			case "string":
				zero = ""
			case "bool":
				zero = false
			}
			in.cur.vars[strings.ToLower(p.name)] = &variable{name: p.name, value: zero, typ: p.typ}
		}
	}
	if extra == nil {
		extra = []Value{}
	}
	in.cur.set("args", extra)
	// $PSBoundParameters: the parameters given explicitly, in declaration order.
	bp := newHashtable()
	for _, p := range ast.params {
		if bound[p] {
			bp.set(p.name, in.cur.vars[strings.ToLower(p.name)].value)
		}
	}
	in.cur.set("PSBoundParameters", bp)
	return nil
}

func orObject(t string) string {
	if t == "" {
		return "object"
	}
	return t
}

func (in *interp) bindValue(p *paramDef, v Value, fail func(string, string, ...any) error) error {
	if p.typ != "" {
		cv, err := in.convert(p.node, v, p.typ)
		if err != nil {
			var rec *ErrorRecord
			msg := err.Error()
			if errors.As(err, &rec) {
				msg = rec.Message
			}
			return fail("ParameterArgumentTransformationError", "Cannot process argument transformation on parameter '%s'. %s", p.name, msg)
		}
		v = cv
	}
	if p.notEmpty && (v == nil || toString(v) == "") {
		return fail("ParameterArgumentValidationError", "Cannot validate argument on parameter '%s'. The argument is null or empty. Provide an argument that is not null or empty, and then try the command again.", p.name)
	}
	if len(p.validateSet) > 0 {
		for _, it := range asList(v) {
			ok := false
			for _, s := range p.validateSet {
				if strings.EqualFold(s, toString(it)) {
					ok = true
				}
			}
			if !ok {
				return fail("ParameterArgumentValidationError", "Cannot validate argument on parameter '%s'. The argument \"%s\" does not belong to the set \"%s\" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.", p.name, toString(it), strings.Join(p.validateSet, ","))
			}
		}
	}
	in.cur.vars[strings.ToLower(p.name)] = &variable{name: p.name, value: v, typ: p.typ}
	return nil
}

type ambiguousError struct {
	name    string
	matches []string
}

func (e *ambiguousError) Error() string {
	return fmt.Sprintf("Parameter cannot be processed because the parameter name '%s' is ambiguous. Possible matches include: -%s.", e.name, strings.Join(e.matches, " -"))
}

// matchParam finds a declared parameter by exact name, alias, or unique prefix.
func matchParam(params []*paramDef, name string) (*paramDef, error) {
	ln := strings.ToLower(name)
	var pref []*paramDef
	for _, p := range params {
		if strings.ToLower(p.name) == ln {
			return p, nil
		}
		for _, a := range p.aliases {
			if strings.ToLower(a) == ln {
				return p, nil
			}
		}
		if strings.HasPrefix(strings.ToLower(p.name), ln) {
			pref = append(pref, p)
		}
	}
	switch len(pref) {
	case 0:
		return nil, nil
	case 1:
		return pref[0], nil
	}
	var names []string
	for _, p := range pref {
		names = append(names, p.name)
	}
	return nil, &ambiguousError{name: name, matches: names}
}

// Built-in cmdlets: parameters and binding.

type bparam struct {
	name     string
	aliases  []string
	isSwitch bool
	pos      int  // -1: named only
	rest     bool // takes all remaining positional values
}

type builtin struct {
	name   string
	params []bparam
	run    func(in *interp, b *bcall) (stage, error)
}

type bcall struct {
	c       *command
	name    string
	vals    map[string]Value // bound, by lower-case parameter name
	given   map[string]bool
	next    emit
	first   bool
	ea      string
	wa      string // -WarningAction
	verbose bool
}

func (b *bcall) has(name string) bool  { return b.given[strings.ToLower(name)] }
func (b *bcall) get(name string) Value { return b.vals[strings.ToLower(name)] }

func (in *interp) builtinStage(c *command, bi *builtin, next emit, first bool) (stage, error) {
	args, err := in.evalArgs(c)
	if err != nil {
		return nil, err
	}
	args, cv, err := in.splitCommon(c, args)
	if err != nil {
		return nil, err
	}
	b := &bcall{c: c, name: bi.name, vals: map[string]Value{}, given: map[string]bool{}, first: first, ea: cv.ea, wa: cv.wa, verbose: cv.verbose}
	names := make([]string, len(bi.params))
	for i, p := range bi.params {
		names[i] = p.name
	}
	find := func(n string) (*bparam, error) {
		ln := strings.ToLower(n)
		var pref []*bparam
		for i := range bi.params {
			p := &bi.params[i]
			if strings.ToLower(p.name) == ln {
				return p, nil
			}
			for _, a := range p.aliases {
				if strings.ToLower(a) == ln {
					return p, nil
				}
			}
			if strings.HasPrefix(strings.ToLower(p.name), ln) {
				pref = append(pref, p)
			}
		}
		if len(pref) == 1 {
			return pref[0], nil
		}
		if len(pref) > 1 {
			var m []string
			for _, p := range pref {
				m = append(m, p.name)
			}
			return nil, in.bindingError(c, "AmbiguousParameter", "%s", (&ambiguousError{name: n, matches: m}).Error())
		}
		if ps7Params[strings.ToLower(n)] {
			return nil, in.unsupported(c.node, "%s -%s is PowerShell 7, not Windows PowerShell 5.1; exsim's %s takes -%s", bi.name, n, bi.name, strings.Join(names, ", -"))
		}
		return nil, in.unsupported(c.node, "%s -%s is not supported; exsim's %s takes -%s%s", bi.name, n, bi.name, strings.Join(names, ", -"), suggest.DidYouMean(n, names))
	}
	var positional []Value
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a.Param == "" {
			positional = append(positional, a.Value)
			continue
		}
		p, err := find(a.Param)
		if err != nil {
			return nil, err
		}
		k := strings.ToLower(p.name)
		if b.given[k] {
			return nil, in.bindingError(c, "ParameterAlreadyBound", "Cannot bind parameter because parameter '%s' is specified more than once.", p.name)
		}
		var v Value = true
		switch {
		case a.Colon:
			v = a.Value
		case p.isSwitch:
		case i+1 < len(args) && args[i+1].Param == "":
			i++
			v = args[i].Value
		default:
			return nil, in.bindingError(c, "MissingArgument", "Missing an argument for parameter '%s'. Specify a parameter of type 'System.Object' and try again.", p.name)
		}
		b.vals[k], b.given[k] = v, true
	}
	for _, v := range positional {
		placed := false
		for pos := 0; pos < 8 && !placed; pos++ {
			for i := range bi.params {
				p := &bi.params[i]
				k := strings.ToLower(p.name)
				if p.pos != pos {
					continue
				}
				if p.rest && b.given[k] {
					b.vals[k] = append(asList(b.vals[k]), v)
					placed = true
					break
				}
				if !b.given[k] {
					b.vals[k], b.given[k] = v, true
					if p.rest {
						b.vals[k] = []Value{v}
						if !isCollection(v) {
							b.vals[k] = v
						}
					}
					placed = true
					break
				}
			}
		}
		if !placed {
			return nil, in.bindingError(c, "PositionalParameterNotFound", "A positional parameter cannot be found that accepts argument '%s'.", toString(v))
		}
	}
	out, done, _ := in.withVariables(cv, next)
	b.next = out
	s, err := bi.run(in, b)
	if err != nil {
		return nil, err
	}
	fs, ok := s.(*funcStage)
	if ok {
		end := fs.endF
		// -InputObject is one object however many it holds (Measure-Object
		// -InputObject 1,2 counts 1); Write-Output and Add-Member read it
		// themselves.
		input, hasInput := b.get("InputObject"), b.has("InputObject") && bi.name != "Write-Output" && bi.name != "Add-Member"
		fs.endF = func() error {
			if hasInput {
				if err := fs.process(input); err != nil {
					return err
				}
			}
			if end != nil {
				if err := end(); err != nil {
					return err
				}
			}
			return done()
		}
	}
	return s, nil
}

// ps7Params are parameters PowerShell 7 added to the built-in cmdlets (PSD:diff).
var ps7Params = map[string]bool{"parallel": true, "throttlelimit": true, "not": true, "asjob": true, "progressaction": true}

// writeError reports a built-in cmdlet's non-terminating error.
func (in *interp) writeError(b *bcall, rec *ErrorRecord) error {
	if rec.Command == "" {
		rec.Command = b.name
	}
	return in.nonTerminating(rec, b.c, b.ea)
}
