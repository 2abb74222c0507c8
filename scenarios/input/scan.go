package input

import (
	"fmt"
	"unicode/utf8"
)

// Limits bound what [Scan] accepts. A zero field takes its default; the defaults
// are what scenario files get.
//
// The parser, not the file, sets the scale. go-yaml allocates 1 to 2.5 KB per
// collection entry and about 0.3 KB per line; its cost grows faster than linearly
// with nesting (40,000 '[' take it 2.5 GB), with the keys of one block mapping
// (8,000 keys: 293 MB) and with the documents of a file (8,000: 300 MB). The
// defaults keep every file they accept under 100 MB of parser allocation
// (TestWorstAcceptedFilesCostTheParserLittle), and are far above every scenario
// in the repository (the largest: 85 lines, 4.5 KB, 256 entries, lines of 139
// characters, collections nested 5 deep, 12 keys in a mapping, no anchors).
type Limits struct {
	// Size is the file's length in bytes. Default 1 MiB, the scenario loader's cap.
	Size int
	// Depth is how deep collections nest, flow ([ {) and block (indentation)
	// together: "a: [[x]]" is 3 deep. Default 32: the scenario format's schema
	// nests at most 6 deep (topology: internet: domains: D: {mx: [..]}), so 32 leaves room
	// for any layout of it while the parser's cost at 32 levels is nothing.
	Depth int
	// Items counts collections and their entries: every '[' and '{', every ','
	// between flow entries, every block sequence entry '-', every explicit key '?'
	// and every ':' of a mapping. Default 30,000 (a flow-style traffic line of 7
	// keys is 15 items).
	Items int
	// Keys is the number of keys in one block mapping. Default 256.
	Keys int
	// Documents counts the document markers (--- and ...). Default 100.
	Documents int
	// Anchors (&name) and Aliases (*name) in the file. Default 1,000 each. Aliases
	// are expanded by the loader, which bounds the items it visits.
	Anchors, Aliases int
	// Lines in the file. Default 100,000.
	Lines int
	// Line is the length of one line in characters, without its line break.
	// Default 4,096, the length of the longest fault line the fault parser takes.
	Line int
	// Scalar is the length of one string in characters: plain, quoted (over
	// several lines) or a block scalar (| >). Default 65,536.
	Scalar int
}

// DefaultLimits returns the limits a zero Limits stands for.
func DefaultLimits() Limits { return Limits{}.withDefaults() }

func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.Size, 1<<20)
	def(&l.Depth, 32)
	def(&l.Items, 30_000)
	def(&l.Keys, 256)
	def(&l.Documents, 100)
	def(&l.Anchors, 1000)
	def(&l.Aliases, 1000)
	def(&l.Lines, 100_000)
	def(&l.Line, 4096)
	def(&l.Scalar, 65_536)
	return l
}

// Scan checks YAML bytes against lim before a parser sees them, in one pass and
// without allocating per byte. It refuses, with name:line:col (1-based, columns in
// characters):
//
//   - invalid UTF-8, and the characters YAML forbids: C0 control characters
//     other than tab, line feed and carriage return, DEL, C1 control characters
//     other than NEL, U+FFFE and U+FFFF;
//   - a tab outside quoted strings, block scalars and comments, except at the
//     end of a line or before a comment (YAML indents with spaces only, and
//     go-yaml leaves tabs out of its column count, which decides where
//     scalars end: a pre-scan cannot follow it there);
//   - a plain key over more than one line in block context (YAML forbids it,
//     and go-yaml gives it a column no character has);
//   - anything over lim.
//
// Brackets, quotes and '#' inside strings, comments and block scalars are text, as
// the parser reads them. Scan checks no other syntax: that is the parser's job.
func Scan(name string, data []byte, lim Limits) error {
	s := newScanner(name, data, lim)
	return s.run()
}

func newScanner(name string, data []byte, lim Limits) *scanner {
	s := &scanner{name: name, data: data, lim: lim.withDefaults(), line: 1, col: 1, lineStart: true}
	s.block = make([]level, 0, min(s.lim.Depth+1, 64))
	s.flows = make([]flowLevel, 0, min(s.lim.Depth+1, 64))
	return s
}

// modes of the scanner
const (
	modeNormal  = iota
	modeComment // '#' to the end of the line
	modeSingle  // 'single-quoted'
	modeDouble  // "double-quoted"
	modeTag     // !tag
	modeHeader  // the rest of a block scalar's | or > line
	modeBlock   // block scalar content
)

