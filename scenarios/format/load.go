package format

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/exsim/exsim/powershell"
	"github.com/exsim/exsim/scenarios/cmdlet"
	"github.com/exsim/exsim/scenarios/fault"
	"github.com/exsim/exsim/scenarios/input"
)

// MaxFileSize bounds the size of a scenario file.
const MaxFileSize = 1 << 20

// maxItems bounds the list items a load visits, so a few aliases of aliases
// cannot make a small file expensive to load.
const maxItems = 1_000_000

// Load reads and parses a scenario file. Errors in its content name the file by its
// base name, with line and column; a file refused before it is read (too large, a
// device, a directory) is named by the path given, which is what the user typed.
func Load(path string) (*Scenario, error) {
	// a regular file only (a FIFO or /dev/zero is refused, never read), and never
	// more than the size limit plus a byte
	data, err := input.ReadFile(path, MaxFileSize)
	if err != nil {
		return nil, fileError(filepath.Base(path), err)
	}
	dir := filepath.Dir(path)
	return ParseFiles(filepath.Base(path), data, func(rel string) ([]byte, error) {
		return input.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)), powershell.MaxScriptBytes)
	})
}

// ParseFiles is Parse for a scenario whose steps name files (a script step's .ps1),
// which files reads by their path relative to the scenario.
func ParseFiles(filename string, data []byte, files func(rel string) ([]byte, error)) (*Scenario, error) {
	return parse(filename, data, files)
}

// Parse parses and checks a scenario. Every error has the form
// "file:line:col: message"; unknown keys and misspelled names suggest the closest
// valid word. The first error found is returned.
//
// go-yaml parses the file into its AST (its syntax errors keep their positions),
// and a small walker decodes the AST instead of go-yaml's struct decoder with
// DisallowUnknownField. Why: that decoder reports one unknown key picked from a
// map (so with two typos the message changes from run to run), cannot suggest
// the key meant, and does not tell us where each list item or value sits, which
// every later check needs for its error. The walker is as strict: unknown and
// duplicate keys are errors, a scalar where a list belongs is an error (except
// traffic "to", which the format allows as either), anchors and aliases work,
// merge keys (<<) are refused.
func Parse(filename string, data []byte) (*Scenario, error) { return parse(filename, data, nil) }

func parse(filename string, data []byte, files func(string) ([]byte, error)) (*Scenario, error) {
	l := &loader{file: filename, anchors: map[string]ast.Node{}, files: files}
	if len(data) > MaxFileSize {
		return nil, &Error{File: filename, Pos: Pos{Line: 1, Col: 1}, Msg: fmt.Sprintf("the file is larger than %d bytes, the limit", MaxFileSize)}
	}
	// Measure the bytes before go-yaml sees them: its cost grows far faster than the
	// file (40,000 '[' cost it gigabytes), and YAML forbids invalid UTF-8, NUL and
	// control characters, which it would let through.
	if err := input.Scan(filename, data, input.DefaultLimits()); err != nil {
		return nil, fileError(filename, err)
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, l.yamlErr(err)
	}
	var body ast.Node
	for _, d := range f.Docs {
		if d == nil || d.Body == nil {
			continue
		}
		if body != nil {
			return nil, l.errf(posOf(d.Body), "a scenario file holds one YAML document")
		}
		body = d.Body
	}
	if body == nil {
		return nil, l.errf(Pos{Line: 1, Col: 1}, "empty scenario: want name, description, duration and topology")
	}
	s, err := l.scenario(body)
	if err != nil {
		return nil, err
	}
	if err := l.budget(s); err != nil {
		return nil, err
	}
	s.File = filename
	l.anchors = nil // the syntax tree is not needed once loaded
	s.names = l
	return s, nil
}

// fileError turns a refusal of the input package into the loader's error type.
func fileError(file string, err error) error {
	var ie *input.Error
	if errors.As(err, &ie) {
		e := &Error{File: ie.File, Pos: Pos{Line: ie.Line, Col: ie.Col}, Msg: ie.Msg}
		if e.File == "" {
			e.File = file
		}
		return e
	}
	return &Error{File: file, Msg: err.Error()}
}

// Events a run spends, as measured on the anchors workload (11.3 events a message:
// receive, shadow, queue, deliver, heartbeat, discard, ...) and on the monitors (a
// mail flow probe is a message plus its send and receive runs). The estimate only
// has to tell a runaway scenario from a real one.
const (
	eventsPerMessage   = 12
	eventsPerProbeTick = 2 + eventsPerMessage
	eventsPerHeartbeat = 1
)

// budget refuses, at load, a scenario whose run could not fit MaxEvents (a monitor
// every nanosecond, say), naming what would spend the events, rather than letting
// the run stop on the budget with no position.
func (l *loader) budget(s *Scenario) error {
	est := s.expectedMessages * eventsPerMessage
	for _, m := range s.Monitors {
		if m.Every <= 0 {
			continue
		}
		ticks := float64(s.Duration) / float64(m.Every)
		per := float64(eventsPerHeartbeat)
		if m.Kind == "mailflow" {
			per = eventsPerProbeTick
		}
		n := ticks * per
		if est+n > MaxEvents {
			return l.errf(m.Pos, "a %s monitor every %v over %v would take about %.3g events; a run is limited to %d (make every at least %v)",
				m.Kind, m.Every, s.Duration, n, MaxEvents, (time.Duration(float64(s.Duration)*per/float64(MaxEvents-est)) + time.Second).Truncate(time.Second))
		}
		est += n
	}
	return nil
}

type loader struct {
	file    string
	files   func(rel string) ([]byte, error) // files named by steps; nil: none can be read
	anchors map[string]ast.Node
	s       *Scenario
	items   int // list items visited, aliases included: bounds alias bombs

	servers   map[string]*ServerSpec // lower-case name → server
	dagOf     map[string]string      // server → DAG name
	databases map[string]*DatabaseSpec
	sites     map[string]string // lower-case → declared spelling
	mailboxes map[string]bool   // lower-case address
	domains   map[string]bool   // lower-case domains of mailboxes
}

func (l *loader) errf(p Pos, format string, args ...any) error {
	for i, verb := range verbs(format) { // a value echoed with %q is shortened: a 5,000-character name is not
		if i >= len(args) {
			break
		}
		if s, ok := args[i].(string); ok && verb == 'q' && utf8.RuneCountInString(s) > maxEchoed {
			args[i] = string([]rune(s)[:maxEchoed]) + fmt.Sprintf("…(%d characters)", utf8.RuneCountInString(s))
		}
	}
	return &Error{File: l.file, Pos: p, Msg: fmt.Sprintf(format, args...)}
}

// maxEchoed is the longest value an error message repeats in full.
const maxEchoed = 80

// verbs lists the verb of each argument a format string uses, in order.
func verbs(format string) []byte {
	var out []byte
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("+-# 0123456789.", format[i]) >= 0 {
			i++
		}
		if i < len(format) && format[i] != '%' {
			out = append(out, format[i])
		}
	}
	return out
}

// yamlErr turns a go-yaml error into "file:line:col: message".
func (l *loader) yamlErr(err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) {
		p := Pos{}
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			p = Pos{Line: tk.Position.Line, Col: tk.Position.Column}
		}
		return l.errf(p, "%s", ye.GetMessage())
	}
	return l.errf(Pos{}, "%v", err)
}

func posOf(n ast.Node) Pos {
	switch m := n.(type) {
	case *ast.MappingNode:
		if len(m.Values) > 0 {
			return posOf(m.Values[0].Key)
		}
	case *ast.MappingValueNode:
		return posOf(m.Key)
	case *ast.AnchorNode:
		return posOf(m.Value)
	case *ast.TagNode:
		return posOf(m.Value)
	}
	if n == nil {
		return Pos{}
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return Pos{}
	}
	return Pos{Line: tk.Position.Line, Col: tk.Position.Column}
}

// resolve follows anchors, aliases and tags to the value node.
func (l *loader) resolve(n ast.Node) (ast.Node, error) {
	for range 64 {
		switch v := n.(type) {
		case *ast.AnchorNode:
			if v.Name != nil {
				l.anchors[v.Name.GetToken().Value] = v.Value
			}
			n = v.Value
		case *ast.AliasNode:
			name := ""
			if v.Value != nil {
				name = v.Value.GetToken().Value
			}
			t, ok := l.anchors[name]
			if !ok {
				return nil, l.errf(posOf(v), "unknown alias *%s", name)
			}
			n = t
		case *ast.TagNode:
			n = v.Value
		default:
			return n, nil
		}
	}
	return nil, l.errf(posOf(n), "aliases nested too deeply")
}

type entry struct {
	key    string
	keyPos Pos
	val    ast.Node
}

func describe(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.NullNode, nil:
		return "nothing"
	}
	return "a scalar"
}

// mapping returns n's entries in source order; a key not in keys is an error that
// suggests the closest key, and so is a key given twice.
func (l *loader) mapping(n ast.Node, what string, keys ...string) ([]entry, error) {
	n, err := l.resolve(n)
	if err != nil {
		return nil, err
	}
	var mvs []*ast.MappingValueNode
	switch m := n.(type) {
	case *ast.MappingNode:
		mvs = m.Values
	case *ast.MappingValueNode:
		mvs = []*ast.MappingValueNode{m}
	default:
		return nil, l.errf(posOf(n), "%s must be a mapping, found %s", what, describe(n))
	}
	var out []entry
	seen := map[string]bool{}
	for _, mv := range mvs {
		if _, merge := mv.Key.(*ast.MergeKeyNode); merge {
			return nil, l.errf(posOf(mv.Key), "merge keys (<<) are not supported")
		}
		k, err := l.resolve(mv.Key)
		if err != nil {
			return nil, err
		}
		if mk, ok := k.(*ast.MappingKeyNode); ok {
			k = mk.Value
		}
		key := ""
		if _, ok := k.(ast.ScalarNode); ok && k.GetToken() != nil {
			key = k.GetToken().Value
		}
		kp := posOf(mv.Key)
		if !slices.Contains(keys, key) {
			return nil, l.errf(kp, "unknown key %q in %s%s", key, what, didYouMean(key, keys))
		}
		if seen[key] {
			return nil, l.errf(kp, "key %q given twice in %s", key, what)
		}
		seen[key] = true
		out = append(out, entry{key: key, keyPos: kp, val: mv.Value})
	}
	return out, nil
}

func (l *loader) require(n ast.Node, what string, es []entry, keys ...string) error {
	for _, k := range keys {
		if !slices.ContainsFunc(es, func(e entry) bool { return e.key == k }) {
			return l.errf(posOf(n), "%s needs %q", what, k)
		}
	}
	return nil
}

func has(es []entry, key string) bool {
	return slices.ContainsFunc(es, func(e entry) bool { return e.key == key })
}

