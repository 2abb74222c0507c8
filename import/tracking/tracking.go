package tracking

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Options tune a traffic import.
type Options struct {
	Day             string   // the UTC day to take, 2006-01-02; default the day with the most messages
	Scale           float64  // multiplies every rate; default 1
	InternalDomains []string // the organization's domains; default inferred from mailbox submissions
	InternalDomain  string   // the domain internal wildcards name (*@domain); default the most common internal one
	MaxLine         int      // bytes in one log line; default DefaultMaxLine
	MaxMessages     int      // distinct messages kept in memory; default DefaultMaxMessages
	MaxFiles        int      // log files read; default DefaultMaxFiles
	// Senders maps a mailbox database (its name or GUID, as the logs name it)
	// to an address in it: submissions from that database are written as from
	// that address, so the scenario submits them from the same database.
	Senders map[string]string
}

// Bounds on what a folder of logs may cost.
const (
	// DefaultMaxLine: tracking log lines are a few hundred bytes; a subject or
	// a long recipient list may make one a few KB.
	DefaultMaxLine = 64 << 10
	// DefaultMaxMessages: distinct messages held for counting once, about 40
	// bytes each: a month of a large organization.
	DefaultMaxMessages = 50_000_000
	// DefaultMaxFiles: one file an hour per service per server for a month of
	// a few dozen servers.
	DefaultMaxFiles = 100_000
)

// Direction is where a message goes, seen from the organization.
type Direction int

const (
	Inbound  Direction = iota // from the internet to the organization
	Outbound                  // from the organization to the internet
	Internal                  // from the organization to itself
	Mixed                     // from the organization to both
	nDirections
)

var directionNames = [...]string{"inbound", "outbound", "internal", "internal and outbound"}

func (d Direction) String() string { return directionNames[d] }

// Result is imported traffic.
type Result struct {
	YAML     string // a traffic: section
	Warnings []string
	Day      time.Time                // the day taken (00:00 UTC)
	Hourly   [nDirections][24]int     // messages per hour of the day, before scaling
	Rates    [nDirections][24]float64 // perHour written (scaled)
	Messages int                      // distinct messages in all the logs
	// EntryServers are the servers internet mail entered by on the day, most
	// messages first (the host name's first label, upper-case).
	EntryServers []string
	Files        int
}

// message is what is kept per distinct message: its first RECEIVE.
type message struct {
	at         int64 // unix seconds
	server     int32 // interned name
	db         int32 // interned database (mailbox submissions), -1 none
	sender     int32 // interned domain
	rcpts      []int32
	bytes      int64
	recipients int32
	submission bool // STOREDRIVER (a mailbox) rather than SMTP
}

type importer struct {
	o        Options
	files    []string
	warnings []string
	names    []string
	ids      map[string]int32
	msgs     map[uint64]*message
	internal map[string]bool
	bad      map[string]int // file → bad lines
	badFirst map[string]string
	csv      bool
}

func (im *importer) intern(s string) int32 {
	if id, ok := im.ids[s]; ok {
		return id
	}
	id := int32(len(im.names))
	im.names = append(im.names, s)
	im.ids[s] = id
	return id
}

// Import reads every log file under path (a folder, walked in name order, or one
// file) and returns the traffic of the chosen day.
func Import(path string, o Options) (*Result, error) {
	if o.Scale == 0 {
		o.Scale = 1
	}
	if o.Scale < 0 || math.IsNaN(o.Scale) || math.IsInf(o.Scale, 0) {
		return nil, fmt.Errorf("--scale %v: want a number more than 0", o.Scale)
	}
	if o.MaxLine <= 0 {
		o.MaxLine = DefaultMaxLine
	}
	if o.MaxMessages <= 0 {
		o.MaxMessages = DefaultMaxMessages
	}
	if o.MaxFiles <= 0 {
		o.MaxFiles = DefaultMaxFiles
	}
	var day time.Time
	if o.Day != "" {
		d, err := time.Parse("2006-01-02", o.Day)
		if err != nil {
			return nil, fmt.Errorf("--day %q: want a date like 2024-06-10", o.Day)
		}
		day = d
	}
	im := &importer{o: o, ids: map[string]int32{}, msgs: map[uint64]*message{}, internal: map[string]bool{}, bad: map[string]int{}, badFirst: map[string]string{}}
	if err := im.list(path); err != nil {
		return nil, err
	}
	if len(im.files) == 0 {
		return nil, fmt.Errorf("%s: no message tracking log (MSGTRK*.LOG or an Export-Csv .csv file)", path)
	}
	for _, d := range o.InternalDomains {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" {
			im.internal[d] = true
		}
	}
	if len(im.internal) == 0 {
		// Pass 1: who submits from a mailbox is inside the organization.
		if err := im.each(im.learnDomains); err != nil {
			return nil, err
		}
		if len(im.internal) == 0 {
			return nil, fmt.Errorf("%s: no mailbox submission (STOREDRIVER RECEIVE) to tell the organization's domains by; give them with --accepted-domains", path)
		}
	}
	// Bad lines are reported from the counting pass alone.
	im.bad, im.badFirst = map[string]int{}, map[string]string{}
	if err := im.each(im.count); err != nil {
		return nil, err
	}
	for _, f := range im.files {
		if n := im.bad[f]; n > 0 {
			im.warn("%s: %d line(s) not read (first: %s)", filepath.Base(f), n, im.badFirst[f])
		}
	}
	return im.result(day), nil
}