// flowLevel is one open flow collection. Until the next ',', a "key: value" in a
// flow sequence is a mapping of one pair inside it ("[a: [b]]" is 4 deep), and
// go-yaml reads a '-' entry inside it as a block sequence, whose "key: value" is
// a mapping again: extra counts those levels.
type flowLevel struct {
	seq   bool
	extra int
	keyed bool // a ':' has added its level since the last ',' or '-'
}

// level is one open block collection: the column of its '-' or keys.
type level struct {
	col  int
	seq  bool
	keys int // of a mapping
}

// scanner follows the state of go-yaml's scanner that decides how a character is
// read: whether a plain scalar is being buffered (then a quote, '[', '-' or '&' is
// text), the column of the last ':' '-' or '?' (a line at or left of it ends a
// plain or block scalar), and the flow counters.
type scanner struct {
	name string
	data []byte
	lim  Limits

	i, line, col int  // the current character
	prev         rune // the character before it
	mode         int
	skip         int // characters still to take as text (escapes, "---")

	lineStart  bool // only spaces and tabs so far on this line
	lineIndent int  // spaces at the start of this line
	tabAt      int  // column of a tab at the start of this line, 0 if none
	up         bool // this line's first character is right of lastDelim

	buf           bool // unfinished plain text (a scalar, or an anchor's name)
	bufLine       int
	bufCol        int
	bufLen        int
	bufEnd        int  // column of its last character that is not a blank, on its first line
	bufShift      int  // blanks that ended its first line, as go-yaml counts them (keyCol)
	untabs        int  // tabs on this line that go-yaml does not count in its columns
	lastDelim     int  // column of the key of the last ':', of the last '-' or '?'
	lastValue     bool // the last token was ':' ("{a: b:c}" is one scalar b:c)
	lastQuoted    bool // the last token was a quoted scalar
	quoteCol      int
	propLine      int  // line of a tag or anchor whose node has not started, 0 if none
	propNext      bool // the node starting (on a later line) is that property's
	named         bool // the anchor being read has its name
	nameless      bool // an anchor ended without a name: the next token is it
	propCol       int  // column of the first tag or anchor on line propColLine
	propColLine   int
	dashLine      int  // line of a block '-' whose node has not started, 0 if none
	dashNext      bool // the node starting (on a later line) is that entry's
	tokCol        int  // where the last token began (a key for a ':' after it), 0 after an indicator
	tokLine       int  // the line of the plain text tokCol is at, 0 for any other token
	strLine       int  // start and length of a quoted or block scalar
	strCol        int
	strLen        int
	lead          bool // in a quoted string's continuation line's indentation
	tabs          int  // tabs go-yaml counts twice in this double-quoted string
	lastLine      int  // moreOnLine's line and its last character not a space or tab
	lastOff       int
	blankEnd      int  // blankAfter's run of blanks ends here, and
	blankOK       bool // what follows it
	blockFirst    int  // column of a block scalar's indentation, 0 until known
	blockNL       bool // a line break was in its content
	blockText     bool // and something else
	keepBuf       bool // it ended with only line breaks buffered
	headerLen     int  // characters after | or >
	headerIndent  int  // its indentation indicator, 0 if none
	headerSign    bool
	headerKeep    bool // a '+' in it: the scalar keeps its final line breaks
	anchor, alias bool // reading an anchor's or alias's name
	aliasCol      int
	directive     bool
	fseq, fmap    int // go-yaml's flow counters: may go below zero
	flow          int // flow collections open, never below zero: len(flows)
	flows         []flowLevel
	pairs         int // the flow levels' extra levels, summed
	block         []level

	items, anchors, aliases, documents int
	maxDepth, maxFlow                  int // for tests
}