// scalar returns a scalar's text (numbers and booleans as written).
func (l *loader) scalar(n ast.Node, what string) (string, error) {
	n, err := l.resolve(n)
	if err != nil {
		return "", err
	}
	var str string
	switch v := n.(type) {
	case *ast.StringNode:
		str = v.Value
	case *ast.LiteralNode:
		str = strings.TrimRight(v.Value.Value, "\n")
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return n.GetToken().Value, nil
	default:
		return "", l.errf(posOf(n), "%s must be a single value, found %s", what, describe(n))
	}
	// an escape in a quoted string ("\x00") decodes to what the raw bytes may not hold
	if err := input.ValidString(str); err != nil {
		return "", l.errf(posOf(n), "%s: %v", what, err)
	}
	return str, nil
}

func (l *loader) str(n ast.Node, what string) (string, error) {
	s, err := l.scalar(n, what)
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(s) == "" {
		return "", l.errf(posOf(n), "%s is empty", what)
	}
	return s, nil
}

func (l *loader) dur(n ast.Node, what string) (time.Duration, error) {
	s, err := l.scalar(n, what)
	if err != nil {
		return 0, err
	}
	d, err := ParseDuration(s)
	if err != nil {
		return 0, l.errf(posOf(n), "%s: %v", what, err)
	}
	return d, nil
}

func (l *loader) int(n ast.Node, what string, lo, hi int64) (int64, error) {
	s, err := l.scalar(n, what)
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 10, 64)
	if err != nil {
		return 0, l.errf(posOf(n), "%s must be a whole number, found %q", what, s)
	}
	if v < lo || v > hi {
		return 0, l.errf(posOf(n), "%s must be between %d and %d, found %d", what, lo, hi, v)
	}
	return v, nil
}

func (l *loader) float(n ast.Node, what string) (float64, error) {
	s, err := l.scalar(n, what)
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0, l.errf(posOf(n), "%s must be a number of at least 0, found %q", what, s)
	}
	return v, nil
}

// list returns the items of a sequence; single says whether a scalar is accepted
// as a list of one.
func (l *loader) list(n ast.Node, what string, single bool) ([]ast.Node, error) {
	n, err := l.resolve(n)
	if err != nil {
		return nil, err
	}
	switch v := n.(type) {
	case *ast.SequenceNode:
		l.items += len(v.Values)
		if l.items > maxItems {
			return nil, l.errf(posOf(n), "the scenario has more than %d list items (aliases counted each time they are used)", maxItems)
		}
		return v.Values, nil
	case *ast.NullNode:
		return nil, nil
	}
	if single {
		return []ast.Node{n}, nil
	}
	return nil, l.errf(posOf(n), "%s must be a list, found %s", what, describe(n))
}

func (l *loader) strs(n ast.Node, what string, single bool) ([]string, []Pos, error) {
	items, err := l.list(n, what, single)
	if err != nil {
		return nil, nil, err
	}
	out := make([]string, 0, len(items))
	pos := make([]Pos, 0, len(items))
	for _, it := range items {
		s, err := l.str(it, what)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, s)
		pos = append(pos, posOf(it))
	}
	return out, pos, nil
}

func (l *loader) compare(n ast.Node, what string) (*Compare, error) {
	s, err := l.scalar(n, what)
	if err != nil {
		return nil, err
	}
	c, err := ParseCompare(s)
	if err != nil {
		return nil, l.errf(posOf(n), "%s: %v", what, err)
	}
	return &c, nil
}

// textPos is where the characters of a scalar's text start (after an opening quote).
func textPos(n ast.Node) Pos {
	p := posOf(n)
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
			continue
		case *ast.TagNode:
			n = v.Value
			continue
		}
		break
	}
	if tk := n.GetToken(); tk != nil && (tk.Type == token.SingleQuoteType || tk.Type == token.DoubleQuoteType) {
		p.Col++
	}
	return p
}

// at returns the file position of byte offset off inside a text at p.
func at(p Pos, text string, off int) Pos {
	off = min(max(off, 0), len(text))
	return Pos{Line: p.Line, Col: p.Col + utf8.RuneCountInString(text[:off])}
}

var nameRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// scenario decodes the top level, then checks it.
func (l *loader) scenario(n ast.Node) (*Scenario, error) {
	es, err := l.mapping(n, "the scenario", "name", "description", "version", "start", "duration",
		"seed", "topology", "config", "edgeTransportConfig", "traffic", "steps", "monitors", "expect")
	if err != nil {
		return nil, err
	}
	if err := l.require(n, "the scenario", es, "name", "description", "duration", "topology"); err != nil {
		return nil, err
	}
	s := &Scenario{Seed: DefaultSeed, Start: DefaultStart, Expect: Expect{Implicit: true}}
	l.s = s
	var durPos Pos
	// Decode the header first: later sections are checked against it.
	for _, e := range es {
		switch e.key {
		case "name":
			if s.Name, err = l.str(e.val, "name"); err == nil && !nameRE.MatchString(s.Name) {
				err = l.errf(posOf(e.val), "name %q must be lowercase words joined by '-', like hub-failure", s.Name)
			}
		case "description":
			s.Description, err = l.str(e.val, "description")
		case "version":
			if s.Version, err = l.str(e.val, "version"); err == nil {
				s.Version, err = l.version(s.Version, posOf(e.val))
			}
		case "start":
			var t string
			if t, err = l.str(e.val, "start"); err == nil {
				if s.Start, err = time.Parse(time.RFC3339, t); err != nil {
					err = l.errf(posOf(e.val), "start must be an RFC 3339 time like 2011-03-01T09:00:00Z, found %q", t)
				}
				s.Start = s.Start.UTC()
			}
		case "duration":
			durPos = posOf(e.val)
			if s.Duration, err = l.dur(e.val, "duration"); err == nil {
				switch {
				case s.Duration <= 0:
					err = l.errf(durPos, "duration must be more than 0")
				case s.Duration > MaxDuration:
					err = l.errf(durPos, "duration %v is longer than the limit of %v (30 days)", s.Duration, MaxDuration)
				}
			}
		case "seed":
			var v int64
			v, err = l.int(e.val, "seed", 0, math.MaxInt64)
			s.Seed = uint64(v)
		}
		if err != nil {
			return nil, err
		}
	}
	for _, e := range es {
		switch e.key {
		case "topology":
			err = l.topology(e.val)
		}
		if err != nil {
			return nil, err
		}
	}
	for _, e := range es {
		switch e.key {
		case "config":
			err = l.config(e.val)
		case "edgeTransportConfig":
			err = l.edgeConfig(e.val)
		case "traffic":
			err = l.traffic(e.val)
		case "steps":
			err = l.steps(e.val)
		case "monitors":
			err = l.monitors(e.val)
		}
		if err != nil {
			return nil, err
		}
	}
	for _, e := range es {
		if e.key == "expect" {
			if err := l.expect(e.val); err != nil {
				return nil, err
			}
		}
	}
	if s.Expect.Implicit {
		s.Expect.Lost = &Compare{Op: "==", Value: 0}
		s.Expect.Duplicates = &Compare{Op: "==", Value: 0}
	}
	return s, nil
}

func (l *loader) version(v string, p Pos) (string, error) {
	for _, k := range Versions {
		if strings.EqualFold(k, v) {
			return k, nil
		}
	}
	return "", l.errf(p, "unknown version %q%s (want one of %s)", v, didYouMean(v, Versions), strings.Join(Versions, ", "))
}

func versionIndex(v string) int { return slices.Index(Versions, v) }

var serverRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$`)

// checkComputerName: servers, DAGs and witnesses are Windows computer names
// (NetBIOS: at most 15 letters, digits and hyphens).
func (l *loader) checkComputerName(name, what string, p Pos) error {
	if !serverRE.MatchString(name) || len(name) > 15 {
		return l.errf(p, "%s name %q must be a computer name: up to 15 letters, digits and hyphens", what, name)
	}
	return nil
}

func (l *loader) serverNames() []string {
	out := make([]string, len(l.s.Topology.Servers))
	for i, s := range l.s.Topology.Servers {
		out[i] = s.Name
	}
	return out
}

// server resolves a server reference to its declared spelling.
func (l *loader) server(name string, p Pos) (*ServerSpec, error) {
	if s, ok := l.servers[strings.ToLower(l.s.ShortServerName(name))]; ok {
		return s, nil
	}
	return nil, l.errf(p, "unknown server %q%s", name, didYouMean(name, l.serverNames()))
}

func (l *loader) databaseNames() []string {
	out := make([]string, len(l.s.Topology.Databases))
	for i, d := range l.s.Topology.Databases {
		out[i] = d.Name
	}
	return out
}

func (l *loader) database(name string, p Pos) (*DatabaseSpec, error) {
	if d, ok := l.databases[strings.ToLower(name)]; ok {
		return d, nil
	}
	return nil, l.errf(p, "unknown database %q%s", name, didYouMean(name, l.databaseNames()))
}

func (l *loader) site(name string, p Pos) (string, error) {
	if s, ok := l.sites[strings.ToLower(name)]; ok {
		return s, nil
	}
	return "", l.errf(p, "unknown site %q%s", name, didYouMean(name, l.s.Topology.Sites))
}

var rolesByVersion = map[string][]string{
	"Exchange2010":    {"Mailbox", "HubTransport", "ClientAccess"},
	"Exchange2010SP1": {"Mailbox", "HubTransport", "ClientAccess"},
	"Exchange2010SP2": {"Mailbox", "HubTransport", "ClientAccess"},
	"Exchange2010SP3": {"Mailbox", "HubTransport", "ClientAccess"},
	"Exchange2013":    {"Mailbox", "ClientAccess"},
	"Exchange2016":    {"Mailbox"},
	"Exchange2019":    {"Mailbox"},
	"ExchangeSE":      {"Mailbox"},
}

func (l *loader) topology(n ast.Node) error {
	t := &l.s.Topology
	t.Pos = posOf(n)
	t.Latency = DefaultLatency
	t.Internet.SenderRetry = DefaultSenderRetry
	es, err := l.mapping(n, "topology", "sites", "siteLinks", "servers", "dags", "databases", "mailboxes",
		"sendConnectors", "internet", "latency")
	if err != nil {
		return err
	}
	if err := l.require(n, "topology", es, "servers"); err != nil {
		return err
	}
	l.servers = map[string]*ServerSpec{}
	l.dagOf = map[string]string{}
	l.databases = map[string]*DatabaseSpec{}
	l.sites = map[string]string{}
	l.mailboxes = map[string]bool{}
	l.domains = map[string]bool{}
	get := func(key string) ast.Node {
		for _, e := range es {
			if e.key == key {
				return e.val
			}
		}
		return nil
	}
	// Declarations in dependency order, whatever order the file uses.
	if v := get("latency"); v != nil {
		if t.Latency, err = l.dur(v, "latency"); err != nil {
			return err
		}
	}
	if v := get("sites"); v != nil {
		if err := l.sitesDecl(v); err != nil { // adsites.go
			return err
		}
	}
	if v := get("siteLinks"); v != nil {
		if err := l.siteLinksDecl(v); err != nil {
			return err
		}
	}
	if err := l.serversDecl(get("servers")); err != nil {
		return err
	}
	if v := get("dags"); v != nil {
		if err := l.dags(v); err != nil {
			return err
		}
	}
	if v := get("databases"); v != nil {
		if err := l.databasesDecl(v); err != nil {
			return err
		}
	}
	if v := get("mailboxes"); v != nil {
		if err := l.mailboxesDecl(v); err != nil {
			return err
		}
	}
	if v := get("sendConnectors"); v != nil {
		if err := l.connectors(v); err != nil {
			return err
		}
	}
	if v := get("internet"); v != nil {
		if err := l.internet(v); err != nil {
			return err
		}
	}
	return l.connectorSecurity()
}

func (l *loader) serversDecl(n ast.Node) error {
	t := &l.s.Topology
	items, err := l.list(n, "servers", false)
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return l.errf(posOf(n), "topology needs at least one server")
	}
	t.Servers = make([]ServerSpec, 0, len(items))
	for _, it := range items {
		es, err := l.mapping(it, "a server", "name", "site", "roles", "version")
		if err != nil {
			return err
		}
		if err := l.require(it, "a server", es, "name", "roles"); err != nil {
			return err
		}
		sv := ServerSpec{Pos: posOf(it), Version: l.s.Version}
		var sitePos, rolesPos Pos
		var rolePos []Pos
		for _, e := range es {
			switch e.key {
			case "name":
				if sv.Name, err = l.str(e.val, "server name"); err == nil {
					err = l.checkComputerName(sv.Name, "server", posOf(e.val))
				}
			case "site":
				sitePos = posOf(e.val)
				sv.Site, err = l.str(e.val, "site")
			case "roles":
				rolesPos = posOf(e.val)
				sv.Roles, rolePos, err = l.strs(e.val, "roles", false)
			case "version":
				if sv.Version, err = l.str(e.val, "version"); err == nil {
					sv.Version, err = l.version(sv.Version, posOf(e.val))
				}
			}
			if err != nil {
				return err
			}
		}
		key := strings.ToLower(sv.Name)
		if _, dup := l.servers[key]; dup {
			return l.errf(sv.Pos, "server %q is declared twice", sv.Name)
		}
		if sv.Version == "" {
			return l.errf(sv.Pos, "server %q has no version: set the scenario's version or the server's (one of %s)", sv.Name, strings.Join(Versions, ", "))
		}
		switch {
		case sv.Site != "":
			if sv.Site, err = l.site(sv.Site, sitePos); err != nil {
				return err
			}
		case len(t.Sites) == 0:
			sv.Site = DefaultSite
		case len(t.Sites) == 1:
			sv.Site = t.Sites[0]
		default:
			return l.errf(sv.Pos, "server %q needs a site: the topology has several", sv.Name)
		}
		valid := rolesByVersion[sv.Version]
		if len(sv.Roles) == 0 {
			return l.errf(rolesPos, "server %q needs at least one role (%s in %s)", sv.Name, strings.Join(valid, ", "), sv.Version)
		}
		for i, r := range sv.Roles {
			j := slices.IndexFunc(valid, func(v string) bool { return strings.EqualFold(v, r) })
			if j < 0 {
				return l.errf(rolePos[i], "role %q does not exist in %s%s (want %s)", r, sv.Version, didYouMean(r, valid), strings.Join(valid, ", "))
			}
			if slices.Contains(sv.Roles[:i], valid[j]) {
				return l.errf(rolePos[i], "role %q is listed twice", r)
			}
			sv.Roles[i] = valid[j]
		}
		t.Servers = append(t.Servers, sv)
		l.servers[key] = nil
	}
	for i := range t.Servers {
		l.servers[strings.ToLower(t.Servers[i].Name)] = &t.Servers[i]
	}
	return nil
}

func (l *loader) dags(n ast.Node) error {
	t := &l.s.Topology
	items, err := l.list(n, "dags", false)
	if err != nil {
		return err
	}
	names := map[string]bool{}
	for _, it := range items {
		es, err := l.mapping(it, "a DAG", "name", "members", "witness", "alternateWitness", "datacenterActivationMode", "seedingMBps", "autoReseedSpares")
		if err != nil {
			return err
		}
		if err := l.require(it, "a DAG", es, "name", "members"); err != nil {
			return err
		}
		d := DAGSpec{Pos: posOf(it)}
		var memberPos []Pos
		var witnessPos, membersPos Pos
		var wit, alt witnessDecl
		for _, e := range es {
			switch e.key {
			case "name":
				if d.Name, err = l.str(e.val, "DAG name"); err == nil {
					err = l.checkComputerName(d.Name, "DAG", posOf(e.val))
				}
			case "members":
				membersPos = posOf(e.val)
				d.Members, memberPos, err = l.strs(e.val, "members", false)
			case "witness":
				if wit, err = l.witness(e.val, "witness"); err == nil {
					d.Witness, witnessPos = wit.server, wit.serverPos
				}
			case "alternateWitness":
				alt, err = l.witness(e.val, "alternateWitness")
			case "autoReseedSpares":
				var n int64
				n, err = l.int(e.val, "autoReseedSpares", 0, 64)
				d.AutoReseedSpares = int(n)
			case "seedingMBps":
				d.SeedingMBps, err = l.positive(e.val, "seedingMBps")
			case "datacenterActivationMode":
				var v string
				if v, err = l.str(e.val, "datacenterActivationMode"); err == nil {
					d.DatacenterActivationMode, err = l.enum(v, DACModes, "datacenterActivationMode", posOf(e.val))
				}
			}
			if err != nil {
				return err
			}
		}
		if names[strings.ToLower(d.Name)] {
			return l.errf(d.Pos, "DAG %q is declared twice", d.Name)
		}
		if _, clash := l.servers[strings.ToLower(d.Name)]; clash {
			return l.errf(d.Pos, "DAG %q has the name of a server: a DAG is a computer account of its own", d.Name)
		}
		names[strings.ToLower(d.Name)] = true
		if len(d.Members) == 0 {
			return l.errf(membersPos, "DAG %q needs at least one member", d.Name)
		}
		if len(d.Members) > 16 {
			return l.errf(memberPos[16], "DAG %q has %d members: a DAG holds at most 16", d.Name, len(d.Members))
		}
		for i, m := range d.Members {
			sv, err := l.server(m, memberPos[i])
			if err != nil {
				return err
			}
			if !sv.HasRole("Mailbox") {
				return l.errf(memberPos[i], "DAG member %q is not a Mailbox server", sv.Name)
			}
			if other, ok := l.dagOf[sv.Name]; ok {
				if other == d.Name {
					return l.errf(memberPos[i], "server %q is listed twice in DAG %q", sv.Name, d.Name)
				}
				return l.errf(memberPos[i], "server %q is already a member of DAG %q: a server belongs to one DAG", sv.Name, other)
			}
			l.dagOf[sv.Name] = d.Name
			d.Members[i] = sv.Name
		}
		if len(d.Members)%2 == 0 && d.Witness == "" {
			return l.errf(d.Pos, "DAG %q has an even number of members (%d) and needs a witness: the file share witness breaks the tie in the quorum vote", d.Name, len(d.Members))
		}
		if d.Witness != "" {
			for _, m := range d.Members {
				if strings.EqualFold(m, d.Witness) {
					return l.errf(witnessPos, "witness %q is a member of DAG %q: the witness must be another server", d.Witness, d.Name)
				}
			}
		}
		if d.DatacenterActivationMode == "DagOnly" {
			var ms []ServerSpec
			for _, m := range d.Members {
				ms = append(ms, *l.servers[strings.ToLower(m)])
			}
			if err := DACAllowed(ms); err != nil {
				return l.errf(d.Pos, "DAG %q: %v", d.Name, err)
			}
		}
		first := l.servers[strings.ToLower(d.Members[0])].Site
		if d.Witness != "" {
			if d.Witness, d.WitnessSite, err = l.placeWitness(wit, first, "witness"); err != nil {
				return err
			}
		}
		if alt.server != "" {
			for _, m := range d.Members {
				if strings.EqualFold(m, alt.server) {
					return l.errf(alt.serverPos, "alternateWitness %q is a member of DAG %q: a witness must not be a DAG member", alt.server, d.Name)
				}
			}
			if d.AlternateWitness, d.AlternateWitnessSite, err = l.placeWitness(alt, first, "alternateWitness"); err != nil {
				return err
			}
		}
		t.DAGs = append(t.DAGs, d)
	}
	return nil
}

func (l *loader) databasesDecl(n ast.Node) error {
	t := &l.s.Topology
	items, err := l.list(n, "databases", false)
	if err != nil {
		return err
	}
	t.Databases = make([]DatabaseSpec, 0, len(items))
	for _, it := range items {
		es, err := l.mapping(it, "a database", "name", "copies", "sizeGB")
		if err != nil {
			return err
		}
		if err := l.require(it, "a database", es, "name", "copies"); err != nil {
			return err
		}
		d := DatabaseSpec{Pos: posOf(it)}
		var copyPos []Pos
		var copiesPos Pos
		for _, e := range es {
			switch e.key {
			case "name":
				if d.Name, err = l.str(e.val, "database name"); err == nil && strings.ContainsAny(d.Name, `\,`) {
					err = l.errf(posOf(e.val), "database name %q must not contain a backslash or comma", d.Name)
				}
			case "copies":
				copiesPos = posOf(e.val)
				d.Copies, copyPos, err = l.strs(e.val, "copies", false)
			case "sizeGB":
				d.SizeGB, err = l.positive(e.val, "sizeGB")
			}
			if err != nil {
				return err
			}
		}
		if slices.ContainsFunc(t.Databases, func(o DatabaseSpec) bool { return strings.EqualFold(o.Name, d.Name) }) {
			return l.errf(d.Pos, "database %q is declared twice", d.Name)
		}
		if len(d.Copies) == 0 {
			return l.errf(copiesPos, "database %q needs at least one copy", d.Name)
		}
		dag := ""
		for i, c := range d.Copies {
			sv, err := l.server(c, copyPos[i])
			if err != nil {
				return err
			}
			if !sv.HasRole("Mailbox") {
				return l.errf(copyPos[i], "server %q holds a copy of %q but is not a Mailbox server", sv.Name, d.Name)
			}
			if slices.Contains(d.Copies[:i], sv.Name) {
				return l.errf(copyPos[i], "database %q has two copies on %q", d.Name, sv.Name)
			}
			d.Copies[i] = sv.Name
			if len(d.Copies) > 1 {
				in, ok := l.dagOf[sv.Name]
				switch {
				case !ok:
					return l.errf(copyPos[i], "server %q holds a copy of %q but is not a member of a DAG: only DAG members replicate a database", sv.Name, d.Name)
				case i == 0:
					dag = in
				case in != dag:
					return l.errf(copyPos[i], "the copies of %q are in DAGs %q and %q: all copies of a database are in one DAG", d.Name, dag, in)
				}
			}
		}
		t.Databases = append(t.Databases, d)
	}
	for i := range t.Databases {
		l.databases[strings.ToLower(t.Databases[i].Name)] = &t.Databases[i]
	}
	return nil
}

// checkAddress checks local@domain; local may be "*" where wildcards are allowed.
func (l *loader) checkAddress(a string, p Pos, wildcard bool) error {
	local, domain, ok := strings.Cut(a, "@")
	if !ok || local == "" || domain == "" || strings.ContainsAny(a, " \t,;<>\"") || strings.Contains(domain, "@") || !strings.Contains(domain, ".") {
		return l.errf(p, "%q is not an email address like user@contoso.com", a)
	}
	if strings.Contains(local, "*") && !(wildcard && local == "*") || strings.Contains(domain, "*") {
		if wildcard {
			return l.errf(p, "%q: a wildcard address is written *@domain", a)
		}
		return l.errf(p, "%q: a wildcard is not allowed here", a)
	}
	return nil
}

func (l *loader) mailboxesDecl(n ast.Node) error {
	t := &l.s.Topology
	items, err := l.list(n, "mailboxes", false)
	if err != nil {
		return err
	}
	for _, it := range items {
		es, err := l.mapping(it, "a mailbox", "address", "database")
		if err != nil {
			return err
		}
		if err := l.require(it, "a mailbox", es, "address", "database"); err != nil {
			return err
		}
		m := Mailbox{Pos: posOf(it)}
		for _, e := range es {
			switch e.key {
			case "address":
				if m.Address, err = l.str(e.val, "address"); err == nil {
					err = l.checkAddress(m.Address, posOf(e.val), false)
				}
			case "database":
				var db *DatabaseSpec
				if m.Database, err = l.str(e.val, "database"); err == nil {
					if db, err = l.database(m.Database, posOf(e.val)); err == nil {
						m.Database = db.Name
					}
				}
			}
			if err != nil {
				return err
			}
		}
		key := strings.ToLower(m.Address)
		if l.mailboxes[key] {
			return l.errf(m.Pos, "mailbox %q is declared twice", m.Address)
		}
		l.mailboxes[key] = true
		_, domain, _ := strings.Cut(key, "@")
		l.domains[domain] = true
		t.Mailboxes = append(t.Mailboxes, m)
	}
	return nil
}

func (l *loader) connectors(n ast.Node) error {
	t := &l.s.Topology
	items, err := l.list(n, "sendConnectors", false)
	if err != nil {
		return err
	}
	for _, it := range items {
		es, err := l.mapping(it, "a send connector", "name", "addressSpaces", "sourceServers", "smartHost", "smartHosts", "maxMessageSize", "frontendProxyEnabled", "requireTLS", "smartHostAuthMechanism", "ignoreSTARTTLS")
		if err != nil {
			return err
		}
		if err := l.require(it, "a send connector", es, "name", "addressSpaces", "sourceServers"); err != nil {
			return err
		}
		c := SendConnector{Pos: posOf(it)}
		for _, e := range es {
			switch e.key {
			case "name":
				c.Name, err = l.str(e.val, "connector name")
			case "addressSpaces":
				c.AddressSpaces, _, err = l.strs(e.val, "addressSpaces", false)
				if err == nil && len(c.AddressSpaces) == 0 {
					err = l.errf(posOf(e.val), "send connector needs at least one address space")
				}
			case "sourceServers":
				var ps []Pos
				if c.SourceServers, ps, err = l.strs(e.val, "sourceServers", false); err == nil {
					if len(c.SourceServers) == 0 {
						err = l.errf(posOf(e.val), "send connector needs at least one source server")
					}
					for i, s := range c.SourceServers {
						var sv *ServerSpec
						if sv, err = l.server(s, ps[i]); err != nil {
							break
						}
						if !sv.Transport() {
							err = l.errf(ps[i], "source server %q does not run the Transport service (%s needs the %s role)", sv.Name, sv.Version, transportRole(sv.Version))
							break
						}
						c.SourceServers[i] = sv.Name
					}
				}
			case "smartHost":
				c.SmartHost, err = l.str(e.val, "smartHost")
			case "frontendProxyEnabled":
				c.FrontendProxyEnabled, err = l.boolean(e.val, "frontendProxyEnabled")
			case "requireTLS":
				c.RequireTLS, err = l.boolean(e.val, "requireTLS")
			case "ignoreSTARTTLS":
				c.IgnoreSTARTTLS, err = l.boolean(e.val, "ignoreSTARTTLS")
			case "smartHostAuthMechanism":
				var v string
				if v, err = l.str(e.val, "smartHostAuthMechanism"); err == nil {
					i := slices.IndexFunc(smartHostAuthMechanisms, func(m string) bool { return strings.EqualFold(m, v) })
					if i < 0 {
						err = l.errf(posOf(e.val), "smartHostAuthMechanism %q is not supported (exsim plays %s)%s", v, strings.Join(smartHostAuthMechanisms, ", "), didYouMean(v, smartHostAuthMechanisms))
					} else {
						c.SmartHostAuthMechanism = smartHostAuthMechanisms[i]
					}
				}
			case "maxMessageSize":
				c.MaxMessageSize, err = l.size(e.val, "maxMessageSize", true)
			case "smartHosts":
				if c.SmartHosts, _, err = l.strs(e.val, "smartHosts", false); err == nil && len(c.SmartHosts) == 0 {
					err = l.errf(posOf(e.val), "smartHosts needs at least one host")
				}
			}
			if err != nil {
				return err
			}
		}
		if slices.ContainsFunc(t.SendConnectors, func(o SendConnector) bool { return strings.EqualFold(o.Name, c.Name) }) {
			return l.errf(c.Pos, "send connector %q is declared twice", c.Name)
		}
		t.SendConnectors = append(t.SendConnectors, c)
	}
	return nil
}

func transportRole(version string) string {
	if versionIndex(version) < versionIndex("Exchange2013") {
		return "HubTransport"
	}
	return "Mailbox"
}

// inboundOK: internet mail lands on a Hub (2010), or on the Front End Transport
// (ClientAccess, 2013) or Mailbox role.
func inboundOK(sv *ServerSpec) bool {
	return sv.Transport() || (sv.Version == "Exchange2013" && sv.HasRole("ClientAccess"))
}

func (l *loader) internet(n ast.Node) error {
	in := &l.s.Topology.Internet
	in.Pos = posOf(n)
	es, err := l.mapping(n, "internet", "inbound", "senderRetry", "domains", "hosts")
	if err != nil {
		return err
	}
	var hosts ast.Node
	for _, e := range es {
		switch e.key {
		case "senderRetry":
			if in.SenderRetry, err = l.dur(e.val, "senderRetry"); err == nil && in.SenderRetry <= 0 {
				err = l.errf(posOf(e.val), "senderRetry must be more than 0")
			}
		case "inbound":
			err = l.inbound(e.val)
		case "domains":
			err = l.externalDomains(e.val)
		case "hosts":
			hosts = e.val // after domains: it names their MX hosts
		}
		if err != nil {
			return err
		}
	}
	if hosts != nil {
		return l.externalHosts(hosts)
	}
	return nil
}

// size reads a message size: bytes, or a figure with KB, MB or GB ("25MB", "1.5 GB"),
// at most 2 GB; unlimited where a limit may be.
func (l *loader) size(n ast.Node, what string, limit bool) (int64, error) {
	s, err := l.str(n, what)
	if err != nil {
		return 0, err
	}
	if limit && strings.EqualFold(strings.TrimSpace(s), "unlimited") {
		return Unlimited, nil
	}
	u := strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	mult := 1.0
	for _, suf := range []struct {
		s string
		m float64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(u, suf.s) {
			u, mult = strings.TrimSuffix(u, suf.s), suf.m
			break
		}
	}
	f, err := strconv.ParseFloat(u, 64)
	want := "a size such as 25MB, 512KB or 6144 (bytes)"
	if limit {
		want += ", or unlimited"
	}
	if err != nil || f != f || f*mult < 1 || f*mult > 2<<30 {
		return 0, l.errf(posOf(n), "%s %q: want %s, from 1 byte to 2GB", what, s, want)
	}
	return int64(f * mult), nil
}

// externalDomains reads internet.domains: {fabrikam.net: {mx: ["mx1.fabrikam.net 10",
// ...]}}, or {tailspin.net: {a: true}} (no MX, an A record: the implicit MX) and
// {nowhere.example: {a: false}} (neither: the domain does not resolve)
// (transport/smarthost.go).
func (l *loader) externalDomains(n ast.Node) error {
	r, err := l.resolve(n)
	if err != nil {
		return err
	}
	var mvs []*ast.MappingValueNode
	switch m := r.(type) {
	case *ast.MappingNode:
		mvs = m.Values
	case *ast.MappingValueNode:
		mvs = []*ast.MappingValueNode{m}
	default:
		return l.errf(posOf(n), "domains must be a mapping of domain names, found %s", describe(r))
	}
	in := &l.s.Topology.Internet
	for _, mv := range mvs {
		name, err := l.str(mv.Key, "a domain name")
		if err != nil {
			return err
		}
		name = strings.ToLower(name)
		if !domainRE.MatchString(name) {
			return l.errf(posOf(mv.Key), "%q is not a domain name (want e.g. fabrikam.net)", name)
		}
		if slices.ContainsFunc(in.Domains, func(d ExternalDomain) bool { return d.Name == name }) {
			return l.errf(posOf(mv.Key), "domain %q is given twice", name)
		}
		d := ExternalDomain{Pos: posOf(mv.Key), Name: name}
		es, err := l.mapping(mv.Value, "an external domain", "mx", "a")
		if err != nil {
			return err
		}
		if !has(es, "mx") && !has(es, "a") {
			return l.errf(posOf(mv.Value), "an external domain needs \"mx\" (its MX records) or \"a\" (true: only an A record, the implicit MX; false: the domain does not resolve)")
		}
		var mx ast.Node
		for _, e := range es {
			if e.key == "a" {
				a, err := l.boolean(e.val, "a")
				if err != nil {
					return err
				}
				d.A, d.ASet = a, true
			} else {
				mx = e.val
			}
		}
		if mx == nil {
			in.Domains = append(in.Domains, d)
			continue
		}
		if d.ASet {
			return l.errf(posOf(mv.Value), "domain %q: give mx or a, not both (a is the fallback when a domain has no MX records)", name)
		}
		recs, ps, err := l.strs(mx, "mx", false)
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return l.errf(posOf(mx), "mx needs at least one record")
		}
		for i, rec := range recs {
			f := strings.Fields(rec)
			pref := -1
			if len(f) == 2 {
				if p, err := strconv.Atoi(f[1]); err == nil && p >= 0 && p <= 65535 {
					pref = p
				}
			}
			if pref < 0 || !domainRE.MatchString(strings.ToLower(f[0])) {
				return l.errf(ps[i], "MX record %q: want \"HOST PREFERENCE\", e.g. \"mx1.fabrikam.net 10\" (preference 0-65535)", rec)
			}
			d.MX = append(d.MX, MXRecord{Pos: ps[i], Host: f[0], Preference: pref})
		}
		in.Domains = append(in.Domains, d)
	}
	return nil
}

// smartHostAuthMechanisms are the Set-SendConnector -SmartHostAuthMechanism values
// exsim plays (ExchangeServer and ExternalAuthoritative are not).
var smartHostAuthMechanisms = []string{"None", "BasicAuth", "BasicAuthRequireTLS"}

// ehloKeywords are the ESMTP extensions an external host may offer in
// internet.hosts (RFC 1870 SIZE with an optional limit, RFC 2920, 3461, 2034, 3207,
// 4954 AUTH with its mechanisms, 6152, 3030, 6531).
var ehloKeywords = []string{"SIZE", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "STARTTLS", "AUTH", "8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8"}

// externalHosts reads internet.hosts: {relay.contoso.net: {capabilities: ["SIZE
// 36700160", PIPELINING, STARTTLS, "AUTH LOGIN PLAIN"]}}: the EHLO capabilities of
// a smart host or MX host the topology names, in the order the host lists them.
func (l *loader) externalHosts(n ast.Node) error {
	r, err := l.resolve(n)
	if err != nil {
		return err
	}
	var mvs []*ast.MappingValueNode
	switch m := r.(type) {
	case *ast.MappingNode:
		mvs = m.Values
	case *ast.MappingValueNode:
		mvs = []*ast.MappingValueNode{m}
	default:
		return l.errf(posOf(n), "hosts must be a mapping of host names, found %s", describe(r))
	}
	in := &l.s.Topology.Internet
	known := l.s.Topology.ExternalHosts()
	for _, mv := range mvs {
		name, err := l.str(mv.Key, "a host name")
		if err != nil {
			return err
		}
		j := slices.IndexFunc(known, func(h string) bool { return strings.EqualFold(h, name) })
		if j < 0 {
			return l.errf(posOf(mv.Key), "%q is not a smart host or MX host of the topology%s", name, didYouMean(name, known))
		}
		if slices.ContainsFunc(in.Hosts, func(h ExternalHost) bool { return strings.EqualFold(h.Name, name) }) {
			return l.errf(posOf(mv.Key), "host %q is given twice", name)
		}
		h := ExternalHost{Pos: posOf(mv.Key), Name: known[j]}
		es, err := l.mapping(mv.Value, "an external host", "capabilities")
		if err != nil {
			return err
		}
		if err := l.require(mv.Value, "an external host", es, "capabilities"); err != nil {
			return err
		}
		caps, ps, err := l.strs(es[0].val, "capabilities", false)
		if err != nil {
			return err
		}
		for i, c := range caps {
			f := strings.Fields(c)
			if len(f) == 0 {
				return l.errf(ps[i], "an empty capability")
			}
			k := slices.IndexFunc(ehloKeywords, func(w string) bool { return strings.EqualFold(w, f[0]) })
			switch {
			case k < 0:
				return l.errf(ps[i], "capability %q is not an ESMTP extension exsim knows (want one of %s)%s", f[0], strings.Join(ehloKeywords, ", "), didYouMean(f[0], ehloKeywords))
			case ehloKeywords[k] == "SIZE" && len(f) > 2, ehloKeywords[k] == "SIZE" && len(f) == 2 && !allDigits(f[1]):
				return l.errf(ps[i], "capability %q: SIZE takes at most a byte count, e.g. \"SIZE 36700160\"", c)
			case ehloKeywords[k] == "AUTH" && len(f) == 1:
				return l.errf(ps[i], "capability %q: AUTH names its mechanisms, e.g. \"AUTH LOGIN PLAIN\"", c)
			case ehloKeywords[k] != "SIZE" && ehloKeywords[k] != "AUTH" && len(f) > 1:
				return l.errf(ps[i], "capability %q: %s takes no parameter", c, ehloKeywords[k])
			}
			f[0] = ehloKeywords[k]
			h.Capabilities = append(h.Capabilities, strings.Join(f, " "))
		}
		in.Hosts = append(in.Hosts, h)
	}
	return nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// connectorSecurity checks each connector's requireTLS and smartHostAuthMechanism
// against what its smart hosts offer: exsim plays TLS and AUTH with smart hosts only,
// and does not model a session refused for want of them.
func (l *loader) connectorSecurity() error {
	t := &l.s.Topology
	for _, c := range t.SendConnectors {
		tls := c.RequireTLS || c.SmartHostAuthMechanism == "BasicAuthRequireTLS"
		auth := c.SmartHostAuthMechanism == "BasicAuth" || c.SmartHostAuthMechanism == "BasicAuthRequireTLS"
		if tls && c.IgnoreSTARTTLS {
			return l.errf(c.Pos, "send connector %q cannot both require TLS and ignore STARTTLS", c.Name)
		}
		if !tls && !auth {
			continue
		}
		hosts := c.Hosts()
		if len(hosts) == 0 {
			return l.errf(c.Pos, "send connector %q: requireTLS and smartHostAuthMechanism are played with smart hosts only (give smartHost or smartHosts)", c.Name)
		}
		for _, h := range hosts {
			caps := t.Internet.HostCapabilities(h)
			has := func(w string) bool {
				return slices.ContainsFunc(caps, func(c string) bool { return strings.EqualFold(strings.Fields(c)[0], w) })
			}
			if tls && !has("STARTTLS") {
				return l.errf(c.Pos, "send connector %q requires TLS but smart host %q does not offer STARTTLS (list it in internet.hosts.%s.capabilities; exsim does not model the refused session)", c.Name, h, h)
			}
			if auth && !slices.ContainsFunc(caps, func(c string) bool {
				f := strings.Fields(strings.ToUpper(c))
				return f[0] == "AUTH" && slices.Contains(f[1:], "LOGIN")
			}) {
				return l.errf(c.Pos, "send connector %q authenticates with %s but smart host %q does not offer AUTH LOGIN (list it in internet.hosts.%s.capabilities)", c.Name, c.SmartHostAuthMechanism, h, h)
			}
		}
	}
	return nil
}

var domainRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`)

