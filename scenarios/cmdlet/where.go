package cmdlet

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// WhereOperators are the comparison operators Where-Object takes, in a script block
// or as a switch of the simplified syntax (Where-Object Status -EQ Retry): the
// case-insensitive ones, and the C-prefixed case-sensitive ones
// (powershell-and-clixml.md A.8).
var WhereOperators = []string{"EQ", "NE", "GT", "GE", "LT", "LE", "Like", "NotLike", "Match", "NotMatch", "Contains", "NotContains", "In", "NotIn"}

// whereParams are Where-Object's parameters: -FilterScript {...} (position 1), or
// the simplified -Property (position 1 too: a bare word there is the property) with
// -Value (position 2) and one operator switch.
func whereParams() []ParamSpec {
	ps := []ParamSpec{
		{Name: "FilterScript", Position: 1, Type: Filter},
		{Name: "Value", Position: 2, Type: Text},
		{Name: "Property", Type: Text},
	}
	for _, op := range WhereOperators {
		ps = append(ps, ParamSpec{Name: op, Switch: true}, ParamSpec{Name: "C" + op, Switch: true})
	}
	return ps
}

// Where is a parsed Where-Object condition: comparisons of a property with a
// literal, joined by -and and -or (-and binds tighter), each possibly negated with
// -not or !.
type Where struct {
	or [][]comparison // any group whose comparisons all hold
}

type comparison struct {
	prop  string // "" with a bare literal: its truthiness
	op    string // lower case, without the c/i prefix; "" tests truthiness
	cs    bool   // case-sensitive (c prefix)
	value string
	not   bool
	re    *regexp.Regexp
}

// ParseWhere reads Where-Object's bound arguments: a script block of the subset
// `$_.Prop -op 'value' [-and|-or ...]` (also `$PSItem.Prop`), or the simplified
// syntax. An unsupported script is an error saying what is supported.
func ParseWhere(args map[string]Value) (Where, error) {
	var ops []string
	for _, op := range WhereOperators {
		for _, name := range []string{op, "C" + op} {
			if v, ok := args[name]; ok && v.Bool {
				ops = append(ops, name)
			}
		}
	}
	fs, hasFS := args["FilterScript"]
	if hasFS && fs.Kind == Block {
		if len(ops) > 0 || args["Property"].Kind != None {
			return Where{}, fmt.Errorf("Where-Object takes a script block or -Property with an operator, not both")
		}
		return parseWhereScript(fs.Str)
	}
	prop := args["Property"].Str
	if hasFS {
		prop = fs.Str // the simplified syntax's positional property name
	}
	if prop == "" {
		return Where{}, fmt.Errorf("Where-Object needs a script block such as {$_.Status -eq 'Retry'} or a property such as Where-Object Status -EQ Retry")
	}
	if len(ops) > 1 {
		return Where{}, fmt.Errorf("Where-Object takes one operator, not -%s", strings.Join(ops, " -"))
	}
	if len(ops) == 0 {
		if _, ok := args["Value"]; ok {
			return Where{}, fmt.Errorf("Where-Object %s %s needs an operator such as -EQ", prop, args["Value"].Str)
		}
		return Where{or: [][]comparison{{{prop: prop}}}}, nil
	}
	value := args["Value"].Str
	if l := args["Value"].Strings(); args["Value"].Kind == List {
		value = strings.Join(l, ",") // -In 'Ready','Retry'
	}
	c, err := newComparison(prop, strings.ToLower(ops[0]), value)
	if err != nil {
		return Where{}, err
	}
	return Where{or: [][]comparison{{c}}}, nil
}

func newComparison(prop, op, value string) (comparison, error) {
	c := comparison{prop: prop, value: value}
	if strings.HasPrefix(op, "c") && op != "contains" {
		c.cs, op = true, op[1:]
	} else if strings.HasPrefix(op, "i") && op != "in" {
		op = op[1:]
	}
	known := false
	for _, o := range WhereOperators {
		known = known || strings.EqualFold(o, op)
	}
	if !known {
		return c, fmt.Errorf("Where-Object does not support the operator -%s (supported: -%s)", op, strings.Join(WhereOperators, ", -"))
	}
	c.op = op
	if op == "match" || op == "notmatch" {
		pat := value
		if !c.cs {
			pat = "(?i)" + pat
		}
		re, err := regexp.Compile(pat)
		if err != nil {
			return c, fmt.Errorf("Where-Object -%s: %q is not a regular expression exsim reads: %v", op, value, err)
		}
		c.re = re
	}
	return c, nil
}

