package powershell

import (
	"math"
	"regexp"
	"sort"
	"strings"
	"time"
)

func (in *interp) evalInvoke(x *invokeExpr) (Value, error) {
	obj, err := in.eval(x.x)
	if err != nil {
		return nil, err
	}
	name, err := in.memberName(x.name)
	if err != nil {
		return nil, err
	}
	args := make([]Value, len(x.args))
	for i, a := range x.args {
		if args[i], err = in.eval(a); err != nil {
			return nil, err
		}
	}
	if x.static {
		return in.staticCall(x.node, obj, name, args)
	}
	return in.callMethod(x.node, obj, name, args)
}

func (in *interp) methodMissing(n node, obj Value, name string) error {
	return in.runtimeError(n, "System.Management.Automation.RuntimeException", "InvalidOperation", "MethodNotFound",
		"Method invocation failed because [%s] does not contain a method named '%s'.", typeOf(obj), name)
}

func (in *interp) argCount(n node, name string, args []Value, counts ...int) error {
	for _, c := range counts {
		if len(args) == c {
			return nil
		}
	}
	return in.runtimeError(n, "System.Management.Automation.MethodException", "NotSpecified", "MethodCountCouldNotFindBest",
		"Cannot find an overload for \"%s\" and the argument count: \"%d\".", name, len(args))
}