func (l *loader) inbound(n ast.Node) error {
	ib := &l.s.Topology.Internet.Inbound
	ib.Pos = posOf(n)
	r, err := l.resolve(n)
	if err != nil {
		return err
	}
	var list ast.Node = r
	switch r.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		es, err := l.mapping(r, "inbound", "loadBalancer", "policy")
		if err != nil {
			return err
		}
		if err := l.require(r, "inbound", es, "loadBalancer"); err != nil {
			return err
		}
		ib.LoadBalancer, ib.Policy = true, "roundRobin"
		for _, e := range es {
			switch e.key {
			case "loadBalancer":
				list = e.val
			case "policy":
				p, err := l.str(e.val, "policy")
				if err != nil {
					return err
				}
				if !slices.Contains(LBPolicies, p) {
					return l.errf(posOf(e.val), "unknown load balancer policy %q%s (want %s)", p, didYouMean(p, LBPolicies), strings.Join(LBPolicies, ", "))
				}
				ib.Policy = p
			}
		}
	}
	names, ps, err := l.strs(list, "inbound servers", false)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		return l.errf(posOf(list), "inbound needs at least one server")
	}
	for i, s := range names {
		sv, err := l.server(s, ps[i])
		if err != nil {
			return err
		}
		if !inboundOK(sv) {
			return l.errf(ps[i], "server %q cannot take mail from the internet: in %s that needs the %s role", sv.Name, sv.Version, transportRole(sv.Version))
		}
		if slices.Contains(names[:i], sv.Name) {
			return l.errf(ps[i], "inbound server %q is listed twice", sv.Name)
		}
		names[i] = sv.Name
	}
	ib.Servers = names
	return nil
}

