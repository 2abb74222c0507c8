package clixml

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Namespace is the namespace Export-Clixml writes on the root element.
const Namespace = "http://schemas.microsoft.com/powershell/2004/04"

// Limits bound what one document may cost to read.
type Limits struct {
	FileSize int64 // bytes of the file as stored (UTF-16 counts two per unit)
	Depth    int   // element nesting, the root Objs included
	String   int   // bytes of one text value (S, ToString, BA, ...)
	Values   int   // values written in the file
	Expanded int64 // values reachable when every Ref is followed, summed over the document
}

// DefaultLimits: an organization's Get-ReceiveConnector export is about 60 KB per
// connector, so 64 MiB holds a thousand servers' worth; Export-Clixml's default
// -Depth is 2 and Exchange's type data raises it a little (B.10), so real files
// nest about 15 elements; PowerShell's own deserializer refuses deep nesting too
// (DeserializationTooDeep).
var DefaultLimits = Limits{
	FileSize: 64 << 20,
	Depth:    64,
	String:   1 << 20,
	Values:   4_000_000,
	Expanded: 20_000_000,
}

// Document is one Export-Clixml file: the objects of the pipeline, in order.
type Document struct {
	File    string // the name errors are reported against
	Version string // the Objs Version attribute ("1.1.0.1")
	Values  []Value
}

// Value is one serialized value: a primitive (Tag "S", "I32", "Nil", ...), an
// object (Tag "Obj", or "Ref" for a back-reference, both with Obj set), or a
// nested extended property set (Tag "MS", Obj holding Extended).
type Value struct {
	Tag  string
	Name string // the N attribute: the property or dictionary slot name
	Text string // a primitive's text; strings are decoded (_xHHHH_)
	Obj  *Object
	Line int // where the element was read
	Col  int
}

// Object is an Obj element.
type Object struct {
	RefID       string
	Types       []string // most specific first, as written (no Deserialized. added)
	ToString    string
	HasToString bool
	Value       *Value  // the object's own value: an enum's integer, an extended primitive
	Container   string  // "LST", "IE", "STK", "QUE", "DCT" or ""
	Items       []Value // LST, IE, STK, QUE items in document order
	Entries     []Entry // DCT pairs in document order
	Props       []Value // adapted properties
	Extended    []Value // extended properties (MS)
	size        int64   // values reachable from here, Refs followed
}

// Entry is one DCT pair.
type Entry struct{ Key, Value Value }

// Error is a refusal of the document, at a position in it.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return e.File + ": " + e.Msg
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// ReadFile reads and parses a CLIXML file with DefaultLimits; errors name it by
// its base name.
func ReadFile(path string) (*Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return DefaultLimits.Parse(filepath.Base(path), f)
}

// Parse reads a document with DefaultLimits.
func Parse(file string, r io.Reader) (*Document, error) { return DefaultLimits.Parse(file, r) }

// Parse reads a document from r, refusing it when a limit is hit.
func (l Limits) Parse(file string, r io.Reader) (*Document, error) {
	raw, err := io.ReadAll(io.LimitReader(r, l.FileSize+1))
	if err != nil {
		return nil, &Error{File: file, Msg: err.Error()}
	}
	if int64(len(raw)) > l.FileSize {
		return nil, &Error{File: file, Msg: fmt.Sprintf("file is larger than %d bytes, the limit for a CLIXML file", l.FileSize)}
	}
	data, err := toUTF8(raw)
	if err != nil {
		return nil, &Error{File: file, Msg: err.Error()}
	}
	p := &parser{file: file, lim: l, refs: map[string]*Object{}, open: map[*Object]bool{}, types: map[string][]string{}}
	p.d = xml.NewDecoder(bytes.NewReader(data))
	p.d.Strict = true
	p.d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		// The bytes are UTF-8 by now; a declaration may still say what they were.
		switch strings.ToLower(label) {
		case "utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "unicode":
			return in, nil
		}
		return nil, fmt.Errorf("encoding %q is not one Export-Clixml writes (want UTF-8 or UTF-16)", label)
	}
	doc, err := p.document()
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return nil, e
		}
		line, col := p.d.InputPos()
		return nil, &Error{File: file, Line: line, Col: col, Msg: cleanXMLError(err)}
	}
	doc.File = file
	return doc, nil
}