// ParseFilter reads an Exchange -Filter (OPath) of the same subset, where
// properties are named bare: {Status -eq "Retry"}, "MessageCount -gt 100 -and
// Identity -like '*contoso.com*'" (queues-and-messages-in-powershell.md).
func ParseFilter(src string) (Where, error) {
	w, err := parseScript(src, true)
	if err != nil {
		return Where{}, fmt.Errorf("-Filter: %s", strings.TrimPrefix(err.Error(), "Where-Object "))
	}
	return w, nil
}

// parseWhereScript reads the script block subset.
func parseWhereScript(src string) (Where, error) { return parseScript(src, false) }

func parseScript(src string, opath bool) (Where, error) {
	toks, err := whereTokens(src)
	if err != nil {
		return Where{}, err
	}
	unsupported := func(what string) error {
		return fmt.Errorf("Where-Object {%s}: %s; supported: $_.Property -op value joined by -and/-or, -not (operators -%s)", strings.TrimSpace(src), what, strings.Join(WhereOperators, ", -"))
	}
	var w Where
	group := []comparison{}
	i := 0
	for {
		not := false
		for i < len(toks) && (strings.EqualFold(toks[i], "-not") || toks[i] == "!") {
			not = !not
			i++
		}
		if i >= len(toks) {
			return Where{}, unsupported("a comparison is missing")
		}
		prop, ok := propertyRef(toks[i])
		if !ok && opath && isName(toks[i]) {
			prop, ok = toks[i], true
		}
		if !ok {
			return Where{}, unsupported(fmt.Sprintf("%q is not $_.Property", toks[i]))
		}
		i++
		c := comparison{prop: prop}
		if i < len(toks) && strings.HasPrefix(toks[i], "-") && !isJoin(toks[i]) {
			if i+1 >= len(toks) {
				return Where{}, unsupported(fmt.Sprintf("%s has no value", toks[i]))
			}
			c, err = newComparison(prop, strings.ToLower(toks[i][1:]), literal(toks[i+1]))
			if err != nil {
				return Where{}, err
			}
			if _, isProp := propertyRef(toks[i+1]); isProp {
				return Where{}, unsupported("a comparison of two properties")
			}
			i += 2
		}
		c.not = not
		group = append(group, c)
		if i == len(toks) {
			w.or = append(w.or, group)
			return w, nil
		}
		switch strings.ToLower(toks[i]) {
		case "-and":
		case "-or":
			w.or = append(w.or, group)
			group = []comparison{}
		default:
			return Where{}, unsupported(fmt.Sprintf("%q", toks[i]))
		}
		i++
	}
}

func isName(t string) bool {
	if t == "" || strings.HasPrefix(t, "-") {
		return false
	}
	for _, r := range t {
		if !(r == '_' || r < 128 && (r >= '0' && r <= '9' || r|0x20 >= 'a' && r|0x20 <= 'z')) {
			return false
		}
	}
	return true
}

func isJoin(t string) bool { return strings.EqualFold(t, "-and") || strings.EqualFold(t, "-or") }

func propertyRef(t string) (string, bool) {
	lt := strings.ToLower(t)
	for _, p := range []string{"$_.", "$psitem."} {
		if strings.HasPrefix(lt, p) && len(t) > len(p) {
			name := t[len(p):]
			for _, r := range name {
				if !(r == '_' || r < 128 && (r >= '0' && r <= '9' || r|0x20 >= 'a' && r|0x20 <= 'z')) {
					return "", false
				}
			}
			return name, true
		}
	}
	return "", false
}

// literal is a token's value: quotes removed (” inside '...' is one quote);
// $true, $false and $null as PowerShell prints them.
func literal(t string) string {
	switch strings.ToLower(t) {
	case "$true":
		return "True"
	case "$false":
		return "False"
	case "$null":
		return ""
	}
	if len(t) >= 2 && (t[0] == '\'' || t[0] == '"') && t[len(t)-1] == t[0] {
		inner := t[1 : len(t)-1]
		return strings.ReplaceAll(inner, string(t[0])+string(t[0]), string(t[0]))
	}
	return t
}