func (s *scanner) errorf(line, col int, format string, args ...any) error {
	return &Error{File: s.name, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

func (s *scanner) run() error {
	for s.i < len(s.data) {
		if s.i >= s.lim.Size {
			return s.errorf(s.line, s.col, "the file is longer than %d bytes; the limit is %d bytes", s.lim.Size, s.lim.Size)
		}
		if s.line > s.lim.Lines {
			return s.errorf(s.line, 1, "more than %d lines; the limit is %d", s.lim.Lines, s.lim.Lines)
		}
		r, n := rune(s.data[s.i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(s.data[s.i:])
			if r == utf8.RuneError && n == 1 {
				return s.errorf(s.line, s.col, "invalid UTF-8 (byte 0x%02X); a YAML file is UTF-8", s.data[s.i])
			}
		}
		if r == '\n' || r == '\r' {
			if r == '\r' && s.i+1 < len(s.data) && s.data[s.i+1] == '\n' {
				n = 2
			}
			if err := s.newline(n); err != nil {
				return err
			}
			s.i += n
			s.line++
			s.col = 1
			s.prev = '\n'
			continue
		}
		if !printable(r) {
			return s.errorf(s.line, s.col, "control character %s; YAML allows only tab, line feed and carriage return", runeName(r))
		}
		if s.col > s.lim.Line {
			return s.errorf(s.line, s.col, "a line longer than %d characters; the limit is %d", s.lim.Line, s.lim.Line)
		}
		if err := s.char(r); err != nil {
			return err
		}
		s.i += n
		s.col++
		s.prev = r
	}
	return nil
}

// newline reads a line break of n bytes (CR LF is two characters to go-yaml).
func (s *scanner) newline(n int) error {
	switch s.mode {
	case modeSingle, modeDouble, modeBlock, modeHeader:
		// go-yaml's every line break ends an anchor's, alias's or directive's name
		s.anchor, s.alias, s.directive = false, false, false
	}
	switch s.mode {
	case modeSingle, modeDouble:
		s.skip = max(s.skip-n, 0)
		s.lead = true
		return s.text() // the line break folds into a space
	case modeBlock:
		s.lineStart, s.lineIndent, s.tabAt, s.blockNL = true, 0, 0, true
		return s.text()
	case modeHeader:
		s.mode = modeBlock
		s.blockFirst, s.blockNL, s.blockText = 0, false, false
		if s.headerIndent > 0 {
			s.blockFirst = s.lastDelim + s.headerIndent
		}
		s.lineStart, s.lineIndent, s.tabAt = true, 0, 0
		return nil
	}
	if s.mode == modeNormal && s.skip >= n {
		s.skip -= n // go-yaml skips it (see the tab in modeDouble): no line break to it
		return nil
	}
	// modeNormal, modeComment, modeTag: the token ends with the line.
	s.mode = modeNormal
	// propNext and dashNext stay: a key's ':' may be on the next line ("*a\n:").
	s.skip = 0
	if s.anchor || s.alias || s.directive {
		s.nameless = s.anchor && !s.named
		s.flush()
	}
	s.anchor, s.alias, s.directive = false, false, false
	s.lineStart, s.lineIndent, s.tabAt = true, 0, 0
	untabs := s.untabs
	s.untabs = 0
	if s.buf {
		if s.line == s.bufLine {
			s.bufShift = s.col - untabs - s.bufEnd - 1
		}
		return s.plain() // a plain scalar may go on on the next line
	}
	return nil
}

// text counts one character of a quoted or block scalar.
func (s *scanner) text() error {
	s.strLen++
	if s.strLen > s.lim.Scalar {
		return s.errorf(s.strLine, s.strCol, "a string longer than %d characters; the limit is %d", s.lim.Scalar, s.lim.Scalar)
	}
	return nil
}

// plain counts one character of buffered plain text.
func (s *scanner) plain() error {
	if !s.buf {
		s.startBuf()
	}
	s.bufLen, s.bufEnd = s.bufLen+1, s.col
	if s.bufLen > s.lim.Scalar {
		return s.errorf(s.bufLine, s.bufCol, "a string longer than %d characters; the limit is %d", s.lim.Scalar, s.lim.Scalar)
	}
	return nil
}

// startBuf starts buffered plain text at the current character.
func (s *scanner) startBuf() {
	s.buf, s.bufLine, s.bufCol, s.bufLen, s.bufShift = true, s.line, s.col, 0, 0
	switch {
	case s.nameless: // go-yaml's parser takes it for the anchor's name
		s.nameless = false
	case s.anchor && !s.named: // the name, or text while go-yaml still reads an anchor
		s.named = true
	case s.anchor:
		// the anchor has its name (a quoted one: "&'' ,: x"), and go-yaml's scanner
		// makes this text a token of its own after it: the anchor's node
		s.node()
	case !s.alias:
		s.node()
	}
}

// flush ends buffered plain text: it becomes a token.
func (s *scanner) flush() {
	if s.buf {
		s.buf = false
		s.token()
		s.tokCol, s.tokLine = s.keyCol(), s.bufLine
		if s.alias {
			s.tokCol = s.aliasCol // the alias is the node, at its '*'
		}
	}
}

// keyCol is where go-yaml places the buffered plain text as a token. Over more than
// one line (in a flow collection) it is the column of its first line's break less
// the length of that line's text without the blanks that end it: its start moved
// right by those blanks ("{k \n- a: " is a key at column 3, "{k\n- a: " at 2), which
// decides whether the next line's '-' is right of it.
func (s *scanner) keyCol() int {
	if s.bufLine == s.line {
		return s.bufCol
	}
	return s.bufCol + s.bufShift
}

// token records that the last token is neither ':' nor a quoted scalar.
func (s *scanner) token() { s.lastValue, s.lastQuoted = false, false }

func (s *scanner) flowMode() bool { return s.fseq > 0 || s.fmap > 0 }

func (s *scanner) item() error {
	s.items++
	if s.items > s.lim.Items {
		return s.errorf(s.line, s.col, "more than %d collection entries; the limit is %d", s.lim.Items, s.lim.Items)
	}
	return nil
}

// depth checks the nesting after a collection opened at col of this line.
func (s *scanner) depth(col int) error {
	d := len(s.block) + s.flow + s.pairs
	s.maxDepth, s.maxFlow = max(s.maxDepth, d), max(s.maxFlow, s.flow)
	if d > s.lim.Depth {
		return s.errorf(s.line, col, "collections nested more than %d deep; the limit is %d", s.lim.Depth, s.lim.Depth)
	}
	return nil
}

// node notes that a node starts: after a tag or an anchor that ended a line,
// go-yaml makes the node its value even at the same column ("a: !t\nb: 1" and
// "a:\n  &x\nb: 1" nest b in a; "a: &x\nb: 1" does not, and Scan counts a level
// more there).
func (s *scanner) node() {
	if s.nameless || s.anchor && !s.named {
		// go-yaml's parser takes the token after a nameless '&' for its name
		// (its scanner still reads an anchor until the next space)
		s.nameless, s.named = false, true
		return
	}
	s.pending()
	s.propLine = 0
	if s.dashLine != 0 {
		s.dashNext = s.dashLine < s.line
		s.dashLine = 0
	}
}

// pending notes that a property that ended an earlier line has its node here (a
// tag or anchor before the node does not change that: "!\n! b:" nests b).
func (s *scanner) pending() {
	if s.propLine != 0 && s.propLine < s.line {
		s.propNext = true
	}
}

// property notes the column of the first tag or anchor on a line.
func (s *scanner) property() {
	if s.propColLine != s.line {
		s.propCol, s.propColLine = s.col, s.line
	}
}

// open notes a block collection entry ('-' or a key) at col.
func (s *scanner) open(col int, seq bool) error {
	if s.propNext { // a collection that is a property's node nests, at any column
		s.propNext = false
		l := level{col: col, seq: seq}
		if n := len(s.block); n > 0 && s.block[n-1] == (level{col: col, keys: s.block[n-1].keys}) && !seq {
			// where go-yaml does not nest ("a: &x\nb:"), it is the same mapping:
			// its keys go on counting
			l.keys = s.block[n-1].keys
		}
		s.block = append(s.block, l)
		if err := s.key(&s.block[len(s.block)-1], col); err != nil {
			return err
		}
		return s.depth(col)
	}
	s.popTo(col)
	dashNext := s.dashNext
	s.dashNext = false
	if n := len(s.block); n > 0 && s.block[n-1].col == col {
		top := &s.block[n-1]
		if top.seq == seq {
			return s.key(top, col)
		}
		if top.seq && dashNext {
			// a key at the column of a '-' that ended its line: go-yaml nests it
			// in that entry ("a:\n-\nb:\n-\nc:" is 4 deep to it)
			s.block = append(s.block, level{col: col})
			if err := s.key(&s.block[n], col); err != nil {
				return err
			}
			return s.depth(col)
		}
		if top.seq && n > 1 && s.block[n-2].col == col && !s.block[n-2].seq {
			s.block = s.block[:n-1] // the next key after "a:\n- b"
			return s.key(&s.block[n-2], col)
		}
		// A sequence at its key's column ("a:\n- b"); or a key at the column of
		// a sequence, which go-yaml nests in the last entry ("-\na:").
	}
	s.block = append(s.block, level{col: col, seq: seq})
	if err := s.key(&s.block[len(s.block)-1], col); err != nil {
		return err
	}
	return s.depth(col)
}

// key counts a key of a block mapping: go-yaml's cost per key grows with the keys
// before it.
func (s *scanner) key(l *level, col int) error {
	if l.seq {
		return nil
	}
	l.keys++
	if l.keys > s.lim.Keys {
		return s.errorf(s.line, col, "a mapping of more than %d keys; the limit is %d", s.lim.Keys, s.lim.Keys)
	}
	return nil
}

// document counts a document marker: go-yaml's cost per document grows with the
// documents before it.
func (s *scanner) document() error {
	s.documents++
	if s.documents > s.lim.Documents {
		return s.errorf(s.line, s.col, "more than %d document markers (--- or ...); the limit is %d", s.lim.Documents, s.lim.Documents)
	}
	return nil
}

// popTo closes the block collections right of col.
func (s *scanner) popTo(col int) {
	for n := len(s.block); n > 0 && s.block[n-1].col > col; n-- {
		s.block = s.block[:n-1]
	}
}

// peek returns the character k characters after the current one, or 0 past the end.
func (s *scanner) peek(k int) rune {
	i := s.i
	for ; k > 0; k-- {
		if i >= len(s.data) {
			return 0
		}
		_, n := utf8.DecodeRune(s.data[i:])
		i += n
	}
	if i >= len(s.data) {
		return 0
	}
	r, _ := utf8.DecodeRune(s.data[i:])
	return r
}

// repeat counts the bytes equal to b from the current one on, up to four.
func (s *scanner) repeat(b byte) int {
	n := 0
	for i := s.i; i < len(s.data) && n < 4 && s.data[i] == b; i++ {
		n++
	}
	return n
}

// space reports whether r separates tokens: a space, a tab, a line break or the end.
func space(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == 0 }

// marker reports whether the current line starts with "---" or "..." as a document
// marker (followed by a space, a line break or the end).
func (s *scanner) marker(b byte) bool {
	return s.col == 1 && s.lineIndent == 0 && s.repeat(b) == 3 && space(s.peek(3))
}

func (s *scanner) char(r rune) error {
	switch s.mode {
	case modeComment:
		return nil
	case modeHeader: // an indentation indicator: |2 |-2 |2-
		if s.headerLen == 0 && r >= '1' && r <= '9' || s.headerLen == 1 && s.headerSign && r >= '1' && r <= '9' {
			s.headerIndent = int(r - '0')
		}
		s.headerSign = s.headerLen == 0 && (r == '-' || r == '+')
		s.headerKeep = s.headerKeep || r == '+'
		s.headerLen++
		return nil
	case modeSingle:
		if s.skip > 0 {
			s.skip--
			return s.text()
		}
		if r == '\'' {
			if s.peek(1) == '\'' {
				s.skip = 1
				return s.text()
			}
			s.endQuote()
			return nil
		}
		return s.text()
	case modeDouble:
		if s.skip > 0 {
			s.skip--
			return s.text()
		}
		switch r {
		case '\\':
			s.skip = s.escape()
		case '"':
			s.endQuote()
			s.skip, s.tabs = s.tabs, 0
			return nil
		case '\t':
			// go-yaml advances twice over a tab inside a double-quoted string
			// that has more than spaces after it on its line (unless a quote
			// follows at once), so it skips that many characters after the
			// closing quote.
			if !s.lead && s.peek(1) != '"' && s.moreOnLine() {
				s.tabs++
			}
		case ' ':
		default:
			s.lead = false
		}
		return s.text()
	case modeTag:
		switch r {
		case ' ':
			s.mode = modeNormal
			return nil
		case ',', '{', '}':
			if r != ',' || s.flowMode() {
				s.mode = modeNormal
				return s.normal(r)
			}
		}
		return nil
	case modeBlock:
		if s.lineStart {
			switch r {
			case ' ':
				s.lineIndent++
				return s.text()
			case '\t':
				if s.tabAt == 0 {
					s.tabAt = s.col
				}
				if s.lineIndent > 0 {
					// go-yaml takes a tab after the indentation's spaces for text: the
					// scalar is no longer only line breaks ("|\n \t\n[" ends it before
					// a flow sequence)
					s.blockText = true
				}
				return s.text()
			}
			// go-yaml ends a block scalar at a document marker, except on the
			// scalar's first line inside a flow collection, right after its
			// header ("{>\n---\n}" is one scalar "--- }" to it; "{>\n\n---" ends)
			ends := (r == '-' || r == '.') && s.marker(byte(r)) && (s.blockText || s.blockNL || !s.flowMode()) ||
				s.lastDelim != 0 && s.col <= s.lastDelim
			if ends {
				s.mode = modeNormal
				s.token()
				// go-yaml keeps the line breaks of a scalar that has nothing
				// else buffered: what follows is plain text to it ("|\n\n'x'"),
				// unless the header keeps them ('+'): then they are the
				// scalar's text, a token of their own ("|+\r\r\n  [" opens a
				// flow sequence)
				s.keepBuf = !s.blockText && s.blockNL && !s.headerKeep
				return s.normal(r)
			}
			s.lineStart = false
		}
		// go-yaml: the scalar's first character sets its indentation, and a line
		// left of that ends it.
		if r != '\t' {
			s.blockText = true
			if s.blockFirst == 0 {
				s.blockFirst = s.col
			}
			if s.blockFirst > 1 {
				s.lastDelim = s.blockFirst - 1
			}
		}
		return s.text()
	}
	return s.normal(r)
}

// escape returns how many characters after a backslash in a double-quoted string
// belong to the escape, counted as go-yaml does (which takes \x, \u and \U digits
// without looking at them).
func (s *scanner) escape() int {
	switch s.peek(1) {
	case 'x':
		if s.peek(3) == 0 {
			return 1
		}
		return 3
	case 'u':
		if s.peek(5) == 0 {
			return 1
		}
		if h := s.hex(2, 4); h >= 0xD800 && h <= 0xDBFF {
			return 11
		}
		return 5
	case 'U':
		if s.peek(9) == 0 {
			return 1
		}
		return 9
	}
	return 1
}

// hex reads n characters from the k-th on as go-yaml's hexRunesToInt does.
func (s *scanner) hex(k, n int) int {
	v := 0
	for j := range n {
		b := s.peek(k + j)
		d := int(b) - '0'
		switch {
		case b >= 'A' && b <= 'F':
			d = int(b) - 'A' + 10
		case b >= 'a' && b <= 'f':
			d = int(b) - 'a' + 10
		}
		v += d << (uint(n-j-1) * 4)
	}
	return v
}

// moreOnLine reports whether a character other than a space or a tab follows the
// current one on its line. It reads each line at most once.
func (s *scanner) moreOnLine() bool {
	if s.lastLine != s.line {
		s.lastLine, s.lastOff = s.line, -1
		for i := s.i; i < len(s.data) && s.data[i] != '\n' && s.data[i] != '\r'; i++ {
			if s.data[i] != ' ' && s.data[i] != '\t' {
				s.lastOff = i
			}
		}
	}
	return s.lastOff > s.i
}

func (s *scanner) startString(mode int) {
	s.node()
	s.token()
	s.tokCol, s.tokLine = s.col, 0
	s.lead, s.tabs = false, 0
	s.mode = mode
	s.strLine, s.strCol, s.strLen = s.line, s.col, 0
}

func (s *scanner) endQuote() {
	s.mode = modeNormal
	s.lastValue, s.lastQuoted, s.quoteCol = false, true, s.strCol
	if s.strLine != s.line {
		// go-yaml reads what follows a string over several lines as the start
		// of its last line: spaces there are indentation (so a '%' after them
		// starts no directive)
		s.lineStart, s.lineIndent, s.tabAt = true, 0, 0
	}
}

// normal reads one character outside strings and comments.
func (s *scanner) normal(r rune) error {
	if s.skip > 0 {
		s.skip--
		return nil
	}
	first := false
	if s.lineStart {
		switch r {
		case ' ':
			s.lineIndent++
			return nil
		case '\t':
			if s.tabAt == 0 {
				s.tabAt = s.col
			}
			return nil
		}
		s.lineStart, first, s.up = false, true, false
		if s.lastDelim != 0 {
			if s.col <= s.lastDelim {
				s.flush()
			} else {
				s.up = true
			}
		}
		if s.keepBuf {
			s.keepBuf = false
			s.startBuf()
		}
		if r != '#' && s.tabAt != 0 {
			return s.errorf(s.line, s.tabAt, "a tab in the indentation; YAML indents with spaces only")
		}
	}
	switch r {
	case '{', '[':
		if s.buf && !s.flowMode() {
			return s.plain()
		}
		s.flush()
		s.token()
		s.node()
		if s.flow == 0 {
			s.tokCol, s.tokLine = s.col, 0 // the outermost collection is the token a key is
		}
		if r == '{' {
			s.fmap++
		} else {
			s.fseq++
		}
		s.flows = append(s.flows, flowLevel{seq: r == '['})
		s.flow++
		if err := s.item(); err != nil {
			return err
		}
		return s.depth(s.col)
	case '}', ']':
		if r == '}' && s.fmap <= 0 || r == ']' && s.buf && s.fseq <= 0 {
			return s.plain()
		}
		s.flush()
		s.token()
		if r == '}' {
			s.fmap--
		} else {
			s.fseq--
		}
		if s.flow > 0 {
			s.endPair()
			s.flows = s.flows[:s.flow-1]
			s.flow--
		}
		return nil
	case ',':
		if !s.flowMode() {
			return s.plain()
		}
		s.flush()
		s.token()
		s.tokCol, s.propColLine = 0, 0
		s.endPair()
		return s.item()
	case ':':
		return s.colon()
	case '-':
		if s.marker('-') { // ---: a new document
			s.flush()
			s.token()
			s.lastDelim, s.block, s.skip = 0, s.block[:0], 2
			return s.document()
		}
		if s.buf && first && s.up { // go-yaml reads the rest as a folded scalar
			s.mode = modeBlock
			s.strLine, s.strCol, s.strLen, s.blockFirst = s.line, s.col, 0, s.col
			s.blockText, s.blockNL = true, false
			return s.text()
		}
		if s.buf || !space(s.peek(1)) {
			return s.plain()
		}
		s.token()
		s.node()
		s.lastDelim, s.tokCol, s.propColLine = s.col, 0, 0
		if err := s.item(); err != nil {
			return err
		}
		if !s.flowMode() {
			err := s.open(s.col, true)
			s.dashLine = s.line // its node has not started
			return err
		}
		return s.dash()
	case '.':
		if s.col == 1 && s.repeat('.') == 3 { // "...": go-yaml needs no space after it
			s.flush()
			s.token()
			s.skip = 2
			return s.document()
		}
	case '<':
		if s.mergeKey() {
			s.buf = false
			s.token()
			s.node()
			s.lastDelim, s.tokCol, s.tokLine = s.col, s.col, 0
			s.skip = 1
			return nil
		}
	case '|', '>':
		if s.buf {
			return s.plain()
		}
		if s.col == 1 {
			s.lastDelim = 1
		}
		s.startString(modeHeader)
		s.headerLen, s.headerIndent, s.headerSign, s.headerKeep = 0, 0, false, false
		return nil
	case '!':
		if s.buf || s.directive {
			return s.plain()
		}
		s.token()
		s.mode = modeTag
		if !s.nameless && !(s.anchor && !s.named) {
			s.pending()
			s.propLine = s.line
		} // else it is the anchor's name to go-yaml's parser, and the anchor's node follows
		s.nameless, s.named = false, true
		s.property()
		return nil
	case '%':
		if s.buf || s.lineIndent != 0 {
			return s.plain()
		}
		s.token()
		s.directive = true
		return nil
	case '?':
		if s.buf || (s.peek(1) != ' ' && s.peek(1) != '\t') {
			return s.plain()
		}
		s.token()
		s.node()
		s.lastDelim, s.tokCol, s.propColLine = s.col, 0, 0
		if err := s.item(); err != nil {
			return err
		}
		if !s.flowMode() {
			err := s.open(s.col, false)
			// go-yaml nests the next collection in a key '?' left empty on its
			// line, at any column, as it does after a tag
			s.propLine = s.line
			return err
		}
		return s.pair()
	case '&', '*':
		if s.buf {
			return s.plain()
		}
		s.token()
		if r == '&' {
			s.pending()
			s.propLine = s.line
			s.anchor, s.named = true, false
			s.property()
			s.anchors++
			if s.anchors > s.lim.Anchors {
				return s.errorf(s.line, s.col, "more than %d anchors; the limit is %d", s.lim.Anchors, s.lim.Anchors)
			}
			return nil
		}
		s.node()
		s.alias, s.aliasCol = true, s.col
		s.aliases++
		if s.aliases > s.lim.Aliases {
			return s.errorf(s.line, s.col, "more than %d aliases; the limit is %d", s.lim.Aliases, s.lim.Aliases)
		}
		return nil
	case '#':
		if s.buf && s.prev != ' ' && s.prev != '\t' && s.prev != '\n' {
			return s.plain()
		}
		s.flush()
		s.token()
		s.mode = modeComment
		return nil
	case '\'', '"':
		if s.buf {
			return s.plain()
		}
		if r == '\'' {
			s.startString(modeSingle)
		} else {
			s.startString(modeDouble)
		}
		return nil
	case ' ':
		if s.anchor || s.alias || s.directive {
			s.nameless = s.anchor && !s.named
			s.flush()
			s.anchor, s.alias = false, false
		}
		if s.buf {
			s.bufLen++
		}
		return nil
	case '\t':
		// go-yaml does not count such a tab in its columns, which decide where
		// a scalar ends; at the end of a line or before a comment it is harmless.
		if !s.blankAfter() {
			return s.errorf(s.line, s.col, "a tab outside a quoted string, block scalar or comment; use spaces")
		}
		if s.buf && s.lastDelim < s.col-s.untabs {
			s.untabs++ // go-yaml's column stays where it is
		}
		return nil
	}
	return s.plain()
}

// blankAfter reports whether only spaces and tabs, then a comment or the line's
// end, follow the current character. It reads each run of blanks once.
func (s *scanner) blankAfter() bool {
	if s.i >= s.blankEnd {
		i := s.i
		for i < len(s.data) && (s.data[i] == ' ' || s.data[i] == '\t') {
			i++
		}
		s.blankEnd = i
		s.blankOK = i == len(s.data) || s.data[i] == '\n' || s.data[i] == '\r' || s.data[i] == '#'
	}
	return s.blankOK
}

// pair notes a key in the innermost flow collection: in a sequence, or after a
// '-', it opens a mapping of one pair.
func (s *scanner) pair() error {
	if s.flow == 0 {
		return nil
	}
	f := &s.flows[s.flow-1]
	if f.keyed || !f.seq && f.extra == 0 {
		return nil
	}
	f.extra++
	f.keyed = true
	s.pairs++
	return s.depth(s.col)
}

// dash notes a '-' entry inside the innermost flow collection.
func (s *scanner) dash() error {
	if s.flow == 0 {
		return nil
	}
	f := &s.flows[s.flow-1]
	f.extra++
	f.keyed = false
	s.pairs++
	return s.depth(s.col)
}

// endPair closes the levels a ',' or the collection's end closes.
func (s *scanner) endPair() {
	if s.flow > 0 {
		f := &s.flows[s.flow-1]
		s.pairs -= f.extra
		f.extra, f.keyed = 0, false
	}
}

// colon reads ':' as go-yaml does: a mapping value indicator when followed by a
// space, a line break or the end; in a flow mapping also when adjacent ("{a:1}"),
// except before '/' (a URL) or right after another ':'.
func (s *scanner) colon() error {
	if s.directive || s.anchor || s.alias {
		return s.plain()
	}
	nc := s.peek(1)
	if s.fmap <= 0 && !space(nc) || s.fmap > 0 && (nc == '/' || s.lastValue) {
		return s.plain()
	}
	key := 0
	if s.buf {
		if s.bufLine != s.line && !s.flowMode() {
			// go-yaml places such a key where no character is; YAML forbids it
			return s.errorf(s.bufLine, s.bufCol, "a key over more than one line; YAML keys are on one line")
		}
		key = s.keyCol()
	} else if s.lastQuoted {
		key = s.quoteCol
	}
	keyLine := s.line
	if key != 0 {
		s.lastDelim = key
	} else if key = s.tokCol; key == 0 { // a block scalar, a flow collection...
		key = s.col // no key: an empty one, the node of any tag before it
		s.node()
	} else if s.tokLine != 0 {
		// plain text that ended with its line ("&'' x\n: "): its tag or anchor is on
		// that line
		keyLine = s.tokLine
	}
	if !s.buf && s.lastQuoted {
		keyLine = s.strLine // a quoted key over several lines: its tag or anchor is on its first
	}
	if s.propColLine == keyLine && s.propCol < key {
		key = s.propCol // go-yaml places a tagged or anchored key at its tag or anchor
	}
	s.propColLine = 0
	s.flush()
	s.lastValue, s.lastQuoted, s.tokCol = true, false, 0
	if err := s.item(); err != nil {
		return err
	}
	if !s.flowMode() {
		return s.open(key, false)
	}
	return s.pair()
}

// mergeKey reports whether "<<" starts here and is followed by spaces and ": ".
func (s *scanner) mergeKey() bool {
	if s.repeat('<') != 2 {
		return false
	}
	i := s.i + 2
	for i < len(s.data) && s.data[i] == ' ' {
		i++
	}
	if i+1 >= len(s.data) || s.data[i] != ':' {
		return false
	}
	c := s.data[i+1]
	return c == ' ' || c == '\n' || c == '\r'
}

// printable reports whether YAML allows r in a file (YAML 1.2, 5.1).
func printable(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r < 0x20 || r == 0x7F:
		return false
	case r >= 0x80 && r < 0xA0:
		return r == 0x85
	case r == 0xFFFE || r == 0xFFFF:
		return false
	}
	return true
}

var c0Names = [...]string{"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR", "SO", "SI",
	"DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US"}

// runeName names a character for an error: U+0000 (NUL).
func runeName(r rune) string {
	switch {
	case r >= 0 && r < 0x20:
		return fmt.Sprintf("U+%04X (%s)", r, c0Names[r])
	case r == 0x7F:
		return "U+007F (DEL)"
	}
	return fmt.Sprintf("U+%04X", r)
}