func (im *importer) warn(format string, args ...any) {
	im.warnings = append(im.warnings, fmt.Sprintf(format, args...))
}

func (im *importer) list(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		im.files = []string{path}
		return nil
	}
	return filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		ext := strings.ToLower(filepath.Ext(p))
		if ext != ".log" && ext != ".csv" {
			im.warn("%s: not a .LOG or .csv file; not read", p)
			return nil
		}
		if len(im.files) >= im.o.MaxFiles {
			return fmt.Errorf("%s: more than %d log files, the limit", path, im.o.MaxFiles)
		}
		im.files = append(im.files, p)
		return nil
	})
}

// each streams every record of every file into f.
func (im *importer) each(f func(file string, r *record) error) error {
	for _, path := range im.files {
		if err := im.file(path, f); err != nil {
			return err
		}
	}
	return nil
}

func (im *importer) file(path string, f func(file string, r *record) error) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	name := filepath.Base(path)
	rd := newReader(name, fh, im.o.MaxLine)
	for {
		rec, err := rd.next()
		if err == io.EOF {
			if rd.csv {
				im.csv = true
			}
			return nil
		}
		var le *lineError
		if errors.As(err, &le) {
			im.badLine(path, le.line, le.msg)
			continue
		}
		if err != nil {
			return err
		}
		if err := f(path, rec); err != nil {
			return err
		}
	}
}

func (im *importer) badLine(path string, line int, msg string) {
	im.bad[path]++
	if im.bad[path] == 1 {
		im.badFirst[path] = fmt.Sprintf("line %d: %s", line, msg)
	}
}

func domainOf(addr string) string {
	addr = strings.Trim(strings.TrimSpace(addr), "<>")
	if _, d, ok := strings.Cut(addr, "@"); ok {
		return strings.ToLower(d)
	}
	return ""
}

func isSubmission(r *record) bool {
	return strings.EqualFold(r.f[fEvent], "RECEIVE") && strings.EqualFold(r.f[fSource], "STOREDRIVER")
}

func (im *importer) learnDomains(_ string, r *record) error {
	if isSubmission(r) || strings.EqualFold(r.f[fDirectionality], "Originating") && strings.EqualFold(r.f[fEvent], "RECEIVE") {
		if d := domainOf(r.f[fSender]); d != "" {
			im.internal[d] = true
		}
	}
	return nil
}

// key identifies a message across hops: message-id, else network-message-id,
// else the internal id, which is unique on one server only.
func key(r *record) (uint64, bool) {
	h := fnv.New64a()
	switch {
	case r.f[fMessageID] != "":
		h.Write([]byte("m\x00" + r.f[fMessageID]))
	case r.f[fNetworkID] != "":
		h.Write([]byte("n\x00" + r.f[fNetworkID]))
	case r.f[fInternalID] != "":
		h.Write([]byte("i\x00" + strings.ToLower(r.f[fServer]) + "\x00" + r.f[fInternalID]))
	default:
		return 0, false
	}
	return h.Sum64(), true
}