func (l *loader) config(n ast.Node) error {
	items, err := l.list(n, "config", false)
	if err != nil {
		return err
	}
	for _, it := range items {
		text, err := l.str(it, "a config line")
		if err != nil {
			return err
		}
		c := Command{Pos: textPos(it), Text: text}
		if c.Pipeline, err = l.pipeline(text, c.Pos, nil); err != nil {
			return err
		}
		l.s.Config = append(l.s.Config, c)
	}
	return nil
}

func (l *loader) edgeConfig(n ast.Node) error {
	r, err := l.resolve(n)
	if err != nil {
		return err
	}
	var mvs []*ast.MappingValueNode
	switch m := r.(type) {
	case *ast.MappingNode:
		mvs = m.Values
	case *ast.MappingValueNode:
		mvs = []*ast.MappingValueNode{m}
	case *ast.NullNode:
		return nil
	default:
		return l.errf(posOf(r), "edgeTransportConfig must be a mapping of appSettings keys to values, found %s", describe(r))
	}
	l.s.EdgeTransportConfig = map[string]string{}
	l.s.EdgePos = map[string]Pos{}
	for _, mv := range mvs {
		k, err := l.str(mv.Key, "an appSettings key")
		if err != nil {
			return err
		}
		if _, dup := l.s.EdgeTransportConfig[k]; dup {
			return l.errf(posOf(mv.Key), "appSettings key %q given twice", k)
		}
		v, err := l.scalar(mv.Value, "appSettings value "+k)
		if err != nil {
			return err
		}
		l.s.EdgeTransportConfig[k] = v
		l.s.EdgePos[k] = posOf(mv.Key)
	}
	return nil
}

func (l *loader) traffic(n ast.Node) error {
	items, err := l.list(n, "traffic", false)
	if err != nil {
		return err
	}
	var total float64
	for _, it := range items {
		es, err := l.mapping(it, "a traffic entry", "at", "from", "to", "count", "every", "subject", "perHour", "start", "until", "size")
		if err != nil {
			return err
		}
		if err := l.require(it, "a traffic entry", es, "from", "to"); err != nil {
			return err
		}
		t := Traffic{Pos: posOf(it), Count: 1, Until: l.s.Duration}
		var toPos []Pos
		var fromPos, atPos Pos
		for _, e := range es {
			switch e.key {
			case "at":
				atPos = posOf(e.val)
				t.At, err = l.dur(e.val, "at")
			case "from":
				fromPos = posOf(e.val)
				if t.From, err = l.str(e.val, "from"); err == nil {
					if err = l.checkAddress(t.From, fromPos, true); err == nil {
						err = l.checkRecipient(t.From, fromPos)
					}
				}
			case "to":
				if t.To, toPos, err = l.strs(e.val, "to", true); err == nil && len(t.To) == 0 {
					err = l.errf(posOf(e.val), "to needs at least one address")
				}
			case "count":
				var c int64
				c, err = l.int(e.val, "count", 1, MaxMessages)
				t.Count = int(c)
			case "every":
				if t.Every, err = l.dur(e.val, "every"); err == nil && t.Every <= 0 {
					err = l.errf(posOf(e.val), "every must be more than 0") // as for monitors
				}
			case "subject":
				t.Subject, err = l.scalar(e.val, "subject")
			case "perHour":
				if t.PerHour, err = l.float(e.val, "perHour"); err == nil && t.PerHour == 0 {
					err = l.errf(posOf(e.val), "perHour must be more than 0")
				}
			case "size":
				if r, _ := l.resolve(e.val); r != nil {
					if _, isList := r.(*ast.SequenceNode); isList {
						var items []ast.Node
						if items, err = l.list(e.val, "size", false); err == nil && len(items) == 0 {
							err = l.errf(posOf(e.val), "size needs at least one size")
						}
						for _, it := range items {
							var n int64
							if n, err = l.size(it, "size", false); err != nil {
								break
							}
							t.Sizes = append(t.Sizes, n)
						}
						break
					}
				}
				t.Size, err = l.size(e.val, "size", false)
			case "start":
				t.Start, err = l.dur(e.val, "start")
			case "until":
				t.Until, err = l.dur(e.val, "until")
			}
			if err != nil {
				return err
			}
		}
		for i, a := range t.To {
			if err := l.checkAddress(a, toPos[i], true); err != nil {
				return err
			}
			if err := l.checkRecipient(a, toPos[i]); err != nil {
				return err
			}
		}
		if has(es, "perHour") {
			for _, k := range []string{"at", "count", "every"} {
				if has(es, k) {
					return l.errf(t.Pos, "a Poisson traffic entry (perHour) takes start and until, not %q", k)
				}
			}
			if t.Until > l.s.Duration {
				return l.errf(t.Pos, "traffic until %v is after the scenario's duration %v", t.Until, l.s.Duration)
			}
			if t.Start >= t.Until {
				return l.errf(t.Pos, "traffic start %v must be before until %v", t.Start, t.Until)
			}
			total += t.PerHour * t.Until.Seconds() / 3600
			total -= t.PerHour * t.Start.Seconds() / 3600
		} else {
			for _, k := range []string{"start", "until"} {
				if has(es, k) {
					return l.errf(t.Pos, "%q belongs to Poisson traffic: add perHour, or use at, count and every", k)
				}
			}
			last := t.At + time.Duration(t.Count-1)*t.Every
			if t.Every > 0 && (last < t.At || time.Duration(t.Count-1) > MaxDuration/t.Every) {
				last = MaxDuration + 1
			}
			if last > l.s.Duration {
				p := atPos
				if p.Line == 0 {
					p = t.Pos
				}
				return l.errf(p, "traffic at %v (last message at %v) is after the scenario's duration %v", t.At, last, l.s.Duration)
			}
			total += float64(t.Count)
		}
		l.s.expectedMessages = total
		if total > MaxMessages {
			return l.errf(t.Pos, "traffic adds up to more than %d messages, the limit", MaxMessages)
		}
		l.s.Traffic = append(l.s.Traffic, t)
	}
	return nil
}

