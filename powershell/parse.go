package powershell

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/exsim/exsim/sim/suggest"
)

// Bounds on untrusted scripts.
const (
	MaxScriptBytes = 1 << 20 // a script larger than this is refused
	maxNesting     = 200     // nested blocks, parentheses and unary operators
)

// Script is a parsed script, ready to run.
type Script struct {
	file string
	lx   *lexer
	body *scriptBlockAST
	// laterFuncs are the script's top-level functions: calling one before its
	// definition ran is CommandNotFound, as in PowerShell.
	laterFuncs map[string]bool
	commands   []*command
}

// CommandRef is a command a script names that the host must provide.
type CommandRef struct {
	Name string
	Pos  Position
}

// Commands lists, in source order, the commands the script calls by a literal
// name that are neither its own functions, nor aliases, nor cmdlets the
// interpreter implements: the Exchange cmdlets and external scripts a host must
// provide. A loader can check them before the run (exsim validate). Commands
// called through & with a computed name are not listed.
func (s *Script) Commands() []CommandRef {
	funcs := map[string]bool{}
	collectFuncs(s.body, funcs)
	var out []CommandRef
	seen := map[int]bool{} // speculative parsing may have met a command twice
	for _, c := range s.commands {
		if c.name == "" || seen[c.off] {
			continue
		}
		seen[c.off] = true
		ln := strings.ToLower(c.name)
		if a, ok := aliases[ln]; ok {
			ln = a
		}
		if funcs[ln] || builtins[ln] != nil {
			continue
		}
		out = append(out, CommandRef{Name: c.name, Pos: s.lx.pos(c.off)})
	}
	return out
}

// collectFuncs finds every function defined anywhere in a body.
func collectFuncs(sb *scriptBlockAST, into map[string]bool) {
	var walk func(list []stmt)
	walk = func(list []stmt) {
		for _, st := range list {
			switch x := st.(type) {
			case *functionDef:
				into[strings.ToLower(x.name)] = true
				collectFuncs(x.body, into)
			case *ifStmt:
				for _, c := range x.clauses {
					walk(c.body)
				}
				walk(x.elseBody)
			case *loopStmt:
				walk(x.body)
			case *tryStmt:
				walk(x.body)
				for _, c := range x.catches {
					walk(c.body)
				}
				walk(x.finally)
			case *switchStmt:
				for _, c := range x.clauses {
					walk(c.body)
				}
			}
		}
	}
	walk(sb.begin)
	walk(sb.process)
	walk(sb.end)
}

// File is the name the script was parsed under.
func (s *Script) File() string { return s.file }

// Parse parses a script. file names it in positions ("maint.ps1:3:7: ...").
func Parse(file, src string) (_ *Script, err error) {
	if len(src) > MaxScriptBytes {
		return nil, &SyntaxError{Pos: Position{File: file, Line: 1, Col: 1}, Msg: fmt.Sprintf("the script is %d bytes; exsim reads scripts up to %d bytes", len(src), MaxScriptBytes)}
	}
	if !utf8.ValidString(src) {
		return nil, &SyntaxError{Pos: Position{File: file, Line: 1, Col: 1}, Msg: "the script is not valid UTF-8 (save it as UTF-8; Windows PowerShell's UTF-16 files must be converted)"}
	}
	src = strings.TrimPrefix(src, "\uFEFF")
	p := &parser{lx: newLexer(file, src), commands: new([]*command)}
	defer func() {
		if r := recover(); r != nil {
			se, ok := r.(*SyntaxError)
			if !ok {
				panic(r)
			}
			err = se
		}
	}()
	body := p.scriptBody(tEOF)
	body.off, body.stop = 0, len(src)
	sc := &Script{file: file, lx: p.lx, body: body, laterFuncs: map[string]bool{}, commands: *p.commands}
	for _, st := range body.end {
		if fd, ok := st.(*functionDef); ok {
			sc.laterFuncs[strings.ToLower(fd.name)] = true
		}
	}
	return sc, nil
}

type parser struct {
	lx       *lexer
	tok      token
	mode     lexMode
	have     bool
	depth    int
	noComma  int         // inside a param list: ',' separates parameters
	opens    []int       // offsets of the unclosed { and ( being parsed
	commands *[]*command // every command parsed, for Script.Commands
}

type parserState struct {
	i    int
	tok  token
	mode lexMode
	have bool
}

func (p *parser) save() parserState     { return parserState{p.lx.i, p.tok, p.mode, p.have} }
func (p *parser) restore(s parserState) { p.lx.i, p.tok, p.mode, p.have = s.i, s.tok, s.mode, s.have }

func (p *parser) fail(off int, format string, args ...any) {
	panic(p.lx.errAt(off, format, args...))
}

func (p *parser) peek(mode lexMode) token {
	if p.have && p.mode == mode {
		return p.tok
	}
	space := false
	if p.have {
		p.lx.i = p.tok.off
		space = p.tok.space
	}
	t, err := p.lx.next(mode)
	if err != nil {
		panic(err)
	}
	t.space = t.space || space
	p.tok, p.mode, p.have = t, mode, true
	return t
}

func (p *parser) take(mode lexMode) token {
	t := p.peek(mode)
	p.have = false
	return t
}

// raw returns the character at the start of the next token without scanning it.
func (p *parser) rawNext() (rune, int) {
	if p.have {
		return p.lx.peekAt(p.tok.off), p.tok.off
	}
	s := p.save()
	if _, err := p.lx.skip(); err != nil {
		panic(err)
	}
	r, at := p.lx.peek(), p.lx.i
	p.restore(s)
	return r, at
}

func (p *parser) enter(off int) {
	p.depth++
	if p.depth > maxNesting {
		p.fail(off, "nesting deeper than %d levels; exsim refuses scripts nested this deeply", maxNesting)
	}
}

func (p *parser) leave() { p.depth-- }

func (p *parser) skipNewlines() {
	for {
		t := p.peek(modeCmd)
		if t.kind != tNewline {
			return
		}
		p.take(modeCmd)
	}
}

func (p *parser) expect(mode lexMode, kind tokKind, what string) token {
	t := p.take(mode)
	if t.kind != kind {
		p.fail(t.off, "expected %s, found %s", what, describe(t))
	}
	return t
}

func describe(t token) string {
	switch t.kind {
	case tEOF, tNewline:
		return t.kind.String()
	case tString:
		return "a string"
	}
	txt := t.text
	if t.kind == tGeneric || t.kind == tVariable && txt == "" {
		txt = strings.TrimSpace(txt)
	}
	if t.kind == tVariable {
		txt = "$" + txt
	}
	if t.kind == tParam {
		txt = "-" + txt
	}
	if txt == "" {
		return t.kind.String()
	}
	return fmt.Sprintf("'%s'", txt)
}

