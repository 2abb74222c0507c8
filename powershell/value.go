package powershell

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Value is a PowerShell value. The interpreter uses nil ($null), bool, int (all
// integers), float64, string, time.Time ([datetime]), time.Duration ([timespan]),
// []Value (object[]), *PSObject, *Hashtable, *ArrayList, *ScriptBlock and
// *ErrorRecord. A host may also return the other Go integer types; they are read
// as int.
type Value = any

// PSObject is a property bag: ordered property names with case-insensitive lookup,
// as objects returned by Exchange cmdlets behave in the shell ($q.MessageCount,
// $q.messagecount). The zero value is not usable; call NewPSObject.
type PSObject struct {
	typeNames []string
	names     []string
	vals      []Value
	index     map[string]int // lower-case name -> position; only for lookup
	str       *string
	display   []string
	view      TableView // the type's default table view, if the host gave one
	methods   map[string]Method
}

// Method is a method a host attaches to its objects (for example ToMB on a size).
type Method func(args []Value) (Value, error)

// NewPSObject makes an empty object whose type names run from the most specific
// (e.g. "Microsoft.Exchange.Data.QueueViewer.ExtensibleQueueInfo") to the least.
func NewPSObject(typeNames ...string) *PSObject {
	if len(typeNames) == 0 {
		typeNames = []string{"System.Management.Automation.PSCustomObject", "System.Object"}
	}
	return &PSObject{typeNames: typeNames, index: map[string]int{}}
}

// Set adds a property at the end, or replaces the value of an existing one
// (matched case-insensitively) in place.
func (o *PSObject) Set(name string, v Value) *PSObject {
	if o.index == nil {
		o.index = map[string]int{}
	}
	k := strings.ToLower(name)
	if i, ok := o.index[k]; ok {
		o.vals[i] = v
		return o
	}
	o.index[k] = len(o.names)
	o.names = append(o.names, name)
	o.vals = append(o.vals, v)
	return o
}

// Get returns a property by case-insensitive name.
func (o *PSObject) Get(name string) (Value, bool) {
	i, ok := o.index[strings.ToLower(name)]
	if !ok {
		return nil, false
	}
	return o.vals[i], true
}

// Properties returns the property names in order.
func (o *PSObject) Properties() []string { return append([]string(nil), o.names...) }

// TypeNames returns the object's type names, most specific first.
func (o *PSObject) TypeNames() []string { return append([]string(nil), o.typeNames...) }

// SetToString gives the object its string form ("$q", Write-Host $q, -like).
func (o *PSObject) SetToString(s string) *PSObject { o.str = &s; return o }

// SetDefaultDisplay names the properties Format-Table and the console show by
// default (Exchange's format views), instead of all of them.
func (o *PSObject) SetDefaultDisplay(names ...string) *PSObject { o.display = names; return o }

// SetMethod attaches a method callable from scripts, matched case-insensitively.
func (o *PSObject) SetMethod(name string, m Method) *PSObject {
	if o.methods == nil {
		o.methods = map[string]Method{}
	}
	o.methods[strings.ToLower(name)] = m
	return o
}

func (o *PSObject) copyObject() *PSObject {
	c := NewPSObject(o.typeNames...)
	for i, n := range o.names {
		c.Set(n, o.vals[i])
	}
	c.str, c.display, c.methods, c.view = o.str, o.display, o.methods, o.view
	return c
}

// Hashtable is @{...}: keys compared case-insensitively when they are strings,
// kept in insertion order. (PowerShell's @{} order is a hash order; keeping the
// written order makes output deterministic and matches [ordered]@{}.)
type Hashtable struct {
	keys  []Value
	vals  []Value
	index map[string]int
}

func newHashtable() *Hashtable { return &Hashtable{index: map[string]int{}} }

func hashKey(k Value) string {
	switch x := k.(type) {
	case string:
		return "s:" + strings.ToLower(x)
	case int:
		return "i:" + strconv.Itoa(x)
	}
	return fmt.Sprintf("%T:%s", k, toString(k))
}

func (h *Hashtable) set(k, v Value) {
	hk := hashKey(k)
	if i, ok := h.index[hk]; ok {
		h.vals[i] = v
		return
	}
	h.index[hk] = len(h.keys)
	h.keys = append(h.keys, k)
	h.vals = append(h.vals, v)
}

func (h *Hashtable) get(k Value) (Value, bool) {
	i, ok := h.index[hashKey(k)]
	if !ok {
		return nil, false
	}
	return h.vals[i], true
}

func (h *Hashtable) remove(k Value) {
	i, ok := h.index[hashKey(k)]
	if !ok {
		return
	}
	h.keys = append(h.keys[:i:i], h.keys[i+1:]...)
	h.vals = append(h.vals[:i:i], h.vals[i+1:]...)
	h.index = map[string]int{}
	for j, key := range h.keys {
		h.index[hashKey(key)] = j
	}
}

// Get looks a key up (strings case-insensitively).
func (h *Hashtable) Get(key Value) (Value, bool) { return h.get(key) }

// Len is the number of entries.
func (h *Hashtable) Len() int { return len(h.keys) }

// Entry returns the i-th key and value in insertion order.
func (h *Hashtable) Entry(i int) (Value, Value) { return h.keys[i], h.vals[i] }

// ArrayList is System.Collections.ArrayList: a list that grows in place.
type ArrayList struct {
	items   []Value
	generic bool // System.Collections.Generic.List[T]: Add returns nothing
}

// Items returns the list's elements (a copy).
func (l *ArrayList) Items() []Value { return append([]Value(nil), l.items...) }

// ScriptBlock is a { ... } value.
type ScriptBlock struct {
	ast  *scriptBlockAST
	text string
}

func (s *ScriptBlock) String() string { return s.text }

// typeValue is a type literal used as a value ([int], [datetime]::Now).
type typeValue struct{ name string }

// Stream names an output stream of the shell.
type Stream int

const (
	StreamOutput      Stream = iota // success output, formatted for the console
	StreamError                     // error records as the shell prints them
	StreamWarning                   // WARNING: ...
	StreamVerbose                   // VERBOSE: ...
	StreamDebug                     // DEBUG: ...
	StreamInformation               // Write-Host, prompts, timeout.exe
)

func (s Stream) String() string {
	return [...]string{"Output", "Error", "Warning", "Verbose", "Debug", "Information"}[s]
}

// normalize converts host values to the interpreter's representation.
func normalize(v Value) Value {
	switch x := v.(type) {
	case int8:
		return int(x)
	case int16:
		return int(x)
	case int32:
		return int(x)
	case int64:
		return int(x)
	case uint8:
		return int(x)
	case uint16:
		return int(x)
	case uint32:
		return int(x)
	case uint64:
		if x > math.MaxInt64 {
			return float64(x)
		}
		return int(x)
	case uint:
		return int(x)
	case float32:
		return float64(x)
	case []string:
		out := make([]Value, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case []*PSObject:
		out := make([]Value, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	}
	return v
}

// formatFloat prints a double as .NET Framework's Double.ToString() does (15
// significant digits, "E+15" exponents), so 0.1+0.2 prints 0.3 as in 5.1.
func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	s := strconv.FormatFloat(f, 'g', 15, 64)
	if i := strings.IndexByte(s, 'e'); i >= 0 {
		mant, exp := s[:i], s[i+1:]
		sign := exp[0]
		exp = strings.TrimLeft(exp[1:], "0")
		if len(exp) < 2 {
			exp = strings.Repeat("0", 2-len(exp)) + exp
		}
		s = mant + "E" + string(sign) + exp
	}
	return s
}

// toString is PowerShell's string conversion with the invariant culture, as used
// in "$x" expansion, -join, -like and string comparison.
func toString(v Value) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int:
		return strconv.Itoa(x)
	case float64:
		return formatFloat(x)
	case time.Time:
		return x.Format("01/02/2006 15:04:05")
	case time.Duration:
		return formatTimeSpan(x)
	case []Value:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = toString(e)
		}
		return strings.Join(parts, " ")
	case *ArrayList:
		return toString(x.items)
	case *PSObject:
		if x.str != nil {
			return *x.str
		}
		if len(x.typeNames) > 0 && x.typeNames[0] != "System.Management.Automation.PSCustomObject" && !strings.HasPrefix(x.typeNames[0], "Selected.") {
			return x.typeNames[0]
		}
		var b strings.Builder
		b.WriteString("@{")
		for i, n := range x.names {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(n + "=" + toString(x.vals[i]))
		}
		b.WriteString("}")
		return b.String()
	case *Hashtable:
		return "System.Collections.Hashtable"
	case *ScriptBlock:
		return x.text
	case *ErrorRecord:
		return x.Message
	case *typeValue:
		return typeFullName(x.name)
	case char:
		return string(rune(x))
	case formatted:
		return x.text
	}
	return fmt.Sprint(v)
}