// toUTF8 strips a UTF-8 BOM and converts UTF-16 (with a BOM, or without one when
// the text starts with "<" and a zero byte) to UTF-8: Windows PowerShell 5.1
// writes UTF-16LE by default (B.1).
func toUTF8(b []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return b[3:], nil
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return utf16To8(b[2:], false)
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return utf16To8(b[2:], true)
	case len(b) >= 2 && b[0] == '<' && b[1] == 0:
		return utf16To8(b, false)
	case len(b) >= 2 && b[0] == 0 && b[1] == '<':
		return utf16To8(b, true)
	}
	return b, nil
}

func utf16To8(b []byte, bigEndian bool) ([]byte, error) {
	if len(b)%2 != 0 {
		return nil, errors.New("UTF-16 text has an odd number of bytes")
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	return []byte(string(utf16.Decode(u))), nil
}

func cleanXMLError(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "XML syntax error on line ")
	if i := strings.Index(s, ": "); i >= 0 && strings.IndexFunc(s[:i], func(r rune) bool { return r < '0' || r > '9' }) < 0 {
		s = s[i+2:]
	}
	return "not well-formed XML: " + s
}

type parser struct {
	file   string
	lim    Limits
	d      *xml.Decoder
	refs   map[string]*Object  // object RefId → object, for the whole document
	open   map[*Object]bool    // objects whose end tag is not read yet
	types  map[string][]string // TN RefId → type names
	values int
}

func (p *parser) errAt(line, col int, format string, args ...any) error {
	return &Error{File: p.file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) errf(format string, args ...any) error {
	line, col := p.d.InputPos()
	return p.errAt(line, col, format, args...)
}

// next returns the next token that matters: elements, end tags and text;
// comments are skipped; DOCTYPE and processing instructions other than the XML
// declaration are refused.
func (p *parser) next() (xml.Token, error) {
	for {
		tok, err := p.d.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.Comment:
			continue
		case xml.Directive:
			return nil, p.errf("a CLIXML file has no DOCTYPE or other <!...> declaration (refused: it could declare entities)")
		case xml.ProcInst:
			if t.Target == "xml" {
				continue
			}
			return nil, p.errf("unexpected processing instruction <?%s?>", t.Target)
		}
		return tok, nil
	}
}

func (p *parser) document() (*Document, error) {
	doc := &Document{}
	for {
		tok, err := p.next()
		if err == io.EOF {
			return nil, p.errf("empty document: want <Objs Version=\"1.1.0.1\" xmlns=%q>", Namespace)
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, p.errf("text before the root element")
			}
			continue
		case xml.StartElement:
			if t.Name.Local != "Objs" {
				return nil, p.errf("the root element is <%s>; an Export-Clixml file starts with <Objs>", t.Name.Local)
			}
			if err := p.checkNS(t); err != nil {
				return nil, err
			}
			for _, a := range t.Attr {
				if a.Name.Local == "Version" {
					doc.Version = a.Value
				}
			}
			if doc.Values, err = p.children(1, "Objs"); err != nil {
				return nil, err
			}
			var total int64
			for _, v := range doc.Values {
				total = addSize(total, sizeOf(v))
			}
			if total > p.lim.Expanded {
				return nil, p.errAt(1, 1, "the document expands to more than %d values through its Ref back-references (a reference bomb?)", p.lim.Expanded)
			}
			for {
				tok, err := p.next()
				if err == io.EOF {
					return doc, nil
				}
				if err != nil {
					return nil, err
				}
				if cd, ok := tok.(xml.CharData); !ok || len(bytes.TrimSpace(cd)) > 0 {
					return nil, p.errf("content after </Objs>")
				}
			}
		default:
			return nil, p.errf("unexpected %T before the root element", tok)
		}
	}
}