// word returns the literal text of a bare word token, or "" if it has expansions.
func word(t token) string {
	if t.kind != tGeneric && t.kind != tIdent {
		return ""
	}
	if t.kind == tIdent {
		return t.text
	}
	if len(t.parts) == 1 && t.parts[0].kind == partText && t.text == t.parts[0].text {
		return t.text
	}
	return ""
}

func isKeyword(t token, kw string) bool { return strings.EqualFold(word(t), kw) }

// scriptBody parses [attributes] [param(...)] then begin/process/end blocks or a
// statement list, up to the closing token.
func (p *parser) scriptBody(close tokKind) *scriptBlockAST {
	sb := &scriptBlockAST{}
	p.skipSeparators()
	p.paramBlock(sb)
	p.skipSeparators()
	if t := p.peek(modeCmd); p.isNamedBlock(t) {
		sb.named = true
		for {
			p.skipSeparators()
			t := p.peek(modeCmd)
			if t.kind == close {
				break
			}
			if !p.isNamedBlock(t) {
				p.fail(t.off, "expected a begin, process or end block, found %s", describe(t))
			}
			p.take(modeCmd)
			p.skipNewlines()
			body := p.block()
			switch strings.ToLower(word(t)) {
			case "begin":
				sb.begin = body
			case "process":
				sb.process = body
			case "end":
				sb.end = body
			default:
				p.fail(t.off, "dynamicparam blocks are not supported; exsim supports begin, process and end")
			}
		}
	} else {
		sb.end = p.statementList(close)
	}
	return sb
}

func (p *parser) isNamedBlock(t token) bool {
	switch strings.ToLower(word(t)) {
	case "begin", "process", "end", "dynamicparam":
	default:
		return false
	}
	s := p.save()
	p.take(modeCmd)
	p.skipNewlines()
	ok := p.peek(modeCmd).kind == tLBrace
	p.restore(s)
	return ok
}

func (p *parser) skipSeparators() {
	for {
		t := p.peek(modeCmd)
		if t.kind != tNewline && t.kind != tSemi {
			return
		}
		p.take(modeCmd)
	}
}

type attribute struct {
	off   int
	name  string
	typ   bool // a type constraint such as [string]
	named map[string]expr
	order []string
	pos   []expr
}

// attributes parses [Name(...)] and [type] items.
func (p *parser) attributes() []attribute {
	var out []attribute
	for {
		p.skipNewlines()
		r, at := p.rawNext()
		if r != '[' {
			return out
		}
		p.have = false
		p.lx.i = at + 1
		if name, ok := p.lx.typeName(at); ok {
			out = append(out, attribute{off: at, name: name, typ: true})
			continue
		}
		nameTok := p.take(modeExpr)
		if nameTok.kind != tIdent {
			p.fail(nameTok.off, "expected an attribute or type name after '[', found %s", describe(nameTok))
		}
		a := attribute{off: at, name: nameTok.text, named: map[string]expr{}}
		for {
			nt := p.peek(modeExpr)
			if nt.kind == tOp && nt.text == "." {
				p.take(modeExpr)
				a.name += "." + p.expect(modeExpr, tIdent, "a name").text
				continue
			}
			break
		}
		p.expect(modeExpr, tLParen, "'('")
		for {
			p.skipNewlines()
			t := p.peek(modeExpr)
			if t.kind == tRParen {
				p.take(modeExpr)
				break
			}
			s := p.save()
			if t.kind == tIdent {
				p.take(modeExpr)
				nt := p.peek(modeExpr)
				if nt.kind == tOp && nt.text == "=" {
					p.take(modeExpr)
					p.skipNewlines()
					a.named[strings.ToLower(t.text)] = p.unaryExpr()
					a.order = append(a.order, t.text)
				} else if nt.kind == tComma || nt.kind == tRParen || nt.kind == tNewline {
					a.named[strings.ToLower(t.text)] = &constExpr{node: node{t.off, t.end}, v: true}
					a.order = append(a.order, t.text)
				} else {
					p.restore(s)
					a.pos = append(a.pos, p.unaryExpr())
				}
			} else {
				a.pos = append(a.pos, p.unaryExpr())
			}
			p.skipNewlines()
			if p.peek(modeExpr).kind == tComma {
				p.take(modeExpr)
			}
		}
		p.expect(modeExpr, tRBracket, "']' after the attribute")
		out = append(out, a)
	}
}

// paramBlock parses an optional [CmdletBinding()] param(...) at the start of a body.
func (p *parser) paramBlock(sb *scriptBlockAST) {
	s := p.save()
	attrs := p.attributes()
	p.skipNewlines()
	t := p.peek(modeCmd)
	if !isKeyword(t, "param") {
		p.restore(s)
		return
	}
	p.take(modeCmd)
	for _, a := range attrs {
		switch strings.ToLower(a.name) {
		case "cmdletbinding":
			sb.cmdletBinding = true
		case "outputtype", "alias":
		default:
			p.fail(a.off, "the attribute [%s] before param() is not supported; exsim supports [CmdletBinding()]", a.name)
		}
	}
	p.expect(modeCmd, tLParen, "'(' after param")
	sb.params = p.paramList()
	sb.hasParamBlock = true
}

// paramList parses parameters up to and including the closing ')'.
func (p *parser) paramList() []*paramDef {
	var out []*paramDef
	for {
		p.skipNewlines()
		if p.peek(modeExpr).kind == tRParen {
			p.take(modeExpr)
			return out
		}
		pd := &paramDef{position: -1}
		for _, a := range p.attributes() {
			p.applyParamAttribute(pd, a)
		}
		p.skipNewlines()
		v := p.take(modeExpr)
		if v.kind != tVariable {
			p.fail(v.off, "expected a parameter variable such as $Server, found %s", describe(v))
		}
		pd.off, pd.end, pd.name = v.off, v.end, v.text
		if t := p.peek(modeExpr); t.kind == tOp && t.text == "=" {
			p.take(modeExpr)
			p.skipNewlines()
			p.noComma++
			pd.def = p.expression()
			p.noComma--
		}
		for _, o := range out {
			if strings.EqualFold(o.name, pd.name) {
				p.fail(v.off, "the parameter $%s is declared twice", pd.name)
			}
		}
		out = append(out, pd)
		p.skipNewlines()
		t := p.take(modeExpr)
		if t.kind == tRParen {
			return out
		}
		if t.kind != tComma {
			p.fail(t.off, "expected ',' or ')' in the parameter list, found %s", describe(t))
		}
	}
}

