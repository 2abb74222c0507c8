package powershell

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Position is a place in a script: the file name, a 1-based line and a 1-based column
// counted in characters (runes), as PowerShell's "At line:N char:M" counts them.
type Position struct {
	File string
	Line int
	Col  int
}

func (p Position) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// SyntaxError is a script the parser rejects: malformed, over a bound, or using a
// construct exsim does not support. Its text starts with file:line:col.
type SyntaxError struct {
	Pos Position
	Msg string
}

func (e *SyntaxError) Error() string { return e.Pos.String() + ": " + e.Msg }

type tokKind uint8

const (
	tEOF tokKind = iota
	tNewline
	tSemi
	tPipe
	tComma
	tLParen
	tRParen
	tLBrace
	tRBrace
	tLBracket
	tRBracket
	tAtParen     // @(
	tDollarParen // $(
	tAtBrace     // @{
	tVariable    // $name, ${name}, $scope:name
	tSplat       // @name
	tNumber
	tString   // '...', "...", here-strings
	tGeneric  // a bare word in argument mode (may expand $x, $(...))
	tIdent    // a bare word in expression mode (member names, hash keys)
	tParam    // -Name in argument mode (or an unknown -word in expression mode)
	tOp       // operators: -eq, +, =, +=, .., ., ::, !, ++, --, &, ...
	tLabel    // :label at the start of a statement
	tRedirect // > >> 2> 2>&1 *>
	tDashDash // -- (end of parameters)
)

var tokNames = [...]string{"end of script", "newline", "';'", "'|'", "','", "'('", "')'", "'{'", "'}'", "'['", "']'",
	"'@('", "'$('", "'@{'", "variable", "splatted variable", "number", "string", "word", "name", "parameter",
	"operator", "label", "redirection", "'--'"}

func (k tokKind) String() string { return tokNames[k] }

// partKind says what one piece of an expandable string is.
type partKind uint8

const (
	partText partKind = iota
	partVar           // $name or ${name}
	partSub           // $( ... ): source offsets of the inside
)

type strPart struct {
	kind       partKind
	text       string // partText: the literal text, escapes resolved
	name       string // partVar: the variable name
	scope      string // partVar: global, script, env, ...
	start, end int    // partSub: byte range of the statements; partVar: of the reference
}

type token struct {
	kind   tokKind
	off    int // byte offset of the first character
	end    int // byte offset after the last character
	space  bool
	text   string // normalized: operator text in lower case with ASCII '-', parameter name, word text
	scope  string // variables
	num    Value
	parts  []strPart // tString, tGeneric
	expand bool      // tString: double-quoted
	colon  bool      // tParam: written -Name:
}

type lexMode uint8

const (
	modeExpr lexMode = iota
	modeCmd
)

// lexer turns source into tokens on demand; the parser says which mode it is in,
// because PowerShell tokenizes `-eq`, `2+2` and `a$b` differently in argument and
// expression mode.
type lexer struct {
	src   string
	file  string
	lines []int // byte offset of each line start
	i     int
	limit int
	work  *int // tokens scanned by this lexer and its sub-lexers, bounded
}

// maxWorkPerByte bounds parsing time: speculative parsing rescans tokens, and a
// hostile script must not make that quadratic or worse.
const maxWorkPerByte = 64

func newLexer(file, src string) *lexer {
	lx := &lexer{src: src, file: file, limit: len(src), work: new(int)}
	lx.lines = append(lx.lines, 0)
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			lx.lines = append(lx.lines, i+1)
		} else if src[i] == '\r' && (i+1 >= len(src) || src[i+1] != '\n') {
			lx.lines = append(lx.lines, i+1)
		}
	}
	return lx
}