func (im *importer) count(path string, r *record) error {
	if !strings.EqualFold(r.f[fEvent], "RECEIVE") {
		return nil
	}
	src := strings.ToUpper(r.f[fSource])
	if src != "SMTP" && src != "STOREDRIVER" {
		return nil
	}
	if rc := strings.TrimSpace(r.f[fRecipients]); strings.HasPrefix(rc, "System.") && strings.HasSuffix(rc, "[]") {
		// import-shapes.md 2.3: an un-joined array column.
		return &Error{File: filepath.Base(path), Line: r.line, Msg: fmt.Sprintf("the Recipients column holds %q: Export-Csv wrote the array's type name; export with @{N='Recipients';E={$_.Recipients -join ';'}} (see collect/README.md)", rc)}
	}
	t, ok := parseTime(r.f[fTime])
	if !ok {
		im.badLine(path, r.line, fmt.Sprintf("time %q is not a date and time", r.f[fTime]))
		return nil
	}
	k, ok := key(r)
	if !ok {
		im.badLine(path, r.line, "no message-id, network-message-id or internal-message-id")
		return nil
	}
	m := im.msgs[k]
	if m != nil && !im.earlier(r, src, t.Unix(), m) {
		return nil // a later hop of a message already counted
	}
	if m == nil {
		if len(im.msgs) >= im.o.MaxMessages {
			return &Error{File: filepath.Base(path), Line: r.line, Msg: fmt.Sprintf("more than %d distinct messages, the limit: import fewer days of logs", im.o.MaxMessages)}
		}
		m = &message{}
		im.msgs[k] = m
	}
	*m = message{at: t.Unix(), server: im.intern(strings.ToUpper(hostPart(r.f[fServer]))), db: -1, submission: src == "STOREDRIVER"}
	m.sender = im.intern(domainOf(r.f[fSender]))
	seen := map[int32]bool{}
	n := int32(0)
	for _, a := range strings.Split(r.f[fRecipients], ";") {
		if d := domainOf(a); d != "" {
			n++
			id := im.intern(d)
			if !seen[id] {
				seen[id] = true
				m.rcpts = append(m.rcpts, id)
			}
		}
	}
	m.recipients = n
	if c, err := strconv.Atoi(strings.TrimSpace(r.f[fRecipientCount])); err == nil && c > 0 {
		m.recipients = int32(min(c, math.MaxInt32))
	}
	if b, err := strconv.ParseInt(strings.TrimSpace(r.f[fBytes]), 10, 64); err == nil && b >= 0 {
		m.bytes = b
	}
	if m.submission {
		if db := databaseOf(r); db != "" {
			m.db = im.intern(db)
		}
	}
	return nil
}

// earlier reports whether this RECEIVE, rather than the one kept, is where the
// message entered: a mailbox submission always is (servers' clocks may differ);
// otherwise the earlier one, and at the same instant the one that says it came
// from the internet (custom-data S:FromEntity=Internet, import-shapes.md 2.2).
func (im *importer) earlier(r *record, src string, at int64, m *message) bool {
	sub := src == "STOREDRIVER"
	switch {
	case sub != m.submission:
		return sub
	case at != m.at:
		return at < m.at
	}
	return strings.Contains(r.f[fCustomData], "FromEntity=Internet")
}

func hostPart(s string) string {
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return s[:i]
	}
	return s
}

// databaseOf finds the mailbox database of a submission: custom-data
// S:MailboxDatabaseName (or EventData's [MailboxDatabaseName, x]), else the
// S:MailboxDatabaseGuid or the MDB: of source-context (import-shapes.md 2.2).
func databaseOf(r *record) string {
	cd := r.f[fCustomData]
	for _, k := range []string{"MailboxDatabaseName", "MailboxDatabaseGuid"} {
		if i := strings.Index(cd, k+"="); i >= 0 {
			v := cd[i+len(k)+1:]
			if j := strings.IndexAny(v, ";]"); j >= 0 {
				v = v[:j]
			}
			return strings.TrimSpace(v)
		}
		if i := strings.Index(cd, "["+k+", "); i >= 0 {
			v := cd[i+len(k)+3:]
			if j := strings.IndexByte(v, ']'); j >= 0 {
				v = v[:j]
			}
			return strings.TrimSpace(v)
		}
	}
	if i := strings.Index(r.f[fSourceContext], "MDB:"); i >= 0 {
		v := r.f[fSourceContext][i+4:]
		if j := strings.IndexAny(v, ", "); j >= 0 {
			v = v[:j]
		}
		return v
	}
	return ""
}

func (im *importer) direction(m *message) (Direction, bool) {
	senderIn := im.internal[im.names[m.sender]]
	var in, out int
	for _, d := range m.rcpts {
		if im.internal[im.names[d]] {
			in++
		} else {
			out++
		}
	}
	switch {
	case !senderIn && !m.submission && in > 0:
		return Inbound, true
	case !senderIn && !m.submission:
		return 0, false // external to external: a relay
	case out == 0 && in > 0:
		return Internal, true
	case in == 0 && out > 0:
		return Outbound, true
	case in > 0 && out > 0:
		return Mixed, true
	}
	return 0, false
}