var supportedTypes = []string{"int", "int32", "long", "int64", "double", "decimal", "string", "bool", "boolean", "switch",
	"datetime", "timespan", "array", "object", "hashtable", "pscustomobject", "psobject", "scriptblock", "char", "byte",
	"void", "ordered", "regex", "object[]", "string[]", "int[]", "system.collections.arraylist", "math", "environment",
	"system.string", "system.int32", "system.int64", "system.double", "system.boolean", "system.datetime", "system.timespan",
	"system.object", "system.object[]", "system.string[]", "system.collections.hashtable", "system.management.automation.pscustomobject",
	"system.management.automation.psobject", "system.math", "system.environment", "system.array", "collections.arraylist",
	"system.management.automation.switchparameter", "uint32", "single", "float", "threading.thread", "system.threading.thread"}

func (p *parser) checkType(off int, name string) string {
	ln := strings.ToLower(strings.ReplaceAll(name, " ", ""))
	for _, t := range supportedTypes {
		if ln == t {
			return ln
		}
	}
	if strings.HasSuffix(ln, "exception") {
		return ln // catch [System.Exception] and friends
	}
	if g := strings.TrimPrefix(ln, "system."); strings.HasPrefix(g, "collections.generic.list[") && strings.HasSuffix(g, "]") {
		return "collections.generic.list" // List[T] behaves as a list of objects
	}
	p.fail(off, "the type [%s] is not supported; exsim supports [int], [long], [double], [string], [bool], [switch], [datetime], [timespan], [array], [object], [hashtable], [ordered], [pscustomobject], [scriptblock], [regex], [void], [math], [string[]], [int[]], [object[]], [System.Collections.ArrayList] and [System.Collections.Generic.List[T]]%s", name, suggest.DidYouMean(name, []string{"int", "string", "bool", "datetime", "timespan", "array", "hashtable", "pscustomobject", "switch", "double"}))
	return ""
}

func (p *parser) applyParamAttribute(pd *paramDef, a attribute) {
	if a.typ {
		if strings.EqualFold(a.name, "Parameter") {
			return
		}
		if strings.HasPrefix(strings.ToLower(a.name), "validate") || strings.EqualFold(a.name, "AllowNull") || strings.EqualFold(a.name, "AllowEmptyString") {
			return
		}
		pd.typ = p.checkType(a.off, a.name)
		return
	}
	str := func(e expr) string {
		if c, ok := e.(*constExpr); ok {
			return toString(c.v)
		}
		if s, ok := e.(*stringExpr); ok && len(s.parts) <= 1 {
			if len(s.parts) == 0 {
				return ""
			}
			if c, ok := s.parts[0].(*constExpr); ok {
				return toString(c.v)
			}
		}
		p.fail(a.off, "the arguments of [%s()] must be constants", a.name)
		return ""
	}
	switch strings.ToLower(a.name) {
	case "parameter":
		for _, k := range a.order {
			e := a.named[strings.ToLower(k)]
			switch strings.ToLower(k) {
			case "mandatory":
				pd.mandatory = truthy(constValue(e))
			case "position":
				n, err := toInt(constValue(e))
				if err != nil {
					p.fail(a.off, "Position must be a number")
				}
				pd.position = n
			case "valuefrompipeline", "valuefrompipelinebypropertyname":
				pd.fromPipe = truthy(constValue(e))
			case "helpmessage":
				pd.help = str(e)
			case "parametersetname", "dontshow", "valuefromremainingarguments":
			default:
				p.fail(a.off, "[Parameter(%s)] is not supported; exsim supports Mandatory, Position, ValueFromPipeline, HelpMessage and ParameterSetName%s", k, suggest.DidYouMean(k, []string{"Mandatory", "Position", "ValueFromPipeline", "HelpMessage"}))
			}
		}
	case "validateset":
		for _, e := range a.pos {
			pd.validateSet = append(pd.validateSet, str(e))
		}
	case "validatenotnullorempty", "validatenotnull":
		pd.notEmpty = true
	case "alias":
		for _, e := range a.pos {
			pd.aliases = append(pd.aliases, str(e))
		}
	case "allownull", "allowemptystring", "allowemptycollection", "validaterange", "validatepattern", "validatelength", "validatescript", "validatecount":
		// Accepted and not enforced: the scripts exsim runs are trusted to pass valid values.
	default:
		p.fail(a.off, "the attribute [%s()] is not supported; exsim supports [Parameter()], [ValidateSet()], [ValidateNotNullOrEmpty()] and [Alias()]", a.name)
	}
}

// constValue evaluates an attribute argument: a literal, $true or $false.
func constValue(e expr) Value {
	switch x := e.(type) {
	case *constExpr:
		return x.v
	case *varExpr:
		switch strings.ToLower(x.name) {
		case "true":
			return true
		case "false":
			return false
		}
	}
	return nil
}

// statementList parses statements until close (not consumed).
func (p *parser) statementList(close tokKind) []stmt {
	var out []stmt
	for {
		p.skipSeparators()
		t := p.peek(modeCmd)
		if t.kind == close {
			return out
		}
		if t.kind == tEOF || t.kind == tRBrace || t.kind == tRParen {
			if t.kind == tEOF {
				if n := len(p.opens); n > 0 {
					at := p.opens[n-1]
					p.fail(t.off, "the %c at %d:%d has no closing %s", p.lx.src[at], p.lx.pos(at).Line, p.lx.pos(at).Col, close)
				}
				p.fail(t.off, "missing closing %s", close)
			}
			p.fail(t.off, "unexpected %s", describe(t))
		}
		s := p.statement()
		out = append(out, s)
		t = p.peek(modeCmd)
		switch t.kind {
		case tNewline, tSemi, tEOF, tRBrace, tRParen:
		default:
			p.fail(t.off, "unexpected %s after the statement; statements are separated by newlines or ';'", describe(t))
		}
	}
}

func (p *parser) block() []stmt {
	open := p.expect(modeCmd, tLBrace, "'{'")
	p.enter(open.off)
	p.opens = append(p.opens, open.off)
	body := p.statementList(tRBrace)
	p.opens = p.opens[:len(p.opens)-1]
	p.take(modeCmd)
	p.leave()
	return body
}