// whereTokens splits a script block into words and quoted strings.
func whereTokens(src string) ([]string, error) {
	var out []string
	r := []rune(src)
	for i := 0; i < len(r); {
		switch c := r[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			return nil, fmt.Errorf("Where-Object {%s}: parentheses are not supported; join comparisons with -and/-or", strings.TrimSpace(src))
		case c == '\'' || c == '"':
			j := i + 1
			for ; j < len(r); j++ {
				if r[j] == c {
					if j+1 < len(r) && r[j+1] == c {
						j++
						continue
					}
					break
				}
			}
			if j >= len(r) {
				return nil, fmt.Errorf("Where-Object {%s}: the string is missing its closing %c", strings.TrimSpace(src), c)
			}
			out = append(out, string(r[i:j+1]))
			i = j + 1
		case c == '!':
			out = append(out, "!")
			i++
		default:
			j := i
			for j < len(r) && !strings.ContainsRune(" \t\r\n()'\"", r[j]) {
				j++
			}
			out = append(out, string(r[i:j]))
			i = j
		}
	}
	return out, nil
}

// Match reports whether an object passes; get returns a property's value as the
// shell prints it ({a, b} for a collection) and whether the object has it.
func (w Where) Match(get func(prop string) (string, bool)) bool {
	for _, g := range w.or {
		all := true
		for _, c := range g {
			if c.eval(get) == c.not {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

func (c comparison) eval(get func(string) (string, bool)) bool {
	v, _ := get(c.prop)
	if c.op == "" {
		return v != "" && v != "False" && v != "0" && v != "{}"
	}
	items := []string{v}
	if strings.HasPrefix(v, "{") && strings.HasSuffix(v, "}") {
		items = nil
		if inner := v[1 : len(v)-1]; inner != "" {
			items = strings.Split(inner, ", ")
		}
	}
	eq := func(a, b string) bool {
		if c.cs {
			return a == b
		}
		return strings.EqualFold(a, b)
	}
	switch c.op {
	case "eq":
		return cmp(v, c.value, c.cs) == 0
	case "ne":
		return cmp(v, c.value, c.cs) != 0
	case "gt":
		return cmp(v, c.value, c.cs) > 0
	case "ge":
		return cmp(v, c.value, c.cs) >= 0
	case "lt":
		return cmp(v, c.value, c.cs) < 0
	case "le":
		return cmp(v, c.value, c.cs) <= 0
	case "like", "notlike":
		a, p := v, c.value
		if !c.cs {
			a, p = strings.ToLower(a), strings.ToLower(p)
		}
		return likeMatch(p, a) == (c.op == "like")
	case "match":
		return c.re.MatchString(v)
	case "notmatch":
		return !c.re.MatchString(v)
	case "contains", "notcontains":
		found := false
		for _, it := range items {
			found = found || eq(it, c.value)
		}
		return found == (c.op == "contains")
	case "in", "notin":
		found := false
		for _, it := range strings.Split(c.value, ",") {
			found = found || eq(strings.TrimSpace(it), v)
		}
		return found == (c.op == "in")
	}
	return false
}

// cmp compares as numbers when both sides are numbers, else as text.
func cmp(a, b string, cs bool) int {
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	if errA == nil && errB == nil {
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	if !cs {
		a, b = strings.ToLower(a), strings.ToLower(b)
	}
	return strings.Compare(a, b)
}

// likeMatch is -like on already case-folded text: * any run, ? one character,
// [abc] one of a set.
func likeMatch(pat, s string) bool {
	p, t := []rune(pat), []rune(s)
	var m func(i, j int) bool
	m = func(i, j int) bool {
		for i < len(p) {
			switch p[i] {
			case '*':
				for k := j; k <= len(t); k++ {
					if m(i+1, k) {
						return true
					}
				}
				return false
			case '?':
				if j >= len(t) {
					return false
				}
			case '[':
				end := i + 1
				for end < len(p) && p[end] != ']' {
					end++
				}
				if end >= len(p) || j >= len(t) || !strings.ContainsRune(string(p[i+1:end]), t[j]) {
					return false
				}
				i = end
			default:
				if j >= len(t) || p[i] != t[j] {
					return false
				}
			}
			i, j = i+1, j+1
		}
		return j == len(t)
	}
	return m(0, 0)
}