type stats struct {
	n, recipients int64
	bytes, maxB   int64
	byServer      map[int32]int
	byDB          map[int32]int
	hourlyByDB    map[int32]*[24]int
	extDomains    map[int32]int
	intDomains    map[int32]int
}

func (im *importer) result(day time.Time) *Result {
	res := &Result{Files: len(im.files), Messages: len(im.msgs)}
	// Days by message count; the busiest is the default.
	perDay := map[int64]int{}
	for _, m := range im.msgs {
		perDay[m.at/86400]++
	}
	if day.IsZero() {
		var best int64 = -1
		for d, n := range perDay {
			if best < 0 || n > perDay[best] || n == perDay[best] && d < best {
				best = d
			}
		}
		if best >= 0 {
			day = time.Unix(best*86400, 0).UTC()
		}
		if len(perDay) > 1 {
			im.warn("the logs cover %d days; took the busiest, %s (--day picks another)", len(perDay), day.Format("2006-01-02"))
		}
	}
	res.Day = day
	from, to := day.Unix(), day.Unix()+86400
	var st [nDirections]stats
	for d := range st {
		st[d] = stats{byServer: map[int32]int{}, byDB: map[int32]int{}, hourlyByDB: map[int32]*[24]int{}, extDomains: map[int32]int{}, intDomains: map[int32]int{}}
	}
	relays := 0
	for _, m := range im.msgs {
		if m.at < from || m.at >= to {
			continue
		}
		d, ok := im.direction(m)
		if !ok {
			relays++
			continue
		}
		res.Hourly[d][(m.at-from)/3600]++
		s := &st[d]
		s.n++
		s.recipients += int64(m.recipients)
		s.bytes += m.bytes
		s.maxB = max(s.maxB, m.bytes)
		s.byServer[m.server]++
		if m.db >= 0 {
			s.byDB[m.db]++
			if s.hourlyByDB[m.db] == nil {
				s.hourlyByDB[m.db] = &[24]int{}
			}
			s.hourlyByDB[m.db][(m.at-from)/3600]++
		}
		if im.internal[im.names[m.sender]] {
			s.intDomains[m.sender]++
		} else {
			s.extDomains[m.sender]++
		}
		for _, r := range m.rcpts {
			if im.internal[im.names[r]] {
				s.intDomains[r]++
			} else {
				s.extDomains[r]++
			}
		}
	}
	if relays > 0 {
		im.warn("%d message(s) from outside to outside the organization's domains (relayed): not imported", relays)
	}
	if im.csv {
		im.warn("Export-Csv Timestamps carry no time zone and follow the exporting machine's culture: read as UTC, month before day")
	}
	im.yaml(res, &st)
	res.Warnings = im.warnings
	return res
}

// top is the most common name in a count (the first in name order on a tie).
func (im *importer) top(c map[int32]int, fallback string) string {
	best, bestN := "", -1
	for id, n := range c {
		name := im.names[id]
		if n > bestN || n == bestN && name < best {
			best, bestN = name, n
		}
	}
	if best == "" {
		return fallback
	}
	return best
}

// ranked is a count's names, most first (name order on a tie).
func (im *importer) ranked(c map[int32]int) []string {
	ids := make([]int32, 0, len(c))
	for id := range c {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := ids[i], ids[j]
		return c[a] > c[b] || c[a] == c[b] && im.names[a] < im.names[b]
	})
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = im.names[id]
	}
	return out
}

func (im *importer) shares(c map[int32]int) string {
	type kv struct {
		name string
		n    int
	}
	var all []kv
	total := 0
	for id, n := range c {
		all = append(all, kv{im.names[id], n})
		total += n
	}
	sort.Slice(all, func(i, j int) bool { return all[i].n > all[j].n || all[i].n == all[j].n && all[i].name < all[j].name })
	var parts []string
	for i, e := range all {
		if i == 8 {
			parts = append(parts, fmt.Sprintf("%d more", len(all)-8))
			break
		}
		parts = append(parts, fmt.Sprintf("%s %d (%.1f%%)", e.name, e.n, 100*float64(e.n)/float64(total)))
	}
	return strings.Join(parts, ", ")
}

func (im *importer) sortedDBs(m map[int32]*[24]int) []int32 {
	ids := make([]int32, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return im.names[ids[i]] < im.names[ids[j]] })
	return ids
}