func (in *interp) callMethod(n node, obj Value, name string, args []Value) (Value, error) {
	ln := strings.ToLower(name)
	switch ln {
	case "gettype":
		full := typeOf(obj)
		if obj == nil {
			return nil, in.runtimeError(n, "System.Management.Automation.RuntimeException", "InvalidOperation", "InvokeMethodOnNull", "You cannot call a method on a null-valued expression.")
		}
		return &typeValue{name: full}, nil
	case "tostring":
		if len(args) == 1 {
			return formatValue(obj, toString(args[0])), nil
		}
		if obj == nil {
			break
		}
		switch x := obj.(type) {
		case time.Time:
			return cultureDate(x), nil
		case []Value:
			return "System.Object[]", nil
		}
		return toString(obj), nil
	case "equals":
		if err := in.argCount(n, name, args, 1); err != nil {
			return nil, err
		}
		return equal(obj, args[0], true), nil
	}
	switch o := obj.(type) {
	case nil:
		return nil, in.runtimeError(n, "System.Management.Automation.RuntimeException", "InvalidOperation", "InvokeMethodOnNull", "You cannot call a method on a null-valued expression.")
	case string:
		return in.stringMethod(n, o, name, ln, args)
	case time.Time:
		return in.timeMethod(n, o, name, ln, args)
	case time.Duration:
		switch ln {
		case "add":
			if d, ok := first(args).(time.Duration); ok {
				return o + d, nil
			}
		case "subtract":
			if d, ok := first(args).(time.Duration); ok {
				return o - d, nil
			}
		case "negate":
			return -o, nil
		}
	case *Hashtable:
		switch ln {
		case "containskey", "contains":
			if err := in.argCount(n, name, args, 1); err != nil {
				return nil, err
			}
			_, ok := o.get(args[0])
			return ok, nil
		case "containsvalue":
			for _, v := range o.vals {
				if equal(v, first(args), false) {
					return true, nil
				}
			}
			return false, nil
		case "add":
			if err := in.argCount(n, name, args, 2); err != nil {
				return nil, err
			}
			if _, dup := o.get(args[0]); dup {
				return nil, in.runtimeError(n, "System.Management.Automation.MethodInvocationException", "NotSpecified", "ArgumentException",
					"Exception calling \"Add\" with \"2\" argument(s): \"Item has already been added. Key in dictionary: '%s'  Key being added: '%s'\"", toString(args[0]), toString(args[0]))
			}
			o.set(args[0], args[1])
			return nil, nil
		case "remove":
			o.remove(first(args))
			return nil, nil
		case "clear":
			*o = *newHashtable()
			return nil, nil
		case "clone":
			h := newHashtable()
			for i := range o.keys {
				h.set(o.keys[i], o.vals[i])
			}
			return h, nil
		case "getenumerator":
			var out []Value
			for i := range o.keys {
				out = append(out, NewPSObject("System.Collections.DictionaryEntry").Set("Name", o.keys[i]).Set("Key", o.keys[i]).Set("Value", o.vals[i]))
			}
			return out, nil
		}
	case *ArrayList:
		switch ln {
		case "add":
			if err := in.argCount(n, name, args, 1); err != nil {
				return nil, err
			}
			if err := in.checkLen(n, len(o.items)+1); err != nil {
				return nil, err
			}
			o.items = append(o.items, args[0])
			if o.generic {
				return nil, nil // List[T].Add is void
			}
			return len(o.items) - 1, nil
		case "addrange":
			o.items = append(o.items, asList(first(args))...)
			return nil, nil
		case "remove":
			for i, it := range o.items {
				if equal(it, first(args), false) {
					o.items = append(o.items[:i:i], o.items[i+1:]...)
					break
				}
			}
			return nil, nil
		case "removeat":
			i, err := toInt(first(args))
			if err != nil || i < 0 || i >= len(o.items) {
				return nil, in.runtimeError(n, "System.Management.Automation.MethodInvocationException", "NotSpecified", "ArgumentOutOfRangeException",
					"Exception calling \"RemoveAt\" with \"1\" argument(s): \"Index was out of range. Must be non-negative and less than the size of the collection.\"")
			}
			o.items = append(o.items[:i:i], o.items[i+1:]...)
			return nil, nil
		case "insert":
			if err := in.argCount(n, name, args, 2); err != nil {
				return nil, err
			}
			i, err := toInt(args[0])
			if err != nil || i < 0 || i > len(o.items) {
				return nil, in.runtimeError(n, "System.Management.Automation.MethodInvocationException", "NotSpecified", "ArgumentOutOfRangeException", "Exception calling \"Insert\": index out of range.")
			}
			o.items = append(o.items[:i:i], append([]Value{args[1]}, o.items[i:]...)...)
			return nil, nil
		case "clear":
			o.items = nil
			return nil, nil
		case "toarray":
			return append([]Value{}, o.items...), nil
		}
		return in.listMethod(n, o.items, name, ln, args)
	case []Value:
		return in.listMethod(n, o, name, ln, args)
	case *PSObject:
		if m, ok := o.methods[ln]; ok {
			v, err := m(args)
			if err != nil {
				if rec, ok := err.(*ErrorRecord); ok {
					return nil, in.locate(rec, n)
				}
				return nil, in.runtimeError(n, "System.Management.Automation.MethodInvocationException", "NotSpecified", "MethodInvocationException",
					"Exception calling \"%s\" with \"%d\" argument(s): \"%s\"", name, len(args), err.Error())
			}
			return normalize(v), nil
		}
		if v, ok := o.Get(name); ok {
			if sb, ok := v.(*ScriptBlock); ok {
				got, err := in.invokeBlock(sb, args, nil, false, n)
				return unwrap(got), err
			}
		}
		return nil, in.methodMissing(n, obj, name)
	case *ScriptBlock:
		switch ln {
		case "invoke", "invokereturnasis":
			got, err := in.invokeBlock(o, args, nil, false, n)
			return unwrap(got), err
		}
	case int, float64:
		switch ln {
		case "compareto":
			c, _ := compare(o, first(args), false)
			return c, nil
		}
	case *ErrorRecord:
		return nil, in.methodMissing(n, obj, name)
	case *typeValue:
		return nil, in.methodMissing(n, obj, name)
	}
	return nil, in.unsupported(n, "the method %s() on [%s] is not supported by exsim", name, typeOf(obj))
}

func first(args []Value) Value {
	if len(args) == 0 {
		return nil
	}
	return args[0]
}

