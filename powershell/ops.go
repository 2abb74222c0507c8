package powershell

import (
	"reflect"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// compareOp implements the comparison family. With a collection on the left the
// result is the matching elements (about_Comparison_Operators), except for the
// containment operators, which always return a Boolean.
func (in *interp) compareOp(n node, op string, l, r Value) (Value, error) {
	base := strings.TrimPrefix(op, "-")
	cs := false
	if len(base) > 2 && (base[0] == 'c' || base[0] == 'i') && base != "contains" && base != "in" && base != "is" && base != "isnot" {
		if _, ok := compareBases[base[1:]]; ok {
			cs = base[0] == 'c'
			base = base[1:]
		}
	}
	if _, ok := compareBases[base]; !ok {
		return nil, in.unsupported(n, "the operator %s is not supported", op)
	}
	switch base {
	case "contains", "notcontains":
		found := false
		for _, it := range asList(l) {
			if equal(it, r, cs) {
				found = true
				break
			}
		}
		if l != nil && !isCollection(l) {
			found = equal(l, r, cs)
		}
		return found == (base == "contains"), nil
	case "in", "notin":
		found := false
		list := asList(r)
		if r != nil && !isCollection(r) {
			list = []Value{r}
		}
		for _, it := range list {
			if equal(it, l, cs) {
				found = true
				break
			}
		}
		return found == (base == "in"), nil
	case "replace":
		return in.replaceOp(n, l, r, cs)
	case "split":
		return in.splitOp(n, l, r, cs)
	}
	test := func(v Value, setMatches bool) (bool, error) {
		switch base {
		case "eq":
			return equal(v, r, cs), nil
		case "ne":
			return !equal(v, r, cs), nil
		case "gt", "ge", "lt", "le":
			c, ok := compare(v, r, cs)
			if !ok {
				return false, in.runtimeError(n, "System.Management.Automation.RuntimeException", "InvalidOperation", "ComparisonFailure",
					"Cannot compare \"%s\" to \"%s\" because the objects are not the same type or the object \"%s\" does not implement \"IComparable\".", toString(v), toString(r), toString(v))
			}
			switch base {
			case "gt":
				return c > 0, nil
			case "ge":
				return c >= 0, nil
			case "lt":
				return c < 0, nil
			}
			return c <= 0, nil
		case "like", "notlike":
			ok, err := in.like(n, toString(r), toString(v), cs)
			return ok == (base == "like"), err
		case "match", "notmatch":
			ok, err := in.match(n, toString(v), toString(r), cs, setMatches)
			return ok == (base == "match"), err
		}
		return false, nil
	}
	if isCollection(l) {
		out := []Value{}
		for _, it := range asList(l) {
			ok, err := test(it, false)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, it)
			}
		}
		return out, nil
	}
	return test(l, true)
}

var compareBases = map[string]struct{}{
	"eq": {}, "ne": {}, "gt": {}, "ge": {}, "lt": {}, "le": {}, "like": {}, "notlike": {}, "match": {}, "notmatch": {},
	"replace": {}, "contains": {}, "notcontains": {}, "in": {}, "notin": {}, "split": {},
}

// equal is -eq: the right side is converted to the left side's type.
func equal(l, r Value, cs bool) bool {
	switch lv := l.(type) {
	case nil:
		return r == nil
	case string:
		if r == nil {
			return false
		}
		rs := toString(r)
		if cs {
			return lv == rs
		}
		return strings.EqualFold(lv, rs)
	case bool:
		if r == nil {
			return !lv && false
		}
		return lv == truthy(r)
	case int, float64:
		if r == nil {
			return false
		}
		rn, err := toNumber(r)
		if err != nil {
			return false
		}
		a, _ := toFloat(lv)
		b, _ := toFloat(rn)
		return a == b
	case char:
		return equal(string(rune(lv)), r, cs)
	case time.Time:
		switch rv := r.(type) {
		case time.Time:
			return lv.Equal(rv)
		case string:
			t, ok := parseDate(rv, lv.Location())
			return ok && lv.Equal(t)
		}
		return false
	case time.Duration:
		rv, ok := r.(time.Duration)
		return ok && lv == rv
	case *PSObject:
		if lv.str != nil {
			if ro, ok := r.(*PSObject); ok {
				return ro == lv
			}
			if r == nil {
				return false
			}
			return equal(*lv.str, r, cs)
		}
		return l == r
	}
	return identical(l, r)
}