// checkRecipient: an address in a domain of the organization (one with a mailbox)
// must be a mailbox: as a recipient Exchange would reject it with 550 5.1.1, and
// as a sender it has no Outbox to submit from; neither is what the author meant.
func (l *loader) checkRecipient(a string, p Pos) error {
	local, domain, _ := strings.Cut(strings.ToLower(a), "@")
	if local == "*" || !l.domains[domain] || l.mailboxes[strings.ToLower(a)] {
		return nil
	}
	var cands []string
	for _, m := range l.s.Topology.Mailboxes {
		cands = append(cands, m.Address)
	}
	return l.errf(p, "no mailbox %q in the organization%s", a, didYouMean(a, cands))
}

func (l *loader) steps(n ast.Node) error {
	items, err := l.list(n, "steps", false)
	if err != nil {
		return err
	}
	for _, it := range items {
		es, err := l.mapping(it, "a step", "at", "on", "run", "fault", "script", "args", "answers", "id", "after")
		if err != nil {
			return err
		}
		if err := l.require(it, "a step", es, "at"); err != nil {
			return err
		}
		st := Step{Pos: posOf(it)}
		var onPos Pos
		var textNode ast.Node
		for _, e := range es {
			switch e.key {
			case "at":
				if st.At, err = l.dur(e.val, "at"); err == nil && st.At > l.s.Duration {
					err = l.errf(posOf(e.val), "step at %v is after the scenario's duration %v", st.At, l.s.Duration)
				}
			case "on":
				onPos = posOf(e.val)
				var sv *ServerSpec
				if st.On, err = l.str(e.val, "on"); err == nil {
					if sv, err = l.server(st.On, onPos); err == nil {
						st.On = sv.Name
					}
				}
			case "id":
				if st.ID, err = l.str(e.val, "id"); err == nil && !stepIDRE.MatchString(st.ID) {
					err = l.errf(posOf(e.val), "step id %q: want lowercase letters, digits and hyphens, such as ex1-drain", st.ID)
				}
			case "after":
				st.After, st.afterPos, err = l.strs(e.val, "after", true)
			case "args", "answers":
				if !has(es, "script") {
					return l.errf(e.keyPos, "%s belongs to a script step (script: FILE.ps1)", e.key)
				}
			case "run", "fault", "script":
				if textNode != nil {
					return l.errf(e.keyPos, "a step has one of run, fault or script")
				}
				textNode = e.val
				st.Text, err = l.str(e.val, e.key)
				st.TextPos = textPos(e.val)
			}
			if err != nil {
				return err
			}
		}
		if textNode == nil {
			return l.errf(st.Pos, "a step needs run (a cmdlet), fault or script (a .ps1 file)")
		}
		switch {
		case has(es, "script"):
			err = l.scriptStep(&st, es)
		case has(es, "run"):
			st.Run, err = l.pipeline(st.Text, st.TextPos, &st)
		default:
			if has(es, "on") {
				return l.errf(onPos, "on is for run steps: a fault names its server itself")
			}
			err = l.fault(&st)
		}
		if err != nil {
			return err
		}
		if st.Fault != nil && (st.ID != "" || len(st.After) > 0) {
			return l.errf(st.Pos, "id and after order admin steps (run or script), not faults")
		}
		l.s.Steps = append(l.s.Steps, st)
	}
	return l.stepOrder()
}

var stepIDRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)

// stepOrder checks the steps' ids and the "after:" lists that name them: an order
// a plan search must keep where the dependencies it infers are not enough.
func (l *loader) stepOrder() error {
	ids := map[string]int{}
	var names []string
	for i, st := range l.s.Steps {
		if st.ID == "" {
			continue
		}
		if _, dup := ids[st.ID]; dup {
			return l.errf(st.Pos, "step id %q is used twice", st.ID)
		}
		ids[st.ID] = i
		names = append(names, st.ID)
	}
	for _, st := range l.s.Steps {
		for k, a := range st.After {
			j, ok := ids[a]
			switch {
			case !ok:
				return l.errf(st.afterPos[k], "after: no step has id %q%s", a, didYouMean(a, names))
			case st.ID == a:
				return l.errf(st.afterPos[k], "after: a step cannot come after itself")
			}
			_ = j
		}
	}
	return nil
}