func (in *interp) listMethod(n node, items []Value, name, ln string, args []Value) (Value, error) {
	switch ln {
	case "contains":
		for _, it := range items {
			if equal(it, first(args), true) {
				return true, nil
			}
		}
		return false, nil
	case "indexof":
		for i, it := range items {
			if equal(it, first(args), true) {
				return i, nil
			}
		}
		return -1, nil
	case "where":
		sb, ok := first(args).(*ScriptBlock)
		if !ok {
			return nil, in.unsupported(n, ".Where() needs a script block")
		}
		out := []Value{}
		for _, it := range items {
			if err := in.step(n); err != nil {
				return nil, err
			}
			got, err := in.invokeBlock(sb, nil, it, true, n)
			if err != nil {
				return nil, err
			}
			if truthy(unwrap(got)) {
				out = append(out, it)
			}
		}
		return out, nil
	case "foreach":
		sb, ok := first(args).(*ScriptBlock)
		if !ok {
			return nil, in.unsupported(n, ".ForEach() with a member name is not supported; pass a script block")
		}
		out := []Value{}
		for _, it := range items {
			if err := in.step(n); err != nil {
				return nil, err
			}
			got, err := in.invokeBlock(sb, nil, it, true, n)
			if err != nil {
				return nil, err
			}
			out = append(out, got...)
		}
		return out, nil
	}
	// Member-access enumeration: call the method on each element.
	var out []Value
	for _, it := range items {
		v, err := in.callMethod(n, it, name, args)
		if err != nil {
			return nil, err
		}
		if v != nil {
			out = append(out, v)
		}
	}
	return unwrapMember(out), nil
}

func (in *interp) stringMethod(n node, s, name, ln string, args []Value) (Value, error) {
	str := func(i int) string {
		if i < len(args) {
			return toString(args[i])
		}
		return ""
	}
	num := func(i int) (int, error) {
		if i >= len(args) {
			return 0, in.argCount(n, name, args, i+1)
		}
		k, err := toInt(args[i])
		if err != nil {
			return 0, in.convErr(n, err)
		}
		return k, nil
	}
	rs := []rune(s)
	outOfRange := func(param string) error {
		return in.runtimeError(n, "System.Management.Automation.MethodInvocationException", "NotSpecified", "ArgumentOutOfRangeException",
			"Exception calling \"%s\" with \"%d\" argument(s): \"Index and length must refer to a location within the string.\r\nParameter name: %s\"", name, len(args), param)
	}
	switch ln {
	case "toupper", "toupperinvariant":
		return strings.ToUpper(s), nil
	case "tolower", "tolowerinvariant":
		return strings.ToLower(s), nil
	case "trim", "trimstart", "trimend":
		cut := " \t\r\n\v\f\u00a0"
		if len(args) > 0 {
			cut = ""
			for _, a := range args {
				cut += toString(a)
			}
		}
		switch ln {
		case "trim":
			return strings.Trim(s, cut), nil
		case "trimstart":
			return strings.TrimLeft(s, cut), nil
		}
		return strings.TrimRight(s, cut), nil
	case "split":
		// String.Split(char[]): every character of the separator splits.
		seps := ""
		for _, a := range args {
			if isCollection(a) {
				for _, it := range asList(a) {
					seps += toString(it)
				}
			} else if _, isInt := a.(int); !isInt {
				seps += toString(a)
			}
		}
		if seps == "" {
			seps = " \t\r\n"
		}
		parts := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) })
		// FieldsFunc drops empty fields; String.Split keeps them.
		parts = splitKeep(s, seps)
		out := make([]Value, len(parts))
		for i, p := range parts {
			out[i] = p
		}
		return out, nil
	case "replace":
		if err := in.argCount(n, name, args, 2); err != nil {
			return nil, err
		}
		if str(0) == "" {
			return nil, in.runtimeError(n, "System.Management.Automation.MethodInvocationException", "NotSpecified", "ArgumentException",
				"Exception calling \"Replace\" with \"2\" argument(s): \"String cannot be of zero length.\r\nParameter name: oldValue\"")
		}
		return strings.ReplaceAll(s, str(0), str(1)), nil
	case "contains":
		return strings.Contains(s, str(0)), nil
	case "startswith":
		return strings.HasPrefix(s, str(0)) || len(args) > 1 && strings.HasPrefix(strings.ToLower(s), strings.ToLower(str(0))), nil
	case "endswith":
		return strings.HasSuffix(s, str(0)) || len(args) > 1 && strings.HasSuffix(strings.ToLower(s), strings.ToLower(str(0))), nil
	case "indexof", "lastindexof":
		var i int
		if ln == "indexof" {
			i = strings.Index(s, str(0))
		} else {
			i = strings.LastIndex(s, str(0))
		}
		if i < 0 {
			return -1, nil
		}
		return len([]rune(s[:i])), nil
	case "substring":
		start, err := num(0)
		if err != nil {
			return nil, err
		}
		if start < 0 || start > len(rs) {
			return nil, outOfRange("startIndex")
		}
		if len(args) == 1 {
			return string(rs[start:]), nil
		}
		l, err := num(1)
		if err != nil {
			return nil, err
		}
		if l < 0 || start+l > len(rs) {
			return nil, outOfRange("length")
		}
		return string(rs[start : start+l]), nil
	case "padleft", "padright":
		w, err := num(0)
		if err != nil {
			return nil, err
		}
		if w > in.lim.StringLen {
			return nil, in.limit(n, "a string longer than %d characters", in.lim.StringLen)
		}
		c := " "
		if len(args) > 1 {
			c = str(1)
			if len([]rune(c)) != 1 {
				return nil, in.runtimeError(n, "System.Management.Automation.MethodException", "NotSpecified", "MethodArgumentConversionInvalidCastArgument",
					"Cannot convert argument \"paddingChar\", with value: \"%s\", for \"%s\" to type \"System.Char\".", c, name)
			}
		}
		if k := w - len(rs); k > 0 {
			if ln == "padleft" {
				return strings.Repeat(c, k) + s, nil
			}
			return s + strings.Repeat(c, k), nil
		}
		return s, nil
	case "insert":
		i, err := num(0)
		if err != nil {
			return nil, err
		}
		if i < 0 || i > len(rs) {
			return nil, outOfRange("startIndex")
		}
		return string(rs[:i]) + str(1) + string(rs[i:]), nil
	case "remove":
		i, err := num(0)
		if err != nil {
			return nil, err
		}
		if i < 0 || i > len(rs) {
			return nil, outOfRange("startIndex")
		}
		if len(args) == 1 {
			return string(rs[:i]), nil
		}
		l, err := num(1)
		if err != nil {
			return nil, err
		}
		if l < 0 || i+l > len(rs) {
			return nil, outOfRange("count")
		}
		return string(rs[:i]) + string(rs[i+l:]), nil
	case "tochararray":
		out := make([]Value, len(rs))
		for i, r := range rs {
			out[i] = char(r)
		}
		return out, nil
	case "compareto":
		return strings.Compare(strings.ToLower(s), strings.ToLower(str(0))), nil
	case "normalize", "clone":
		return s, nil
	}
	return nil, in.unsupported(n, "the string method %s() is not supported by exsim; it supports ToUpper, ToLower, Trim, TrimStart, TrimEnd, Split, Replace, Contains, StartsWith, EndsWith, IndexOf, LastIndexOf, Substring, PadLeft, PadRight, Insert, Remove, ToCharArray, CompareTo, Equals and ToString", name)
}