// char is [char]; it prints as the character.
type char rune

// formatTimeSpan prints [timespan] as .NET does: [-][d.]hh:mm:ss[.fffffff].
func formatTimeSpan(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	days := int64(d / (24 * time.Hour))
	d -= time.Duration(days) * 24 * time.Hour
	h, m, s := int64(d/time.Hour), int64(d/time.Minute)%60, int64(d/time.Second)%60
	ticks := int64(d%time.Second) / 100
	out := sign
	if days > 0 {
		out += strconv.FormatInt(days, 10) + "."
	}
	out += fmt.Sprintf("%02d:%02d:%02d", h, m, s)
	if ticks > 0 {
		out += fmt.Sprintf(".%07d", ticks)
	}
	return out
}

// truthy is PowerShell's conversion to bool (about_Booleans).
func truthy(v Value) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case int:
		return x != 0
	case float64:
		return x != 0
	case string:
		return x != ""
	case []Value:
		switch len(x) {
		case 0:
			return false
		case 1:
			return truthy(x[0])
		}
		return true
	case *ArrayList:
		return truthy(x.items)
	case time.Duration:
		return x != 0
	case char:
		return x != 0
	}
	return true
}

type convError struct {
	v   Value
	typ string
	why string
}

func (e *convError) Error() string {
	s := fmt.Sprintf("Cannot convert value \"%s\" to type \"%s\".", toString(e.v), e.typ)
	if e.why != "" {
		s += " Error: \"" + e.why + "\""
	}
	return s
}