// pos converts a byte offset to a Position.
func (lx *lexer) pos(off int) Position {
	lo, hi := 0, len(lx.lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if lx.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if off > len(lx.src) {
		off = len(lx.src)
	}
	return Position{File: lx.file, Line: lo + 1, Col: utf8.RuneCountInString(lx.src[lx.lines[lo]:off]) + 1}
}

// lineText returns the source line holding off, without its line break.
func (lx *lexer) lineText(off int) string {
	p := lx.pos(off)
	start := lx.lines[p.Line-1]
	end := len(lx.src)
	if p.Line < len(lx.lines) {
		end = lx.lines[p.Line]
	}
	return strings.TrimRight(lx.src[start:end], "\r\n")
}

func (lx *lexer) errAt(off int, format string, args ...any) *SyntaxError {
	return &SyntaxError{Pos: lx.pos(off), Msg: fmt.Sprintf(format, args...)}
}

func (lx *lexer) peekAt(i int) rune {
	if i >= lx.limit {
		return -1
	}
	r, _ := utf8.DecodeRuneInString(lx.src[i:lx.limit])
	return r
}

func (lx *lexer) peek() rune { return lx.peekAt(lx.i) }

func (lx *lexer) advance() rune {
	r, n := utf8.DecodeRuneInString(lx.src[lx.i:lx.limit])
	lx.i += n
	return r
}

func runeLen(r rune) int { return utf8.RuneLen(r) }

// isDash: PowerShell accepts the en dash, em dash and horizontal bar wherever it
// accepts '-' (spec §2.2.3, CharTraits.IsDash), so text pasted from Word parses.
func isDash(r rune) bool { return r == '-' || r == 0x2013 || r == 0x2014 || r == 0x2015 }

// isSingleQuote and isDoubleQuote: the typographic quotes count as quotes (spec §2.3.5.2).
func isSingleQuote(r rune) bool {
	return r == '\'' || r == 0x2018 || r == 0x2019 || r == 0x201A || r == 0x201B
}
func isDoubleQuote(r rune) bool { return r == '"' || r == 0x201C || r == 0x201D || r == 0x201E }
func isQuote(r rune) bool       { return isSingleQuote(r) || isDoubleQuote(r) }

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\f' || r == '\v' || r == 0xA0 || r == 0x85 || (r > 0x7f && unicode.IsSpace(r) && r != 0x2028 && r != 0x2029)
}

func isNewline(r rune) bool { return r == '\n' || r == '\r' }