func (l *loader) fault(st *Step) error {
	f, err := fault.Parse(st.Text)
	if err != nil {
		var fe *fault.Error
		if errors.As(err, &fe) {
			return l.errf(at(st.TextPos, st.Text, fe.Pos), "%s", fe.Msg)
		}
		return l.errf(st.TextPos, "%v", err)
	}
	word := func(w string) Pos { return at(st.TextPos, st.Text, strings.Index(st.Text, w)) }
	switch f.Kind {
	case fault.Down, fault.Refuse, fault.Up:
		hosts := l.s.Topology.ExternalHosts()
		j := slices.IndexFunc(hosts, func(h string) bool { return strings.EqualFold(h, f.Host) })
		if j < 0 {
			return l.errf(word(f.Host), "%q is not a smart host or MX host of the topology%s", f.Host, didYouMean(f.Host, hosts))
		}
		f.Host = hosts[j]
	case fault.Crash, fault.Stop, fault.Start, fault.Disk, fault.Memory, fault.Release:
		sv, err := l.server(f.Server, word(f.Server))
		if err != nil {
			return err
		}
		f.Server = sv.Name
	case fault.FailCopy:
		db, err := l.database(f.Database, word(f.Database))
		if err != nil {
			return err
		}
		sv, err := l.server(f.Server, word(`\`+f.Server))
		if err != nil {
			return err
		}
		if !slices.Contains(db.Copies, sv.Name) {
			return l.errf(word(`\`+f.Server), "database %q has no copy on %q%s", db.Name, sv.Name, didYouMean(f.Server, db.Copies))
		}
		f.Database, f.Server = db.Name, sv.Name
	case fault.Partition:
		for _, side := range [][]string{f.A, f.B} {
			for i, w := range side {
				if strings.EqualFold(w, fault.Internet) {
					side[i] = fault.Internet
					continue
				}
				if sv, ok := l.servers[strings.ToLower(w)]; ok {
					side[i] = sv.Name
					continue
				}
				if s, ok := l.sites[strings.ToLower(w)]; ok {
					side[i] = s
					continue
				}
				// A file share witness is a server too, and cutting it off is how
				// a DAG loses quorum.
				witnesses := l.witnessNames()
				if j := slices.IndexFunc(witnesses, func(x string) bool { return strings.EqualFold(x, w) }); j >= 0 {
					side[i] = witnesses[j]
					continue
				}
				cands := append(append(append(l.serverNames(), witnesses...), l.s.Topology.Sites...), fault.Internet)
				return l.errf(word(w), "unknown server or site %q%s", w, didYouMean(w, cands))
			}
		}
	case fault.FailSite, fault.RestoreSite:
		site, err := l.site(f.Site, word(f.Site))
		if err != nil {
			return err
		}
		f.Site = site
	case fault.PartitionSites:
		for _, side := range [][]string{f.A, f.B} {
			for i, w := range side {
				site, err := l.site(w, word(w))
				if err != nil {
					return err
				}
				side[i] = site
			}
		}
	}
	st.Fault = &f
	return nil
}

// pipeline parses and checks a cmdlet line (st is nil for config lines).
func (l *loader) pipeline(text string, p Pos, st *Step) (cmdlet.Pipeline, error) {
	pl, err := cmdlet.Parse(text)
	if err != nil {
		var ce *cmdlet.Error
		if errors.As(err, &ce) {
			return nil, l.errf(at(p, text, ce.Pos), "%s", ce.Msg)
		}
		return nil, l.errf(p, "%v", err)
	}
	for i, c := range pl {
		spec, ok := cmdlet.Lookup(c.Name)
		cp := at(p, text, c.Pos)
		if !ok {
			return nil, l.errf(cp, "unknown cmdlet %q%s; supported: %s", c.Name, didYouMean(c.Name, cmdlet.Names()), strings.Join(cmdlet.Names(), ", "))
		}
		pl[i].Name = spec.Name
		format := strings.HasPrefix(spec.Name, "Format-") || cmdlet.Shapes(spec.Name)
		switch {
		case i == 0 && format:
			return nil, l.errf(cp, "%s formats the output of a Get- cmdlet: pipe one into it", spec.Name)
		case i > 0 && format && cmdlet.Shapes(pl[i-1].Name):
			// Get-Queue | Where-Object ... | Select-Object ... | Format-Table
		case i > 0 && (strings.HasPrefix(pl[i-1].Name, "Format-") || cmdlet.Shapes(pl[i-1].Name)):
			return nil, l.errf(cp, "%s ends the pipe here: only Select-Object, Where-Object or a Format- cmdlet may follow %s", pl[i-1].Name, pl[i-1].Name)
		case i > 0 && !strings.HasPrefix(pl[i-1].Name, "Get-"):
			return nil, l.errf(cp, "only a Get- cmdlet can be piped into %s", spec.Name)
		case i > 0 && !format && !slices.Contains(cmdlet.Pipes[pl[i-1].Name], spec.Name):
			into := append([]string{"Format-List", "Format-Table"}, cmdlet.Pipes[pl[i-1].Name]...)
			return nil, l.errf(cp, "%s can be piped into %s, not %s", pl[i-1].Name, strings.Join(into, ", "), spec.Name)
		}
		bound, err := spec.Check(c, i > 0)
		if err != nil {
			var ce *cmdlet.Error
			if errors.As(err, &ce) {
				msg := ce.Msg
				if !strings.HasPrefix(msg, spec.Name) {
					msg = spec.Name + ": " + msg
				}
				return nil, l.errf(at(p, text, ce.Pos), "%s", msg)
			}
			return nil, l.errf(cp, "%v", err)
		}
		if spec.Name == "Where-Object" {
			if _, err := cmdlet.ParseWhere(bound); err != nil {
				return nil, l.errf(cp, "%v", err)
			}
		}
		target := ""
		for _, ps := range spec.Params {
			v, ok := bound[ps.Name]
			if !ok {
				continue
			}
			ap := at(p, text, v.Pos)
			name, err := l.checkValue(spec.Name, ps, v, ap)
			if err != nil {
				return nil, err
			}
			if ps.Type == cmdlet.Server && target == "" && (ps.Name == "Identity" || ps.Name == "Server" || ps.Name == "Name" || ps.Name == "ServerName" || ps.Name == "Node") {
				target = name
			}
		}
		switch spec.Name {
		case "StartDagServerMaintenance.ps1", "StopDagServerMaintenance.ps1", "Suspend-ClusterNode", "Resume-ClusterNode", "Move-ClusterGroup":
			if _, member := l.dagOf[target]; target != "" && !member {
				return nil, l.errf(cp, "%s works on a DAG member, and %s is in no DAG", spec.Name, target)
			}
		}
		if strings.HasSuffix(spec.Name, "-Service") {
			if st == nil || st.On == "" {
				return nil, l.errf(cp, "%s runs on one server: give the step `on: SERVER`", spec.Name)
			}
			sv := l.servers[strings.ToLower(st.On)]
			name := bound["Name"].Str
			if strings.EqualFold(name, "MSExchangeFrontEndTransport") && !(versionIndex(sv.Version) >= versionIndex("Exchange2013") && (sv.HasRole("ClientAccess") || sv.Version != "Exchange2013")) {
				return nil, l.errf(cp, "%s has no MSExchangeFrontEndTransport service (%s)", sv.Name, sv.Version)
			}
			if (strings.EqualFold(name, "MSExchangeDelivery") || strings.EqualFold(name, "MSExchangeSubmission")) && !(versionIndex(sv.Version) >= versionIndex("Exchange2013") && sv.HasRole("Mailbox")) {
				return nil, l.errf(cp, "%s has no %s service (the Mailbox Transport services run on Exchange 2013+ Mailbox servers)", sv.Name, name)
			}
		}
		if target == "" && st != nil {
			target = st.On
		}
		if spec.MinVersion != "" && target != "" {
			sv := l.servers[strings.ToLower(target)]
			if versionIndex(sv.Version) < versionIndex(spec.MinVersion) {
				return nil, l.errf(cp, "%s does not exist in %s (server %s): it came with %s", spec.Name, sv.Version, sv.Name, spec.MinVersion)
			}
		}
		if err := l.checkShellParams(spec, bound, target, p, text); err != nil {
			return nil, err
		}
	}
	return pl, nil
}

// checkValue checks one bound parameter value against its type; for a server it
// returns the declared name.
func (l *loader) checkValue(cmd string, ps cmdlet.ParamSpec, v cmdlet.Value, p Pos) (string, error) {
	one := func() (string, error) {
		if v.Kind != cmdlet.String {
			return "", l.errf(p, "%s -%s takes %s, not %s", cmd, ps.Name, ps.Type, v)
		}
		return v.Str, nil
	}
	switch ps.Type {
	case cmdlet.Server:
		if v.Kind == cmdlet.List {
			// Several servers (e.g. -Instance EX1,EX2); each is checked where it is.
			for _, e := range v.List {
				ep := Pos{Line: p.Line, Col: p.Col + e.Pos - v.Pos}
				if e.Kind != cmdlet.String {
					return "", l.errf(ep, "%s -%s takes server names, not %s", cmd, ps.Name, e)
				}
				if _, err := l.server(e.Str, ep); err != nil {
					return "", err
				}
			}
			return "", nil
		}
		s, err := one()
		if err != nil {
			return "", err
		}
		sv, err := l.server(s, p)
		if err != nil {
			return "", err
		}
		return sv.Name, nil
	case cmdlet.Database:
		s, err := one()
		if err != nil {
			return "", err
		}
		_, err = l.database(s, p)
		return "", err
	case cmdlet.Copy:
		s, err := one()
		if err != nil {
			return "", err
		}
		dbName, srv, ok := strings.Cut(s, `\`)
		if !ok {
			return "", l.errf(p, `%s -%s takes a database copy DATABASE\SERVER, not %q`, cmd, ps.Name, s)
		}
		db, err := l.database(dbName, p)
		if err != nil {
			return "", err
		}
		sv, err := l.server(srv, p)
		if err != nil {
			return "", err
		}
		if !slices.Contains(db.Copies, sv.Name) {
			return "", l.errf(p, "database %q has no copy on %q", db.Name, sv.Name)
		}
	case cmdlet.Queue:
		s, err := one()
		if err != nil {
			return "", err
		}
		if srv, _, ok := strings.Cut(s, `\`); ok {
			if _, err := l.server(srv, p); err != nil {
				return "", err
			}
		}
	case cmdlet.Boolean:
		if v.Kind != cmdlet.Bool {
			return "", l.errf(p, "%s -%s takes $true or $false, not %s", cmd, ps.Name, v)
		}
	case cmdlet.Duration:
		s, err := one()
		if err != nil {
			return "", err
		}
		if _, err := ParseDuration(s); err != nil {
			return "", l.errf(p, "%s -%s: %v", cmd, ps.Name, err)
		}
	case cmdlet.Integer:
		s, err := one()
		if err != nil {
			return "", err
		}
		if _, err := strconv.ParseUint(s, 10, 31); err != nil {
			return "", l.errf(p, "%s -%s takes a whole number, not %q", cmd, ps.Name, s)
		}
	case cmdlet.EnumType:
		s, err := one()
		if err != nil {
			return "", err
		}
		if !ps.CheckedByCmdlet && !slices.ContainsFunc(ps.Enum, func(e string) bool { return strings.EqualFold(e, s) }) {
			return "", l.errf(p, "%s -%s: unknown value %q%s (want one of %s)", cmd, ps.Name, s, didYouMean(s, ps.Enum), strings.Join(ps.Enum, ", "))
		}
	case cmdlet.DateTime:
		s, err := one()
		if err != nil {
			return "", err
		}
		if _, ok := cmdlet.ParseDateTime(s); !ok {
			if _, err := ParseDuration(s); err != nil {
				return "", l.errf(p, "%s -%s: %q is not a date and time (want %s, or a span since the scenario's start such as 30m)", cmd, ps.Name, s, cmdlet.DateFormsSupported)
			}
		}
	case cmdlet.Text, cmdlet.Filter:
		if v.Kind == cmdlet.List || v.Kind == cmdlet.None {
			return "", l.errf(p, "%s -%s takes one value, not %s", cmd, ps.Name, v)
		}
	case cmdlet.Texts:
		if v.Strings() == nil {
			return "", l.errf(p, "%s -%s takes a list of names, not %s", cmd, ps.Name, v)
		}
	}
	return "", nil
}

var monitorKinds = []string{"mailflow", "heartbeat"}

// SCOM's defaults for the heartbeat monitor: a heartbeat every 60 s, an alert
// after 3 missed (Operations Manager's "Heartbeat interval" and "Number of missing
// heartbeats allowed"; from memory of the product, not from the reference files).
const (
	defaultHeartbeatEvery  = 60 * time.Second
	defaultHeartbeatMissed = 3
)

func (l *loader) monitors(n ast.Node) error {
	items, err := l.list(n, "monitors", false)
	if err != nil {
		return err
	}
	for _, it := range items {
		es, err := l.mapping(it, "a monitor", "kind", "from", "to", "servers", "every", "latencyThreshold", "missed")
		if err != nil {
			return err
		}
		if err := l.require(it, "a monitor", es, "kind"); err != nil {
			return err
		}
		m := Monitor{Pos: posOf(it)}
		for _, e := range es {
			if e.key == "kind" {
				if m.Kind, err = l.str(e.val, "kind"); err != nil {
					return err
				}
				if !slices.Contains(monitorKinds, m.Kind) {
					return l.errf(posOf(e.val), "unknown monitor kind %q%s (want mailflow or heartbeat)", m.Kind, didYouMean(m.Kind, monitorKinds))
				}
			}
		}
		allowed := map[string][]string{
			"mailflow":  {"kind", "from", "to", "every", "latencyThreshold"},
			"heartbeat": {"kind", "servers", "every", "missed"},
		}[m.Kind]
		if m.Kind == "mailflow" {
			if err := l.require(it, "a mailflow monitor", es, "from", "to", "every", "latencyThreshold"); err != nil {
				return err
			}
		} else {
			if err := l.require(it, "a heartbeat monitor", es, "servers"); err != nil {
				return err
			}
			m.Every, m.Missed = defaultHeartbeatEvery, defaultHeartbeatMissed
		}
		for _, e := range es {
			if !slices.Contains(allowed, e.key) {
				return l.errf(e.keyPos, "%q does not apply to a %s monitor (it takes %s)", e.key, m.Kind, strings.Join(allowed[1:], ", "))
			}
			serverAt := func(what string) (string, error) {
				s, err := l.str(e.val, what)
				if err != nil {
					return "", err
				}
				sv, err := l.server(s, posOf(e.val))
				if err != nil {
					return "", err
				}
				return sv.Name, nil
			}
			switch e.key {
			case "from":
				m.From, err = serverAt("from")
			case "to":
				m.To, err = serverAt("to")
			case "servers":
				var ps []Pos
				if m.Servers, ps, err = l.strs(e.val, "servers", false); err == nil {
					if len(m.Servers) == 0 {
						err = l.errf(posOf(e.val), "a heartbeat monitor needs at least one server")
					}
					for i, s := range m.Servers {
						var sv *ServerSpec
						if sv, err = l.server(s, ps[i]); err != nil {
							break
						}
						m.Servers[i] = sv.Name
					}
				}
			case "every":
				if m.Every, err = l.dur(e.val, "every"); err == nil && m.Every <= 0 {
					err = l.errf(posOf(e.val), "every must be more than 0")
				}
			case "latencyThreshold":
				if m.LatencyThreshold, err = l.dur(e.val, "latencyThreshold"); err == nil && m.LatencyThreshold <= 0 {
					err = l.errf(posOf(e.val), "latencyThreshold must be more than 0")
				}
			case "missed":
				var v int64
				v, err = l.int(e.val, "missed", 1, 1000)
				m.Missed = int(v)
			}
			if err != nil {
				return err
			}
		}
		if m.Kind == "mailflow" && m.From == m.To {
			return l.errf(m.Pos, "a mailflow monitor sends from one server to another: from and to are both %q", m.From)
		}
		l.s.Monitors = append(l.s.Monitors, m)
	}
	return nil
}

// EventIDs are the message tracking EventId values (2013+ list and the
// 2007/2010 list, reference exchange-transport.md §4.1), for expect.tracking.
var EventIDs = []string{
	"AGENTINFO", "BADMAIL", "CLIENTSUBMISSION", "DEFER", "DELIVER", "DELIVERFAIL", "DROP", "DSN",
	"DUPLICATEDELIVER", "DUPLICATEEXPAND", "DUPLICATEREDIRECT", "EXPAND", "FAIL", "HADISCARD",
	"HARECEIVE", "HAREDIRECT", "HAREDIRECTFAIL", "INITMESSAGECREATED", "LOAD", "MODERATIONEXPIRE",
	"MODERATORAPPROVE", "MODERATORREJECT", "MODERATORSALLNDR", "NOTIFYMAPI", "NOTIFYSHADOW",
	"POISONMESSAGE", "PROCESS", "PROCESSMEETINGMESSAGE", "RECEIVE", "REDIRECT", "RESOLVE",
	"RESUBMIT", "RESUBMITDEFER", "RESUBMITFAIL", "SEND", "SUBMIT", "SUBMITDEFER", "SUBMITFAIL",
	"SUPPRESSED", "THROTTLE", "TRANSFER",
}

// QueueStatuses are the Get-Queue Status values (reference §3.3).
var QueueStatuses = []string{"Active", "Connecting", "Ready", "Retry", "Suspended"}

func (l *loader) expect(n ast.Node) error {
	if r, err := l.resolve(n); err == nil {
		if _, null := r.(*ast.NullNode); null {
			return nil // "expect:" with nothing is an absent expect
		}
	}
	x := &l.s.Expect
	*x = Expect{Pos: posOf(n)}
	es, err := l.mapping(n, "expect", "delivered", "lost", "duplicates", "bounced", "spof",
		"maxLatency", "alerts", "tracking", "queues", "states")
	if err != nil {
		return err
	}
	for _, e := range es {
		switch e.key {
		case "delivered":
			x.Delivered, err = l.compare(e.val, "delivered")
		case "lost":
			x.Lost, err = l.compare(e.val, "lost")
		case "duplicates":
			x.Duplicates, err = l.compare(e.val, "duplicates")
		case "bounced":
			x.Bounced, err = l.compare(e.val, "bounced")
		case "maxLatency":
			var d time.Duration
			d, err = l.dur(e.val, "maxLatency")
			x.MaxLatency = &d
		case "spof":
			err = l.spof(e.val)
		case "alerts":
			err = l.alerts(e.val)
		case "tracking":
			err = l.tracking(e.val)
		case "queues":
			err = l.queues(e.val)
		case "states":
			err = l.states(e.val)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (l *loader) spof(n ast.Node) error {
	es, err := l.mapping(n, "spof", "windows", "maxExposure")
	if err != nil {
		return err
	}
	sp := &SPOFExpect{Pos: posOf(n)}
	for _, e := range es {
		switch e.key {
		case "windows":
			sp.Windows, err = l.compare(e.val, "windows")
		case "maxExposure":
			var d time.Duration
			d, err = l.dur(e.val, "maxExposure")
			sp.MaxExposure = &d
		}
		if err != nil {
			return err
		}
	}
	l.s.Expect.SPOF = sp
	return nil
}

func (l *loader) alerts(n ast.Node) error {
	items, err := l.list(n, "alerts", false)
	if err != nil {
		return err
	}
	for _, it := range items {
		es, err := l.mapping(it, "an alert expectation", "monitor", "count")
		if err != nil {
			return err
		}
		if err := l.require(it, "an alert expectation", es, "monitor", "count"); err != nil {
			return err
		}
		a := AlertExpect{Pos: posOf(it)}
		for _, e := range es {
			switch e.key {
			case "monitor":
				if a.Monitor, err = l.str(e.val, "monitor"); err == nil {
					if !slices.ContainsFunc(l.s.Monitors, func(m Monitor) bool { return m.Kind == a.Monitor }) {
						var kinds []string
						for _, m := range l.s.Monitors {
							if !slices.Contains(kinds, m.Kind) {
								kinds = append(kinds, m.Kind)
							}
						}
						err = l.errf(posOf(e.val), "no %q monitor in monitors%s", a.Monitor, didYouMean(a.Monitor, kinds))
					}
				}
			case "count":
				var c *Compare
				if c, err = l.compare(e.val, "count"); err == nil {
					a.Count = *c
				}
			}
			if err != nil {
				return err
			}
		}
		l.s.Expect.Alerts = append(l.s.Expect.Alerts, a)
	}
	return nil
}

// fixedMessages is the number of numbered messages when traffic has no Poisson
// entry and no monitor sends probes, or -1 when it is not known before the run.
func (l *loader) fixedMessages() int {
	if len(l.s.Monitors) > 0 {
		return -1
	}
	n := 0
	for _, t := range l.s.Traffic {
		if t.Poisson() {
			return -1
		}
		n += t.Count
	}
	return n
}

func (l *loader) tracking(n ast.Node) error {
	items, err := l.list(n, "tracking", false)
	if err != nil {
		return err
	}
	for _, it := range items {
		es, err := l.mapping(it, "a tracking expectation", "message", "events")
		if err != nil {
			return err
		}
		if err := l.require(it, "a tracking expectation", es, "message", "events"); err != nil {
			return err
		}
		t := TrackingExpect{Pos: posOf(it)}
		for _, e := range es {
			switch e.key {
			case "message":
				var v int64
				if v, err = l.int(e.val, "message", 1, MaxMessages); err == nil {
					t.Message = int(v)
					if max := l.fixedMessages(); max >= 0 && t.Message > max {
						err = l.errf(posOf(e.val), "message %d does not exist: traffic sends %d", t.Message, max)
					}
				}
			case "events":
				var ps []Pos
				if t.Events, ps, err = l.strs(e.val, "events", false); err == nil {
					for i, ev := range t.Events {
						f := strings.Fields(ev)
						if len(f) != 2 {
							err = l.errf(ps[i], "tracking event %q must be \"SERVER EVENTID\"", ev)
							break
						}
						var sv *ServerSpec
						if sv, err = l.server(f[0], ps[i]); err != nil {
							break
						}
						id := strings.ToUpper(f[1])
						if !slices.Contains(EventIDs, id) {
							err = l.errf(ps[i], "unknown EventId %q%s", f[1], didYouMean(f[1], EventIDs))
							break
						}
						t.Events[i] = sv.Name + " " + id
					}
				}
			}
			if err != nil {
				return err
			}
		}
		l.s.Expect.Tracking = append(l.s.Expect.Tracking, t)
	}
	return nil
}

func (l *loader) expectAt(n ast.Node) (time.Duration, error) {
	d, err := l.dur(n, "at")
	if err == nil && d > l.s.Duration {
		err = l.errf(posOf(n), "at %v is after the scenario's duration %v", d, l.s.Duration)
	}
	return d, err
}

func (l *loader) queues(n ast.Node) error {
	items, err := l.list(n, "queues", false)
	if err != nil {
		return err
	}
	for _, it := range items {
		es, err := l.mapping(it, "a queue expectation", "at", "queue", "status", "messageCount")
		if err != nil {
			return err
		}
		if err := l.require(it, "a queue expectation", es, "at", "queue"); err != nil {
			return err
		}
		q := QueueExpect{Pos: posOf(it)}
		for _, e := range es {
			switch e.key {
			case "at":
				q.At, err = l.expectAt(e.val)
			case "queue":
				if q.Queue, err = l.str(e.val, "queue"); err == nil {
					srv, name, ok := strings.Cut(q.Queue, `\`)
					if !ok || name == "" {
						err = l.errf(posOf(e.val), `queue %q must be SERVER\QUEUE as Get-Queue shows it`, q.Queue)
					} else {
						var sv *ServerSpec
						if sv, err = l.server(srv, posOf(e.val)); err == nil {
							q.Queue = sv.Name + `\` + name
						}
					}
				}
			case "status":
				if q.Status, err = l.str(e.val, "status"); err == nil {
					i := slices.IndexFunc(QueueStatuses, func(s string) bool { return strings.EqualFold(s, q.Status) })
					if i < 0 {
						err = l.errf(posOf(e.val), "unknown queue status %q%s (want one of %s)", q.Status, didYouMean(q.Status, QueueStatuses), strings.Join(QueueStatuses, ", "))
					} else {
						q.Status = QueueStatuses[i]
					}
				}
			case "messageCount":
				q.MessageCount, err = l.compare(e.val, "messageCount")
			}
			if err != nil {
				return err
			}
		}
		l.s.Expect.Queues = append(l.s.Expect.Queues, q)
	}
	return nil
}

var componentStates = []string{"Active", "Inactive", "Draining"}

func (l *loader) states(n ast.Node) error {
	items, err := l.list(n, "states", false)
	if err != nil {
		return err
	}
	for _, it := range items {
		es, err := l.mapping(it, "a state expectation", "at", "server", "component", "state")
		if err != nil {
			return err
		}
		if err := l.require(it, "a state expectation", es, "at", "server", "component", "state"); err != nil {
			return err
		}
		st := StateExpect{Pos: posOf(it)}
		for _, e := range es {
			switch e.key {
			case "at":
				st.At, err = l.expectAt(e.val)
			case "server":
				var sv *ServerSpec
				if st.Server, err = l.str(e.val, "server"); err == nil {
					if sv, err = l.server(st.Server, posOf(e.val)); err == nil {
						st.Server = sv.Name
						if versionIndex(sv.Version) < versionIndex("Exchange2013") {
							err = l.errf(posOf(e.val), "server %q runs %s: server component states exist from Exchange2013", sv.Name, sv.Version)
						}
					}
				}
			case "component":
				if st.Component, err = l.str(e.val, "component"); err == nil {
					i := slices.IndexFunc(cmdlet.Components, func(c string) bool { return strings.EqualFold(c, st.Component) })
					if i < 0 {
						err = l.errf(posOf(e.val), "unknown component %q%s", st.Component, didYouMean(st.Component, cmdlet.Components))
					} else {
						st.Component = cmdlet.Components[i]
					}
				}
			case "state":
				if st.State, err = l.str(e.val, "state"); err == nil {
					i := slices.IndexFunc(componentStates, func(c string) bool { return strings.EqualFold(c, st.State) })
					if i < 0 {
						err = l.errf(posOf(e.val), "unknown state %q%s (want Active, Inactive or Draining)", st.State, didYouMean(st.State, componentStates))
					} else {
						st.State = componentStates[i]
					}
				}
			}
			if err != nil {
				return err
			}
		}
		l.s.Expect.States = append(l.s.Expect.States, st)
	}
	return nil
}