var unsupportedKeywords = map[string]string{
	"trap":          "trap is not supported; exsim supports try { } catch { } finally { }",
	"class":         "classes are not supported",
	"enum":          "enums are not supported",
	"workflow":      "workflows are not supported",
	"configuration": "DSC configurations are not supported",
	"data":          "data sections are not supported",
	"using":         "using statements are not supported",
	"parallel":      "parallel blocks are not supported",
	"inlinescript":  "inlinescript is not supported",
	"sequence":      "sequence blocks are not supported",
	"dynamicparam":  "dynamicparam is not supported",
}

func (p *parser) statement() stmt {
	t := p.peek(modeCmd)
	p.enter(t.off)
	defer p.leave()
	label := ""
	if t.kind == tLabel {
		label = t.text
		p.take(modeCmd)
		p.skipNewlines()
		t = p.peek(modeCmd)
		switch strings.ToLower(word(t)) {
		case "while", "do", "for", "foreach", "switch":
		default:
			p.fail(t.off, "a label (:%s) must be followed by a loop or switch", label)
		}
	}
	kw := strings.ToLower(word(t))
	if msg, ok := unsupportedKeywords[kw]; ok {
		p.fail(t.off, "%s", msg)
	}
	switch kw {
	case "if":
		return p.ifStatement()
	case "while":
		return p.whileStatement(label)
	case "do":
		return p.doStatement(label)
	case "for":
		return p.forStatement(label)
	case "foreach":
		if p.isForeachStatement() {
			return p.foreachStatement(label)
		}
	case "switch":
		return p.switchStatement(label)
	case "function", "filter":
		return p.functionStatement()
	case "try":
		return p.tryStatement()
	case "break", "continue":
		p.take(modeCmd)
		f := &flowStmt{node: node{t.off, t.end}, kind: kw}
		if n := p.peek(modeCmd); n.kind == tGeneric {
			f.label = strings.TrimPrefix(word(n), ":")
			if f.label == "" {
				p.fail(n.off, "%s takes a label name, found %s", kw, describe(n))
			}
			p.take(modeCmd)
		}
		return f
	case "return", "exit", "throw":
		p.take(modeCmd)
		f := &flowStmt{node: node{t.off, t.end}, kind: kw}
		switch p.peek(modeCmd).kind {
		case tNewline, tSemi, tEOF, tRBrace, tRParen:
		default:
			f.value = p.pipelineStatement()
			f.end = f.value.span().end
		}
		return f
	case "param":
		p.fail(t.off, "param() must be the first statement of the script, function or script block")
	case "else", "elseif", "catch", "finally", "until":
		p.fail(t.off, "'%s' without the statement it belongs to", word(t))
	case "begin", "process", "end":
		if p.isNamedBlock(t) {
			p.fail(t.off, "a %s block must be the whole body of a function or script block", kw)
		}
	}
	return p.pipelineStatement()
}

func (p *parser) isForeachStatement() bool {
	s := p.save()
	defer p.restore(s)
	p.take(modeCmd)
	return p.peek(modeCmd).kind == tLParen
}

func (p *parser) condition(kw string) stmt {
	p.skipNewlines()
	p.expect(modeCmd, tLParen, "'(' after "+kw)
	p.skipNewlines()
	c := p.pipelineStatement()
	p.skipNewlines()
	p.expect(modeCmd, tRParen, "')' to close the "+kw+" condition")
	return c
}

// nextWordIs looks past newlines for a keyword; it consumes the newlines only if found.
func (p *parser) nextWordIs(kws ...string) string {
	s := p.save()
	p.skipNewlines()
	t := p.peek(modeCmd)
	for _, k := range kws {
		if isKeyword(t, k) {
			return k
		}
	}
	p.restore(s)
	return ""
}

func (p *parser) ifStatement() stmt {
	t := p.take(modeCmd)
	st := &ifStmt{node: node{t.off, t.end}}
	cond := p.condition("if")
	p.skipNewlines()
	st.clauses = append(st.clauses, ifClause{cond, p.block()})
	for {
		switch p.nextWordIs("elseif", "else") {
		case "elseif":
			p.take(modeCmd)
			c := p.condition("elseif")
			p.skipNewlines()
			st.clauses = append(st.clauses, ifClause{c, p.block()})
			continue
		case "else":
			p.take(modeCmd)
			p.skipNewlines()
			if isKeyword(p.peek(modeCmd), "if") {
				p.fail(p.peek(modeCmd).off, "'else if' is not PowerShell; write 'elseif'")
			}
			st.elseBody, st.hasElse = p.block(), true
		}
		break
	}
	st.end = p.lx.i
	return st
}

func (p *parser) whileStatement(label string) stmt {
	t := p.take(modeCmd)
	st := &loopStmt{node: node{t.off, t.end}, kind: "while", label: label}
	st.cond = p.condition("while")
	p.skipNewlines()
	st.body = p.block()
	return st
}

func (p *parser) doStatement(label string) stmt {
	t := p.take(modeCmd)
	st := &loopStmt{node: node{t.off, t.end}, label: label}
	p.skipNewlines()
	st.body = p.block()
	switch p.nextWordIs("while", "until") {
	case "while":
		st.kind = "do-while"
	case "until":
		st.kind = "do-until"
	default:
		p.fail(p.peek(modeCmd).off, "a do { } block must be followed by while (...) or until (...)")
	}
	p.take(modeCmd)
	st.cond = p.condition(strings.TrimPrefix(st.kind, "do-"))
	return st
}

func (p *parser) forStatement(label string) stmt {
	t := p.take(modeCmd)
	st := &loopStmt{node: node{t.off, t.end}, kind: "for", label: label}
	p.skipNewlines()
	p.expect(modeCmd, tLParen, "'(' after for")
	part := func(end tokKind) stmt {
		p.skipNewlines()
		if p.peek(modeCmd).kind == end {
			p.take(modeCmd)
			return nil
		}
		s := p.pipelineStatement()
		p.skipNewlines()
		n := p.take(modeCmd)
		if n.kind != end && !(end == tSemi && n.kind == tNewline) {
			p.fail(n.off, "expected %s in the for (init; condition; step) header, found %s", end, describe(n))
		}
		return s
	}
	st.init = part(tSemi)
	st.cond = part(tSemi)
	st.iter = part(tRParen)
	p.skipNewlines()
	st.body = p.block()
	return st
}

