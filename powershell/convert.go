package powershell

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// convert is a cast or a typed variable's conversion ([int]"5", [datetime]"...").
func (in *interp) convert(n node, v Value, typ string) (Value, error) {
	fail := func(why string) error {
		return in.runtimeError(n, "System.Management.Automation.RuntimeException", "InvalidArgument", "InvalidCastFromStringToInteger",
			"%s", (&convError{v, typeFullName(typ), why}).Error())
	}
	t := strings.TrimPrefix(typ, "system.")
	if strings.HasSuffix(t, "[]") && t != "object[]" {
		elem := strings.TrimSuffix(t, "[]")
		var out []Value
		for _, it := range asList(v) {
			cv, err := in.convert(n, it, elem)
			if err != nil {
				return nil, err
			}
			out = append(out, cv)
		}
		if out == nil {
			out = []Value{}
		}
		return out, nil
	}
	if isCollection(v) && t != "array" && t != "object[]" && t != "object" && t != "string" && t != "bool" && t != "boolean" &&
		t != "collections.arraylist" && t != "collections.generic.list" && t != "void" && t != "psobject" {
		items := asList(v)
		if len(items) != 1 {
			return nil, fail("")
		}
		v = items[0]
	}
	switch t {
	case "int", "int32", "long", "int64", "byte", "uint32":
		if s, ok := v.(string); ok {
			if _, ok := parseNumber(s); !ok {
				return nil, fail("Input string was not in a correct format.")
			}
		}
		if tv, ok := v.(time.Time); ok {
			_ = tv
			return nil, fail("")
		}
		k, err := toInt(v)
		if err != nil {
			return nil, fail("Input string was not in a correct format.")
		}
		if (t == "int" || t == "int32") && (k > math.MaxInt32 || k < math.MinInt32) {
			return nil, fail("Value was either too large or too small for an Int32.")
		}
		return k, nil
	case "double", "decimal", "single", "float":
		f, err := toFloat(v)
		if err != nil {
			return nil, fail("Input string was not in a correct format.")
		}
		return f, nil
	case "string":
		if v == nil {
			return "", nil
		}
		return in.expandString(v), nil
	case "bool", "boolean", "switch", "management.automation.switchparameter":
		return truthy(v), nil
	case "char":
		switch x := v.(type) {
		case string:
			if utf8.RuneCountInString(x) == 1 {
				r, _ := utf8.DecodeRuneInString(x)
				return char(r), nil
			}
			return nil, fail("String must be exactly one character long.")
		case int:
			return char(rune(x)), nil
		case char:
			return x, nil
		}
		return nil, fail("")
	case "datetime":
		switch x := v.(type) {
		case time.Time:
			return x, nil
		case string:
			if d, ok := parseDate(x, in.now().Location()); ok {
				return d, nil
			}
			return nil, fail("String was not recognized as a valid DateTime.")
		}
		return nil, fail("")
	case "timespan":
		switch x := v.(type) {
		case time.Duration:
			return x, nil
		case int:
			return time.Duration(x) * 100, nil
		case string:
			if d, ok := parseTimeSpan(x); ok {
				return d, nil
			}
			return nil, fail("String was not recognized as a valid TimeSpan.")
		}
		return nil, fail("")
	case "array", "object[]":
		if v == nil {
			return nil, nil
		}
		return append([]Value{}, asList(v)...), nil
	case "collections.arraylist":
		return &ArrayList{items: append([]Value{}, asList(v)...)}, nil
	case "collections.generic.list":
		return &ArrayList{items: append([]Value{}, asList(v)...), generic: true}, nil
	case "hashtable", "collections.hashtable", "ordered":
		if h, ok := v.(*Hashtable); ok {
			return h, nil
		}
		return nil, fail("")
	case "pscustomobject", "management.automation.pscustomobject", "psobject", "management.automation.psobject":
		if h, ok := v.(*Hashtable); ok && t != "psobject" && t != "management.automation.psobject" {
			o := NewPSObject()
			for i := range h.keys {
				o.Set(toString(h.keys[i]), h.vals[i])
			}
			return o, nil
		}
		return v, nil
	case "object":
		return v, nil
	case "scriptblock":
		if sb, ok := v.(*ScriptBlock); ok {
			return sb, nil
		}
		return nil, fail("")
	case "void":
		return nil, nil
	case "regex":
		return toString(v), nil
	}
	return nil, in.unsupported(n, "conversion to [%s] is not supported", typ)
}

