package cmdlet

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Pipeline is one cmdlet line: commands joined by '|'.
type Pipeline []Command

// Command is one cmdlet invocation. Args are in source order: a named argument
// ("-Name value", "-Name:value" or a bare "-Switch") or a positional value.
type Command struct {
	Name string
	Args []Arg
	Pos  int // byte offset of the name in the line
}

// Arg is one argument. Name is "" for a positional value. A "-Name" with no value
// has Value.Kind == None: it is a switch, or a parameter missing its value, which
// only Bind can tell.
type Arg struct {
	Name  string
	Value Value
	Pos   int  // byte offset of the argument in the line
	Colon bool // written -Name:value (the value cannot be a separate positional)
}

// Kind is the kind of a Value.
type Kind int

const (
	None   Kind = iota // no value: a bare -Switch
	String             // a bare word or quoted string (numbers too)
	Bool               // $true, $false
	Null               // $null
	List               // a,b,c
	Block              // {...} script block, e.g. a -Filter; Str is the text inside the braces
)

// Value is an argument value.
type Value struct {
	Pos  int // byte offset of the value in the line
	Kind Kind
	Str  string  // String, Block
	Bool bool    // Bool
	List []Value // List
}

// Strings returns a String value as one string and a List of strings as its
// elements; other kinds give nil.
func (v Value) Strings() []string {
	switch v.Kind {
	case String:
		return []string{v.Str}
	case List:
		out := make([]string, 0, len(v.List))
		for _, e := range v.List {
			if e.Kind != String {
				return nil
			}
			out = append(out, e.Str)
		}
		return out
	}
	return nil
}

// Error is a syntax or binding error at a byte offset of the line.
type Error struct {
	Pos int
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("column %d: %s", e.Pos+1, e.Msg) }

func errAt(pos int, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// String prints the pipeline in canonical form; Parse of it gives the same
// pipeline (offsets aside).
func (p Pipeline) String() string {
	parts := make([]string, len(p))
	for i, c := range p {
		parts[i] = c.String()
	}
	return strings.Join(parts, " | ")
}

func (c Command) String() string {
	var b strings.Builder
	b.WriteString(c.Name)
	for _, a := range c.Args {
		b.WriteByte(' ')
		if a.Name != "" {
			b.WriteString("-" + a.Name)
			if a.Value.Kind == None {
				continue
			}
			if a.Colon {
				b.WriteByte(':')
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(a.Value.String())
	}
	return b.String()
}

func (v Value) String() string {
	switch v.Kind {
	case String:
		return quote(v.Str)
	case Bool:
		if v.Bool {
			return "$true"
		}
		return "$false"
	case Null:
		return "$null"
	case List:
		parts := make([]string, len(v.List))
		for i, e := range v.List {
			parts[i] = e.String()
		}
		return strings.Join(parts, ",")
	case Block:
		return "{" + v.Str + "}"
	}
	return ""
}

// quote writes s bare when it lexes back to itself, else single-quoted.
func quote(s string) string {
	bare := s != ""
	if bare {
		switch r := firstRune(s); {
		case isDash(r) || r == '$' || r == '@' || r == '#':
			bare = false
		}
	}
	for _, r := range s {
		if !bare {
			break
		}
		if endOfWord(r) || r == '`' {
			bare = false
		}
	}
	if bare {
		return s
	}
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		if isSingleQuote(r) {
			b.WriteRune(r) // doubled: PowerShell's escape inside single quotes
		}
		b.WriteRune(r)
	}
	b.WriteByte('\'')
	return b.String()
}

func firstRune(s string) rune { r, _ := utf8.DecodeRuneInString(s); return r }

// PowerShell accepts the typographic dashes and quotes that documentation pages
// are full of, so a line pasted from TechNet works here too.
func isDash(r rune) bool { return r == '-' || r == '–' || r == '—' || r == '―' }
func isSingleQuote(r rune) bool {
	return r == '\'' || r == '‘' || r == '’' || r == '‚' || r == '‛'
}
func isDoubleQuote(r rune) bool { return r == '"' || r == '“' || r == '”' || r == '„' }
func isQuote(r rune) bool       { return isSingleQuote(r) || isDoubleQuote(r) }
func isSpace(r rune) bool       { return r == ' ' || r == '\t' || r == '\u00a0' }