func (p *parser) foreachStatement(label string) stmt {
	t := p.take(modeCmd)
	st := &loopStmt{node: node{t.off, t.end}, kind: "foreach", label: label}
	p.expect(modeCmd, tLParen, "'(' after foreach")
	p.skipNewlines()
	v := p.take(modeExpr)
	if v.kind != tVariable {
		p.fail(v.off, "expected the loop variable, as in foreach ($item in $list), found %s", describe(v))
	}
	st.varRef = &varExpr{node: node{v.off, v.end}, name: v.text, scope: v.scope}
	p.skipNewlines()
	if in := p.take(modeCmd); !isKeyword(in, "in") {
		p.fail(in.off, "expected 'in' after the foreach variable, found %s", describe(in))
	}
	p.skipNewlines()
	st.in = p.pipelineStatement()
	p.skipNewlines()
	p.expect(modeCmd, tRParen, "')' to close the foreach header")
	p.skipNewlines()
	st.body = p.block()
	return st
}

func (p *parser) switchStatement(label string) stmt {
	t := p.take(modeCmd)
	st := &switchStmt{node: node{t.off, t.end}, label: label}
	for {
		o := p.peek(modeCmd)
		if o.kind != tParam {
			break
		}
		p.take(modeCmd)
		name := strings.ToLower(o.text)
		switch {
		case name != "" && strings.HasPrefix("regex", name):
			st.regex = true
		case name != "" && strings.HasPrefix("wildcard", name):
			st.wildcard = true
		case name != "" && strings.HasPrefix("exact", name):
			st.regex, st.wildcard = false, false
		case name != "" && strings.HasPrefix("casesensitive", name):
			st.caseSensitive = true
		case name != "" && strings.HasPrefix("file", name):
			p.fail(o.off, "switch -File is not supported; exsim supports -Regex, -Wildcard, -Exact and -CaseSensitive")
		default:
			p.fail(o.off, "switch -%s is not an option; exsim supports -Regex, -Wildcard, -Exact and -CaseSensitive", o.text)
		}
	}
	st.value = p.condition("switch")
	p.skipNewlines()
	open := p.expect(modeCmd, tLBrace, "'{' to start the switch clauses")
	p.enter(open.off)
	for {
		p.skipSeparators()
		c := p.peek(modeCmd)
		if c.kind == tRBrace {
			p.take(modeCmd)
			break
		}
		var cl switchClause
		if isKeyword(c, "default") {
			p.take(modeCmd)
		} else {
			cl.pattern = p.commandArgValue(false)
		}
		p.skipNewlines()
		cl.body = p.block()
		st.clauses = append(st.clauses, cl)
	}
	p.leave()
	st.end = p.lx.i
	return st
}

func (p *parser) functionStatement() stmt {
	t := p.take(modeCmd)
	nt := p.take(modeCmd)
	name := word(nt)
	if name == "" {
		p.fail(nt.off, "expected a function name, found %s", describe(nt))
	}
	if i := strings.IndexByte(name, ':'); i >= 0 {
		sc := strings.ToLower(name[:i])
		if sc != "global" && sc != "script" && sc != "local" {
			p.fail(nt.off, "function scope %s: is not supported", name[:i])
		}
		name = name[i+1:]
	}
	fd := &functionDef{node: node{t.off, nt.end}, name: name, filter: isKeyword(t, "filter")}
	p.skipNewlines()
	var params []*paramDef
	hasList := false
	if p.peek(modeCmd).kind == tLParen {
		p.take(modeCmd)
		params, hasList = p.paramList(), true
		p.skipNewlines()
	}
	open := p.expect(modeCmd, tLBrace, "'{' to start the function body")
	p.enter(open.off)
	p.opens = append(p.opens, open.off)
	fd.body = p.scriptBody(tRBrace)
	p.opens = p.opens[:len(p.opens)-1]
	end := p.take(modeCmd)
	p.leave()
	if hasList {
		if fd.body.hasParamBlock {
			p.fail(open.off, "the function %s has both a parameter list and a param() block", name)
		}
		fd.body.params = params
	}
	if fd.filter && !fd.body.named {
		fd.body.process, fd.body.end, fd.body.named = fd.body.end, nil, true
	}
	fd.body.off, fd.body.stop = open.off, end.end
	return fd
}

func (p *parser) tryStatement() stmt {
	t := p.take(modeCmd)
	st := &tryStmt{node: node{t.off, t.end}}
	p.skipNewlines()
	st.body = p.block()
	for p.nextWordIs("catch") != "" {
		p.take(modeCmd)
		var cc catchClause
		for {
			r, at := p.rawNext()
			if r != '[' {
				break
			}
			p.have = false
			p.lx.i = at + 1
			name, ok := p.lx.typeName(at)
			if !ok {
				p.fail(at, "expected an exception type such as [System.Exception] after catch")
			}
			cc.types = append(cc.types, name)
			if p.peek(modeCmd).kind == tComma {
				p.take(modeCmd)
				p.skipNewlines()
				continue
			}
			break
		}
		p.skipNewlines()
		cc.body = p.block()
		st.catches = append(st.catches, cc)
	}
	if p.nextWordIs("finally") != "" {
		p.take(modeCmd)
		p.skipNewlines()
		st.finally, st.hasFinally = p.block(), true
	}
	if len(st.catches) == 0 && !st.hasFinally {
		p.fail(t.off, "a try block must be followed by a catch or finally block")
	}
	return st
}

// startsExpression decides, at the start of a pipeline, between an expression
// ($x, 42, "text", (..), [type], -not) and a command (Get-Queue, .\x.ps1, %).
func (p *parser) startsExpression() bool {
	r, at := p.rawNext()
	switch {
	case r == '$' || r == '(' || r == '[' || r == '!' || r == ',' || r == '{' || isQuote(r):
		return true
	case r == '@':
		n := p.lx.peekAt(at + 1)
		return n == '(' || n == '{' || isQuote(n)
	case r >= '0' && r <= '9':
		return true // 2+2 at the start of a statement is arithmetic
	case r == '.':
		return p.lx.peekAt(at+1) >= '0' && p.lx.peekAt(at+1) <= '9'
	case isDash(r):
		t := p.peek(modeCmd)
		if t.kind == tNumber {
			return true
		}
		if t.kind == tParam {
			switch strings.ToLower(t.text) {
			case "not", "bnot", "split", "join":
				return true
			}
		}
		return t.kind == tParam || t.kind == tGeneric && (t.text == "-" || t.text == "--")
	case r == '+':
		return true
	}
	return false
}

var assignOps = map[string]bool{"=": true, "+=": true, "-=": true, "*=": true, "/=": true, "%=": true}