func splitKeep(s, seps string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if strings.ContainsRune(seps, r) {
			out = append(out, s[start:i])
			start = i + len(string(r))
		}
	}
	return append(out, s[start:])
}

func (in *interp) timeMethod(n node, t time.Time, name, ln string, args []Value) (Value, error) {
	amount := func() (float64, error) {
		if err := in.argCount(n, name, args, 1); err != nil {
			return 0, err
		}
		f, err := toFloat(args[0])
		if err != nil {
			return 0, in.convErr(n, err)
		}
		return f, nil
	}
	add := func(unit time.Duration) (Value, error) {
		f, err := amount()
		if err != nil {
			return nil, err
		}
		return t.Add(time.Duration(f * float64(unit))), nil
	}
	switch ln {
	case "addmilliseconds":
		return add(time.Millisecond)
	case "addseconds":
		return add(time.Second)
	case "addminutes":
		return add(time.Minute)
	case "addhours":
		return add(time.Hour)
	case "adddays":
		return add(24 * time.Hour)
	case "addmonths", "addyears":
		f, err := amount()
		if err != nil {
			return nil, err
		}
		if ln == "addmonths" {
			return t.AddDate(0, int(f), 0), nil
		}
		return t.AddDate(int(f), 0, 0), nil
	case "add":
		if d, ok := first(args).(time.Duration); ok {
			return t.Add(d), nil
		}
	case "subtract":
		switch x := first(args).(type) {
		case time.Time:
			return t.Sub(x), nil
		case time.Duration:
			return t.Add(-x), nil
		}
	case "toshorttimestring":
		return t.Format("3:04 PM"), nil
	case "tolongtimestring":
		return t.Format("3:04:05 PM"), nil
	case "toshortdatestring":
		return t.Format("1/2/2006"), nil
	case "tolongdatestring":
		return t.Format("Monday, January 2, 2006"), nil
	case "touniversaltime":
		return t.UTC(), nil
	case "tolocaltime":
		return t, nil
	case "compareto":
		c, _ := compare(t, first(args), false)
		return c, nil
	}
	return nil, in.unsupported(n, "the [datetime] method %s() is not supported by exsim; it supports AddMilliseconds, AddSeconds, AddMinutes, AddHours, AddDays, AddMonths, AddYears, Add, Subtract, ToString, ToShortTimeString, ToShortDateString, ToLongTimeString, ToLongDateString and ToUniversalTime", name)
}