func parseNumber(s string) (Value, bool) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, true
	}
	mult := 1.0
	lt := strings.ToLower(t)
	for i, suf := range []string{"kb", "mb", "gb", "tb", "pb"} {
		if strings.HasSuffix(lt, suf) && len(lt) > 2 {
			mult = math.Pow(1024, float64(i+1))
			t = t[:len(t)-2]
			break
		}
	}
	if strings.HasPrefix(strings.ToLower(t), "0x") {
		if n, err := strconv.ParseInt(t[2:], 16, 64); err == nil {
			return int(float64(n) * mult), true
		}
		return nil, false
	}
	if n, err := strconv.ParseInt(strings.TrimPrefix(t, "+"), 10, 64); err == nil {
		if mult != 1 {
			return int(n) * int(mult), true
		}
		return int(n), true
	}
	if strings.ContainsAny(t, "xXpP_") || strings.EqualFold(t, "inf") || strings.EqualFold(t, "infinity") || strings.EqualFold(t, "nan") {
		return nil, false
	}
	if f, err := strconv.ParseFloat(t, 64); err == nil {
		return f * mult, true
	}
	return nil, false
}

// toNumber converts to int or float64 for arithmetic.
func toNumber(v Value) (Value, error) {
	switch x := v.(type) {
	case nil:
		return 0, nil
	case int, float64:
		return x, nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case char:
		return int(x), nil
	case string:
		if n, ok := parseNumber(x); ok {
			return n, nil
		}
		return nil, &convError{v, "System.Int32", "Input string was not in a correct format."}
	case []Value:
		if len(x) == 1 {
			return toNumber(x[0])
		}
	case *PSObject:
		if x.str != nil {
			if n, ok := parseNumber(*x.str); ok {
				return n, nil
			}
		}
	case time.Duration:
		return int(x / 100), nil
	}
	return nil, &convError{v, "System.Int32", ""}
}