func isNameChar(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// isMeta reports the characters that end a bare word in argument mode.
func isMeta(r rune) bool {
	switch r {
	case ';', ',', '|', '&', '(', ')', '{', '}', -1:
		return true
	}
	return isSpace(r) || isNewline(r)
}

// skip passes over whitespace, comments and backtick line continuations. It reports
// whether anything was skipped.
func (lx *lexer) skip() (bool, error) {
	start := lx.i
	for lx.i < lx.limit {
		r := lx.peek()
		switch {
		case isSpace(r):
			lx.advance()
		case r == '`' && isNewline(lx.peekAt(lx.i+1)):
			lx.advance()
			if lx.advance() == '\r' && lx.peek() == '\n' {
				lx.advance()
			}
		case r == '#':
			for lx.i < lx.limit && !isNewline(lx.peek()) {
				lx.advance()
			}
		case r == '<' && lx.peekAt(lx.i+1) == '#':
			at := lx.i
			j := strings.Index(lx.src[lx.i+2:lx.limit], "#>")
			if j < 0 {
				return false, lx.errAt(at, "the comment that starts here with '<#' has no closing '#>'")
			}
			lx.i += 2 + j + 2
		default:
			return lx.i > start, nil
		}
	}
	return lx.i > start, nil
}

// next scans one token in the given mode.
func (lx *lexer) next(mode lexMode) (token, error) {
	if lx.work != nil {
		*lx.work++
		if *lx.work > maxWorkPerByte*len(lx.src)+10000 {
			return token{}, lx.errAt(lx.i, "the script is too complex to parse (more than %d tokens scanned); exsim refuses it", *lx.work-1)
		}
	}
	sp, err := lx.skip()
	if err != nil {
		return token{}, err
	}
	if lx.i == 0 || (lx.i > 0 && isNewline(rune(lx.src[lx.i-1]))) {
		sp = true
	}
	t, err := lx.scan(mode)
	t.space = sp
	return t, err
}

func (lx *lexer) tok(kind tokKind, start int, text string) token {
	return token{kind: kind, off: start, end: lx.i, text: text}
}

var operatorNames = map[string]bool{}

func init() {
	for _, n := range strings.Fields(`bnot not eq ieq ceq ne ine cne ge ige cge gt igt cgt lt ilt clt le ile cle
		like ilike clike notlike inotlike cnotlike match imatch cmatch notmatch inotmatch cnotmatch
		replace ireplace creplace contains icontains ccontains notcontains inotcontains cnotcontains
		in iin cin notin inotin cnotin split isplit csplit isnot is as f and band or bor xor bxor join shl shr`) {
		operatorNames[n] = true
	}
}

func (lx *lexer) scan(mode lexMode) (token, error) {
	start := lx.i
	if lx.i >= lx.limit {
		return lx.tok(tEOF, start, ""), nil
	}
	r := lx.advance()
	switch {
	case isNewline(r):
		if r == '\r' && lx.peek() == '\n' {
			lx.advance()
		}
		return lx.tok(tNewline, start, "\n"), nil
	case r == ';':
		return lx.tok(tSemi, start, ";"), nil
	case r == '|':
		if lx.peek() == '|' {
			return token{}, lx.errAt(start, "'||' is not supported: pipeline chain operators are PowerShell 7, not Windows PowerShell 5.1; use if (-not $?) { ... }")
		}
		return lx.tok(tPipe, start, "|"), nil
	case r == ',':
		return lx.tok(tComma, start, ","), nil
	case r == '(':
		return lx.tok(tLParen, start, "("), nil
	case r == ')':
		return lx.tok(tRParen, start, ")"), nil
	case r == '{':
		return lx.tok(tLBrace, start, "{"), nil
	case r == '}':
		return lx.tok(tRBrace, start, "}"), nil
	case r == '&':
		if lx.peek() == '&' {
			return token{}, lx.errAt(start, "'&&' is not supported: pipeline chain operators are PowerShell 7, not Windows PowerShell 5.1; use if ($?) { ... }")
		}
		return lx.tok(tOp, start, "&"), nil
	case isSingleQuote(r):
		return lx.verbatimString(start)
	case isDoubleQuote(r):
		return lx.expandableString(start, false)
	case r == '@':
		return lx.at(start, mode)
	case r == '$':
		return lx.variable(start, mode)
	case r == '>' || ((r == '*' || (r >= '1' && r <= '6')) && lx.peek() == '>'):
		return lx.redirect(start, r)
	case r == '<':
		return token{}, lx.errAt(start, "the '<' operator is reserved for future use; exsim supports -lt for comparison")
	}
	if mode == modeCmd {
		return lx.cmdToken(start, r)
	}
	return lx.exprToken(start, r)
}

func (lx *lexer) redirect(start int, r rune) (token, error) {
	if r != '>' {
		lx.advance() // the '>'
	}
	if lx.peek() == '>' {
		lx.advance()
	} else if lx.peek() == '&' {
		lx.advance()
		if d := lx.peek(); d >= '1' && d <= '2' {
			lx.advance()
		} else {
			return token{}, lx.errAt(start, "a redirection 'n>&' must name stream 1 or 2, as in 2>&1")
		}
	}
	return lx.tok(tRedirect, start, lx.src[start:lx.i]), nil
}

func (lx *lexer) at(start int, mode lexMode) (token, error) {
	switch r := lx.peek(); {
	case r == '(':
		lx.advance()
		return lx.tok(tAtParen, start, "@("), nil
	case r == '{':
		lx.advance()
		return lx.tok(tAtBrace, start, "@{"), nil
	case isQuote(r):
		return lx.hereString(start)
	case isNameChar(r) || r == '?':
		ns := lx.i
		if r == '?' {
			lx.advance() // @? splats $?, a one-character name (found by FuzzRun: it was an empty name)
		} else {
			for isNameChar(lx.peek()) {
				lx.advance()
			}
		}
		if mode == modeExpr {
			return token{}, lx.errAt(start, "splatting (@%s) is only valid as a command argument, not in an expression", lx.src[ns:lx.i])
		}
		return lx.tok(tSplat, start, lx.src[ns:lx.i]), nil
	}
	if mode == modeCmd {
		return lx.generic(start)
	}
	return token{}, lx.errAt(start, "unexpected '@'; exsim supports @( ), @{ }, @\" \"@ here-strings and @name splatting")
}

// scopeNames are the variable scope and namespace prefixes exsim resolves.
var scopeNames = map[string]bool{"global": true, "script": true, "local": true, "private": true, "env": true, "variable": true, "using": true}

// varRef scans a variable reference after '$' at lx.i; it returns the name and scope.
// ok is false when no name follows (a lone '$').
func (lx *lexer) varRef(dollar int) (name, scope string, ok bool, err error) {
	r := lx.peek()
	switch {
	case r == '{':
		lx.advance()
		ns := lx.i
		for lx.i < lx.limit && lx.peek() != '}' {
			if lx.peek() == '`' {
				lx.advance()
			}
			if lx.i < lx.limit {
				lx.advance()
			}
		}
		if lx.i >= lx.limit {
			return "", "", false, lx.errAt(dollar, "the variable name that starts here with '${' has no closing '}'")
		}
		name = strings.ReplaceAll(lx.src[ns:lx.i], "`", "")
		lx.advance()
		if i := strings.IndexByte(name, ':'); i > 0 && scopeNames[strings.ToLower(name[:i])] {
			return name[i+1:], strings.ToLower(name[:i]), true, nil
		}
		return name, "", true, nil
	case r == '?' || r == '$' || r == '^':
		lx.advance()
		return string(r), "", true, nil
	case isNameChar(r):
		ns := lx.i
		for isNameChar(lx.peek()) {
			lx.advance()
		}
		name = lx.src[ns:lx.i]
		if lx.peek() == ':' && lx.peekAt(lx.i+1) != ':' {
			colon := lx.i
			if isNameChar(lx.peekAt(lx.i + 1)) {
				ls := strings.ToLower(name)
				if !scopeNames[ls] {
					return "", "", false, lx.errAt(dollar, "$%s: is a drive-qualified variable; exsim supports the scopes global:, script:, local:, private: and the namespaces env:, variable:", name)
				}
				lx.advance()
				ns = lx.i
				for isNameChar(lx.peek()) {
					lx.advance()
				}
				return lx.src[ns:lx.i], ls, true, nil
			}
			if lx.peekAt(lx.i+1) != '\\' && lx.peekAt(lx.i+1) != '/' {
				return "", "", false, lx.errAt(colon, "Variable reference is not valid. ':' was not followed by a valid variable name character. Consider using ${} to delimit the name (as in \"${%s}:\")", name)
			}
		}
		return name, "", true, nil
	}
	return "", "", false, nil
}

func (lx *lexer) variable(start int, mode lexMode) (token, error) {
	if lx.peek() == '(' {
		lx.advance()
		return lx.tok(tDollarParen, start, "$("), nil
	}
	name, scope, ok, err := lx.varRef(start)
	if err != nil {
		return token{}, err
	}
	if !ok {
		if mode == modeCmd {
			lx.i = start
			return lx.generic(start)
		}
		return token{}, lx.errAt(start, "'$' must be followed by a variable name, '{', or '('")
	}
	if mode == modeCmd {
		// After a simple variable, further characters stay in the same argument
		// ($HOME\x); '.', '[' and ':' start member access or end the token.
		if r := lx.peek(); !isMeta(r) && r != '.' && r != '[' && r != ':' {
			lx.i = start
			return lx.generic(start)
		}
	}
	t := lx.tok(tVariable, start, name)
	t.scope = scope
	return t, nil
}

func (lx *lexer) exprToken(start int, r rune) (token, error) {
	switch {
	case isDash(r):
		switch p := lx.peek(); {
		case isDash(p):
			lx.advance()
			return lx.tok(tOp, start, "--"), nil
		case p == '=':
			lx.advance()
			return lx.tok(tOp, start, "-="), nil
		case unicode.IsLetter(p) || p == '_' || p == '?':
			ns := lx.i
			for isNameChar(lx.peek()) || lx.peek() == '?' || isDash(lx.peek()) {
				lx.advance()
			}
			w := strings.ToLower(lx.src[ns:lx.i])
			if operatorNames[w] {
				return lx.tok(tOp, start, "-"+w), nil
			}
			return lx.tok(tParam, start, lx.src[ns:lx.i]), nil
		}
		return lx.tok(tOp, start, "-"), nil
	case r == '+':
		if p := lx.peek(); p == '+' || p == '=' {
			lx.advance()
			return lx.tok(tOp, start, "+"+string(p)), nil
		}
		return lx.tok(tOp, start, "+"), nil
	case r == '*' || r == '/' || r == '%':
		if lx.peek() == '=' {
			lx.advance()
			return lx.tok(tOp, start, string(r)+"="), nil
		}
		return lx.tok(tOp, start, string(r)), nil
	case r == '=':
		if lx.peek() == '=' {
			return token{}, lx.errAt(start, "'==' is not a PowerShell operator; use -eq")
		}
		return lx.tok(tOp, start, "="), nil
	case r == '!':
		if lx.peek() == '=' {
			return token{}, lx.errAt(start, "'!=' is not a PowerShell operator; use -ne")
		}
		return lx.tok(tOp, start, "!"), nil
	case r == '.':
		if lx.peek() == '.' {
			lx.advance()
			return lx.tok(tOp, start, ".."), nil
		}
		if unicode.IsDigit(lx.peek()) {
			lx.i = start
			return lx.number(start, modeExpr)
		}
		return lx.tok(tOp, start, "."), nil
	case r == ':':
		if lx.peek() == ':' {
			lx.advance()
			return lx.tok(tOp, start, "::"), nil
		}
		return token{}, lx.errAt(start, "unexpected ':'")
	case r == '[':
		return lx.tok(tLBracket, start, "["), nil
	case r == ']':
		return lx.tok(tRBracket, start, "]"), nil
	case unicode.IsDigit(r):
		lx.i = start
		return lx.number(start, modeExpr)
	case isNameChar(r):
		for isNameChar(lx.peek()) || isDash(lx.peek()) {
			lx.advance()
		}
		return lx.tok(tIdent, start, lx.src[start:lx.i]), nil
	case r == '?':
		if lx.peek() == '?' {
			return token{}, lx.errAt(start, "'??' (null-coalescing) is PowerShell 7, not Windows PowerShell 5.1; use if ($null -eq $x) { ... }")
		}
		return token{}, lx.errAt(start, "'?' is not an operator in Windows PowerShell 5.1 (the ternary and ?. operators are PowerShell 7); use if/else")
	}
	return token{}, lx.errAt(start, "unexpected character %q", r)
}

func (lx *lexer) cmdToken(start int, r rune) (token, error) {
	switch {
	case isDash(r):
		p := lx.peek()
		if isDash(p) {
			if lx.peekAt(lx.i+1) == '%' {
				return token{}, lx.errAt(start, "the stop-parsing token --%% is not supported; quote the arguments instead")
			}
			if isMeta(lx.peekAt(lx.i + runeLen(p))) {
				lx.advance()
				return lx.tok(tDashDash, start, "--"), nil
			}
		}
		if unicode.IsLetter(p) || p == '_' || p == '?' {
			ns := lx.i
			for {
				c := lx.peek()
				if isMeta(c) || c == '.' || c == '[' || c == ':' {
					break
				}
				if isQuote(c) || c == '$' || c == '`' {
					// Quotes are never part of a parameter: the whole thing is an argument.
					lx.i = start
					return lx.generic(start)
				}
				lx.advance()
			}
			t := lx.tok(tParam, start, lx.src[ns:lx.i])
			if lx.peek() == ':' {
				lx.advance()
				t.colon = true
				t.end = lx.i
			}
			return t, nil
		}
		if unicode.IsDigit(p) || (p == '.' && unicode.IsDigit(lx.peekAt(lx.i+1))) {
			lx.i = start
			return lx.number(start, modeCmd)
		}
	case unicode.IsDigit(r) || (r == '.' && unicode.IsDigit(lx.peek())):
		lx.i = start
		return lx.number(start, modeCmd)
	case r == '.' && (isSpace(lx.peek()) || isNewline(lx.peek())):
		return lx.tok(tOp, start, "."), nil
	case r == ':' && isNameChar(lx.peek()):
		for isNameChar(lx.peek()) {
			lx.advance()
		}
		return lx.tok(tLabel, start, lx.src[start+1:lx.i]), nil
	}
	lx.i = start
	return lx.generic(start)
}

// generic scans a bare word of argument mode: everything up to whitespace or a
// metacharacter, expandable as if double-quoted ($x, $(...), `x), with quoted
// pieces glued on (a'$a' is "a$a").
func (lx *lexer) generic(start int) (token, error) {
	var parts []strPart
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, strPart{kind: partText, text: lit.String()})
			lit.Reset()
		}
	}
	for lx.i < lx.limit {
		r := lx.peek()
		if isMeta(r) {
			break
		}
		switch {
		case r == '`':
			lx.advance()
			if lx.i >= lx.limit {
				break
			}
			lit.WriteRune(escape(lx.advance()))
		case isSingleQuote(r):
			at := lx.i
			lx.advance()
			t, err := lx.verbatimString(at)
			if err != nil {
				return token{}, err
			}
			lit.WriteString(t.parts[0].text)
		case isDoubleQuote(r):
			at := lx.i
			lx.advance()
			t, err := lx.expandableString(at, false)
			if err != nil {
				return token{}, err
			}
			flush()
			parts = append(parts, t.parts...)
		case r == '$':
			at := lx.i
			lx.advance()
			if lx.peek() == '(' {
				lx.advance()
				end, err := lx.skipSub(at)
				if err != nil {
					return token{}, err
				}
				flush()
				parts = append(parts, strPart{kind: partSub, start: at + 2, end: end})
				continue
			}
			name, scope, ok, err := lx.varRef(at)
			if err != nil {
				return token{}, err
			}
			if !ok {
				lit.WriteByte('$')
				continue
			}
			flush()
			parts = append(parts, strPart{kind: partVar, name: name, scope: scope, start: at, end: lx.i})
		default:
			lit.WriteRune(lx.advance())
		}
	}
	flush()
	t := lx.tok(tGeneric, start, lx.src[start:lx.i])
	t.parts = parts
	return t, nil
}