// identical is l == r for values Go can compare; two arrays (or hashtables) are never
// equal, as .NET compares references there and exsim's values are copies (found by
// FuzzRun: `$a=,,3; $a -eq 2, ...` compared two []Value with == and panicked).
func identical(l, r Value) bool {
	if l == nil || r == nil {
		return l == r
	}
	if t := reflect.TypeOf(l); t == reflect.TypeOf(r) && !t.Comparable() {
		return false
	}
	return l == r
}

// compare orders two values for -gt/-lt and Sort-Object.
func compare(l, r Value, cs bool) (int, bool) {
	if l == nil && r == nil {
		return 0, true
	}
	if l == nil {
		return -1, true
	}
	switch lv := l.(type) {
	case string:
		rs := toString(r)
		if r == nil {
			return 1, true
		}
		// Culture order: letters compare alike first; case sensitively,
		// lower case sorts before upper case (a < b < B).
		if c := strings.Compare(strings.ToLower(lv), strings.ToLower(rs)); c != 0 || !cs {
			return c, true
		}
		return strings.Compare(swapCase(lv), swapCase(rs)), true
	case int, float64, bool:
		if r == nil {
			return 1, true
		}
		rn, err := toNumber(r)
		if err != nil {
			return 0, false
		}
		a, _ := toFloat(lv)
		b, _ := toFloat(rn)
		switch {
		case a < b:
			return -1, true
		case a > b:
			return 1, true
		}
		return 0, true
	case time.Time:
		var rt time.Time
		switch rv := r.(type) {
		case time.Time:
			rt = rv
		case string:
			t, ok := parseDate(rv, lv.Location())
			if !ok {
				return 0, false
			}
			rt = t
		default:
			return 0, false
		}
		return lv.Compare(rt), true
	case time.Duration:
		rv, ok := r.(time.Duration)
		if !ok {
			return 0, false
		}
		switch {
		case lv < rv:
			return -1, true
		case lv > rv:
			return 1, true
		}
		return 0, true
	case *PSObject:
		if lv.str != nil {
			return compare(*lv.str, r, cs)
		}
	case char:
		return compare(string(rune(lv)), r, cs)
	}
	return 0, false
}

// like bounds the work of a wildcard match, whose worst case is the product of
// the two lengths.
func (in *interp) like(n node, pattern, s string, cs bool) (bool, error) {
	if float64(len(pattern))*float64(len(s)) > 1e8 {
		return false, in.limit(n, "a -like match of a %d-character pattern against a %d-character string is too much work", len(pattern), len(s))
	}
	return wildcardMatch(pattern, s, cs), nil
}

