package schema

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// JSON is the scenario schema, scenario.schema.json.
//
//go:embed scenario.schema.json
var JSON []byte

// Error is one way a document fails the schema.
type Error struct {
	Path string // JSON pointer (RFC 6901) of the offending value; "" is the document
	Msg  string // what was expected, and what was found
}

func (e *Error) Error() string {
	p := e.Path
	if p == "" {
		p = "(document)"
	}
	return p + ": " + e.Msg
}

// Validate checks a decoded document (maps, slices and scalars as go-yaml or
// encoding/json produce them) against the scenario schema. The errors are sorted
// by path, then message; nil means the document is valid.
func Validate(doc any) []error {
	s, err := compiled()
	if err != nil {
		return []error{err}
	}
	return s.Validate(doc)
}

var compiled = sync.OnceValues(func() (*Schema, error) { return Compile(JSON) })

// Schema is a compiled JSON Schema document.
type Schema struct {
	root     any
	patterns map[string]*regexp.Regexp
}

// Compile parses a schema and compiles its patterns. Patterns are run with Go's
// regexp (RE2), so a schema must keep to the syntax ECMA-262 and RE2 share.
func Compile(data []byte) (*Schema, error) {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber() // exact bounds: minimum/maximum may exceed float64 precision
	var root any
	if err := dec.Decode(&root); err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("schema: trailing data after the JSON value")
	}
	s := &Schema{root: root, patterns: map[string]*regexp.Regexp{}}
	var err error
	walk(root, func(m map[string]any) {
		if p, ok := m["pattern"].(string); ok && err == nil {
			re, e := regexp.Compile(p)
			if e != nil {
				err = fmt.Errorf("schema: pattern %q: %w", p, e)
			}
			s.patterns[p] = re
		}
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// walk calls f on every object of a decoded JSON value.
func walk(v any, f func(map[string]any)) {
	switch t := v.(type) {
	case map[string]any:
		f(t)
		for _, k := range sortedKeys(t) {
			walk(t[k], f)
		}
	case []any:
		for _, x := range t {
			walk(x, f)
		}
	}
}

// Resolve returns the subschema a "$ref" names: "#" or "#/json/pointer".
func (s *Schema) Resolve(ref string) (any, bool) {
	if ref != "#" && !strings.HasPrefix(ref, "#/") {
		return nil, false
	}
	var cur any = s.root
	if ref == "#" {
		return cur, true
	}
	for _, tok := range strings.Split(ref[2:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[tok]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// Validate checks doc against s; see the package function.
func (s *Schema) Validate(doc any) []error {
	v := &validator{s: s}
	errs := v.check(s.root, normalize(doc), "", "")
	sort.SliceStable(errs, func(i, j int) bool {
		if errs[i].Path != errs[j].Path {
			return errs[i].Path < errs[j].Path
		}
		return errs[i].Msg < errs[j].Msg
	})
	errs = slices.CompactFunc(errs, func(a, b *Error) bool { return *a == *b })
	if len(errs) == 0 {
		return nil
	}
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return out
}

// maxRefs bounds $ref chains, so a schema that refers to itself cannot loop.
const maxRefs = 64

type validator struct {
	s    *Schema
	refs int
}

// number is a decoded number, exact; non-finite floats are not JSON numbers.
type number struct{ r *big.Rat }

// normalize turns a decoded document into map[string]any, []any, string, bool,
// number and nil, whatever decoder made it.
func normalize(v any) any {
	switch t := v.(type) {
	case nil, string, bool:
		return t
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = normalize(x)
		}
		return m
	case []any:
		a := make([]any, len(t))
		for i, x := range t {
			a[i] = normalize(x)
		}
		return a
	case json.Number:
		if r, ok := new(big.Rat).SetString(t.String()); ok {
			return number{r}
		}
		return unsupported{v}
	case float64:
		return float(t, v)
	case float32:
		return float(float64(t), v)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return number{new(big.Rat).SetInt64(rv.Int())}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return number{new(big.Rat).SetInt(new(big.Int).SetUint64(rv.Uint()))}
	case reflect.String:
		return rv.String()
	case reflect.Bool:
		return rv.Bool()
	case reflect.Slice, reflect.Array:
		a := make([]any, rv.Len())
		for i := range a {
			a[i] = normalize(rv.Index(i).Interface())
		}
		return a
	case reflect.Map:
		m := make(map[string]any, rv.Len())
		it := rv.MapRange()
		for it.Next() {
			m[fmt.Sprint(it.Key().Interface())] = normalize(it.Value().Interface())
		}
		return m
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil
		}
		return normalize(rv.Elem().Interface())
	}
	return unsupported{v}
}

func float(f float64, orig any) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return unsupported{orig}
	}
	return number{new(big.Rat).SetFloat64(f)}
}

// unsupported is a value JSON has no type for (NaN, ±Inf, a channel...).
type unsupported struct{ v any }

func typeOf(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case number:
		if t.r.IsInt() {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unsupported"
}

func typeMatches(want, got string) bool {
	return want == got || want == "number" && got == "integer"
}

// show describes a value for a message: scalars as written, containers by type.
func show(v any) string {
	switch t := v.(type) {
	case string:
		if len(t) > 60 {
			t = t[:60]
			for !utf8.ValidString(t) {
				t = t[:len(t)-1]
			}
			return strconv.Quote(t) + "..."
		}
		return strconv.Quote(t)
	case number:
		return t.r.RatString()
	case bool:
		return strconv.FormatBool(t)
	case nil:
		return "nothing (null)"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	case unsupported:
		return fmt.Sprintf("%v (no JSON type)", t.v)
	}
	return fmt.Sprint(v)
}

func child(path, key string) string {
	return path + "/" + strings.ReplaceAll(strings.ReplaceAll(key, "~", "~0"), "/", "~1")
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// check validates inst against sch at path; title is the nearest enclosing
// schema's title, which reads better than a pattern in a message.
func (v *validator) check(sch, inst any, path, title string) []*Error {
	switch b := sch.(type) {
	case bool:
		if b {
			return nil
		}
		return []*Error{{path, "no value is allowed here"}}
	case map[string]any:
		return v.object(b, inst, path, title)
	}
	return []*Error{{path, "schema error: a schema must be an object or a boolean"}}
}

func (v *validator) object(s map[string]any, inst any, path, title string) []*Error {
	if t, ok := s["title"].(string); ok && title == "" {
		title = t // the outer title is the more specific ("a server name")
	}
	fail := func(format string, args ...any) []*Error {
		return []*Error{{path, fmt.Sprintf(format, args...)}}
	}
	var errs []*Error
	if ref, ok := s["$ref"].(string); ok {
		target, found := v.s.Resolve(ref)
		if !found {
			return fail("schema error: $ref %q does not resolve", ref)
		}
		if v.refs >= maxRefs {
			return fail("schema error: $ref chain longer than %d", maxRefs)
		}
		v.refs++
		errs = append(errs, v.check(target, inst, path, title)...)
		v.refs--
	}
	got := typeOf(inst)
	if got == "unsupported" {
		return fail("expected a JSON value, found %s", show(inst))
	}
	if t, ok := s["type"]; ok {
		var want []string
		switch tt := t.(type) {
		case string:
			want = []string{tt}
		case []any:
			for _, x := range tt {
				if xs, ok := x.(string); ok {
					want = append(want, xs)
				}
			}
		}
		if !slices.ContainsFunc(want, func(w string) bool { return typeMatches(w, got) }) {
			// Nothing else can be said usefully about a value of the wrong type.
			what := strings.Join(want, " or ")
			if title != "" {
				what = title + " (" + what + ")"
			}
			return fail("expected %s, found %s", what, show(inst))
		}
	}
	if e, ok := s["enum"].([]any); ok && !slices.ContainsFunc(e, func(x any) bool { return equal(normalize(x), inst) }) {
		var opts []string
		for _, x := range e {
			opts = append(opts, show(normalize(x)))
		}
		errs = append(errs, &Error{path, fmt.Sprintf("expected one of %s, found %s", strings.Join(opts, ", "), show(inst))})
	}
	if c, ok := s["const"]; ok && !equal(normalize(c), inst) {
		errs = append(errs, &Error{path, fmt.Sprintf("expected %s, found %s", show(normalize(c)), show(inst))})
	}
	switch x := inst.(type) {
	case string:
		errs = append(errs, v.str(s, x, path, title)...)
	case number:
		errs = append(errs, v.num(s, x, path)...)
	case []any:
		errs = append(errs, v.array(s, x, path)...)
	case map[string]any:
		errs = append(errs, v.props(s, x, path)...)
	}
	if all, ok := s["allOf"].([]any); ok {
		for _, sub := range all {
			errs = append(errs, v.check(sub, inst, path, title)...)
		}
	}
	for _, kw := range []string{"anyOf", "oneOf"} {
		alts, ok := s[kw].([]any)
		if !ok {
			continue
		}
		var best []*Error
		bestHas := -1
		var passed []int
		for i, sub := range alts {
			e := v.check(sub, inst, path, title)
			if len(e) == 0 {
				passed = append(passed, i)
				continue
			}
			// Closest: fewest errors, then most of its required keys present (a
			// traffic entry with perHour is a Poisson entry with a stray key).
			has := requiredPresent(sub, inst)
			if best == nil || len(e) < len(best) || len(e) == len(best) && has > bestHas {
				best, bestHas = e, has
			}
		}
		switch {
		case len(passed) == 0 && title != "" && s["title"] != nil:
			// A titled choice (a duration, a comparison) reads best as one line.
			errs = append(errs, &Error{path, fmt.Sprintf("expected %s, found %s", title, show(inst))})
		case len(passed) == 0:
			// The alternative that came closest says best what is wrong.
			errs = append(errs, best...)
		case kw == "oneOf" && len(passed) > 1:
			errs = append(errs, &Error{path, fmt.Sprintf("matches %d alternatives of oneOf, want exactly one", len(passed))})
		}
	}
	return errs
}

func (v *validator) str(s map[string]any, x, path, title string) []*Error {
	var errs []*Error
	if n, ok := bound(s, "minLength"); ok && new(big.Rat).SetInt64(int64(utf8.RuneCountInString(x))).Cmp(n) < 0 {
		errs = append(errs, &Error{path, fmt.Sprintf("expected at least %s characters, found %s", n.RatString(), show(x))})
	}
	if p, ok := s["pattern"].(string); ok {
		re := v.s.patterns[p]
		if re == nil {
			errs = append(errs, &Error{path, fmt.Sprintf("schema error: pattern %q was not compiled", p)})
		} else if !re.MatchString(x) {
			if title != "" {
				errs = append(errs, &Error{path, fmt.Sprintf("expected %s, found %s", title, show(x))})
			} else {
				errs = append(errs, &Error{path, fmt.Sprintf("%s does not match %s", show(x), p)})
			}
		}
	}
	return errs
}

func (v *validator) num(s map[string]any, x number, path string) []*Error {
	var errs []*Error
	if n, ok := bound(s, "minimum"); ok && x.r.Cmp(n) < 0 {
		errs = append(errs, &Error{path, fmt.Sprintf("expected at least %s, found %s", n.RatString(), show(x))})
	}
	if n, ok := bound(s, "exclusiveMinimum"); ok && x.r.Cmp(n) <= 0 {
		errs = append(errs, &Error{path, fmt.Sprintf("expected more than %s, found %s", n.RatString(), show(x))})
	}
	if n, ok := bound(s, "maximum"); ok && x.r.Cmp(n) > 0 {
		errs = append(errs, &Error{path, fmt.Sprintf("expected at most %s, found %s", n.RatString(), show(x))})
	}
	return errs
}

func (v *validator) array(s map[string]any, x []any, path string) []*Error {
	var errs []*Error
	n := new(big.Rat).SetInt64(int64(len(x)))
	if m, ok := bound(s, "minItems"); ok && n.Cmp(m) < 0 {
		errs = append(errs, &Error{path, fmt.Sprintf("expected at least %s items, found %d", m.RatString(), len(x))})
	}
	if m, ok := bound(s, "maxItems"); ok && n.Cmp(m) > 0 {
		errs = append(errs, &Error{path, fmt.Sprintf("expected at most %s items, found %d", m.RatString(), len(x))})
	}
	if u, _ := s["uniqueItems"].(bool); u {
		seen := map[string]int{}
		for i, it := range x {
			k := key(it)
			if j, dup := seen[k]; dup {
				errs = append(errs, &Error{child(path, strconv.Itoa(i)), fmt.Sprintf("%s is already item %d", show(it), j)})
				continue
			}
			seen[k] = i
		}
	}
	prefix, _ := s["prefixItems"].([]any)
	for i, it := range x {
		if i < len(prefix) {
			errs = append(errs, v.check(prefix[i], it, child(path, strconv.Itoa(i)), "")...)
		} else if items, ok := s["items"]; ok {
			errs = append(errs, v.check(items, it, child(path, strconv.Itoa(i)), "")...)
		}
	}
	return errs
}

func (v *validator) props(s map[string]any, x map[string]any, path string) []*Error {
	var errs []*Error
	if req, ok := s["required"].([]any); ok {
		for _, r := range req {
			if k, ok := r.(string); ok {
				if _, has := x[k]; !has {
					errs = append(errs, &Error{path, fmt.Sprintf("missing required key %q", k)})
				}
			}
		}
	}
	props, _ := s["properties"].(map[string]any)
	for _, k := range sortedKeys(x) {
		if sub, ok := props[k]; ok {
			errs = append(errs, v.check(sub, x[k], child(path, k), "")...)
			continue
		}
		switch ap := s["additionalProperties"].(type) {
		case bool:
			if !ap {
				errs = append(errs, &Error{child(path, k), fmt.Sprintf("unknown key %q (want one of %s)", k, strings.Join(sortedKeys(props), ", "))})
			}
		case map[string]any:
			errs = append(errs, v.check(ap, x[k], child(path, k), "")...)
		}
	}
	return errs
}

// requiredPresent counts the keys of a schema's required list that inst has.
func requiredPresent(sch, inst any) int {
	s, _ := sch.(map[string]any)
	x, _ := inst.(map[string]any)
	req, _ := s["required"].([]any)
	n := 0
	for _, r := range req {
		if k, ok := r.(string); ok {
			if _, has := x[k]; has {
				n++
			}
		}
	}
	return n
}

// bound reads a numeric keyword exactly.
func bound(s map[string]any, kw string) (*big.Rat, bool) {
	n, ok := normalize(s[kw]).(number)
	if !ok {
		return nil, false
	}
	return n.r, true
}

// equal is JSON equality: numbers by value (1 == 1.0), containers deeply.
func equal(a, b any) bool { return key(a) == key(b) }

// key is a canonical text for a normalized value, for equality and uniqueness.
func key(v any) string {
	var sb strings.Builder
	writeKey(&sb, v)
	return sb.String()
}

func writeKey(sb *strings.Builder, v any) {
	switch t := v.(type) {
	case nil:
		sb.WriteString("n")
	case bool:
		sb.WriteString("b" + strconv.FormatBool(t))
	case string:
		sb.WriteString("s" + strconv.Quote(t))
	case number:
		sb.WriteString("#" + t.r.RatString())
	case []any:
		sb.WriteString("[")
		for _, x := range t {
			writeKey(sb, x)
			sb.WriteString(",")
		}
		sb.WriteString("]")
	case map[string]any:
		sb.WriteString("{")
		for _, k := range sortedKeys(t) {
			sb.WriteString(strconv.Quote(k) + ":")
			writeKey(sb, t[k])
			sb.WriteString(",")
		}
		sb.WriteString("}")
	default:
		fmt.Fprintf(sb, "?%T%v", v, v)
	}
}