var dateLayouts = []string{
	"2006-01-02T15:04:05.9999999Z07:00", "2006-01-02T15:04:05.9999999", "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05",
	"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02", "1/2/2006 3:04:05 PM", "1/2/2006 3:04 PM", "1/2/2006 15:04:05",
	"1/2/2006 15:04", "1/2/2006", "01/02/2006 15:04:05", "2006/01/02 15:04:05", "2006/01/02", "15:04:05", "15:04", "3:04 PM", "3:04:05 PM",
	"January 2, 2006 3:04:05 PM", "January 2, 2006", "Monday, January 2, 2006 3:04:05 PM", "2 January 2006",
}

// parseDate reads the date forms of the invariant and en-US cultures; a time of
// day alone is today in the simulated clock's zone.
func parseDate(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func parseTimeSpan(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var days int64
	if i := strings.IndexByte(s, '.'); i >= 0 && i < strings.IndexByte(s+":", ':') {
		d, err := strconv.ParseInt(s[:i], 10, 64)
		if err != nil {
			return 0, false
		}
		days, s = d, s[i+1:]
	}
	parts := strings.Split(s, ":")
	if len(parts) == 1 {
		d, err := strconv.ParseInt(parts[0], 10, 64)
		if err != nil {
			return 0, false
		}
		return time.Duration(d) * 24 * time.Hour, true
	}
	if len(parts) > 3 {
		return 0, false
	}
	var total time.Duration
	units := []time.Duration{time.Hour, time.Minute}
	for i, p := range parts {
		if i == 2 {
			f, err := strconv.ParseFloat(p, 64)
			if err != nil || f >= 60 {
				return 0, false
			}
			total += time.Duration(f * float64(time.Second))
			continue
		}
		k, err := strconv.Atoi(p)
		if err != nil {
			return 0, false
		}
		total += time.Duration(k) * units[i]
	}
	total += time.Duration(days) * 24 * time.Hour
	if neg {
		total = -total
	}
	return total, true
}

// formatOp is -f: .NET composite formatting, {index[,alignment][:format]}.
func (in *interp) formatOp(n node, f string, r Value) (Value, error) {
	args := asList(r)
	if r != nil && !isCollection(r) {
		args = []Value{r}
	}
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c == '}' {
			if i+1 < len(f) && f[i+1] == '}' {
				i++
			}
			b.WriteByte('}')
			continue
		}
		if c != '{' {
			b.WriteByte(c)
			continue
		}
		if i+1 < len(f) && f[i+1] == '{' {
			b.WriteByte('{')
			i++
			continue
		}
		j := strings.IndexByte(f[i:], '}')
		if j < 0 {
			return nil, in.runtimeError(n, "System.FormatException", "NotSpecified", "FormatException", "Error formatting a string: Input string was not in a correct format..")
		}
		spec := f[i+1 : i+j]
		i += j
		format := ""
		if k := strings.IndexByte(spec, ':'); k >= 0 {
			spec, format = spec[:k], spec[k+1:]
		}
		align := 0
		if k := strings.IndexByte(spec, ','); k >= 0 {
			a, err := strconv.Atoi(strings.TrimSpace(spec[k+1:]))
			if err != nil {
				return nil, in.runtimeError(n, "System.FormatException", "NotSpecified", "FormatException", "Error formatting a string: Input string was not in a correct format..")
			}
			if abs(a) > in.lim.StringLen {
				return nil, in.limit(n, "a string longer than %d characters", in.lim.StringLen)
			}
			align, spec = a, spec[:k]
		}
		idx, err := strconv.Atoi(strings.TrimSpace(spec))
		if err != nil || idx < 0 {
			return nil, in.runtimeError(n, "System.FormatException", "NotSpecified", "FormatException", "Error formatting a string: Input string was not in a correct format..")
		}
		if idx >= len(args) {
			return nil, in.runtimeError(n, "System.FormatException", "NotSpecified", "FormatException",
				"Error formatting a string: Index (zero based) must be greater than or equal to zero and less than the size of the argument list..")
		}
		s := formatValue(args[idx], format)
		if pad := abs(align) - utf8.RuneCountInString(s); pad > 0 {
			if align > 0 {
				s = strings.Repeat(" ", pad) + s
			} else {
				s += strings.Repeat(" ", pad)
			}
		}
		b.WriteString(s)
		if b.Len() > in.lim.StringLen {
			return nil, in.limit(n, "a string longer than %d characters", in.lim.StringLen)
		}
	}
	return b.String(), nil
}

func abs(a int) int {
	if a < 0 {
		return -a
	}
	return a
}

// formatValue applies a .NET format string (N2, D3, F1, P0, X, yyyy-MM-dd, ...)
// with the en-US culture, the culture exsim assumes for the console.
func formatValue(v Value, format string) string {
	switch x := v.(type) {
	case time.Time:
		if format == "" {
			return cultureDate(x)
		}
		return formatDate(x, format)
	case time.Duration:
		if format == "" || format == "c" || format == "g" || format == "G" {
			return formatTimeSpan(x)
		}
		return formatTimeSpanCustom(x, format)
	case int, float64:
		if format == "" {
			return toString(x)
		}
		return formatNumber(x, format)
	}
	return toString(v)
}

