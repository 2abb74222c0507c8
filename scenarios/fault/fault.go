package fault

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind is what the world does.
type Kind int

const (
	Crash     Kind = iota + 1 // the server stops at once
	Stop                      // a clean shutdown
	Start                     // the server boots
	FailCopy                  // a database copy fails
	Partition                 // two groups cannot reach each other
	Heal                      // every partition ends
	Disk                      // a drive of the server fills to Percent (back pressure)
	Memory                    // the EdgeTransport process uses Percent of the RAM
	Release                   // the drive is freed and the memory given back
	Down                      // an external host (smart host, MX) stops answering
	Refuse                    // an external host answers MAIL FROM with Code
	Up                        // an external host works again
	// Site faults (issue 17).
	FailSite       // every server, the witnesses and the links of a site fail
	RestoreSite    // a failed site's servers boot, its witnesses and links return
	PartitionSites // two groups of sites (their servers and witnesses) cannot reach each other
)

var verbs = []string{"crash", "stop", "start", "fail-copy", "partition", "heal", "disk", "memory", "release", "down", "refuse", "up", "fail-site", "restore-site", "partition-sites"}

// Drives are the drives a disk fault may fill: the queue database's (and its logs')
// and the content conversion folder's.
var Drives = []string{"queue", "data"}

// Verbs lists the fault verbs in grammar order.
func Verbs() []string { return append([]string(nil), verbs...) }

