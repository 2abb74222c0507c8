package powershell

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Limits bound a run so that a hostile or looping script cannot hang the
// simulator. Zero fields take the defaults.
type Limits struct {
	Steps     int // statements, loop iterations and pipeline items; default 1,000,000
	Depth     int // nested function and script block calls; default 100
	Items     int // elements of one array, string repetition or range; default 1,000,000
	StringLen int // characters of one string; default 1<<22
}

func (l Limits) withDefaults() Limits {
	if l.Steps <= 0 {
		l.Steps = 1_000_000
	}
	if l.Depth <= 0 {
		l.Depth = 100
	}
	if l.Items <= 0 {
		l.Items = 1_000_000
	}
	if l.StringLen <= 0 {
		l.StringLen = 1 << 22
	}
	return l
}

// NamedValue is a preset variable or environment variable.
type NamedValue struct {
	Name  string
	Value Value
}

// Options configure one run.
type Options struct {
	Args      []Arg        // the script's arguments: -Name value pairs and positional values
	Variables []NamedValue // global variables set before the script runs ($ExScripts, ...)
	Env       []NamedValue // environment variables ($env:COMPUTERNAME, ...)
	Path      string       // the script's full path, for $PSCommandPath and $PSScriptRoot (default: its file name)
	Location  string       // the starting location (default: the script's folder)
	Limits    Limits
}

// Result is how a run ended.
type Result struct {
	ExitCode int          // exit N, or 1 when an error stopped the script
	Error    *ErrorRecord // the terminating error that stopped the script, if any
	Steps    int          // steps used
}

// Run runs a parsed script against a host. It returns an error only when the run
// cannot be a faithful simulation: an unsupported construct or command, a limit
// hit, or a host failure. PowerShell errors are the script's business: they are
// printed, land in $Error, and a terminating one ends the script (Result.Error).
func Run(s *Script, h Host, opt Options) (Result, error) {
	in := newInterp(s, h, opt)
	res := Result{}
	err := in.runScript(s.body, opt.Args)
	res.Steps = in.steps
	var ex *exitErr
	var rec *ErrorRecord
	var br *breakErr
	switch {
	case err == nil:
	case errors.As(err, &ex):
		res.ExitCode = ex.code
	case errors.As(err, &br):
		// break or continue outside any loop ends the script quietly (about_Break).
	case errors.As(err, &rec):
		in.printError(rec)
		res.ExitCode, res.Error = 1, rec
	case isFatal(err):
		return res, err
	case errors.Is(err, errReturn):
	default:
		return res, err
	}
	if in.transcript != "" {
		in.stopTranscript()
	}
	return res, nil
}

type variable struct {
	name  string
	value Value
	typ   string // a type constraint: [int]$n
}

type function struct {
	name string
	sb   *scriptBlockAST
}

type scope struct {
	parent   *scope
	advanced bool                 // the function or script of this scope is advanced ([CmdletBinding()])
	vars     map[string]*variable // keyed by lower-case name; never iterated for output
	funcs    map[string]*function
}

func newScope(parent *scope) *scope {
	return &scope{parent: parent, vars: map[string]*variable{}, funcs: map[string]*function{}}
}

func (s *scope) set(name string, v Value) {
	s.vars[strings.ToLower(name)] = &variable{name: name, value: v}
}

type interp struct {
	host        Host
	script      *Script
	lx          *lexer
	lim         Limits
	global      *scope
	scriptSc    *scope
	cur         *scope
	env         *Hashtable
	errs        *ArrayList
	dollarQ     bool
	pipe        *pipeState
	steps       int
	depth       int
	tryDepth    int
	location    string
	transcript  string
	strict      bool
	regexCache  map[string]*regexEntry
	con         *console   // the script's console (Out-Default)
	captures    []*capture // 2>, 3>, *> redirections in effect, innermost last
	path        string
	errRedirect func(*ErrorRecord) error // 2>&1 and 2> in effect
}

type pipeState struct{ failed bool }

type exitErr struct{ code int }

func (e *exitErr) Error() string { return fmt.Sprintf("exit %d", e.code) }

type breakErr struct {
	label      string
	isContinue bool
	pos        int
}

func (e *breakErr) Error() string {
	if e.isContinue {
		return "continue"
	}
	return "break"
}

var errReturn = errors.New("return")

// stopPipe ends the upstream of a pipeline (Select-Object -First has enough).
type stopPipe struct{ owner any }