func (in *interp) staticMember(n node, obj Value, name string) (Value, error) {
	t, ok := obj.(*typeValue)
	if !ok {
		return nil, in.unsupported(n, "'::' needs a type on its left, as in [datetime]::Now")
	}
	ln := strings.ToLower(name)
	switch strings.TrimPrefix(t.name, "system.") + "::" + ln {
	case "datetime::now":
		return in.now(), nil
	case "datetime::today":
		y, m, d := in.now().Date()
		return time.Date(y, m, d, 0, 0, 0, 0, in.now().Location()), nil
	case "datetime::utcnow":
		return in.now().UTC(), nil
	case "datetime::minvalue":
		return time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), nil
	case "datetime::maxvalue":
		return time.Date(9999, 12, 31, 23, 59, 59, 999999900, time.UTC), nil
	case "int::maxvalue", "int32::maxvalue":
		return math.MaxInt32, nil
	case "int::minvalue", "int32::minvalue":
		return math.MinInt32, nil
	case "long::maxvalue", "int64::maxvalue":
		return math.MaxInt64, nil
	case "string::empty":
		return "", nil
	case "timespan::zero":
		return time.Duration(0), nil
	case "environment::newline":
		return "\r\n", nil
	case "environment::machinename":
		v, _ := in.env.get("COMPUTERNAME")
		return toString(v), nil
	case "environment::username":
		v, _ := in.env.get("USERNAME")
		return toString(v), nil
	case "math::pi":
		return math.Pi, nil
	case "double::maxvalue":
		return math.MaxFloat64, nil
	}
	return nil, in.unsupported(n, "[%s]::%s is not supported by exsim", t.name, name)
}