func (p *parser) checkNS(t xml.StartElement) error {
	if t.Name.Space != "" && t.Name.Space != Namespace {
		return p.errf("element <%s> is in namespace %q, not PowerShell's %q", t.Name.Local, t.Name.Space, Namespace)
	}
	return nil
}

// children reads values up to the end of the element, for Objs, Props, MS, LST,
// IE, STK and QUE: every child is a value element.
func (p *parser) children(depth int, what string) ([]Value, error) {
	var out []Value
	for {
		tok, err := p.next()
		if err != nil {
			return nil, p.eof(err, what)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return out, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, p.errf("unexpected text %q in <%s>", clip(string(t)), what)
			}
		case xml.StartElement:
			v, err := p.value(t, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
	}
}

func (p *parser) eof(err error, what string) error {
	if err == io.EOF {
		return p.errf("the file ends inside <%s>", what)
	}
	return err
}

var primitives = map[string]bool{
	"S": true, "C": true, "B": true, "DT": true, "TS": true, "By": true, "SB": true,
	"U16": true, "I16": true, "U32": true, "I32": true, "U64": true, "I64": true,
	"Sg": true, "Db": true, "D": true, "BA": true, "G": true, "URI": true, "Nil": true,
	"Version": true, "XD": true, "SBK": true, "SS": true,
}

// valueTags lists what may stand where a value is expected, for error messages.
const valueTags = "Obj, Ref, S, I32, I64, B, DT, TS, G, Db, D, BA, Nil, ..."

func (p *parser) value(t xml.StartElement, depth int) (Value, error) {
	line, col := p.d.InputPos()
	if depth > p.lim.Depth {
		return Value{}, p.errAt(line, col, "elements nest deeper than %d levels, the limit", p.lim.Depth)
	}
	if err := p.checkNS(t); err != nil {
		return Value{}, err
	}
	p.values++
	if p.values > p.lim.Values {
		return Value{}, p.errAt(line, col, "more than %d values in one file, the limit", p.lim.Values)
	}
	v := Value{Tag: t.Name.Local, Line: line, Col: col}
	for _, a := range t.Attr {
		if a.Name.Local == "N" {
			v.Name = decodeString(a.Value)
		}
	}
	switch {
	case v.Tag == "Obj":
		o, err := p.object(t, depth)
		if err != nil {
			return Value{}, err
		}
		v.Obj = o
		return v, nil
	case v.Tag == "Ref":
		id := attr(t, "RefId")
		o, ok := p.refs[id]
		if !ok {
			return Value{}, p.errAt(line, col, "<Ref RefId=%q> names no object read before it", id)
		}
		if p.open[o] {
			return Value{}, p.errAt(line, col, "<Ref RefId=%q> names an object that contains it (a cycle)", id)
		}
		if err := p.empty("Ref"); err != nil {
			return Value{}, err
		}
		v.Obj = o
		return v, nil
	case v.Tag == "MS":
		o := &Object{}
		props, err := p.children(depth, "MS")
		if err != nil {
			return Value{}, err
		}
		o.Extended = props
		o.size = 1 + sumSizes(props)
		v.Obj = o
		return v, nil
	case primitives[v.Tag]:
		text, err := p.text(v.Tag)
		if err != nil {
			return Value{}, err
		}
		if v.Text, err = checkPrimitive(v.Tag, text); err != nil {
			return Value{}, p.errAt(line, col, "<%s%s>: %v", v.Tag, nameAttr(v.Name), err)
		}
		return v, nil
	}
	return Value{}, p.errAt(line, col, "unknown element <%s> where a value belongs (want %s)", v.Tag, valueTags)
}

func nameAttr(n string) string {
	if n == "" {
		return ""
	}
	return fmt.Sprintf(" N=%q", n)
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// text reads character data up to the element's end; a child element is an error.
func (p *parser) text(what string) (string, error) {
	var b strings.Builder
	for {
		tok, err := p.next()
		if err != nil {
			return "", p.eof(err, what)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if b.Len()+len(t) > p.lim.String {
				return "", p.errf("<%s> holds more than %d bytes of text, the limit", what, p.lim.String)
			}
			b.Write(t)
		case xml.EndElement:
			return b.String(), nil
		case xml.StartElement:
			return "", p.errf("<%s> holds text, not an element <%s>", what, t.Name.Local)
		}
	}
}

func (p *parser) empty(what string) error {
	s, err := p.text(what)
	if err != nil {
		return err
	}
	if strings.TrimSpace(s) != "" {
		return p.errf("<%s> is empty, not %q", what, clip(s))
	}
	return nil
}

func (p *parser) object(t xml.StartElement, depth int) (*Object, error) {
	o := &Object{RefID: attr(t, "RefId")}
	if o.RefID != "" {
		if _, dup := p.refs[o.RefID]; dup {
			return nil, p.errf("two objects have RefId %q", o.RefID)
		}
		p.refs[o.RefID] = o
	}
	p.open[o] = true
	defer delete(p.open, o)
	seen := map[string]bool{}
	once := func(tag string) error {
		group := tag
		switch tag {
		case "TN", "TNRef":
			group = "type names"
		case "LST", "IE", "STK", "QUE", "DCT":
			group = "a container"
		}
		if seen[group] {
			return p.errf("an <Obj> has %s once; <%s> repeats it", group, tag)
		}
		seen[group] = true
		return nil
	}
	for {
		tok, err := p.next()
		if err != nil {
			return nil, p.eof(err, "Obj")
		}
		switch c := tok.(type) {
		case xml.EndElement:
			o.size = 1 + o.childSize()
			return o, nil
		case xml.CharData:
			if len(bytes.TrimSpace(c)) > 0 {
				return nil, p.errf("unexpected text %q in <Obj>", clip(string(c)))
			}
		case xml.StartElement:
			if depth+1 > p.lim.Depth {
				return nil, p.errf("elements nest deeper than %d levels, the limit", p.lim.Depth)
			}
			if err := p.checkNS(c); err != nil {
				return nil, err
			}
			tag := c.Name.Local
			switch tag {
			case "TN":
				if err := once(tag); err != nil {
					return nil, err
				}
				if o.Types, err = p.typeNames(c); err != nil {
					return nil, err
				}
			case "TNRef":
				if err := once(tag); err != nil {
					return nil, err
				}
				id := attr(c, "RefId")
				ts, ok := p.types[id]
				if !ok {
					return nil, p.errf("<TNRef RefId=%q> names no <TN> read before it", id)
				}
				o.Types = ts
				if err := p.empty("TNRef"); err != nil {
					return nil, err
				}
			case "ToString":
				if err := once(tag); err != nil {
					return nil, err
				}
				s, err := p.text("ToString")
				if err != nil {
					return nil, err
				}
				o.ToString, o.HasToString = decodeString(s), true
			case "Props":
				if err := once(tag); err != nil {
					return nil, err
				}
				if o.Props, err = p.children(depth+1, "Props"); err != nil {
					return nil, err
				}
			case "MS":
				if err := once(tag); err != nil {
					return nil, err
				}
				if o.Extended, err = p.children(depth+1, "MS"); err != nil {
					return nil, err
				}
			case "LST", "IE", "STK", "QUE":
				if err := once(tag); err != nil {
					return nil, err
				}
				o.Container = tag
				if o.Items, err = p.children(depth+1, tag); err != nil {
					return nil, err
				}
				for _, it := range o.Items {
					if it.Tag == "MS" {
						return nil, p.errAt(it.Line, it.Col, "<MS> is not an item of <%s>", tag)
					}
				}
			case "DCT":
				if err := once(tag); err != nil {
					return nil, err
				}
				o.Container = tag
				if o.Entries, err = p.dict(depth + 1); err != nil {
					return nil, err
				}
			default:
				if !primitives[tag] {
					return nil, p.errf("unknown element <%s> in <Obj> (want TN, TNRef, ToString, Props, MS, LST, IE, STK, QUE, DCT or a primitive value)", tag)
				}
				if err := once("a value"); err != nil {
					return nil, err
				}
				v, err := p.value(c, depth+1)
				if err != nil {
					return nil, err
				}
				o.Value = &v
			}
		}
	}
}

func (p *parser) typeNames(start xml.StartElement) ([]string, error) {
	id := attr(start, "RefId")
	var ts []string
	for {
		tok, err := p.next()
		if err != nil {
			return nil, p.eof(err, "TN")
		}
		switch c := tok.(type) {
		case xml.EndElement:
			if id != "" {
				if _, dup := p.types[id]; dup {
					return nil, p.errf("two <TN> have RefId %q", id)
				}
				p.types[id] = ts
			}
			return ts, nil
		case xml.CharData:
			if len(bytes.TrimSpace(c)) > 0 {
				return nil, p.errf("unexpected text %q in <TN>", clip(string(c)))
			}
		case xml.StartElement:
			if c.Name.Local != "T" {
				return nil, p.errf("<TN> holds <T> elements, not <%s>", c.Name.Local)
			}
			p.values++
			if p.values > p.lim.Values {
				return nil, p.errf("more than %d values in one file, the limit", p.lim.Values)
			}
			s, err := p.text("T")
			if err != nil {
				return nil, err
			}
			ts = append(ts, decodeString(s))
		}
	}
}

// dict reads DCT: <En> elements, each holding one value with N="Key" and one
// with N="Value" (PSRP §2.2.5.2.6.4).
func (p *parser) dict(depth int) ([]Entry, error) {
	var out []Entry
	for {
		tok, err := p.next()
		if err != nil {
			return nil, p.eof(err, "DCT")
		}
		switch c := tok.(type) {
		case xml.EndElement:
			return out, nil
		case xml.CharData:
			if len(bytes.TrimSpace(c)) > 0 {
				return nil, p.errf("unexpected text %q in <DCT>", clip(string(c)))
			}
		case xml.StartElement:
			if c.Name.Local != "En" {
				return nil, p.errf("<DCT> holds <En> entries, not <%s>", c.Name.Local)
			}
			if depth+1 > p.lim.Depth {
				return nil, p.errf("elements nest deeper than %d levels, the limit", p.lim.Depth)
			}
			vs, err := p.children(depth+1, "En")
			if err != nil {
				return nil, err
			}
			var e Entry
			var k, v bool
			for _, x := range vs {
				switch {
				case x.Name == "Key" && !k:
					e.Key, k = x, true
				case x.Name == "Value" && !v:
					e.Value, v = x, true
				default:
					return nil, p.errAt(x.Line, x.Col, "an <En> holds one value N=\"Key\" and one N=\"Value\", not %s", describe(x))
				}
			}
			if !k || !v {
				return nil, p.errf("an <En> needs a value N=\"Key\" and a value N=\"Value\"")
			}
			out = append(out, e)
		}
	}
}

func describe(v Value) string {
	if v.Name == "" {
		return "<" + v.Tag + ">"
	}
	return fmt.Sprintf("<%s N=%q>", v.Tag, v.Name)
}

func (o *Object) childSize() int64 {
	n := sumSizes(o.Items)
	n = addSize(n, sumSizes(o.Props))
	n = addSize(n, sumSizes(o.Extended))
	for _, e := range o.Entries {
		n = addSize(n, addSize(sizeOf(e.Key), sizeOf(e.Value)))
	}
	if o.Value != nil {
		n = addSize(n, 1)
	}
	return n
}

func sumSizes(vs []Value) int64 {
	var n int64
	for _, v := range vs {
		n = addSize(n, sizeOf(v))
	}
	return n
}

func sizeOf(v Value) int64 {
	if v.Obj != nil {
		return v.Obj.size
	}
	return 1
}

// addSize adds without overflowing: past 1<<62 a count is only "too many".
func addSize(a, b int64) int64 {
	if a > 1<<62 || b > 1<<62 || a+b > 1<<62 {
		return 1 << 62
	}
	return a + b
}

func clip(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 40 {
		i := 40
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		return s[:i] + "..."
	}
	return s
}

var (
	guidRE     = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$`)
	durationRE = regexp.MustCompile(`^-?P(\d+Y)?(\d+M)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$`)
	decimalRE  = regexp.MustCompile(`^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$`)
	versionRE  = regexp.MustCompile(`^\d+(\.\d+){1,3}$`)
	dateTimeRE = regexp.MustCompile(`^-?\d{4,}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?)?(Z|[+-]\d{2}:\d{2})?$`)
)

// checkPrimitive validates a primitive's text as PowerShell writes it (B.8) and
// returns it as kept: strings decoded, numbers and the rest trimmed.
func checkPrimitive(tag, text string) (string, error) {
	switch tag {
	case "S", "URI", "XD", "SBK":
		return decodeString(text), nil
	}
	s := strings.TrimSpace(text)
	bad := func(want string) (string, error) {
		return "", fmt.Errorf("%q is not %s", clip(s), want)
	}
	switch tag {
	case "Nil":
		if s != "" {
			return "", fmt.Errorf("<Nil /> is empty, not %q", clip(s))
		}
	case "B":
		switch s {
		case "true", "false":
		case "1":
			s = "true"
		case "0":
			s = "false"
		default:
			return bad("true or false")
		}
	case "SB", "I16", "I32", "I64":
		bits := map[string]int{"SB": 8, "I16": 16, "I32": 32, "I64": 64}[tag]
		if _, err := strconv.ParseInt(s, 10, bits); err != nil {
			return bad(fmt.Sprintf("a whole number of %d bits", bits))
		}
	case "By", "U16", "U32", "U64", "C":
		bits := map[string]int{"By": 8, "U16": 16, "U32": 32, "U64": 64, "C": 16}[tag]
		if _, err := strconv.ParseUint(s, 10, bits); err != nil {
			return bad(fmt.Sprintf("an unsigned whole number of %d bits", bits))
		}
	case "Sg", "Db":
		switch s {
		case "INF", "-INF", "NaN":
		default:
			if _, err := strconv.ParseFloat(s, 64); err != nil || !decimalRE.MatchString(s) {
				return bad("a floating-point number")
			}
		}
	case "D":
		if !decimalRE.MatchString(s) {
			return bad("a decimal number")
		}
	case "DT":
		if !dateTimeRE.MatchString(s) {
			return bad("an xsd:dateTime like 2021-09-28T17:32:01.8071985Z")
		}
	case "TS":
		if !durationRE.MatchString(s) || s == "P" || strings.HasSuffix(s, "T") {
			return bad("an xsd:duration like PT9.0269026S")
		}
	case "G":
		if !guidRE.MatchString(s) {
			return bad("a GUID")
		}
	case "BA", "SS":
		if _, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), "")); err != nil {
			return bad("base64")
		}
		s = strings.Join(strings.Fields(s), "")
	case "Version":
		if !versionRE.MatchString(s) {
			return bad("a version like 6.2.1.3")
		}
	}
	return s, nil
}

// decodeString undoes PowerShell's string encoding (B.9): _xHHHH_ is the UTF-16
// code unit HHHH; surrogate pairs written as two escapes are joined.
func decodeString(s string) string {
	if !strings.Contains(s, "_x") && !strings.Contains(s, "_X") {
		return s
	}
	var units []uint16
	var b strings.Builder
	flush := func() {
		if len(units) > 0 {
			b.WriteString(string(utf16.Decode(units)))
			units = units[:0]
		}
	}
	for i := 0; i < len(s); {
		if i+7 <= len(s) && s[i] == '_' && (s[i+1] == 'x' || s[i+1] == 'X') && s[i+6] == '_' {
			if u, err := strconv.ParseUint(s[i+2:i+6], 16, 16); err == nil {
				units = append(units, uint16(u))
				i += 7
				continue
			}
		}
		flush()
		r, n := utf8.DecodeRuneInString(s[i:])
		b.WriteRune(r)
		i += n
	}
	flush()
	return b.String()
}
