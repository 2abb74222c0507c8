package powershell

import (
	"math"
	"strings"
	"time"
)

func (in *interp) eval(e expr) (Value, error) {
	switch x := e.(type) {
	case *constExpr:
		return x.v, nil
	case *varExpr:
		return in.getVar(x)
	case *stringExpr:
		var b strings.Builder
		for _, p := range x.parts {
			v, err := in.eval(p)
			if err != nil {
				return nil, err
			}
			b.WriteString(in.expandString(v))
			if b.Len() > in.lim.StringLen {
				return nil, in.limit(x.node, "a string longer than %d characters", in.lim.StringLen)
			}
		}
		return b.String(), nil
	case *arrayExpr:
		out := make([]Value, 0, len(x.elems))
		for _, el := range x.elems {
			v, err := in.eval(el)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case *subExpr:
		return in.evalSub(x)
	case *hashExpr:
		h := newHashtable()
		for _, en := range x.entries {
			k, err := in.eval(en.key)
			if err != nil {
				return nil, err
			}
			v, err := in.stmtValue(en.value)
			if err != nil {
				return nil, err
			}
			if _, dup := h.get(k); dup {
				return nil, in.runtimeError(en.key.span(), "System.Management.Automation.RuntimeException", "ParserError", "DuplicateKeyInHashLiteral",
					"Duplicate keys '%s' are not allowed in hash literals.", toString(k))
			}
			h.set(k, v)
		}
		return h, nil
	case *scriptBlockExpr:
		text := in.lx.src[x.off+1 : x.end-1]
		return &ScriptBlock{ast: x.sb, text: text}, nil
	case *chainExpr:
		return in.evalChain(x)
	case *unaryExpr:
		return in.evalUnary(x)
	case *castExpr:
		v, err := in.eval(x.x)
		if err != nil {
			return nil, err
		}
		return in.convert(x.node, v, x.typ)
	case *typeExpr:
		return &typeValue{name: x.typ}, nil
	case *memberExpr:
		obj, err := in.eval(x.x)
		if err != nil {
			return nil, err
		}
		name, err := in.memberName(x.name)
		if err != nil {
			return nil, err
		}
		if x.static {
			return in.staticMember(x.node, obj, name)
		}
		return in.member(x.node, obj, name)
	case *invokeExpr:
		return in.evalInvoke(x)
	case *indexExpr:
		obj, err := in.eval(x.x)
		if err != nil {
			return nil, err
		}
		idx, err := in.eval(x.idx)
		if err != nil {
			return nil, err
		}
		return in.index(x.node, obj, idx)
	case *incDecExpr:
		cur, err := in.eval(x.x)
		if err != nil {
			return nil, err
		}
		op := "+"
		if x.op == "--" {
			op = "-"
		}
		nv, err := in.binary(x.node, op, cur, 1)
		if err != nil {
			return nil, err
		}
		if err := in.assign(x.x, nv); err != nil {
			return nil, err
		}
		if x.prefix {
			return nv, nil
		}
		if cur == nil {
			return 0, nil
		}
		return cur, nil
	case *pipeExpr:
		return in.stmtValue(x.s)
	}
	return nil, in.unsupported(e.span(), "this expression is not supported")
}

// expandString is the string form used inside "...": arrays joined by $OFS.
func (in *interp) expandString(v Value) string {
	if isCollection(v) {
		sep := " "
		if o := in.lookup("OFS", ""); o != nil {
			sep = toString(o.value)
		}
		var parts []string
		for _, it := range asList(v) {
			parts = append(parts, toString(it))
		}
		return strings.Join(parts, sep)
	}
	return toString(v)
}

func (in *interp) evalSub(x *subExpr) (Value, error) {
	var got []Value
	collect := func(v Value) error {
		if len(got) >= in.lim.Items {
			return in.limit(x.node, "more than %d objects in one result", in.lim.Items)
		}
		got = append(got, v)
		return nil
	}
	var err error
	if x.kind == "(" && len(x.stmts) == 1 {
		if a, ok := x.stmts[0].(*assignStmt); ok {
			v, err := in.stmtValue(a)
			return v, err
		}
		if p, ok := x.stmts[0].(*pipelineStmt); ok && len(p.cmds) == 0 && len(p.redirs) == 0 {
			// A parenthesized expression keeps its value whole: (1,2) is one array.
			v, err := in.eval(p.first)
			in.dollarQ = true
			return v, err
		}
		err = in.exec(x.stmts[0], collect)
	} else {
		err = in.execList(x.stmts, collect)
	}
	if err != nil {
		return nil, err
	}
	in.dollarQ = true // Windows PowerShell 5.1 resets $? after (...), $(...) and @(...)
	if x.kind == "@(" {
		if got == nil {
			got = []Value{}
		}
		return got, nil
	}
	return unwrap(got), nil
}

func (in *interp) memberName(e expr) (string, error) {
	v, err := in.eval(e)
	if err != nil {
		return "", err
	}
	return toString(v), nil
}

func (in *interp) evalChain(x *chainExpr) (Value, error) {
	acc, err := in.eval(x.first)
	if err != nil {
		return nil, err
	}
	for i, op := range x.ops {
		switch op {
		case "-and", "-or":
			l := truthy(acc)
			if (op == "-and" && !l) || (op == "-or" && l) {
				acc = l
				continue
			}
			r, err := in.eval(x.rest[i])
			if err != nil {
				return nil, err
			}
			acc = truthy(r)
			continue
		}
		r, err := in.eval(x.rest[i])
		if err != nil {
			return nil, err
		}
		if acc, err = in.binary(x.node, op, acc, r); err != nil {
			return nil, err
		}
	}
	return acc, nil
}

func (in *interp) evalUnary(x *unaryExpr) (Value, error) {
	v, err := in.eval(x.x)
	if err != nil {
		return nil, err
	}
	switch x.op {
	case "-not":
		return !truthy(v), nil
	case "-bnot":
		n, err := toInt(v)
		if err != nil {
			return nil, in.convErr(x.node, err)
		}
		return ^n, nil
	case "-":
		return in.binary(x.node, "*", v, -1)
	case "+":
		n, err := toNumber(v)
		if err != nil {
			return nil, in.convErr(x.node, err)
		}
		return n, nil
	case "-split":
		var out []Value
		for _, it := range asList(v) {
			for _, f := range strings.Fields(toString(it)) {
				out = append(out, f)
			}
		}
		return out, nil
	case "-join":
		var parts []string
		for _, it := range asList(v) {
			parts = append(parts, toString(it))
		}
		return strings.Join(parts, ""), nil
	}
	return nil, in.unsupported(x.node, "the unary operator %s is not supported", x.op)
}

func (in *interp) convErr(n node, err error) error {
	return in.runtimeError(n, "System.Management.Automation.RuntimeException", "InvalidArgument", "InvalidCastFromStringToInteger", "%s", err.Error())
}

// index implements $a[i], $a[-1], $a[1..3], $a[0,2], $h['key'], $s[0].
func (in *interp) index(n node, obj, idx Value) (Value, error) {
	switch o := obj.(type) {
	case nil:
		return nil, in.runtimeError(n, "System.Management.Automation.RuntimeException", "InvalidOperation", "NullArray", "Cannot index into a null array.")
	case *Hashtable:
		if isCollection(idx) {
			var out []Value
			for _, k := range asList(idx) {
				v, _ := o.get(k)
				out = append(out, v)
			}
			return out, nil
		}
		v, _ := o.get(idx)
		return v, nil
	case *PSObject:
		v, _ := o.Get(toString(idx))
		return v, nil
	case string:
		rs := []rune(o)
		items := make([]Value, len(rs))
		for i, r := range rs {
			items[i] = char(r)
		}
		return in.index(n, items, idx)
	}
	items := asList(obj)
	if !isCollection(obj) {
		items = []Value{obj}
	}
	pick := func(iv Value) (Value, error) {
		i, err := toInt(iv)
		if err != nil {
			return nil, in.convErr(n, err)
		}
		if i < 0 {
			i += len(items)
		}
		if i < 0 || i >= len(items) {
			return nil, nil
		}
		return items[i], nil
	}
	if isCollection(idx) {
		var out []Value
		for _, iv := range asList(idx) {
			v, err := pick(iv)
			if err != nil {
				return nil, err
			}
			if v != nil {
				out = append(out, v)
			}
		}
		return out, nil
	}
	return pick(idx)
}

// member reads a property, with member-access enumeration over collections.
func (in *interp) member(n node, obj Value, name string) (Value, error) {
	ln := strings.ToLower(name)
	switch o := obj.(type) {
	case nil:
		if ln == "count" || ln == "length" {
			return 0, nil
		}
		return nil, nil
	case *PSObject:
		if v, ok := o.Get(name); ok {
			return v, nil
		}
		if ln == "psobject" {
			return psobjectInfo(o), nil
		}
		if (ln == "count" || ln == "length") && !isCustom(o) {
			return 1, nil
		}
		return nil, nil
	case *Hashtable:
		if v, ok := o.get(name); ok {
			return v, nil
		}
		switch ln {
		case "count":
			return o.Len(), nil
		case "keys":
			return append([]Value(nil), o.keys...), nil
		case "values":
			return append([]Value(nil), o.vals...), nil
		}
		return nil, nil
	case []Value, *ArrayList:
		items := asList(o)
		switch ln {
		case "count", "length":
			return len(items), nil
		}
		var out []Value
		for _, it := range items {
			v, err := in.member(n, it, name)
			if err != nil {
				return nil, err
			}
			if isCollection(v) {
				out = append(out, asList(v)...)
			} else if v != nil {
				out = append(out, v)
			}
		}
		return unwrapMember(out), nil
	case string:
		switch ln {
		case "length":
			return len([]rune(o)), nil
		case "count":
			return 1, nil
		}
		return nil, nil
	case time.Time:
		return timeMember(o, ln), nil
	case time.Duration:
		return durationMember(o, ln), nil
	case *ErrorRecord:
		return errorMember(o, ln), nil
	case *ScriptBlock:
		return nil, nil
	case *typeValue:
		switch ln {
		case "name":
			return shortType(typeFullName(o.name)), nil
		case "fullname":
			return typeFullName(o.name), nil
		}
		return nil, nil
	}
	if ln == "count" || ln == "length" {
		return 1, nil
	}
	return nil, nil
}

func unwrapMember(out []Value) Value {
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return out
}

func psobjectInfo(o *PSObject) *PSObject {
	info := NewPSObject("System.Management.Automation.PSMemberSet")
	var props []Value
	for i, n := range o.names {
		props = append(props, NewPSObject("System.Management.Automation.PSNoteProperty").Set("Name", n).Set("Value", o.vals[i]).SetToString(n))
	}
	info.Set("Properties", props)
	var tn []Value
	for _, t := range o.typeNames {
		tn = append(tn, t)
	}
	info.Set("TypeNames", tn)
	return info
}

func timeMember(t time.Time, ln string) Value {
	switch ln {
	case "year":
		return t.Year()
	case "month":
		return int(t.Month())
	case "day":
		return t.Day()
	case "hour":
		return t.Hour()
	case "minute":
		return t.Minute()
	case "second":
		return t.Second()
	case "millisecond":
		return t.Nanosecond() / 1e6
	case "dayofweek":
		return t.Weekday().String()
	case "dayofyear":
		return t.YearDay()
	case "date":
		y, m, d := t.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
	case "timeofday":
		y, m, d := t.Date()
		return t.Sub(time.Date(y, m, d, 0, 0, 0, 0, t.Location()))
	case "ticks":
		return int(t.Sub(time.Date(1, 1, 1, 0, 0, 0, 0, t.Location())) / 100)
	}
	return nil
}

func durationMember(d time.Duration, ln string) Value {
	switch ln {
	case "days":
		return int(d / (24 * time.Hour))
	case "hours":
		return int(d/time.Hour) % 24
	case "minutes":
		return int(d/time.Minute) % 60
	case "seconds":
		return int(d/time.Second) % 60
	case "milliseconds":
		return int(d/time.Millisecond) % 1000
	case "totaldays":
		return d.Hours() / 24
	case "totalhours":
		return d.Hours()
	case "totalminutes":
		return d.Minutes()
	case "totalseconds":
		return d.Seconds()
	case "totalmilliseconds":
		return float64(d) / float64(time.Millisecond)
	case "ticks":
		return int(d / 100)
	}
	return nil
}

func errorMember(e *ErrorRecord, ln string) Value {
	switch ln {
	case "exception":
		exc := NewPSObject(e.exceptionType(), "System.Exception", "System.Object")
		exc.Set("Message", e.Message).Set("InnerException", nil).Set("ErrorRecord", e).SetToString(e.exceptionType() + ": " + e.Message)
		exc.SetMethod("GetType", func([]Value) (Value, error) { return &typeValue{name: e.exceptionType()}, nil })
		return exc
	case "categoryinfo":
		cat := e.Category
		if cat == "" {
			cat = "NotSpecified"
		}
		ci := NewPSObject("System.Management.Automation.ErrorCategoryInfo")
		reason := shortType(e.exceptionType())
		if e.reason != "" {
			reason = e.reason
		}
		activity := e.Command
		if e.activity != "" {
			activity = e.activity
		}
		ci.Set("Category", cat).Set("Activity", activity).Set("Reason", reason).Set("TargetName", e.TargetName).Set("TargetType", e.TargetType)
		return ci.SetToString(cat + ": (" + e.TargetName + ":" + e.TargetType + ") [" + activity + "], " + reason)
	case "fullyqualifiederrorid":
		return e.errorID()
	case "targetobject":
		return e.TargetObject
	case "invocationinfo":
		ii := NewPSObject("System.Management.Automation.InvocationInfo")
		ii.Set("ScriptName", e.pos.File).Set("ScriptLineNumber", e.pos.Line).Set("OffsetInLine", e.pos.Col).Set("Line", e.line)
		ii.Set("PositionMessage", "At "+e.pos.String())
		ii.Set("MyCommand", NewPSObject().Set("Name", e.Command).SetToString(e.Command))
		return ii
	case "scriptstacktrace":
		return "at <ScriptBlock>, " + e.pos.File + ": line " + itoa(e.pos.Line)
	case "errordetails":
		return nil
	case "pscomputername":
		return e.ComputerName
	}
	return nil
}

func itoa(n int) string { return toString(n) }

// Arithmetic and comparison.

func (in *interp) arithErr(n node, format string, args ...any) error {
	return in.runtimeError(n, "System.Management.Automation.RuntimeException", "InvalidOperation", "MethodNotFound", format, args...)
}

func (in *interp) binary(n node, op string, l, r Value) (Value, error) {
	switch op {
	case "+", "-", "*", "/", "%":
		return in.arith(n, op, l, r)
	case "..":
		return in.rangeOp(n, l, r)
	case "-f":
		return in.formatOp(n, toString(l), r)
	case "-join":
		var parts []string
		for _, it := range asList(l) {
			parts = append(parts, toString(it))
		}
		return strings.Join(parts, toString(r)), nil
	case "-band", "-bor", "-bxor", "-shl", "-shr":
		a, err := toInt(l)
		if err != nil {
			return nil, in.convErr(n, err)
		}
		b, err := toInt(r)
		if err != nil {
			return nil, in.convErr(n, err)
		}
		switch op {
		case "-band":
			return a & b, nil
		case "-bor":
			return a | b, nil
		case "-bxor":
			return a ^ b, nil
		case "-shl":
			return a << (uint(b) & 63), nil
		}
		return a >> (uint(b) & 63), nil
	case "-xor":
		return truthy(l) != truthy(r), nil
	case "-is", "-isnot":
		t, ok := r.(*typeValue)
		if !ok {
			return nil, in.runtimeError(n, "System.Management.Automation.RuntimeException", "InvalidOperation", "IsOperatorRequiresType", "The right operand of '%s' must be a type.", op)
		}
		return isType(l, t.name) == (op == "-is"), nil
	case "-as":
		t, ok := r.(*typeValue)
		if !ok {
			return nil, in.runtimeError(n, "System.Management.Automation.RuntimeException", "InvalidOperation", "AsOperatorRequiresType", "The right operand of '-as' must be a type.")
		}
		v, err := in.convert(n, l, t.name)
		if err != nil {
			return nil, nil
		}
		return v, nil
	}
	return in.compareOp(n, op, l, r)
}

func isType(v Value, t string) bool {
	switch t {
	case "int", "int32", "long", "int64", "byte", "uint32", "system.int32", "system.int64":
		_, ok := v.(int)
		return ok
	case "double", "decimal", "single", "float", "system.double":
		_, ok := v.(float64)
		return ok
	case "string", "system.string":
		_, ok := v.(string)
		return ok
	case "bool", "boolean", "switch", "system.boolean":
		_, ok := v.(bool)
		return ok
	case "datetime", "system.datetime":
		_, ok := v.(time.Time)
		return ok
	case "timespan", "system.timespan":
		_, ok := v.(time.Duration)
		return ok
	case "array", "object[]", "system.array", "system.object[]", "string[]", "int[]":
		_, ok := v.([]Value)
		return ok
	case "hashtable", "ordered", "system.collections.hashtable":
		_, ok := v.(*Hashtable)
		return ok
	case "pscustomobject", "system.management.automation.pscustomobject":
		o, ok := v.(*PSObject)
		return ok && isCustom(o)
	case "psobject", "object", "system.object", "system.management.automation.psobject":
		return v != nil
	case "scriptblock":
		_, ok := v.(*ScriptBlock)
		return ok
	case "system.collections.arraylist", "collections.arraylist":
		l, ok := v.(*ArrayList)
		return ok && !l.generic
	case "collections.generic.list":
		l, ok := v.(*ArrayList)
		return ok && l.generic
	case "char":
		_, ok := v.(char)
		return ok
	}
	if o, ok := v.(*PSObject); ok {
		for _, tn := range o.typeNames {
			if strings.EqualFold(tn, t) || strings.EqualFold(shortType(tn), t) {
				return true
			}
		}
	}
	if _, ok := v.(*ErrorRecord); ok {
		return strings.Contains(t, "errorrecord")
	}
	return false
}

func (in *interp) checkLen(n node, k int) error {
	if k > in.lim.Items {
		return in.limit(n, "a collection or repetition of more than %d elements", in.lim.Items)
	}
	return nil
}

func (in *interp) arith(n node, op string, l, r Value) (Value, error) {
	switch lv := l.(type) {
	case nil:
		if op == "+" {
			if r == nil {
				return nil, nil
			}
			if isCollection(r) {
				return append([]Value{nil}, asList(r)...), nil
			}
			return r, nil
		}
		l = 0
	case string:
		switch op {
		case "+":
			s := lv + in.expandString(r)
			if len(s) > in.lim.StringLen {
				return nil, in.limit(n, "a string longer than %d characters", in.lim.StringLen)
			}
			return s, nil
		case "*":
			k, err := toInt(r)
			if err != nil {
				return nil, in.convErr(n, err)
			}
			if k < 0 || k > 0 && len(lv) > in.lim.StringLen/k {
				return nil, in.limit(n, "a string longer than %d characters", in.lim.StringLen)
			}
			return strings.Repeat(lv, k), nil
		}
		num, ok := parseNumber(lv)
		if !ok {
			return nil, in.arithErr(n, "Method invocation failed because [System.String] does not contain a method named 'op_%s'.", opName(op))
		}
		l = num
	case []Value, *ArrayList:
		items := asList(lv)
		switch op {
		case "+":
			add := []Value{r}
			if isCollection(r) {
				add = asList(r)
			}
			if err := in.checkLen(n, len(items)+len(add)); err != nil {
				return nil, err
			}
			out := make([]Value, 0, len(items)+len(add))
			return append(append(out, items...), add...), nil
		case "*":
			k, err := toInt(r)
			if err != nil {
				return nil, in.convErr(n, err)
			}
			if k < 0 {
				k = 0
			}
			if k > 0 && len(items) > in.lim.Items/k {
				return nil, in.limit(n, "a collection or repetition of more than %d elements", in.lim.Items)
			}
			var out []Value
			for i := 0; i < k; i++ {
				out = append(out, items...)
			}
			return out, nil
		}
		return nil, in.arithErr(n, "Method invocation failed because [System.Object[]] does not contain a method named 'op_%s'.", opName(op))
	case *Hashtable:
		if op == "+" {
			rh, ok := r.(*Hashtable)
			if !ok {
				return nil, in.runtimeError(n, "System.Management.Automation.RuntimeException", "InvalidOperation", "AddHashTableToNonHashTable", "A hash table can only be added to another hash table.")
			}
			h := newHashtable()
			for i := range lv.keys {
				h.set(lv.keys[i], lv.vals[i])
			}
			for i := range rh.keys {
				if _, dup := h.get(rh.keys[i]); dup {
					return nil, in.runtimeError(n, "System.ArgumentException", "OperationStopped", "System.ArgumentException",
						"Item has already been added. Key in dictionary: '%s'  Key being added: '%s'", toString(rh.keys[i]), toString(rh.keys[i]))
				}
				h.set(rh.keys[i], rh.vals[i])
			}
			return h, nil
		}
	case time.Time:
		switch rv := r.(type) {
		case time.Duration:
			if op == "+" {
				return lv.Add(rv), nil
			}
			if op == "-" {
				return lv.Add(-rv), nil
			}
		case time.Time:
			if op == "-" {
				return lv.Sub(rv), nil
			}
		}
		return nil, in.arithErr(n, "Method invocation failed because [System.DateTime] does not contain a method named 'op_%s'.", opName(op))
	case time.Duration:
		if rv, ok := r.(time.Duration); ok {
			switch op {
			case "+":
				return lv + rv, nil
			case "-":
				return lv - rv, nil
			}
		}
		return nil, in.arithErr(n, "Method invocation failed because [System.TimeSpan] does not contain a method named 'op_%s'.", opName(op))
	case *PSObject, *ScriptBlock, *ErrorRecord:
		return nil, in.arithErr(n, "Method invocation failed because [%s] does not contain a method named 'op_%s'.", typeOf(l), opName(op))
	}
	a, err := toNumber(l)
	if err != nil {
		return nil, in.convErr(n, err)
	}
	b, err := toNumber(r)
	if err != nil {
		return nil, in.convErr(n, err)
	}
	ai, aInt := a.(int)
	bi, bInt := b.(int)
	if aInt && bInt {
		switch op {
		case "+":
			if s := ai + bi; (s > ai) == (bi > 0) {
				return s, nil
			}
		case "-":
			if s := ai - bi; (s < ai) == (bi > 0) {
				return s, nil
			}
		case "*":
			if ai == 0 || bi == 0 {
				return 0, nil
			}
			if p := ai * bi; p/bi == ai && !(ai == -1 && bi == math.MinInt) {
				return p, nil
			}
		case "/":
			if bi == 0 {
				return nil, in.runtimeError(n, "System.Management.Automation.RuntimeException", "NotSpecified", "RuntimeException", "Attempted to divide by zero.")
			}
			if ai%bi == 0 {
				return ai / bi, nil
			}
		case "%":
			if bi == 0 {
				return nil, in.runtimeError(n, "System.Management.Automation.RuntimeException", "NotSpecified", "RuntimeException", "Attempted to divide by zero.")
			}
			return ai % bi, nil
		}
	}
	af, _ := toFloat(a)
	bf, _ := toFloat(b)
	switch op {
	case "+":
		return af + bf, nil
	case "-":
		return af - bf, nil
	case "*":
		return af * bf, nil
	case "/":
		if bf == 0 && aInt && bInt {
			return nil, in.runtimeError(n, "System.Management.Automation.RuntimeException", "NotSpecified", "RuntimeException", "Attempted to divide by zero.")
		}
		return af / bf, nil
	}
	return math.Mod(af, bf), nil
}

func opName(op string) string {
	return map[string]string{"+": "Addition", "-": "Subtraction", "*": "Multiply", "/": "Division", "%": "Modulus"}[op]
}

func (in *interp) rangeOp(n node, l, r Value) (Value, error) {
	a, err := toInt(l)
	if err != nil {
		return nil, in.convErr(n, err)
	}
	b, err := toInt(r)
	if err != nil {
		return nil, in.convErr(n, err)
	}
	if a < math.MinInt32 || a > math.MaxInt32 || b < math.MinInt32 || b > math.MaxInt32 {
		return nil, in.runtimeError(n, "System.Management.Automation.RuntimeException", "InvalidArgument", "RangeOperatorOverflow", "The range operator's operands must fit in System.Int32.")
	}
	count := b - a
	if count < 0 {
		count = -count
	}
	if err := in.checkLen(n, count+1); err != nil {
		return nil, err
	}
	out := make([]Value, 0, count+1)
	step := 1
	if b < a {
		step = -1
	}
	for i := a; ; i += step {
		out = append(out, i)
		if i == b {
			break
		}
	}
	return out, nil
}