// escape resolves a backtick escape (about_Special_Characters; case-sensitive).
func escape(r rune) rune {
	switch r {
	case '0':
		return 0
	case 'a':
		return 7
	case 'b':
		return 8
	case 'f':
		return 12
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case 'v':
		return 11
	}
	return r
}

// verbatimString scans '...' whose opening quote is already consumed.
func (lx *lexer) verbatimString(start int) (token, error) {
	var b strings.Builder
	for {
		if lx.i >= lx.limit {
			return token{}, lx.errAt(start, "the string that starts here has no closing quote")
		}
		r := lx.advance()
		if isSingleQuote(r) {
			if isSingleQuote(lx.peek()) {
				b.WriteRune(lx.advance())
				continue
			}
			break
		}
		b.WriteRune(r)
	}
	t := lx.tok(tString, start, b.String())
	t.parts = []strPart{{kind: partText, text: b.String()}}
	return t, nil
}

// expandableString scans "..." (or a here-string body when here is set) whose
// opening quote is consumed.
func (lx *lexer) expandableString(start int, here bool) (token, error) {
	var parts []strPart
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, strPart{kind: partText, text: lit.String()})
			lit.Reset()
		}
	}
	for {
		if lx.i >= lx.limit {
			if here {
				break
			}
			return token{}, lx.errAt(start, "the string that starts here has no closing quote")
		}
		r := lx.advance()
		switch {
		case r == '`':
			if lx.i < lx.limit {
				lit.WriteRune(escape(lx.advance()))
			}
		case !here && isDoubleQuote(r):
			if isDoubleQuote(lx.peek()) {
				lit.WriteRune(lx.advance())
				continue
			}
			flush()
			t := lx.tok(tString, start, "")
			t.parts, t.expand = parts, true
			return t, nil
		case r == '$':
			at := lx.i - 1
			if lx.peek() == '(' {
				lx.advance()
				end, err := lx.skipSub(at)
				if err != nil {
					return token{}, err
				}
				flush()
				parts = append(parts, strPart{kind: partSub, start: at + 2, end: end})
				continue
			}
			if p := lx.peek(); p == '$' || p == '^' {
				lit.WriteByte('$')
				continue
			}
			name, scope, ok, err := lx.varRef(at)
			if err != nil {
				return token{}, err
			}
			if !ok {
				lit.WriteByte('$')
				continue
			}
			flush()
			parts = append(parts, strPart{kind: partVar, name: name, scope: scope, start: at, end: lx.i})
		default:
			lit.WriteRune(r)
		}
	}
	flush()
	t := lx.tok(tString, start, "")
	t.parts, t.expand = parts, true
	return t, nil
}