// wildcardMatch is -like: * ? [abc] [a-z], backtick escapes, whole-string match.
func wildcardMatch(pattern, s string, cs bool) bool {
	if !cs {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	p, t := []rune(pattern), []rune(s)
	// Iterative matcher with backtracking on the last '*': at most
	// len(p)*len(t) steps, which the string length limit keeps bounded.
	pi, ti, star, mark := 0, 0, -1, 0
	for ti < len(t) {
		if pi < len(p) {
			switch p[pi] {
			case '*':
				star, mark = pi, ti
				pi++
				continue
			case '?':
				pi++
				ti++
				continue
			case '[':
				if end, ok := matchClass(p, pi, t[ti]); end > 0 {
					if ok {
						pi = end
						ti++
						continue
					}
				} else if t[ti] == '[' {
					pi++
					ti++
					continue
				}
			case '`':
				if pi+1 < len(p) && p[pi+1] == t[ti] {
					pi += 2
					ti++
					continue
				}
			default:
				if p[pi] == t[ti] {
					pi++
					ti++
					continue
				}
			}
		}
		if star >= 0 {
			pi = star + 1
			mark++
			ti = mark
			continue
		}
		return false
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// matchClass matches r against the class starting at p[i] == '['; it returns the
// index after ']' (0 if the class is not closed).
func matchClass(p []rune, i int, r rune) (int, bool) {
	j := i + 1
	ok := false
	for j < len(p) && p[j] != ']' {
		if j+2 < len(p) && p[j+1] == '-' && p[j+2] != ']' {
			if r >= p[j] && r <= p[j+2] {
				ok = true
			}
			j += 3
			continue
		}
		if p[j] == r {
			ok = true
		}
		j++
	}
	if j >= len(p) {
		return 0, false
	}
	return j + 1, ok
}

type regexEntry struct {
	re  *regexp.Regexp
	err error
}

// regex compiles a .NET pattern with Go's RE2 engine, case-insensitive unless cs.
// Constructs RE2 lacks (lookaround, backreferences) are reported as unsupported.
func (in *interp) regex(n node, pattern string, cs bool) (*regexp.Regexp, error) {
	key := pattern
	if !cs {
		key = "(?i)" + pattern
	}
	e, ok := in.regexCache[key]
	if !ok {
		re, err := regexp.Compile(key)
		e = &regexEntry{re, err}
		if len(in.regexCache) < 1000 {
			in.regexCache[key] = e
		}
	}
	if e.err != nil {
		return nil, in.unsupported(n, "the regular expression %q cannot be used: %v (exsim uses RE2: no lookaround or backreferences)", pattern, e.err)
	}
	return e.re, nil
}

func (in *interp) match(n node, s, pattern string, cs, setMatches bool) (bool, error) {
	re, err := in.regex(n, pattern, cs)
	if err != nil {
		return false, err
	}
	m := re.FindStringSubmatchIndex(s)
	if m == nil {
		return false, nil
	}
	if setMatches {
		h := newHashtable()
		names := re.SubexpNames()
		for g := len(names) - 1; g >= 0; g-- {
			if m[2*g] < 0 {
				continue
			}
			var k Value = g
			if names[g] != "" {
				k = names[g]
			}
			h.set(k, s[m[2*g]:m[2*g+1]])
		}
		in.cur.set("Matches", h)
	}
	return true, nil
}

func (in *interp) replaceOp(n node, l, r Value, cs bool) (Value, error) {
	var pattern, repl string
	switch rv := r.(type) {
	case []Value:
		if len(rv) > 2 {
			return nil, in.runtimeError(n, "System.Management.Automation.RuntimeException", "InvalidOperation", "BadReplaceArgument",
				"The -replace operator allows only two elements to follow it, not %d.", len(rv))
		}
		if len(rv) > 0 {
			pattern = toString(rv[0])
		}
		if len(rv) > 1 {
			repl = toString(rv[1])
		}
	default:
		pattern = toString(r)
	}
	re, err := in.regex(n, pattern, cs)
	if err != nil {
		return nil, err
	}
	goRepl := dotnetReplacement(repl)
	one := func(v Value) Value { return re.ReplaceAllString(toString(v), goRepl) }
	if isCollection(l) {
		var out []Value
		for _, it := range asList(l) {
			out = append(out, one(it))
		}
		return out, nil
	}
	return one(l), nil
}

// dotnetReplacement turns .NET's $1, ${name}, $$ and $0 into Go's template syntax.
func dotnetReplacement(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch c := s[i+1]; {
		case c == '$':
			b.WriteString("$$")
			i++
		case c >= '0' && c <= '9':
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			b.WriteString("${" + s[i+1:j] + "}")
			i = j - 1
		case c == '{':
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				b.WriteString("$$")
				continue
			}
			b.WriteString(s[i : i+j+1])
			i += j
		default:
			b.WriteString("$$")
		}
	}
	return b.String()
}

func (in *interp) splitOp(n node, l, r Value, cs bool) (Value, error) {
	pattern := toString(r)
	max := -1
	if rv, ok := r.([]Value); ok && len(rv) > 0 {
		pattern = toString(rv[0])
		if len(rv) > 1 {
			k, err := toInt(rv[1])
			if err != nil {
				return nil, in.convErr(n, err)
			}
			if k > 0 {
				max = k
			}
		}
	}
	if _, ok := r.(*ScriptBlock); ok {
		return nil, in.unsupported(n, "-split with a script block is not supported; split on a pattern")
	}
	re, err := in.regex(n, pattern, cs)
	if err != nil {
		return nil, err
	}
	var out []Value
	for _, it := range asList(l) {
		for _, part := range re.Split(toString(it), max) {
			out = append(out, part)
		}
	}
	if l == nil {
		out = []Value{""}
	}
	return out, nil
}

func swapCase(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsUpper(r) {
			return unicode.ToLower(r)
		}
		return unicode.ToUpper(r)
	}, s)
}