func (e *stopPipe) Error() string { return "pipeline stopped" }

func newInterp(s *Script, h Host, opt Options) *interp {
	in := &interp{host: h, script: s, lx: s.lx, lim: opt.Limits.withDefaults(), regexCache: map[string]*regexEntry{}, dollarQ: true}
	in.global = newScope(nil)
	in.scriptSc = newScope(in.global)
	in.cur = in.scriptSc
	in.env = newHashtable()
	for _, e := range opt.Env {
		in.env.set(e.Name, toString(e.Value))
	}
	in.errs = &ArrayList{}
	in.path = opt.Path
	if in.path == "" {
		in.path = s.file
	}
	in.location = opt.Location
	if in.location == "" {
		in.location = scriptRoot(in.path)
	}
	g := in.global
	for _, kv := range []NamedValue{
		{"ErrorActionPreference", "Continue"}, {"WarningPreference", "Continue"}, {"VerbosePreference", "SilentlyContinue"},
		{"DebugPreference", "SilentlyContinue"}, {"InformationPreference", "SilentlyContinue"}, {"ConfirmPreference", "High"},
		{"WhatIfPreference", false}, {"ProgressPreference", "Continue"}, {"MaximumErrorCount", 256}, {"OFS", " "},
		{"LASTEXITCODE", 0}, {"PSVersionTable", psVersionTable()}, {"HOME", `C:\Users\Administrator`}, {"PID", 4242},
	} {
		g.set(kv.Name, kv.Value)
	}
	for _, kv := range opt.Variables {
		g.set(kv.Name, normalize(kv.Value))
	}
	return in
}

func psVersionTable() *Hashtable {
	h := newHashtable()
	h.set("PSVersion", "5.1.17763.1")
	h.set("PSEdition", "Desktop")
	h.set("CLRVersion", "4.0.30319.42000")
	h.set("BuildVersion", "10.0.17763.1")
	return h
}

func scriptRoot(path string) string {
	if i := strings.LastIndexAny(path, `\/`); i >= 0 {
		return path[:i]
	}
	return ""
}

func (in *interp) pos(off int) Position { return in.lx.pos(off) }

func (in *interp) unsupported(n node, format string, args ...any) error {
	return &UnsupportedError{Pos: in.pos(n.off), Msg: fmt.Sprintf(format, args...)}
}

func (in *interp) limit(n node, format string, args ...any) error {
	return &LimitError{Pos: in.pos(n.off), Msg: fmt.Sprintf(format, args...)}
}

func (in *interp) step(n node) error {
	in.steps++
	if in.steps > in.lim.Steps {
		return in.limit(n, "the script ran more than %d steps (statements, loop iterations and pipeline items); exsim stops it so that a script that never ends cannot hang the simulation", in.lim.Steps)
	}
	return nil
}

// capture is a redirection of streams other than output to a file or $null.
type capture struct {
	streams [StreamInformation + 1]bool
	buf     strings.Builder
}

func (in *interp) write(s Stream, text string) {
	for i := len(in.captures) - 1; i >= 0; i-- {
		if c := in.captures[i]; c.streams[s] {
			c.buf.WriteString(text)
			return
		}
	}
	if s != StreamOutput {
		in.flushConsole()
	}
	in.host.Write(s, text)
	if in.transcript != "" {
		_ = in.host.WriteFile(in.transcript, text, true)
	}
}

// flushConsole prints table rows the console holds. It runs before anything
// else is written and before every host call that may advance simulated time,
// so output reaches the host at the instant the script produced it.
func (in *interp) flushConsole() {
	if in.con != nil {
		if rows := in.con.flush(); rows != "" {
			in.write(StreamOutput, rows)
		}
	}
}

// runScript binds the script's parameters and runs its body.
func (in *interp) runScript(sb *scriptBlockAST, args []Arg) error {
	inv := NewPSObject("System.Management.Automation.InvocationInfo")
	name := in.path
	if i := strings.LastIndexAny(name, `\/`); i >= 0 {
		name = name[i+1:]
	}
	inv.Set("MyCommand", NewPSObject("System.Management.Automation.ExternalScriptInfo").Set("Name", name).Set("Path", in.path).Set("Definition", in.path).SetToString(name))
	inv.Set("ScriptName", "").Set("InvocationName", name).Set("Line", "")
	sc := in.scriptSc
	sc.set("MyInvocation", inv)
	sc.set("PSScriptRoot", scriptRoot(in.path))
	sc.set("PSCommandPath", in.path)
	if err := in.bindParams(sb, args, nil, false, name, node{}); err != nil {
		return err
	}
	con := &console{in: in}
	in.con = con
	defer con.close()
	if sb.named {
		return in.runBlocks(sb, nil, con.emit)
	}
	return in.execListAfter(sb.end, con.emit, con.close)
}