// skipSub finds the ')' that closes the "$(" at dollar; lx.i is just after the '('.
// It returns the offset of the ')' and leaves lx.i after it.
func (lx *lexer) skipSub(dollar int) (int, error) {
	depth := 1
	for {
		t, err := lx.next(modeCmd)
		if err != nil {
			return 0, err
		}
		switch t.kind {
		case tEOF:
			return 0, lx.errAt(dollar, "the subexpression that starts here with '$(' has no closing ')'")
		case tLParen, tAtParen, tDollarParen, tLBrace, tAtBrace:
			depth++
		case tRParen, tRBrace:
			depth--
			if depth == 0 {
				return t.off, nil
			}
		}
	}
}

// hereString scans @"..."@ or @'...'@; lx.i is at the quote.
func (lx *lexer) hereString(start int) (token, error) {
	q := lx.advance()
	for isSpace(lx.peek()) {
		lx.advance()
	}
	if !isNewline(lx.peek()) {
		return token{}, lx.errAt(start, "a here-string's opening @%c must be the last thing on its line", q)
	}
	if lx.advance() == '\r' && lx.peek() == '\n' {
		lx.advance()
	}
	bodyStart := lx.i
	// The closer is a quote of the same kind followed by '@' at the start of a line.
	bodyEnd, after := -1, -1
	for i := bodyStart; i < lx.limit; {
		lineStart := i
		r, n := utf8.DecodeRuneInString(lx.src[i:lx.limit])
		if ((isDoubleQuote(q) && isDoubleQuote(r)) || (isSingleQuote(q) && isSingleQuote(r))) && i+n < lx.limit && lx.src[i+n] == '@' {
			bodyEnd, after = lineStart, i+n+1
			break
		}
		j := strings.IndexAny(lx.src[i:lx.limit], "\r\n")
		if j < 0 {
			break
		}
		i += j
		if lx.src[i] == '\r' && i+1 < lx.limit && lx.src[i+1] == '\n' {
			i++
		}
		i++
	}
	if bodyEnd < 0 {
		return token{}, lx.errAt(start, "the here-string that starts here has no closing %c@ at the start of a line", q)
	}
	// The line break before the closer is not part of the value.
	end := bodyEnd
	if end > bodyStart && lx.src[end-1] == '\n' {
		end--
	}
	if end > bodyStart && lx.src[end-1] == '\r' {
		end--
	}
	if end < bodyStart {
		end = bodyStart
	}
	var t token
	if isSingleQuote(q) {
		text := lx.src[bodyStart:end]
		t = token{kind: tString, text: text, parts: []strPart{{kind: partText, text: text}}}
	} else {
		sub := &lexer{src: lx.src, file: lx.file, lines: lx.lines, i: bodyStart, limit: end, work: lx.work}
		st, err := sub.expandableString(start, true)
		if err != nil {
			return token{}, err
		}
		t = st
	}
	lx.i = after
	t.off, t.end = start, after
	return t, nil
}