// pipelineStatement parses an assignment or a pipeline.
func (p *parser) pipelineStatement() stmt {
	t := p.peek(modeCmd)
	ps := &pipelineStmt{node: node{t.off, t.end}}
	if p.startsExpression() {
		p.peek(modeExpr)
		e := p.expression()
		if a := p.peek(modeExpr); a.kind == tOp && assignOps[a.text] {
			if !isAssignable(e) {
				p.fail(a.off, "the left side of %s must be a variable, a property or an element, as in $x = 1", a.text)
			}
			p.take(modeExpr)
			p.skipNewlines()
			v := p.assignedValue()
			return &assignStmt{node: node{e.span().off, v.span().end}, target: e, op: a.text, value: v}
		}
		ps.first = e
		ps.end = e.span().end
	} else {
		c := p.command()
		ps.cmds = append(ps.cmds, c)
		ps.end = c.end
	}
	for {
		n := p.peek(modeCmd)
		if n.kind == tRedirect {
			ps.redirs = append(ps.redirs, p.redirection())
			continue
		}
		if n.kind != tPipe {
			break
		}
		if len(ps.redirs) > 0 {
			p.fail(n.off, "a redirection must come at the end of the pipeline")
		}
		p.take(modeCmd)
		p.skipNewlines()
		if p.startsExpression() {
			e := p.peek(modeCmd)
			p.fail(e.off, "Expressions are only allowed as the first element of a pipeline; pipe into a command such as ForEach-Object { ... }")
		}
		c := p.command()
		ps.cmds = append(ps.cmds, c)
		ps.end = c.end
	}
	return ps
}

// assignedValue parses the right side of '=': a statement (if, switch, foreach,
// ...) or a pipeline.
func (p *parser) assignedValue() stmt {
	t := p.peek(modeCmd)
	switch strings.ToLower(word(t)) {
	case "if", "switch", "for", "while", "do", "try":
		return p.statement()
	case "foreach":
		if p.isForeachStatement() {
			return p.statement()
		}
	}
	return p.pipelineStatement()
}

func isAssignable(e expr) bool {
	switch x := e.(type) {
	case *varExpr, *memberExpr, *indexExpr:
		return true
	case *castExpr:
		_, ok := x.x.(*varExpr)
		return ok
	case *arrayExpr:
		for _, el := range x.elems {
			if _, ok := el.(*varExpr); !ok {
				return false
			}
		}
		return true
	}
	return false
}

func (p *parser) redirection() redirect {
	t := p.take(modeCmd)
	r := redirect{node: node{t.off, t.end}, from: "1"}
	txt := t.text
	if txt[0] != '>' {
		r.from = txt[:1]
		txt = txt[1:]
	}
	switch txt {
	case ">&1":
		r.toOut = true
		if r.from != "2" {
			p.fail(t.off, "%s is not supported; exsim supports 2>&1 (errors into the output)", t.text)
		}
		return r
	case ">&2":
		p.fail(t.off, "%s is not supported; exsim supports >, >>, 2>, 2>&1 and *>", t.text)
	case ">>":
		r.append = true
	}
	if r.from != "1" && r.from != "2" && r.from != "*" && r.from != "3" {
		p.fail(t.off, "redirecting stream %s is not supported; exsim supports >, >>, 2>, 2>&1, 3> and *>", r.from)
	}
	r.target = p.commandArgValue(false)
	r.end = r.target.span().end
	return r
}

// command parses one command: name, parameters and arguments.
func (p *parser) command() *command {
	t := p.take(modeCmd)
	c := &command{node: node{t.off, t.end}}
	*p.commands = append(*p.commands, c)
	switch {
	case t.kind == tOp && (t.text == "&" || t.text == "."):
		c.call = t.text
		c.nameExp = p.commandArgValue(true)
		if g, ok := c.nameExp.(*stringExpr); ok && len(g.parts) == 1 {
			if k, ok := g.parts[0].(*constExpr); ok && c.call == "." {
				c.name, c.nameExp = toString(k.v), nil
			}
		}
	case t.kind == tGeneric:
		c.name = word(t)
		if c.name == "" {
			p.fail(t.off, "a command name must be a plain word; to run a command named by a variable or string use the call operator, as in & \"$path\"")
		}
	default:
		p.fail(t.off, "expected a command, found %s", describe(t))
	}
	if c.nameExp != nil {
		c.end = c.nameExp.span().end
	}
	literal := false
	for {
		a := p.peek(modeCmd)
		switch a.kind {
		case tNewline, tSemi, tPipe, tRParen, tRBrace, tEOF, tRedirect:
			return c
		case tDashDash:
			p.take(modeCmd)
			literal = true
			continue
		case tParam:
			if literal {
				p.take(modeCmd)
				c.args = append(c.args, cmdArg{node: node{a.off, a.end}, value: &constExpr{node: node{a.off, a.end}, v: p.lx.src[a.off:a.end]}})
				break
			}
			p.take(modeCmd)
			arg := cmdArg{node: node{a.off, a.end}, param: a.text, colon: a.colon}
			if a.colon {
				if n := p.peek(modeCmd); n.kind == tNewline || n.kind == tEOF || n.kind == tSemi || n.kind == tPipe {
					p.fail(a.off, "-%s: must be followed directly by its value, as in -%s:$false", a.text, a.text)
				}
				arg.value = p.commandArgValue(false)
				arg.end = arg.value.span().end
			}
			c.args = append(c.args, arg)
			c.end = arg.end
		case tSplat:
			p.take(modeCmd)
			c.args = append(c.args, cmdArg{node: node{a.off, a.end}, splat: a.text})
			c.end = a.end
		default:
			v := p.commandArgValue(false)
			c.args = append(c.args, cmdArg{node: v.span(), value: v})
			c.end = v.span().end
		}
	}
}

// commandArgValue parses one argument in argument mode, with ',' lists.
func (p *parser) commandArgValue(single bool) expr {
	first := p.argElement()
	if single {
		return first
	}
	var elems []expr
	for p.peek(modeCmd).kind == tComma {
		if elems == nil {
			elems = []expr{first}
		}
		p.take(modeCmd)
		p.skipNewlines()
		elems = append(elems, p.argElement())
	}
	if elems == nil {
		return first
	}
	return &arrayExpr{node: node{first.span().off, elems[len(elems)-1].span().end}, elems: elems}
}

func (p *parser) argElement() expr {
	t := p.peek(modeCmd)
	switch t.kind {
	case tGeneric:
		p.take(modeCmd)
		return p.stringFromParts(t)
	case tLabel:
		p.take(modeCmd)
		return &constExpr{node: node{t.off, t.end}, v: ":" + t.text}
	case tNumber, tString, tVariable, tLParen, tDollarParen, tAtParen, tAtBrace, tLBrace:
		p.peek(modeExpr)
		e := p.postfix(p.primary())
		return e
	case tOp:
		p.take(modeCmd)
		return &constExpr{node: node{t.off, t.end}, v: t.text}
	}
	p.fail(t.off, "expected an argument, found %s", describe(t))
	return nil
}