// cultureDate is DateTime.ToString() in en-US: 12/1/2026 8:05:00 PM.
func cultureDate(t time.Time) string { return t.Format("1/2/2006 3:04:05 PM") }

func formatNumber(v Value, format string) string {
	f, _ := toFloat(v)
	kind := format[0]
	prec := -1
	if len(format) > 1 {
		if p, err := strconv.Atoi(format[1:]); err == nil && p >= 0 {
			prec = min(p, 99) // .NET's precision specifier tops out at 99
		} else {
			return customNumber(f, format)
		}
	}
	switch kind {
	case 'N', 'n':
		if prec < 0 {
			prec = 2
		}
		return group(strconv.FormatFloat(roundAway(f, prec), 'f', prec, 64))
	case 'F', 'f':
		if prec < 0 {
			prec = 2
		}
		return strconv.FormatFloat(roundAway(f, prec), 'f', prec, 64)
	case 'D', 'd':
		i, ok := v.(int)
		if !ok {
			return toString(v)
		}
		s := strconv.Itoa(abs(i))
		if len(s) < prec {
			s = strings.Repeat("0", prec-len(s)) + s
		}
		if i < 0 {
			s = "-" + s
		}
		return s
	case 'P', 'p':
		if prec < 0 {
			prec = 2
		}
		return group(strconv.FormatFloat(roundAway(f*100, prec), 'f', prec, 64)) + " %"
	case 'X', 'x':
		i, ok := v.(int)
		if !ok {
			return toString(v)
		}
		s := strconv.FormatUint(uint64(i), 16)
		if i < 0 {
			s = strconv.FormatUint(uint64(uint32(i)), 16)
		}
		if kind == 'X' {
			s = strings.ToUpper(s)
		}
		if len(s) < prec {
			s = strings.Repeat("0", prec-len(s)) + s
		}
		return s
	case 'G', 'g':
		return toString(v)
	case 'E', 'e':
		if prec < 0 {
			prec = 6
		}
		s := strconv.FormatFloat(f, 'e', prec, 64)
		m, e, _ := strings.Cut(s, "e")
		sign := e[0]
		e = strings.TrimLeft(e[1:], "0")
		for len(e) < 3 {
			e = "0" + e
		}
		out := m + "e" + string(sign) + e
		if kind == 'E' {
			out = strings.ToUpper(out)
		}
		return out
	}
	return customNumber(f, format)
}

// roundAway rounds half away from zero, as .NET's numeric format strings do.
func roundAway(f float64, prec int) float64 {
	p := math.Pow(10, float64(prec))
	return math.Round(f*p) / p
}