// number scans a numeric literal: decimal or 0x hex, optional fraction and
// exponent, the l and d type suffixes and the kb..pb multipliers (spec §2.3.5.1).
// In argument mode a number glued to other characters (10.0.0.1, 2+2) is a word.
func (lx *lexer) number(start int, mode lexMode) (token, error) {
	i := start
	neg := false
	if r := lx.peekAt(i); isDash(r) {
		neg = true
		i += runeLen(r)
	}
	s := lx.src[:lx.limit]
	digits := func(j int, hex bool) int {
		for j < len(s) && (s[j] >= '0' && s[j] <= '9' || hex && strings.IndexByte("abcdefABCDEF", s[j]) >= 0) {
			j++
		}
		return j
	}
	var v Value
	j := i
	isHex := j+1 < len(s) && s[j] == '0' && (s[j+1] == 'x' || s[j+1] == 'X')
	real := false
	if isHex {
		j = digits(j+2, true)
	} else {
		j = digits(j, false)
		if j < len(s) && s[j] == '.' && j+1 < len(s) && s[j+1] >= '0' && s[j+1] <= '9' {
			real = true
			j = digits(j+1, false)
		} else if j < len(s) && s[j] == '.' && !(j+1 < len(s) && s[j+1] == '.') && mode == modeExpr {
			real = true
			j++
		}
		if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
			k := j + 1
			if k < len(s) && (s[k] == '+' || s[k] == '-') {
				k++
			}
			if k < len(s) && s[k] >= '0' && s[k] <= '9' {
				real = true
				j = digits(k, false)
			}
		}
	}
	lit := lx.src[i:j]
	suffix := ""
	if j < len(s) && (s[j] == 'l' || s[j] == 'L' || s[j] == 'd' || s[j] == 'D') && !(j+1 < len(s) && (s[j+1] == 'b' || s[j+1] == 'B')) {
		suffix = strings.ToLower(s[j : j+1])
		j++
	}
	mult := 1.0
	if j+1 < len(s) {
		switch strings.ToLower(s[j : j+2]) {
		case "kb":
			mult = 1 << 10
		case "mb":
			mult = 1 << 20
		case "gb":
			mult = 1 << 30
		case "tb":
			mult = 1 << 40
		case "pb":
			mult = 1 << 50
		}
		if mult != 1 {
			j += 2
		}
	}
	lx.i = j
	if r := lx.peek(); lit == "" || lit == "0x" || lit == "0X" || !(isMeta(r) || (mode == modeExpr && !isNameChar(r) && r != '.')) {
		if mode == modeCmd {
			lx.i = start
			return lx.generic(start)
		}
		if lit == "" || isNameChar(r) {
			return token{}, lx.errAt(start, "%q is not a valid number", lx.src[start:min(len(s), j+1)])
		}
	}
	switch {
	case isHex:
		u, err := strconv.ParseUint(lit[2:], 16, 64)
		if err != nil {
			return token{}, lx.errAt(start, "the hexadecimal number %s is too large", lit)
		}
		v = int(u)
		if u <= math.MaxUint32 && u > math.MaxInt32 && suffix != "l" {
			v = int(int32(uint32(u)))
		}
	case real || suffix == "d":
		f, err := strconv.ParseFloat(lit, 64)
		if err != nil {
			return token{}, lx.errAt(start, "%s is not a valid number", lit)
		}
		v = f
	default:
		n, err := strconv.ParseInt(lit, 10, 64)
		if err != nil {
			f, _ := strconv.ParseFloat(lit, 64)
			v = f
		} else {
			v = int(n)
		}
	}
	if mult != 1 {
		switch x := v.(type) {
		case int:
			if float64(x)*mult < math.MaxInt64 {
				v = x * int(mult)
			} else {
				v = float64(x) * mult
			}
		case float64:
			v = x * mult
		}
	}
	if neg {
		switch x := v.(type) {
		case int:
			v = -x
		case float64:
			v = -x
		}
	}
	t := lx.tok(tNumber, start, lx.src[start:lx.i])
	t.num = v
	return t, nil
}

// typeName scans the inside of a type literal after '[' up to its ']' (nested
// brackets allowed, as in [string[]] or [System.Collections.Generic.List[string]]).
func (lx *lexer) typeName(open int) (string, bool) {
	depth := 0
	ns := lx.i
	for lx.i < lx.limit {
		r := lx.peek()
		switch {
		case r == '[':
			depth++
		case r == ']':
			if depth == 0 {
				name := strings.TrimSpace(lx.src[ns:lx.i])
				lx.advance()
				return name, name != ""
			}
			depth--
		case isNameChar(r) || r == '.' || r == ',' || r == '`' || r == '+' || isSpace(r):
		default:
			lx.i = ns
			return "", false
		}
		lx.advance()
	}
	lx.i = ns
	return "", false
}