func (k Kind) String() string {
	if k >= Crash && int(k) <= len(verbs) {
		return verbs[k-1]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Fault is one parsed fault line.
type Fault struct {
	Kind      Kind
	Server    string   // Crash, Stop, Start, FailCopy
	LoseQueue bool     // Crash: the queue database is lost too
	Database  string   // FailCopy
	A, B      []string // Partition: servers, site names, or "internet"; PartitionSites: sites
	Drive     string   // Disk: one of Drives
	Percent   int      // Disk, Memory: 0-100
	Host      string   // Down, Refuse, Up: a smart host or MX host
	Code      int      // Refuse: the 4xx reply code
	Site      string   // FailSite, RestoreSite
}

// Internet is the partition side that stands for the organization's internet link.
const Internet = "internet"

// Error is a syntax error at a byte offset of the line.
type Error struct {
	Pos int
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("column %d: %s", e.Pos+1, e.Msg) }

// MaxLen bounds the length of a line Parse accepts.
const MaxLen = 4096

type word struct {
	s   string
	pos int
}

func split(line string) []word {
	var out []word
	start := -1
	for i := 0; i <= len(line); i++ {
		if i == len(line) || line[i] == ' ' || line[i] == '\t' {
			if start >= 0 {
				out = append(out, word{line[start:i], start})
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	return out
}

// Parse parses a fault line:
//
//	crash S [lose-queue] | stop S | start S | fail-copy DB\S |
//	partition A,B from C,D | heal |
//	disk S queue|data N% | memory S N% | release S |
//	down HOST | refuse HOST 4xx | up HOST |
//	fail-site SITE | restore-site SITE | partition-sites A,B from C,D
//
// Verbs are lowercase as the format writes them; a partition side is a comma list
// (spaces after commas allowed) of servers, sites or "internet".
func Parse(line string) (Fault, error) {
	if len(line) > MaxLen {
		return Fault{}, &Error{MaxLen, fmt.Sprintf("line longer than %d bytes", MaxLen)}
	}
	ws := split(line)
	if len(ws) == 0 {
		return Fault{}, &Error{0, "empty fault (want one of " + strings.Join(verbs, ", ") + ")"}
	}
	verb := ws[0]
	args := ws[1:]
	end := len(line)
	need := func(n int, form string) error {
		if len(args) < n {
			return &Error{end, "missing argument: want " + form}
		}
		if len(args) > n {
			return &Error{args[n].pos, fmt.Sprintf("unexpected %q: want %s", args[n].s, form)}
		}
		return nil
	}
	switch verb.s {
	case "crash":
		if len(args) == 2 && args[1].s == "lose-queue" {
			return Fault{Kind: Crash, Server: args[0].s, LoseQueue: true}, nil
		}
		if len(args) == 2 {
			return Fault{}, &Error{args[1].pos, fmt.Sprintf("unexpected %q: want crash SERVER [lose-queue]", args[1].s)}
		}
		if err := need(1, "crash SERVER [lose-queue]"); err != nil {
			return Fault{}, err
		}
		return Fault{Kind: Crash, Server: args[0].s}, nil
	case "disk":
		const form = "disk SERVER queue|data N%"
		if err := need(3, form); err != nil {
			return Fault{}, err
		}
		if !contains(Drives, args[1].s) {
			return Fault{}, &Error{args[1].pos, fmt.Sprintf("unknown drive %q%s (want queue or data): want %s", args[1].s, didYouMean(args[1].s, Drives), form)}
		}
		p, err := percent(args[2], form)
		if err != nil {
			return Fault{}, err
		}
		return Fault{Kind: Disk, Server: args[0].s, Drive: args[1].s, Percent: p}, nil
	case "memory":
		const form = "memory SERVER N%"
		if err := need(2, form); err != nil {
			return Fault{}, err
		}
		p, err := percent(args[1], form)
		if err != nil {
			return Fault{}, err
		}
		return Fault{Kind: Memory, Server: args[0].s, Percent: p}, nil
	case "release":
		if err := need(1, "release SERVER"); err != nil {
			return Fault{}, err
		}
		return Fault{Kind: Release, Server: args[0].s}, nil
	case "down", "up":
		if err := need(1, verb.s+" HOST"); err != nil {
			return Fault{}, err
		}
		k := Down
		if verb.s == "up" {
			k = Up
		}
		return Fault{Kind: k, Host: args[0].s}, nil
	case "refuse":
		const form = "refuse HOST 4xx (an SMTP reply code, e.g. 451)"
		if err := need(2, form); err != nil {
			return Fault{}, err
		}
		code, err := strconv.Atoi(args[1].s)
		if err != nil || code < 400 || code > 499 || len(args[1].s) != 3 {
			return Fault{}, &Error{args[1].pos, fmt.Sprintf("%q is not a 4xx reply code: want %s", args[1].s, form)}
		}
		return Fault{Kind: Refuse, Host: args[0].s, Code: code}, nil
	case "stop", "start":
		if err := need(1, verb.s+" SERVER"); err != nil {
			return Fault{}, err
		}
		k := Stop
		if verb.s == "start" {
			k = Start
		}
		return Fault{Kind: k, Server: args[0].s}, nil
	case "fail-copy":
		if err := need(1, `fail-copy DATABASE\SERVER`); err != nil {
			return Fault{}, err
		}
		db, srv, ok := strings.Cut(args[0].s, `\`)
		if !ok || db == "" || srv == "" || strings.Contains(srv, `\`) {
			return Fault{}, &Error{args[0].pos, fmt.Sprintf(`%q is not a database copy: want DATABASE\SERVER`, args[0].s)}
		}
		return Fault{Kind: FailCopy, Database: db, Server: srv}, nil
	case "heal":
		if err := need(0, "heal"); err != nil {
			return Fault{}, err
		}
		return Fault{Kind: Heal}, nil
	case "partition":
		return partition(line, args)
	case "fail-site", "restore-site":
		if err := need(1, verb.s+" SITE"); err != nil {
			return Fault{}, err
		}
		k := FailSite
		if verb.s == "restore-site" {
			k = RestoreSite
		}
		return Fault{Kind: k, Site: args[0].s}, nil
	case "partition-sites":
		f, err := partition(line, args)
		f.Kind = PartitionSites
		return f, err
	}
	return Fault{}, &Error{verb.pos, fmt.Sprintf("unknown fault %q%s (want one of %s)", verb.s, didYouMean(verb.s, verbs), strings.Join(verbs, ", "))}
}

// percent reads "96%" (0-100).
func percent(w word, form string) (int, error) {
	num, ok := strings.CutSuffix(w.s, "%")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n < 0 || n > 100 || strings.HasPrefix(num, "+") {
		return 0, &Error{w.pos, fmt.Sprintf("%q is not a percentage: want 0%%-100%%, as in %s", w.s, form)}
	}
	return n, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func partition(line string, args []word) (Fault, error) {
	const form = "partition A,B from C,D"
	from := -1
	for i, w := range args {
		if w.s == "from" {
			from = i
			break
		}
	}
	if from < 0 {
		return Fault{}, &Error{len(line), "missing \"from\": want " + form}
	}
	a, err := side(line, args[:from], args[from].pos)
	if err != nil {
		return Fault{}, err
	}
	b, err := side(line, args[from+1:], len(line))
	if err != nil {
		return Fault{}, err
	}
	for _, x := range a {
		for _, y := range b {
			if strings.EqualFold(x, y) {
				return Fault{}, &Error{args[0].pos, fmt.Sprintf("%q is on both sides of the partition", x)}
			}
		}
	}
	return Fault{Kind: Partition, A: a, B: b}, nil
}

// side joins the words of one side ("A, B" or "A,B") and splits it on commas.
func side(line string, ws []word, endPos int) ([]string, error) {
	if len(ws) == 0 {
		return nil, &Error{endPos, "a partition side is empty: want partition A,B from C,D"}
	}
	text := line[ws[0].pos : ws[len(ws)-1].pos+len(ws[len(ws)-1].s)]
	var out []string
	off := ws[0].pos
	for _, part := range strings.Split(text, ",") {
		name := strings.TrimSpace(part)
		if name == "" || strings.ContainsAny(name, " \t") {
			return nil, &Error{off, "want a comma list of servers or sites: partition A,B from C,D"}
		}
		if name == "from" {
			return nil, &Error{off, `"from" appears twice`}
		}
		out = append(out, name)
		off += len(part) + 1
	}
	return out, nil
}

// String prints the fault in the grammar Parse reads.
func (f Fault) String() string {
	switch f.Kind {
	case Crash:
		if f.LoseQueue {
			return "crash " + f.Server + " lose-queue"
		}
		return "crash " + f.Server
	case Stop, Start:
		return f.Kind.String() + " " + f.Server
	case FailCopy:
		return "fail-copy " + f.Database + `\` + f.Server
	case Partition, PartitionSites:
		return f.Kind.String() + " " + strings.Join(f.A, ",") + " from " + strings.Join(f.B, ",")
	case FailSite, RestoreSite:
		return f.Kind.String() + " " + f.Site
	case Heal:
		return "heal"
	case Disk:
		return fmt.Sprintf("disk %s %s %d%%", f.Server, f.Drive, f.Percent)
	case Memory:
		return fmt.Sprintf("memory %s %d%%", f.Server, f.Percent)
	case Release:
		return "release " + f.Server
	case Down, Up:
		return f.Kind.String() + " " + f.Host
	case Refuse:
		return fmt.Sprintf("refuse %s %d", f.Host, f.Code)
	}
	return f.Kind.String()
}