func toInt(v Value) (int, error) {
	n, err := toNumber(v)
	if err != nil {
		return 0, err
	}
	switch x := n.(type) {
	case int:
		return x, nil
	case float64:
		if math.IsNaN(x) || x > math.MaxInt64 || x < math.MinInt64 {
			return 0, &convError{v, "System.Int32", "Value was either too large or too small for an Int32."}
		}
		return int(math.RoundToEven(x)), nil
	}
	return 0, &convError{v, "System.Int32", ""}
}

func toFloat(v Value) (float64, error) {
	n, err := toNumber(v)
	if err != nil {
		return 0, &convError{v, "System.Double", "Input string was not in a correct format."}
	}
	if i, ok := n.(int); ok {
		return float64(i), nil
	}
	return n.(float64), nil
}

// asList returns the elements of a collection, or the value as one element;
// $null is no elements (foreach, pipelines).
func asList(v Value) []Value {
	switch x := v.(type) {
	case nil:
		return nil
	case []Value:
		return x
	case *ArrayList:
		return x.items
	}
	return []Value{v}
}

func isCollection(v Value) bool {
	switch v.(type) {
	case []Value, *ArrayList:
		return true
	}
	return false
}

// typeFullName is the .NET name of a type literal, for GetType() and errors.
func typeFullName(t string) string {
	switch strings.TrimPrefix(t, "system.") {
	case "int", "int32":
		return "System.Int32"
	case "long", "int64":
		return "System.Int64"
	case "double", "float", "single":
		return "System.Double"
	case "decimal":
		return "System.Decimal"
	case "string":
		return "System.String"
	case "bool", "boolean":
		return "System.Boolean"
	case "datetime":
		return "System.DateTime"
	case "timespan":
		return "System.TimeSpan"
	case "array", "object[]":
		return "System.Object[]"
	case "hashtable", "collections.hashtable":
		return "System.Collections.Hashtable"
	case "pscustomobject", "management.automation.pscustomobject":
		return "System.Management.Automation.PSCustomObject"
	case "psobject", "management.automation.psobject":
		return "System.Management.Automation.PSObject"
	case "scriptblock":
		return "System.Management.Automation.ScriptBlock"
	case "switch", "management.automation.switchparameter":
		return "System.Management.Automation.SwitchParameter"
	case "object":
		return "System.Object"
	case "collections.arraylist":
		return "System.Collections.ArrayList"
	case "char":
		return "System.Char"
	}
	return t
}

// typeOf returns the .NET full type name of a value.
func typeOf(v Value) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		return "System.Boolean"
	case int:
		if x >= math.MinInt32 && x <= math.MaxInt32 {
			return "System.Int32"
		}
		return "System.Int64"
	case float64:
		return "System.Double"
	case string:
		return "System.String"
	case time.Time:
		return "System.DateTime"
	case time.Duration:
		return "System.TimeSpan"
	case []Value:
		return "System.Object[]"
	case *ArrayList:
		if x.generic {
			return "System.Collections.Generic.List`1[System.Object]"
		}
		return "System.Collections.ArrayList"
	case *Hashtable:
		return "System.Collections.Hashtable"
	case *PSObject:
		if len(x.typeNames) == 0 {
			return "System.Management.Automation.PSCustomObject"
		}
		return x.typeNames[0]
	case *ScriptBlock:
		return "System.Management.Automation.ScriptBlock"
	case *ErrorRecord:
		return "System.Management.Automation.ErrorRecord"
	case *typeValue:
		return "System.RuntimeType"
	case char:
		return "System.Char"
	}
	return fmt.Sprintf("%T", v)
}

func shortType(full string) string {
	if i := strings.LastIndexByte(full, '.'); i >= 0 {
		return full[i+1:]
	}
	return full
}

// String converts a value to text as PowerShell does for "$x" (invariant
// culture; arrays joined by spaces; an object's string form). Hosts use it to
// read argument values the way a cmdlet's string parameter would.
func String(v Value) string { return toString(v) }