// lines writes one Poisson line per hour with messages.
func (im *importer) lines(p func(string, ...any), from, to string, hourly [24]int, note string) {
	if note != "" {
		note = ", " + note
	}
	for h, n := range hourly {
		r := rate(n, im.o.Scale)
		if r <= 0 {
			continue
		}
		p("  - {from: %s, to: %s, perHour: %s, start: %s, until: %s}   # %d messages %02d:00-%02d:00%s", from, to, strconv.FormatFloat(r, 'f', -1, 64), dur(h), dur(h+1), n, h, (h+1)%24, note)
	}
}

func dur(h int) string {
	if h == 0 {
		return "0s"
	}
	return fmt.Sprintf("%dh", h)
}

func kb(b float64) string {
	switch {
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MB", b/(1<<20))
	default:
		return fmt.Sprintf("%.1f KB", b/(1<<10))
	}
}

func rate(n int, scale float64) float64 {
	return math.Round(float64(n)*scale*1000) / 1000
}

func (im *importer) yaml(res *Result, st *[nDirections]stats) {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	intDomains := map[int32]int{}
	for d := range st {
		for id, n := range st[d].intDomains {
			intDomains[id] += n
		}
	}
	var known []string
	for d := range im.internal {
		known = append(known, d)
	}
	sort.Strings(known)
	internal := im.o.InternalDomain
	if internal == "" {
		internal = im.top(intDomains, known[0])
	}
	total := 0
	for d := range res.Hourly {
		for _, n := range res.Hourly[d] {
			total += n
		}
	}
	p("# Traffic from %d message tracking log file(s): %d messages on %s (UTC), each counted once", res.Files, total, res.Day.Format("2006-01-02"))
	p("# across hops by message-id; organization domains: %s. Scale %s.", strings.Join(known, ", "), strconv.FormatFloat(im.o.Scale, 'f', -1, 64))
	p("# Each hour is a Poisson stream at that hour's observed rate: run it with")
	p("# start: %s and duration: 24h.", res.Day.Format(time.RFC3339))
	for d := Direction(0); d < nDirections; d++ {
		s := &st[d]
		if s.n == 0 {
			continue
		}
		p("# %s: %d messages, %.2f recipients and %s each on average (largest %s)", d, s.n, float64(s.recipients)/float64(s.n), kb(float64(s.bytes)/float64(s.n)), kb(float64(s.maxB)))
		if d == Inbound {
			p("#   entered at: %s", im.shares(s.byServer))
			res.EntryServers = im.ranked(s.byServer)
		} else {
			p("#   submitted on: %s", im.shares(s.byServer))
			if len(s.byDB) > 0 {
				p("#   from databases: %s", im.shares(s.byDB))
			}
		}
	}
	if total > 0 {
		im.warn("the scenario format's traffic cannot say which server internet mail enters by, nor message sizes or recipient counts: they are comments above the traffic lines")
		if len(im.o.Senders) == 0 {
			im.warn("mailbox submissions are not tied to their databases (import with the inventory to send each database's share from a mailbox in it)")
		}
	}
	b.WriteString("traffic:\n")
	if total == 0 {
		im.warn("no message on %s: the traffic section is empty", res.Day.Format("2006-01-02"))
		b.WriteString("  []\n")
		res.YAML = b.String()
		return
	}
	for d := Direction(0); d < nDirections; d++ {
		s := &st[d]
		if s.n == 0 {
			continue
		}
		ext := im.top(s.extDomains, "fabrikam.com")
		from, to := `"*@`+internal+`"`, `"*@`+ext+`"`
		switch d {
		case Inbound:
			from, to = `"*@`+ext+`"`, `"*@`+internal+`"`
		case Internal:
			to = `"*@` + internal + `"`
		case Mixed:
			to = `["*@` + internal + `", "*@` + ext + `"]`
		}
		p("  # %s", d)
		for h, n := range res.Hourly[d] {
			res.Rates[d][h] = rate(n, im.o.Scale)
		}
		rest := res.Hourly[d]
		if d != Inbound {
			// Submissions from a database the scenario has a mailbox in come from
			// that mailbox; the rest from any mailbox of the domain.
			for _, db := range im.sortedDBs(s.hourlyByDB) {
				addr := im.o.Senders[strings.ToLower(im.names[db])]
				if addr == "" {
					continue
				}
				hourly := s.hourlyByDB[db]
				for h := range rest {
					rest[h] -= hourly[h]
				}
				im.lines(p, strconv.Quote(addr), to, *hourly, "from database "+im.names[db])
			}
		}
		im.lines(p, from, to, rest, "")
	}
	res.YAML = b.String()
}