// stringFromParts turns an expandable token into a string node (or a constant).
func (p *parser) stringFromParts(t token) expr {
	n := node{t.off, t.end}
	if len(t.parts) == 0 {
		return &constExpr{node: n, v: ""}
	}
	if len(t.parts) == 1 && t.parts[0].kind == partText {
		return &constExpr{node: n, v: t.parts[0].text}
	}
	se := &stringExpr{node: n}
	for _, part := range t.parts {
		switch part.kind {
		case partText:
			se.parts = append(se.parts, &constExpr{node: n, v: part.text})
		case partVar:
			se.parts = append(se.parts, &varExpr{node: node{part.start, part.end}, name: part.name, scope: part.scope})
		case partSub:
			se.parts = append(se.parts, p.subRange(part.start, part.end))
		}
	}
	return se
}

// subRange parses the statements of a $( ... ) found inside a string.
func (p *parser) subRange(start, end int) expr {
	sub := &parser{lx: &lexer{src: p.lx.src, file: p.lx.file, lines: p.lx.lines, i: start, limit: end, work: p.lx.work}, depth: p.depth + 1, commands: p.commands}
	if sub.depth > maxNesting {
		p.fail(start, "nesting deeper than %d levels", maxNesting)
	}
	stmts := sub.statementList(tEOF)
	return &subExpr{node: node{start - 2, end + 1}, kind: "$(", stmts: stmts}
}

// Expressions, by precedence (about_Operator_Precedence).

func (p *parser) expression() expr { return p.logical() }

var levelOps = [][]string{
	{"-and", "-or", "-xor"},
	{"-band", "-bor", "-bxor", "-shl", "-shr"},
	{"-eq", "-ieq", "-ceq", "-ne", "-ine", "-cne", "-gt", "-igt", "-cgt", "-ge", "-ige", "-cge", "-lt", "-ilt", "-clt", "-le", "-ile", "-cle",
		"-like", "-ilike", "-clike", "-notlike", "-inotlike", "-cnotlike", "-match", "-imatch", "-cmatch", "-notmatch", "-inotmatch", "-cnotmatch",
		"-replace", "-ireplace", "-creplace", "-contains", "-icontains", "-ccontains", "-notcontains", "-inotcontains", "-cnotcontains",
		"-in", "-iin", "-cin", "-notin", "-inotin", "-cnotin", "-split", "-isplit", "-csplit", "-is", "-isnot", "-as", "-join"},
	{"+", "-"},
	{"*", "/", "%"},
	{"-f"},
	{".."},
}

func (p *parser) logical() expr { return p.level(0) }

func (p *parser) level(n int) expr {
	if n == len(levelOps) {
		return p.arrayLiteral()
	}
	first := p.level(n + 1)
	var ch *chainExpr
	for {
		t := p.peek(modeExpr)
		if t.kind != tOp || !contains(levelOps[n], t.text) {
			if t.kind == tParam {
				p.fail(t.off, "-%s is not an operator; exsim supports the operators of Windows PowerShell 5.1%s", t.text, suggest.DidYouMean(t.text, operatorList()))
			}
			break
		}
		p.take(modeExpr)
		p.skipNewlines()
		if ch == nil {
			ch = &chainExpr{node: node{first.span().off, 0}, first: first}
		}
		ch.ops = append(ch.ops, t.text)
		ch.rest = append(ch.rest, p.level(n+1))
		ch.end = ch.rest[len(ch.rest)-1].span().end
	}
	if ch == nil {
		return first
	}
	return ch
}

