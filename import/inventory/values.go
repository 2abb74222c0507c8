package inventory

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/exsim/exsim/import/clixml"
)

// Exchange values arrive either as objects (rehydrated over remoting) or as their
// display strings (deserialized without Exchange's type data, or past -Depth);
// import-shapes.md 1.1 says to read the string form, which both carry. These
// helpers read a value from its string form first and fall back to Props.

// versionRE is the importer rule of import-shapes.md 1.1 for AdminDisplayVersion.
var versionRE = regexp.MustCompile(`Version (\d+)\.(\d+) \(Build (\d+)\.(\d+)\)`)

// serverVersion is an AdminDisplayVersion.
type serverVersion struct{ Major, Minor, Build, Revision int }

func (v serverVersion) String() string {
	return fmt.Sprintf("Version %d.%d (Build %d.%d)", v.Major, v.Minor, v.Build, v.Revision)
}

// parseVersion reads AdminDisplayVersion in its string form ("Version 15.0 (Build
// 1497.2)") or, when that does not match, its object form (Major, Minor, Build,
// Revision properties).
func parseVersion(v clixml.Value) (serverVersion, bool) {
	if m := versionRE.FindStringSubmatch(v.String()); m != nil {
		n := make([]int, 4)
		for i := range n {
			n[i], _ = strconv.Atoi(m[i+1])
		}
		return serverVersion{n[0], n[1], n[2], n[3]}, true
	}
	var out serverVersion
	for _, f := range []struct {
		name string
		dst  *int
	}{{"Major", &out.Major}, {"Minor", &out.Minor}, {"Build", &out.Build}, {"Revision", &out.Revision}} {
		n, ok := v.Get(f.name).Int()
		if !ok {
			return serverVersion{}, false
		}
		*f.dst = int(n)
	}
	return out, true
}

// shortName is the computer name in a server reference: an ADObjectId's Name
// (or its ToString, "EX1"), an FQDN's first label, or the server part of
// "EX1\Default EX1".
func shortName(v clixml.Value) string {
	s := strings.TrimSpace(v.String())
	if n := v.Get("Name"); !n.IsNil() && n.String() != "" && v.Obj != nil && v.Obj.Is("Microsoft.Exchange.Data.Directory.ADObjectId") {
		s = n.String()
	}
	return hostPart(s)
}

func hostPart(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\\'); i >= 0 {
		s = s[:i]
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s = s[:i]
	}
	return s
}

// lastPathPart is the last element of an ADObjectId's canonical name
// ("Solo.net/Configuration/Sites/Default-First-Site-Name").
func lastPathPart(v clixml.Value) string {
	if n := v.Get("Name"); !n.IsNil() && n.String() != "" {
		return n.String()
	}
	s := v.String()
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}

// list reads a multi-valued property: an LST's items' strings, or a degraded
// string ("{a, b}" as Format-List shows it, or space/comma separated).
func list(v clixml.Value) []string {
	if v.IsNil() {
		return nil
	}
	if v.Obj != nil && v.Obj.Container != "" {
		var out []string
		for _, it := range v.Items() {
			out = append(out, strings.TrimSpace(it.String()))
		}
		return out
	}
	s := strings.Trim(strings.TrimSpace(v.String()), "{}")
	if s == "" {
		return nil
	}
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		out = append(out, f)
	}
	return out
}

// boolOf reads a B value or its string form ("True").
func boolOf(v clixml.Value) (bool, bool) {
	if b, ok := v.Bool(); ok {
		return b, true
	}
	switch strings.ToLower(strings.TrimSpace(v.String())) {
	case "true", "$true":
		return true, true
	case "false", "$false":
		return false, true
	}
	return false, false
}

// intOf reads an integer, an Unlimited`1 with a Value, or the string form.
func intOf(v clixml.Value) (int64, bool) {
	if n, ok := v.Int(); ok {
		return n, true
	}
	if v.Has("Value") {
		return intOf(v.Get("Value"))
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(strings.TrimSpace(v.String()), ",", ""), 10, 64)
	return n, err == nil
}

// timeSpanRE is EnhancedTimeSpan's display form, [-][d.]hh:mm:ss[.fffffff]
// (powershell-and-clixml.md B.13: "00:10:00", "10.00:00:00").
var timeSpanRE = regexp.MustCompile(`^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$`)

// timeSpanOf reads an EnhancedTimeSpan (its string form, else its Ticks) or an
// xsd:duration TS.
func timeSpanOf(v clixml.Value) (time.Duration, bool) {
	s := strings.TrimSpace(v.String())
	if m := timeSpanRE.FindStringSubmatch(s); m != nil {
		d, _ := strconv.ParseInt(orZero(m[2]), 10, 64)
		h, _ := strconv.ParseInt(m[3], 10, 64)
		mi, _ := strconv.ParseInt(m[4], 10, 64)
		se, _ := strconv.ParseInt(m[5], 10, 64)
		if d > 100000 || h > 23 || mi > 59 || se > 59 {
			return 0, false
		}
		out := time.Duration(d)*24*time.Hour + time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(se)*time.Second
		if m[6] != "" {
			frac, _ := strconv.ParseInt((m[6] + "000000")[:7], 10, 64)
			out += time.Duration(frac) * 100
		}
		if m[1] == "-" {
			out = -out
		}
		return out, true
	}
	if t, ok := v.Get("Ticks").Int(); ok {
		return time.Duration(t) * 100, true
	}
	return 0, false
}

func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}

// formatTimeSpan writes a duration in Exchange's d.hh:mm:ss form, which the
// scenario's cmdlets accept.
func formatTimeSpan(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	h, m, s := d/time.Hour, (d%time.Hour)/time.Minute, (d%time.Minute)/time.Second
	if days > 0 {
		return fmt.Sprintf("%s%d.%02d:%02d:%02d", sign, days, h, m, s)
	}
	return fmt.Sprintf("%s%02d:%02d:%02d", sign, h, m, s)
}

// bytesRE takes the exact count from ByteQuantifiedSize's display form,
// "35 MB (36,700,160 bytes)" (import-shapes.md 1.1's importer rule).
var bytesRE = regexp.MustCompile(`\(([\d,]+) bytes\)`)

func bytesOf(v clixml.Value) (int64, bool) {
	s := v.String()
	if v.Has("Value") && !strings.Contains(s, "bytes)") {
		s = v.Get("Value").String()
	}
	m := bytesRE.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(m[1], ",", ""), 10, 64)
	return n, err == nil
}

// kvPair reads one entry of ActivationPreference or ReplayLagTimes: a
// KeyValuePair object (Key a server reference, Value a number or a time span) or
// its string form "[EX1, 1]".
func kvPair(v clixml.Value) (key string, val clixml.Value, ok bool) {
	if v.Obj != nil && v.Has("Key") {
		return shortName(v.Get("Key")), v.Get("Value"), true
	}
	s := strings.Trim(strings.TrimSpace(v.String()), "[]")
	k, rest, found := strings.Cut(s, ",")
	if !found {
		return "", clixml.Value{}, false
	}
	return hostPart(k), clixml.Value{Tag: "S", Text: strings.TrimSpace(rest)}, true
}