func (in *interp) staticCall(n node, obj Value, name string, args []Value) (Value, error) {
	t, ok := obj.(*typeValue)
	if !ok {
		return nil, in.unsupported(n, "'::' needs a type on its left, as in [math]::Round(1.5)")
	}
	ln := strings.ToLower(name)
	num := func(i int) (float64, error) {
		if i >= len(args) {
			return 0, in.argCount(n, name, args, i+1)
		}
		f, err := toFloat(args[i])
		if err != nil {
			return 0, in.convErr(n, err)
		}
		return f, nil
	}
	asNumber := func(f float64) Value {
		if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			if _, isInt := first(args).(int); isInt {
				return int(f)
			}
		}
		return f
	}
	tn := strings.TrimPrefix(t.name, "system.")
	switch tn + "::" + ln {
	case "collections.arraylist::new":
		return &ArrayList{}, nil
	case "collections.generic.list::new":
		return &ArrayList{generic: true}, nil
	case "collections.hashtable::new", "hashtable::new":
		return newHashtable(), nil
	case "math::round":
		f, err := num(0)
		if err != nil {
			return nil, err
		}
		d := 0
		if len(args) > 1 {
			dd, err := toInt(args[1])
			if err != nil {
				return nil, in.convErr(n, err)
			}
			d = dd
		}
		p := math.Pow(10, float64(d))
		return math.RoundToEven(f*p) / p, nil // Math.Round rounds half to even
	case "math::floor", "math::ceiling", "math::truncate", "math::abs", "math::sqrt":
		f, err := num(0)
		if err != nil {
			return nil, err
		}
		switch ln {
		case "floor":
			return math.Floor(f), nil
		case "ceiling":
			return math.Ceil(f), nil
		case "truncate":
			return math.Trunc(f), nil
		case "abs":
			return asNumber(math.Abs(f)), nil
		}
		return math.Sqrt(f), nil
	case "math::max", "math::min", "math::pow":
		a, err := num(0)
		if err != nil {
			return nil, err
		}
		b, err := num(1)
		if err != nil {
			return nil, err
		}
		switch ln {
		case "max":
			return asNumber(math.Max(a, b)), nil
		case "min":
			return asNumber(math.Min(a, b)), nil
		}
		return math.Pow(a, b), nil
	case "string::isnullorempty":
		return toString(first(args)) == "", nil
	case "string::isnullorwhitespace":
		return strings.TrimSpace(toString(first(args))) == "", nil
	case "string::join":
		if len(args) < 2 {
			return nil, in.argCount(n, name, args, 2)
		}
		var parts []string
		for _, a := range args[1:] {
			for _, it := range asList(a) {
				parts = append(parts, toString(it))
			}
		}
		return strings.Join(parts, toString(args[0])), nil
	case "string::format":
		if len(args) < 1 {
			return nil, in.argCount(n, name, args, 1)
		}
		var rest Value = args[1:]
		if len(args) == 2 && isCollection(args[1]) {
			rest = args[1]
		}
		return in.formatOp(n, toString(args[0]), rest)
	case "string::concat":
		var b strings.Builder
		for _, a := range args {
			b.WriteString(toString(a))
		}
		return b.String(), nil
	case "datetime::parse", "datetime::parseexact":
		return in.convert(n, first(args), "datetime")
	case "int::parse", "int32::parse", "long::parse", "int64::parse":
		return in.convert(n, first(args), "int")
	case "double::parse":
		return in.convert(n, first(args), "double")
	case "timespan::fromseconds", "timespan::fromminutes", "timespan::fromhours", "timespan::fromdays", "timespan::frommilliseconds":
		f, err := num(0)
		if err != nil {
			return nil, err
		}
		unit := map[string]time.Duration{"fromseconds": time.Second, "fromminutes": time.Minute, "fromhours": time.Hour,
			"fromdays": 24 * time.Hour, "frommilliseconds": time.Millisecond}[ln]
		return time.Duration(f * float64(unit)), nil
	case "regex::escape":
		return regexp.QuoteMeta(toString(first(args))), nil
	case "regex::ismatch":
		if err := in.argCount(n, name, args, 2); err != nil {
			return nil, err
		}
		return in.match(n, toString(args[0]), toString(args[1]), false, false)
	case "threading.thread::sleep":
		ms, err := num(0)
		if err != nil {
			return nil, err
		}
		return nil, in.sleep(n, time.Duration(ms*float64(time.Millisecond)))
	case "environment::getenvironmentvariable":
		v, _ := in.env.get(toString(first(args)))
		return v, nil
	}
	return nil, in.unsupported(n, "[%s]::%s() is not supported by exsim", t.name, name)
}

func (in *interp) sleep(n node, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	in.flushConsole()
	if err := in.host.Sleep(d); err != nil {
		if isFatal(err) {
			return err
		}
		return &HostError{Pos: in.pos(n.off), Err: err}
	}
	return nil
}

// sortStable sorts values by keys with PowerShell's ordering.
func sortStable(items []Value, keys [][]Value, desc []bool, cs bool) {
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		for k := range keys[idx[a]] {
			c, ok := compare(keys[idx[a]][k], keys[idx[b]][k], cs)
			if !ok {
				c = strings.Compare(strings.ToLower(toString(keys[idx[a]][k])), strings.ToLower(toString(keys[idx[b]][k])))
			}
			if c != 0 {
				if desc[k] {
					return c > 0
				}
				return c < 0
			}
		}
		return false
	})
	sorted := make([]Value, len(items))
	for i, j := range idx {
		sorted[i] = items[j]
	}
	copy(items, sorted)
}