type emit func(Value) error

// runBlocks runs begin, process (for each input) and end of a script block in the
// current scope.
func (in *interp) runBlocks(sb *scriptBlockAST, input []Value, out emit) error {
	if sb.named {
		if err := in.execList(sb.begin, out); err != nil {
			return err
		}
		for _, it := range input {
			in.cur.set("_", it)
			in.cur.set("PSItem", it)
			if err := in.execList(sb.process, out); err != nil {
				return err
			}
		}
		return in.execList(sb.end, out)
	}
	in.cur.set("input", input)
	return in.execList(sb.end, out)
}

// execList runs statements. A statement-terminating error outside any try is
// printed and the next statement runs, as in PowerShell.
func (in *interp) execList(list []stmt, out emit) error { return in.execListAfter(list, out, nil) }

// execListAfter is execList calling after() once each statement is done (the
// console closes a table there).
func (in *interp) execListAfter(list []stmt, out emit, after func()) error {
	for _, s := range list {
		err := in.execOne(s, out)
		if after != nil {
			after()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (in *interp) execOne(s stmt, out emit) error {
	{
		if err := in.step(s.span()); err != nil {
			return err
		}
		err := in.exec(s, out)
		if err == nil {
			return nil
		}
		var rec *ErrorRecord
		if errors.As(err, &rec) && rec.thrown && in.tryDepth == 0 {
			// SilentlyContinue and Ignore even suppress throw (about_Throw).
			switch strings.ToLower(toString(in.lookupValue("ErrorActionPreference"))) {
			case "silentlycontinue":
				in.addError(rec)
				in.dollarQ = false
				return nil
			case "ignore":
				in.dollarQ = false
				return nil
			}
		}
		if errors.As(err, &rec) && !rec.script && in.tryDepth == 0 {
			in.dollarQ = false
			switch strings.ToLower(toString(in.lookupValue("ErrorActionPreference"))) {
			case "stop":
				rec.script = true
				return rec
			case "silentlycontinue":
				in.addError(rec)
			case "ignore":
			default:
				in.addError(rec)
				in.printError(rec)
			}
			return nil
		}
		return err
	}
}

func (in *interp) addError(rec *ErrorRecord) {
	for _, e := range in.errs.items {
		if e == rec {
			return
		}
	}
	in.errs.items = append([]Value{rec}, in.errs.items...)
	if n, _ := toInt(in.lookupValue("MaximumErrorCount")); n > 0 && len(in.errs.items) > n {
		in.errs.items = in.errs.items[:n]
	}
}

func (in *interp) printError(rec *ErrorRecord) { in.write(StreamError, rec.render()) }

// locate fills a record's position from the node that raised it.
func (in *interp) locate(rec *ErrorRecord, n node) *ErrorRecord {
	if rec.pos.Line != 0 {
		return rec
	}
	rec.pos = in.pos(n.off)
	rec.pos.File = in.path // the shell names the script by its full path
	rec.line = in.lx.lineText(n.off)
	endPos := in.pos(n.end)
	width := n.end - n.off
	if endPos.Line == rec.pos.Line {
		width = endPos.Col - rec.pos.Col
	} else {
		width = len([]rune(rec.line)) - rec.pos.Col + 1
	}
	rec.under = strings.Repeat(" ", rec.pos.Col-1) + strings.Repeat("~", max(1, width))
	return rec
}

// runtimeError makes a terminating error at n (a failed conversion, a method
// that threw, a division by zero).
func (in *interp) runtimeError(n node, exc, category, id, format string, args ...any) *ErrorRecord {
	rec := &ErrorRecord{Message: fmt.Sprintf(format, args...), ExceptionType: exc, Category: category, ErrorID: id}
	return in.locate(rec, n)
}

// nonTerminating applies the error action to a non-terminating error; it returns
// an error when the action is Stop.
func (in *interp) nonTerminating(rec *ErrorRecord, cmd *command, ea string) error {
	if cmd != nil {
		in.locate(rec, cmd.node)
	}
	if in.pipe != nil {
		in.pipe.failed = true
	}
	if ea == "" {
		ea = toString(in.lookupValue("ErrorActionPreference"))
	}
	switch strings.ToLower(ea) {
	case "stop":
		rec.script = true
		in.addError(rec)
		return rec
	case "silentlycontinue", "0":
		in.addError(rec)
	case "ignore", "4":
	case "inquire", "suspend", "3", "5":
		return in.unsupported(cmd.node, "-ErrorAction %s is not supported; exsim supports Continue, SilentlyContinue, Stop and Ignore", ea)
	default:
		in.addError(rec)
		if r := in.errRedirect; r != nil {
			return r(rec)
		}
		in.printError(rec)
	}
	return nil
}

// Variables.

func (in *interp) scopeFor(scopeName string) *scope {
	switch scopeName {
	case "global":
		return in.global
	case "script":
		return in.scriptSc
	}
	return in.cur
}

func (in *interp) lookup(name, scopeName string) *variable {
	k := strings.ToLower(name)
	switch scopeName {
	case "global", "script":
		return in.scopeFor(scopeName).vars[k]
	case "local", "private":
		return in.cur.vars[k]
	}
	for s := in.cur; s != nil; s = s.parent {
		if v, ok := s.vars[k]; ok {
			return v
		}
	}
	return nil
}

func (in *interp) lookupValue(name string) Value {
	if v := in.lookup(name, ""); v != nil {
		return v.value
	}
	return nil
}

func (in *interp) getVar(e *varExpr) (Value, error) {
	switch e.scope {
	case "env":
		v, _ := in.env.get(e.name)
		return v, nil
	case "using":
		return nil, in.unsupported(e.node, "$using: is for remote sessions and jobs; exsim does not support it")
	case "variable":
		return in.getVar(&varExpr{node: e.node, name: e.name})
	}
	switch strings.ToLower(e.name) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	case "?":
		return in.dollarQ, nil
	case "error":
		return in.errs, nil
	case "pwd":
		return NewPSObject("System.Management.Automation.PathInfo").Set("Path", in.location).SetToString(in.location), nil
	case "host":
		return nil, in.unsupported(e.node, "$Host is not supported; use Write-Host and Read-Host")
	case "$", "^":
		return nil, in.unsupported(e.node, "$%s is not supported", e.name)
	}
	v := in.lookup(e.name, e.scope)
	if v == nil {
		if in.strict {
			return nil, in.runtimeError(e.node, "System.Management.Automation.RuntimeException", "InvalidOperation", "VariableIsUndefined",
				"The variable '$%s' cannot be retrieved because it has not been set.", e.name)
		}
		return nil, nil
	}
	return v.value, nil
}

func (in *interp) setVar(e *varExpr, v Value, typ string) error {
	switch e.scope {
	case "env":
		if v == nil {
			in.env.remove(e.name)
		} else {
			in.env.set(e.name, toString(v))
		}
		return nil
	case "using":
		return in.unsupported(e.node, "$using: is for remote sessions and jobs; exsim does not support it")
	}
	switch strings.ToLower(e.name) {
	case "true", "false", "null", "?", "error", "pwd", "host", "_", "psitem", "args", "input", "myinvocation", "psscriptroot", "pscommandpath":
		if strings.EqualFold(e.name, "_") || strings.EqualFold(e.name, "psitem") {
			break
		}
		if strings.EqualFold(e.name, "null") {
			return nil // $null = expr discards the value
		}
		return in.runtimeError(e.node, "System.Management.Automation.SessionStateUnauthorizedAccessException", "WriteError", "VariableNotWritable",
			"Cannot overwrite variable %s because it is read-only or constant.", e.name)
	}
	sc := in.scopeFor(e.scope)
	k := strings.ToLower(e.name)
	existing := sc.vars[k]
	if typ == "" && existing != nil {
		typ = existing.typ
	}
	if typ != "" {
		cv, err := in.convert(e.node, v, typ)
		if err != nil {
			return err
		}
		v = cv
	}
	if existing != nil {
		existing.value, existing.typ = v, typ
		return nil
	}
	sc.vars[k] = &variable{name: e.name, value: v, typ: typ}
	return nil
}

// Statements.

func (in *interp) exec(s stmt, out emit) error {
	switch x := s.(type) {
	case *pipelineStmt:
		return in.execPipeline(x, out)
	case *assignStmt:
		return in.execAssign(x)
	case *ifStmt:
		for _, c := range x.clauses {
			ok, err := in.condition(c.cond)
			if err != nil {
				return err
			}
			if ok {
				return in.execList(c.body, out)
			}
		}
		if x.hasElse {
			return in.execList(x.elseBody, out)
		}
		return nil
	case *loopStmt:
		return in.execLoop(x, out)
	case *switchStmt:
		return in.execSwitch(x, out)
	case *flowStmt:
		return in.execFlow(x, out)
	case *tryStmt:
		return in.execTry(x, out)
	case *functionDef:
		in.cur.funcs[strings.ToLower(x.name)] = &function{name: x.name, sb: x.body}
		return nil
	}
	return in.unsupported(s.span(), "this statement is not supported")
}

func (in *interp) condition(s stmt) (bool, error) {
	v, err := in.stmtValue(s)
	if err != nil {
		return false, err
	}
	return truthy(v), nil
}

// stmtValue runs a statement and returns its output: nothing is $null, one
// object is itself, several are an array.
func (in *interp) stmtValue(s stmt) (Value, error) {
	if a, ok := s.(*assignStmt); ok {
		if err := in.execAssign(a); err != nil {
			return nil, err
		}
		return in.eval(a.target)
	}
	if p, ok := s.(*pipelineStmt); ok && len(p.cmds) == 0 && len(p.redirs) == 0 && !silentExpr(p.first) {
		// An expression's value is assigned whole: $l = @() is an empty array.
		v, err := in.eval(p.first)
		if err == nil {
			in.dollarQ = true
		}
		return v, err
	}
	var got []Value
	err := in.exec(s, func(v Value) error {
		if len(got) >= in.lim.Items {
			return in.limit(s.span(), "more than %d objects in one result", in.lim.Items)
		}
		got = append(got, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return unwrap(got), nil
}

func unwrap(got []Value) Value {
	switch len(got) {
	case 0:
		return nil
	case 1:
		return got[0]
	}
	return got
}

func (in *interp) execAssign(a *assignStmt) error {
	v, err := in.stmtValue(a.value)
	if err != nil {
		return err
	}
	if a.op != "=" {
		cur, err := in.eval(a.target)
		if err != nil {
			return err
		}
		v, err = in.binary(a.node, strings.TrimSuffix(a.op, "="), cur, v)
		if err != nil {
			return err
		}
	}
	return in.assign(a.target, v)
}

func (in *interp) assign(target expr, v Value) error {
	switch t := target.(type) {
	case *varExpr:
		return in.setVar(t, v, "")
	case *castExpr:
		return in.setVar(t.x.(*varExpr), v, t.typ)
	case *arrayExpr:
		items := asList(v)
		for i, el := range t.elems {
			var part Value
			switch {
			case i == len(t.elems)-1 && len(items) > i+1:
				part = append([]Value(nil), items[i:]...)
			case i < len(items):
				part = items[i]
			}
			if err := in.assign(el, part); err != nil {
				return err
			}
		}
		return nil
	case *memberExpr:
		obj, err := in.eval(t.x)
		if err != nil {
			return err
		}
		name, err := in.memberName(t.name)
		if err != nil {
			return err
		}
		switch o := obj.(type) {
		case *PSObject:
			if _, ok := o.Get(name); !ok && !isCustom(o) {
				return in.runtimeError(t.node, "System.Management.Automation.RuntimeException", "InvalidOperation", "PropertyAssignmentException",
					"The property '%s' cannot be found on this object. Verify that the property exists and can be set.", name)
			}
			o.Set(name, v)
			return nil
		case *Hashtable:
			o.set(name, v)
			return nil
		case nil:
			return in.runtimeError(t.node, "System.Management.Automation.RuntimeException", "InvalidOperation", "PropertyNotFound",
				"The property '%s' cannot be found on this object. Verify that the property exists and can be set.", name)
		}
		return in.unsupported(t.node, "setting .%s on a %s is not supported; exsim sets properties of objects and hashtables", name, typeOf(obj))
	case *indexExpr:
		obj, err := in.eval(t.x)
		if err != nil {
			return err
		}
		idx, err := in.eval(t.idx)
		if err != nil {
			return err
		}
		switch o := obj.(type) {
		case *Hashtable:
			o.set(idx, v)
			return nil
		case []Value, *ArrayList:
			items := asList(o)
			i, err := toInt(idx)
			if err != nil {
				return in.runtimeError(t.node, "System.Management.Automation.RuntimeException", "InvalidArgument", "InvalidCastFromStringToInteger", "%s", err.Error())
			}
			if i < 0 {
				i += len(items)
			}
			if i < 0 || i >= len(items) {
				return in.runtimeError(t.node, "System.IndexOutOfRangeException", "OperationStopped", "System.IndexOutOfRangeException", "Index was outside the bounds of the array.")
			}
			items[i] = v
			return nil
		case *PSObject:
			o.Set(toString(idx), v)
			return nil
		case nil:
			return in.runtimeError(t.node, "System.Management.Automation.RuntimeException", "InvalidOperation", "NullArray", "Cannot index into a null array.")
		}
		return in.unsupported(t.node, "assigning an element of a %s is not supported", typeOf(obj))
	}
	return in.unsupported(target.span(), "this assignment target is not supported")
}

func isCustom(o *PSObject) bool {
	return len(o.typeNames) > 0 && (o.typeNames[0] == "System.Management.Automation.PSCustomObject" || strings.HasPrefix(o.typeNames[0], "Selected."))
}

func (in *interp) loopCatch(err error, label string) (stop bool, cont bool, out error) {
	var br *breakErr
	if errors.As(err, &br) && (br.label == "" || strings.EqualFold(br.label, label)) {
		if br.isContinue {
			return false, true, nil
		}
		return true, false, nil
	}
	return true, false, err
}

func (in *interp) execLoop(l *loopStmt, out emit) error {
	body := func() (bool, error) {
		if err := in.step(l.node); err != nil {
			return true, err
		}
		err := in.execList(l.body, out)
		if err == nil {
			return false, nil
		}
		stop, _, err := in.loopCatch(err, l.label)
		return stop, err
	}
	switch l.kind {
	case "while", "for":
		if l.init != nil {
			if _, err := in.stmtValue(l.init); err != nil {
				return err
			}
		}
		for {
			if l.cond != nil {
				ok, err := in.condition(l.cond)
				if err != nil || !ok {
					return err
				}
			}
			if stop, err := body(); stop || err != nil {
				return err
			}
			if l.iter != nil {
				if _, err := in.stmtValue(l.iter); err != nil {
					return err
				}
			}
		}
	case "do-while", "do-until":
		for {
			if stop, err := body(); stop || err != nil {
				return err
			}
			ok, err := in.condition(l.cond)
			if err != nil {
				return err
			}
			if ok == (l.kind == "do-until") {
				return nil
			}
		}
	case "foreach":
		v, err := in.stmtValue(l.in)
		if err != nil {
			return err
		}
		items := asList(v)
		if h, ok := v.(*Hashtable); ok {
			items = []Value{h}
		}
		for _, it := range items {
			if err := in.setVar(l.varRef, it, ""); err != nil {
				return err
			}
			if stop, err := body(); stop || err != nil {
				return err
			}
		}
		return nil
	}
	return in.unsupported(l.node, "loop %s is not supported", l.kind)
}

func (in *interp) execSwitch(s *switchStmt, out emit) error {
	v, err := in.stmtValue(s.value)
	if err != nil {
		return err
	}
	items := asList(v)
	if v == nil {
		items = []Value{nil}
	}
	saved := in.cur.vars["_"]
	defer func() {
		if saved != nil {
			in.cur.vars["_"] = saved
		} else {
			delete(in.cur.vars, "_")
		}
	}()
items:
	for _, it := range items {
		if err := in.step(s.node); err != nil {
			return err
		}
		in.cur.set("_", it)
		matched := false
		run := func(body []stmt) (bool, error) {
			err := in.execList(body, out)
			if err == nil {
				return false, nil
			}
			var br *breakErr
			if errors.As(err, &br) && (br.label == "" || strings.EqualFold(br.label, s.label)) {
				if br.isContinue {
					return true, nil // next element
				}
				return true, errSwitchBreak
			}
			return true, err
		}
		for _, c := range s.clauses {
			if c.pattern == nil {
				continue
			}
			ok, err := in.switchMatch(s, c.pattern, it)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			matched = true
			next, err := run(c.body)
			if errors.Is(err, errSwitchBreak) {
				return nil
			}
			if err != nil {
				return err
			}
			if next {
				continue items
			}
		}
		if !matched {
			for _, c := range s.clauses {
				if c.pattern == nil {
					_, err := run(c.body)
					if errors.Is(err, errSwitchBreak) {
						return nil
					}
					if err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

var errSwitchBreak = errors.New("switch break")

func (in *interp) switchMatch(s *switchStmt, pattern expr, v Value) (bool, error) {
	if sb, ok := pattern.(*scriptBlockExpr); ok {
		r, err := in.invokeBlock(&ScriptBlock{ast: sb.sb}, nil, v, true, sb.node)
		if err != nil {
			return false, err
		}
		return truthy(unwrap(r)), nil
	}
	p, err := in.eval(pattern)
	if err != nil {
		return false, err
	}
	switch {
	case s.regex:
		return in.match(pattern.span(), toString(v), toString(p), s.caseSensitive, true)
	case s.wildcard:
		return in.like(pattern.span(), toString(p), toString(v), s.caseSensitive)
	}
	if s.caseSensitive {
		return toString(v) == toString(p), nil
	}
	return equal(v, p, false), nil
}

func (in *interp) execFlow(f *flowStmt, out emit) error {
	switch f.kind {
	case "break", "continue":
		return &breakErr{label: f.label, isContinue: f.kind == "continue", pos: f.off}
	case "return":
		if f.value != nil {
			if err := in.exec(f.value, out); err != nil {
				return err
			}
		}
		return errReturn
	case "exit":
		code := 0
		if f.value != nil {
			v, err := in.stmtValue(f.value)
			if err != nil {
				return err
			}
			if code, err = toInt(v); err != nil {
				return in.runtimeError(f.node, "System.Management.Automation.RuntimeException", "InvalidArgument", "InvalidCastFromStringToInteger", "%s", err.Error())
			}
		}
		in.global.set("LASTEXITCODE", code)
		return &exitErr{code: code}
	case "throw":
		var v Value
		if f.value != nil {
			var err error
			if v, err = in.stmtValue(f.value); err != nil {
				return err
			}
		} else if cur := in.lookup("_", ""); cur != nil {
			if rec, ok := cur.value.(*ErrorRecord); ok {
				rec.script = true
				return rec
			}
		}
		var rec *ErrorRecord
		switch x := v.(type) {
		case *ErrorRecord:
			x.script = true
			return x
		case nil:
			rec = &ErrorRecord{Message: "ScriptHalted", Category: "OperationStopped", ErrorID: "ScriptHalted"}
		default:
			msg := toString(x)
			rec = &ErrorRecord{Message: msg, Category: "OperationStopped", ErrorID: msg, TargetObject: x, TargetName: msg, TargetType: shortType(typeOf(x))}
		}
		rec.script, rec.thrown = true, true
		return in.locate(rec, f.node)
	}
	return in.unsupported(f.node, "%s is not supported", f.kind)
}

func (in *interp) execTry(t *tryStmt, out emit) error {
	in.tryDepth++
	err := in.execList(t.body, out)
	in.tryDepth--
	var rec *ErrorRecord
	if err != nil && errors.As(err, &rec) {
		for _, c := range t.catches {
			if !catchMatches(c.types, rec) {
				continue
			}
			in.addError(rec)
			saved := in.cur.vars["_"]
			in.cur.set("_", rec)
			in.cur.set("PSItem", rec)
			err = in.execList(c.body, out)
			if saved != nil {
				in.cur.vars["_"] = saved
			}
			break
		}
	}
	if t.hasFinally {
		if ferr := in.execList(t.finally, out); ferr != nil {
			return ferr
		}
	}
	return err
}

func catchMatches(types []string, rec *ErrorRecord) bool {
	if len(types) == 0 {
		return true
	}
	exc := strings.ToLower(rec.exceptionType())
	for _, t := range types {
		lt := strings.ToLower(t)
		switch lt {
		case "exception", "system.exception", "system.management.automation.runtimeexception", "management.automation.runtimeexception":
			return true
		}
		if exc == lt || strings.HasSuffix(exc, "."+lt) || strings.HasSuffix(exc, strings.TrimPrefix(lt, "system.")) {
			return true
		}
	}
	return false
}

// now is the host clock.
func (in *interp) now() time.Time { return in.host.Now() }