func group(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if hasFrac {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// customNumber handles the common custom numeric formats: 0, #, ',', '.', '%'.
func customNumber(f float64, format string) string {
	suffix := ""
	if strings.HasSuffix(format, "%") {
		f *= 100
		suffix = "%"
		format = strings.TrimSuffix(format, "%")
	}
	intFmt, fracFmt, _ := strings.Cut(format, ".")
	if strings.ContainsAny(intFmt+fracFmt, "0#,") == false {
		return format
	}
	minFrac := strings.Count(fracFmt, "0")
	maxFrac := minFrac + strings.Count(fracFmt, "#")
	s := strconv.FormatFloat(roundAway(f, maxFrac), 'f', maxFrac, 64)
	if maxFrac > minFrac {
		intS, fr, _ := strings.Cut(s, ".")
		for len(fr) > minFrac && strings.HasSuffix(fr, "0") {
			fr = fr[:len(fr)-1]
		}
		s = intS
		if fr != "" {
			s += "." + fr
		}
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intS, fr, hasFr := strings.Cut(s, ".")
	minInt := strings.Count(intFmt, "0")
	for len(intS) < minInt {
		intS = "0" + intS
	}
	if minInt == 0 && intS == "0" {
		intS = ""
	}
	if strings.Contains(intFmt, ",") {
		intS = group(intS)
	}
	s = intS
	if hasFr {
		s += "." + fr
	}
	if neg {
		s = "-" + s
	}
	return s + suffix
}

// formatDate applies .NET standard (d, D, t, T, g, G, s, u, o, f, F) and custom
// (yyyy MM dd HH hh mm ss fff tt ddd dddd MMM MMMM) date formats, en-US.
func formatDate(t time.Time, f string) string {
	switch f {
	case "d":
		return t.Format("1/2/2006")
	case "D":
		return t.Format("Monday, January 2, 2006")
	case "t":
		return t.Format("3:04 PM")
	case "T":
		return t.Format("3:04:05 PM")
	case "g":
		return t.Format("1/2/2006 3:04 PM")
	case "G":
		return cultureDate(t)
	case "f":
		return t.Format("Monday, January 2, 2006 3:04 PM")
	case "F":
		return t.Format("Monday, January 2, 2006 3:04:05 PM")
	case "s":
		return t.Format("2006-01-02T15:04:05")
	case "u":
		return t.Format("2006-01-02 15:04:05Z")
	case "o", "O":
		return t.Format("2006-01-02T15:04:05.0000000-07:00")
	case "M", "m":
		return t.Format("January 2")
	case "Y", "y":
		return t.Format("January 2006")
	}
	return formatRuns(f, true, func(b *strings.Builder, c rune, k int) bool {
		switch c {
		case 'y':
			y := t.Year()
			switch {
			case k <= 2:
				s := strconv.Itoa(y % 100)
				if k == 2 && len(s) < 2 {
					s = "0" + s
				}
				b.WriteString(s)
			default:
				b.WriteString(pad(y, k))
			}
		case 'M':
			switch k {
			case 1:
				b.WriteString(strconv.Itoa(int(t.Month())))
			case 2:
				b.WriteString(pad(int(t.Month()), 2))
			case 3:
				b.WriteString(t.Month().String()[:3])
			default:
				b.WriteString(t.Month().String())
			}
		case 'd':
			switch k {
			case 1:
				b.WriteString(strconv.Itoa(t.Day()))
			case 2:
				b.WriteString(pad(t.Day(), 2))
			case 3:
				b.WriteString(t.Weekday().String()[:3])
			default:
				b.WriteString(t.Weekday().String())
			}
		case 'H':
			b.WriteString(padK(t.Hour(), k))
		case 'h':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			b.WriteString(padK(h, k))
		case 'm':
			b.WriteString(padK(t.Minute(), k))
		case 's':
			b.WriteString(padK(t.Second(), k))
		case 'f', 'F':
			frac := strconv.Itoa(t.Nanosecond() + 1e9)[1:]
			if k > 7 {
				k = 7
			}
			s := frac[:k]
			if c == 'F' {
				s = strings.TrimRight(s, "0")
			}
			b.WriteString(s)
		case 't':
			ampm := "AM"
			if t.Hour() >= 12 {
				ampm = "PM"
			}
			if k == 1 {
				ampm = ampm[:1]
			}
			b.WriteString(ampm)
		case 'z':
			_, off := t.Zone()
			sign := "+"
			if off < 0 {
				sign, off = "-", -off
			}
			switch k {
			case 1:
				b.WriteString(sign + strconv.Itoa(off/3600))
			case 2:
				b.WriteString(sign + pad(off/3600, 2))
			default:
				b.WriteString(sign + pad(off/3600, 2) + ":" + pad(off%3600/60, 2))
			}
		default:
			return false
		}
		return true
	})
}

// formatRuns walks a .NET custom format string: each run of one character is a field
// that field writes (it returns false for a character that is no field, written as it
// stands); a backslash escapes the next character and, with quotes, '...' and "..."
// are literal text. DateTime and TimeSpan custom formats share it.
func formatRuns(f string, quotes bool, field func(b *strings.Builder, c rune, k int) bool) string {
	var b strings.Builder
	rs := []rune(f)
	for i := 0; i < len(rs); {
		c := rs[i]
		j := i
		for j < len(rs) && rs[j] == c {
			j++
		}
		switch {
		case c == '\\':
			if i+1 < len(rs) {
				b.WriteRune(rs[i+1])
			}
			j = min(i+2, len(rs))
		case quotes && (c == '\'' || c == '"'):
			end := i + 1
			for end < len(rs) && rs[end] != c {
				end++
			}
			b.WriteString(string(rs[i+1 : min(end, len(rs))]))
			j = min(end+1, len(rs))
		case !field(&b, c, j-i):
			b.WriteString(string(rs[i:j]))
		}
		i = j
	}
	return b.String()
}

func pad(n, k int) string {
	s := strconv.Itoa(n)
	for len(s) < k {
		s = "0" + s
	}
	return s
}

func padK(n, k int) string {
	if k >= 2 {
		return pad(n, 2)
	}
	return strconv.Itoa(n)
}

func formatTimeSpanCustom(d time.Duration, f string) string {
	return formatRuns(f, false, func(b *strings.Builder, c rune, k int) bool {
		switch c {
		case 'd':
			b.WriteString(pad(int(d/(24*time.Hour)), k))
		case 'h':
			b.WriteString(pad(int(d/time.Hour)%24, k))
		case 'm':
			b.WriteString(pad(int(d/time.Minute)%60, k))
		case 's':
			b.WriteString(pad(int(d/time.Second)%60, k))
		default:
			return false
		}
		return true
	})
}
