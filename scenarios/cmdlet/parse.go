package cmdlet

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLen bounds the length of a line Parse accepts.
const MaxLen = 4096

// Parse parses one cmdlet line: `Verb-Noun -Param value -Switch -Param:$false`,
// positional values, 'single' and "double" quotes, $true/$false/$null, a,b lists,
// {script blocks} kept verbatim, and '|' pipes. Variables, subexpressions,
// semicolons and comments are errors: a step is one pipeline of literal values.
func Parse(line string) (Pipeline, error) {
	if len(line) > MaxLen {
		return nil, errAt(MaxLen, "line longer than %d bytes", MaxLen)
	}
	if !utf8.ValidString(line) {
		return nil, errAt(0, "line is not valid UTF-8")
	}
	p := &parser{s: line}
	var out Pipeline
	for {
		c, err := p.command()
		if err != nil {
			return nil, err
		}
		out = append(out, c)
		p.skipSpace()
		if p.eof() {
			return out, nil
		}
		if p.peek() != '|' {
			return nil, errAt(p.i, "unexpected %q", p.peek())
		}
		p.i++
	}
}

type parser struct {
	s     string
	i     int
	start int // where the value being read starts
}

func (p *parser) eof() bool { return p.i >= len(p.s) }

func (p *parser) peek() rune {
	r, _ := utf8.DecodeRuneInString(p.s[p.i:])
	return r
}

func (p *parser) next() rune {
	r, n := utf8.DecodeRuneInString(p.s[p.i:])
	p.i += n
	return r
}

func (p *parser) skipSpace() {
	for !p.eof() && isSpace(p.peek()) {
		p.next()
	}
}

// endOfWord reports whether r ends a bare word.
func endOfWord(r rune) bool {
	return isSpace(r) || r == '|' || r == ',' || r == ';' || r == '{' || r == '}' || r == '(' || r == ')' || isQuote(r)
}

func (p *parser) command() (Command, error) {
	p.skipSpace()
	if p.eof() {
		if p.i == 0 {
			return Command{}, errAt(p.i, "empty cmdlet line")
		}
		return Command{}, errAt(p.i, "expected a cmdlet after '|'")
	}
	start := p.i
	for !p.eof() && !endOfWord(p.peek()) {
		p.next()
	}
	name := p.s[start:p.i]
	if !validName(name) {
		if name == "" {
			return Command{}, errAt(start, "expected a cmdlet name, found %q", p.peek())
		}
		return Command{}, errAt(start, "%q is not a cmdlet name (want Verb-Noun, e.g. Get-Queue, or a script such as .\\StartDagServerMaintenance.ps1)", name)
	}
	c := Command{Name: name, Pos: start}
	for {
		p.skipSpace()
		if p.eof() || p.peek() == '|' {
			return c, nil
		}
		r := p.peek()
		if r == ';' {
			return c, errAt(p.i, "one cmdlet per line: ';' is not allowed")
		}
		if r == '#' {
			return c, errAt(p.i, "comments are not allowed in a cmdlet line")
		}
		if isDash(r) && p.isParamName() {
			a, err := p.named()
			if err != nil {
				return c, err
			}
			c.Args = append(c.Args, a)
			continue
		}
		pos := p.i
		v, err := p.value()
		if err != nil {
			return c, err
		}
		c.Args = append(c.Args, Arg{Value: v, Pos: pos})
	}
}