func operatorList() []string {
	out := make([]string, 0, len(operatorNames))
	for _, lv := range levelOps {
		for _, o := range lv {
			if strings.HasPrefix(o, "-") && len(o) > 1 {
				out = append(out, o[1:])
			}
		}
	}
	return append(out, "not", "bnot")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (p *parser) arrayLiteral() expr {
	first := p.unaryExpr()
	if p.noComma > 0 || p.peek(modeExpr).kind != tComma {
		return first
	}
	a := &arrayExpr{node: node{first.span().off, 0}, elems: []expr{first}}
	for p.peek(modeExpr).kind == tComma {
		p.take(modeExpr)
		p.skipNewlines()
		a.elems = append(a.elems, p.unaryExpr())
	}
	a.end = a.elems[len(a.elems)-1].span().end
	return a
}

func (p *parser) unaryExpr() expr {
	t := p.peek(modeExpr)
	p.enter(t.off)
	defer p.leave()
	switch {
	case t.kind == tOp && (t.text == "!" || t.text == "-not" || t.text == "-bnot" || t.text == "-" || t.text == "+" || t.text == "-split" || t.text == "-join"):
		p.take(modeExpr)
		p.skipNewlines()
		x := p.unaryExpr()
		op := t.text
		if op == "!" {
			op = "-not"
		}
		if c, ok := x.(*constExpr); ok && op == "-" {
			switch v := c.v.(type) {
			case int:
				return &constExpr{node: node{t.off, c.end}, v: -v}
			case float64:
				return &constExpr{node: node{t.off, c.end}, v: -v}
			}
		}
		return &unaryExpr{node: node{t.off, x.span().end}, op: op, x: x}
	case t.kind == tComma:
		p.take(modeExpr)
		x := p.unaryExpr()
		return &arrayExpr{node: node{t.off, x.span().end}, elems: []expr{x}}
	case t.kind == tOp && (t.text == "++" || t.text == "--"):
		p.take(modeExpr)
		x := p.unaryExpr()
		return &incDecExpr{node: node{t.off, x.span().end}, x: x, op: t.text, prefix: true}
	case t.kind == tLBracket:
		p.take(modeExpr)
		name, ok := p.lx.typeName(t.off)
		if !ok {
			p.fail(t.off, "expected a type name such as [int] after '['")
		}
		tn := &typeExpr{node: node{t.off, p.lx.i}, typ: p.checkType(t.off, name)}
		if p.lx.peek() == ':' && p.lx.peekAt(p.lx.i+1) == ':' {
			return p.postfix(tn)
		}
		if n := p.peek(modeExpr); !startsOperand(n) || n.kind == tOp && n.text != "++" && n.text != "--" && n.text != "!" && n.text != "-not" {
			return tn
		}
		x := p.unaryExpr()
		return &castExpr{node: node{t.off, x.span().end}, typ: tn.typ, x: x}
	}
	return p.postfix(p.primary())
}

func startsOperand(t token) bool {
	switch t.kind {
	case tVariable, tNumber, tString, tLParen, tDollarParen, tAtParen, tAtBrace, tLBracket, tLBrace:
		return true
	case tOp:
		return t.text == "-" || t.text == "!" || t.text == "-not" || t.text == "++" || t.text == "--"
	}
	return false
}

func (p *parser) primary() expr {
	t := p.take(modeExpr)
	n := node{t.off, t.end}
	switch t.kind {
	case tNumber:
		return &constExpr{node: n, v: t.num}
	case tString:
		if !t.expand {
			return &constExpr{node: n, v: t.parts[0].text}
		}
		s := p.stringFromParts(t)
		if c, ok := s.(*constExpr); ok {
			c.node = n
			return c
		}
		return s
	case tVariable:
		return &varExpr{node: n, name: t.text, scope: t.scope}
	case tLParen:
		p.enter(t.off)
		p.skipNewlines()
		inner := p.pipelineStatement()
		p.skipNewlines()
		cl := p.expect(modeCmd, tRParen, "')'")
		p.leave()
		return &subExpr{node: node{t.off, cl.end}, kind: "(", stmts: []stmt{inner}}
	case tDollarParen, tAtParen:
		p.enter(t.off)
		p.opens = append(p.opens, t.off+1)
		stmts := p.statementList(tRParen)
		p.opens = p.opens[:len(p.opens)-1]
		cl := p.take(modeCmd)
		p.leave()
		return &subExpr{node: node{t.off, cl.end}, kind: t.text, stmts: stmts}
	case tAtBrace:
		return p.hashLiteral(t)
	case tLBrace:
		p.enter(t.off)
		p.opens = append(p.opens, t.off)
		sb := p.scriptBody(tRBrace)
		p.opens = p.opens[:len(p.opens)-1]
		cl := p.take(modeCmd)
		p.leave()
		sb.off, sb.stop = t.off, cl.end
		return &scriptBlockExpr{node: node{t.off, cl.end}, sb: sb}
	case tIdent, tGeneric:
		p.fail(t.off, "unexpected '%s' in an expression; to use a command's output in an expression, put the command in parentheses: (%s ...)", t.text, t.text)
	case tParam:
		p.fail(t.off, "-%s is not an operator; exsim supports the operators of Windows PowerShell 5.1%s", t.text, suggest.DidYouMean(t.text, operatorList()))
	}
	p.fail(t.off, "expected a value, found %s", describe(t))
	return nil
}

func (p *parser) hashLiteral(open token) expr {
	p.enter(open.off)
	defer p.leave()
	h := &hashExpr{node: node{open.off, 0}}
	for {
		p.skipSeparators()
		t := p.peek(modeExpr)
		if t.kind == tRBrace {
			p.take(modeExpr)
			h.end = t.end
			return h
		}
		var key expr
		switch t.kind {
		case tIdent:
			p.take(modeExpr)
			key = &constExpr{node: node{t.off, t.end}, v: t.text}
		case tEOF:
			p.fail(open.off, "the hashtable that starts here has no closing '}'")
		default:
			key = p.unaryExpr()
		}
		eq := p.take(modeExpr)
		if eq.kind != tOp || eq.text != "=" {
			p.fail(eq.off, "expected '=' after the hashtable key, as in @{ Name = 'value' }, found %s", describe(eq))
		}
		p.skipNewlines()
		v := p.assignedValue()
		h.entries = append(h.entries, hashEntry{key: key, value: v})
		n := p.peek(modeCmd)
		if n.kind != tNewline && n.kind != tSemi && n.kind != tRBrace {
			p.fail(n.off, "expected ';' or a newline between hashtable entries, found %s", describe(n))
		}
	}
}

// postfix parses member access, method calls, indexing and ++/-- glued to x.
func (p *parser) postfix(x expr) expr {
	for {
		end := x.span().end
		if p.have {
			if p.tok.off != end {
				return x // whitespace: postfix operators must touch the operand
			}
			p.lx.i, p.have = p.tok.off, false
		}
		i := p.lx.i
		if i != end {
			return x
		}
		r := p.lx.peekAt(i)
		switch {
		case r == '.' && p.lx.peekAt(i+1) != '.':
			p.lx.i++
			x = p.member(x, false)
		case r == ':' && p.lx.peekAt(i+1) == ':':
			p.lx.i += 2
			x = p.member(x, true)
		case r == '[':
			p.lx.i++
			p.enter(i)
			p.skipNewlines()
			idx := p.expression()
			p.skipNewlines()
			cl := p.expect(modeExpr, tRBracket, "']' to close the index")
			p.leave()
			x = &indexExpr{node: node{x.span().off, cl.end}, x: x, idx: idx}
		case r == '+' && p.lx.peekAt(i+1) == '+' || r == '-' && p.lx.peekAt(i+1) == '-':
			if _, ok := x.(*constExpr); ok {
				return x
			}
			p.lx.i += 2
			return &incDecExpr{node: node{x.span().off, p.lx.i}, x: x, op: string(r) + string(r)}
		default:
			return x
		}
	}
}

func (p *parser) member(x expr, static bool) expr {
	t := p.take(modeExpr)
	var name expr
	switch t.kind {
	case tIdent:
		name = &constExpr{node: node{t.off, t.end}, v: t.text}
	case tString:
		if t.expand {
			name = p.stringFromParts(t)
		} else {
			name = &constExpr{node: node{t.off, t.end}, v: t.parts[0].text}
		}
	case tVariable:
		name = &varExpr{node: node{t.off, t.end}, name: t.text, scope: t.scope}
	case tDollarParen, tLParen:
		p.have = true
		name = p.primary()
	default:
		p.fail(t.off, "expected a property or method name after '.', found %s", describe(t))
	}
	end := name.span().end
	if p.lx.i == end && p.lx.peekAt(end) == '(' {
		p.lx.i++
		p.enter(end)
		var args []expr
		p.skipNewlines()
		if p.peek(modeExpr).kind != tRParen {
			a := p.expression()
			if arr, ok := a.(*arrayExpr); ok && !strings.HasPrefix(p.lx.src[arr.off:], ",") {
				args = arr.elems
			} else {
				args = []expr{a}
			}
		}
		p.skipNewlines()
		cl := p.expect(modeExpr, tRParen, "')' to close the method arguments")
		p.leave()
		return &invokeExpr{node: node{x.span().off, cl.end}, x: x, name: name, static: static, args: args}
	}
	return &memberExpr{node: node{x.span().off, end}, x: x, name: name, static: static}
}