// validName accepts Verb-Noun, and an Exchange script as it is run from
// $exscripts: Name.ps1 or .\Name.ps1.
func validName(n string) bool {
	if _, alias := Aliases[strings.ToLower(n)]; alias {
		return true
	}
	if script := strings.TrimPrefix(strings.TrimPrefix(n, `.\`), "./"); strings.HasSuffix(strings.ToLower(script), ".ps1") {
		return alnum(script[:len(script)-4])
	}
	dash := strings.IndexByte(n, '-')
	if dash <= 0 || dash == len(n)-1 {
		return false
	}
	return alnum(n[:dash]) && alnum(n[dash+1:])
}

func alnum(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
			return false
		}
	}
	return true
}

// isParamName reports whether a dash at p.i starts a parameter name (a letter
// follows), not a negative number or a bare "-".
func (p *parser) isParamName() bool {
	_, n := utf8.DecodeRuneInString(p.s[p.i:])
	r, _ := utf8.DecodeRuneInString(p.s[p.i+n:])
	return unicode.IsLetter(r) || r == '_' || r == '?'
}

func (p *parser) named() (Arg, error) {
	pos := p.i
	p.next() // dash
	start := p.i
	for !p.eof() {
		r := p.peek()
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '?') {
			break
		}
		p.next()
	}
	a := Arg{Name: p.s[start:p.i], Pos: pos}
	if !p.eof() && p.peek() == ':' {
		p.next()
		a.Colon = true
		p.skipSpace()
		if p.eof() || p.peek() == '|' {
			return a, errAt(p.i, "missing a value after -%s:", a.Name)
		}
		v, err := p.value()
		if err != nil {
			return a, err
		}
		a.Value = v
		return a, nil
	}
	if !p.eof() && !endOfWord(p.peek()) {
		return a, errAt(p.i, "unexpected %q in parameter name -%s", p.peek(), a.Name)
	}
	// A following value belongs to this parameter unless it is another parameter;
	// Bind gives it back as positional when the parameter turns out to be a switch.
	save := p.i
	p.skipSpace()
	if p.eof() || p.peek() == '|' || p.peek() == ';' || p.peek() == '#' || (isDash(p.peek()) && p.isParamName()) {
		p.i = save
		return a, nil
	}
	v, err := p.value()
	if err != nil {
		return a, err
	}
	a.Value = v
	return a, nil
}

// value parses one value or a comma list of them.
func (p *parser) value() (Value, error) {
	first, err := p.single()
	if err != nil {
		return Value{}, err
	}
	save := p.i
	p.skipSpace()
	if p.eof() || p.peek() != ',' {
		p.i = save
		return first, nil
	}
	list := Value{Kind: List, List: []Value{first}, Pos: first.Pos}
	for !p.eof() && p.peek() == ',' {
		p.next()
		p.skipSpace()
		if p.eof() || p.peek() == '|' {
			return Value{}, errAt(p.i, "missing a list element after ','")
		}
		e, err := p.single()
		if err != nil {
			return Value{}, err
		}
		list.List = append(list.List, e)
		save = p.i
		p.skipSpace()
		if p.eof() || p.peek() != ',' {
			p.i = save
		}
	}
	return list, nil
}

func (p *parser) single() (Value, error) {
	v, err := p.single1()
	v.Pos = p.start
	return v, err
}

func (p *parser) single1() (Value, error) {
	start := p.i
	p.start = start
	r := p.peek()
	switch {
	case isSingleQuote(r):
		return p.singleQuoted()
	case isDoubleQuote(r):
		return p.doubleQuoted()
	case r == '{':
		return p.block()
	case r == '$':
		p.next()
		w := p.word()
		switch strings.ToLower(w) {
		case "true":
			return Value{Kind: Bool, Bool: true}, nil
		case "false":
			return Value{Kind: Bool, Bool: false}, nil
		case "null":
			return Value{Kind: Null}, nil
		}
		return Value{}, errAt(start, "variables are not supported (only $true, $false, $null): $%s", w)
	case r == '(' || r == '@':
		return Value{}, errAt(start, "expressions are not supported: write the value itself")
	case r == ',' || r == '}' || r == ')' || r == ';':
		return Value{}, errAt(start, "unexpected %q", r)
	}
	w := p.word()
	if w == "" {
		return Value{}, errAt(start, "expected a value, found %q", r)
	}
	return Value{Kind: String, Str: w}, nil
}

func (p *parser) word() string {
	start := p.i
	for !p.eof() && !endOfWord(p.peek()) {
		p.next()
	}
	return p.s[start:p.i]
}

func (p *parser) singleQuoted() (Value, error) {
	start := p.i
	p.next()
	var b strings.Builder
	for !p.eof() {
		r := p.next()
		if isSingleQuote(r) {
			if !p.eof() && isSingleQuote(p.peek()) {
				b.WriteRune(p.next())
				continue
			}
			return Value{Kind: String, Str: b.String()}, nil
		}
		b.WriteRune(r)
	}
	return Value{}, errAt(start, "unterminated quoted string")
}

func (p *parser) doubleQuoted() (Value, error) {
	start := p.i
	p.next()
	var b strings.Builder
	for !p.eof() {
		r := p.next()
		switch {
		case isDoubleQuote(r):
			if !p.eof() && isDoubleQuote(p.peek()) {
				b.WriteRune(p.next())
				continue
			}
			return Value{Kind: String, Str: b.String()}, nil
		case r == '`':
			if p.eof() {
				return Value{}, errAt(start, "unterminated quoted string")
			}
			e := p.next()
			switch e {
			case 'n':
				e = '\n'
			case 't':
				e = '\t'
			case '0':
				e = 0
			}
			b.WriteRune(e)
		case r == '$':
			if !p.eof() && (unicode.IsLetter(p.peek()) || p.peek() == '(' || p.peek() == '{') {
				return Value{}, errAt(p.i-1, "variables are not expanded here: use single quotes or escape $ with `$")
			}
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return Value{}, errAt(start, "unterminated quoted string")
}

// block reads a script block, kept verbatim; braces inside quotes do not count.
func (p *parser) block() (Value, error) {
	start := p.i
	p.next()
	depth := 1
	var quote rune
	for !p.eof() {
		r := p.next()
		switch {
		case quote != 0:
			if (quote == '\'' && isSingleQuote(r)) || (quote == '"' && isDoubleQuote(r)) {
				quote = 0
			}
		case isSingleQuote(r):
			quote = '\''
		case isDoubleQuote(r):
			quote = '"'
		case r == '{':
			depth++
		case r == '}':
			depth--
			if depth == 0 {
				return Value{Kind: Block, Str: p.s[start+1 : p.i-1]}, nil
			}
		}
	}
	return Value{}, errAt(start, "unterminated script block: missing '}'")
}
