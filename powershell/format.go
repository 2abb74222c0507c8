package powershell

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/exsim/exsim/sim/psfmt"
)

// formatted is the output of Format-Table / Format-List: text that the console
// and Out-String print as it is.
type formatted struct{ text string }

// console is Out-Default for one top-level statement: consecutive objects of the
// same shape share one table. Rows are held until something else is written (a
// scalar, Write-Host, an error, the end of the statement) so that column widths
// fit the rows, as the shell sizes columns from the first objects it sees; rows
// that come after that keep the widths already printed.
type console struct {
	in      *interp
	shape   string
	cols    []psfmt.Column
	widths  []int
	header  bool
	pending [][]string
	open    bool
	view    TableView // the open table's view; nil for a generated table
}

func (c *console) emit(v Value) error {
	if text := c.render(v); text != "" {
		c.in.write(StreamOutput, text)
	}
	return nil
}

// flush prints the rows held so far.
func (c *console) flush() string {
	if len(c.pending) == 0 {
		return ""
	}
	if c.view != nil {
		// A view's fixed widths hold for every row; rows after the header was
		// printed are laid out alike and printed without it.
		text := psfmt.View(c.view.columns(), c.pending)
		if c.header {
			text = strings.Join(strings.SplitAfter(text, "\n")[c.view.headerLines():], "")
		} else {
			text = "\n" + text
		}
		c.header, c.pending = true, nil
		return text
	}
	var b strings.Builder
	if !c.header {
		c.widths = make([]int, len(c.cols))
		for i, col := range c.cols {
			c.widths[i] = utf8.RuneCountInString(col.Name)
		}
		for _, r := range c.pending {
			for i := range c.cols {
				c.widths[i] = max(c.widths[i], utf8.RuneCountInString(r[i]))
			}
		}
		head := make([]string, len(c.cols))
		dash := make([]string, len(c.cols))
		for i, col := range c.cols {
			head[i] = col.Name
			dash[i] = strings.Repeat("-", utf8.RuneCountInString(col.Name))
		}
		b.WriteString("\n" + c.line(head) + c.line(dash))
		c.header = true
	}
	for _, r := range c.pending {
		b.WriteString(c.line(r))
	}
	c.pending = nil
	return b.String()
}

func (c *console) closeText() string {
	if !c.open {
		return ""
	}
	text := c.flush() + "\n"
	c.open, c.shape, c.header, c.view = false, "", false, nil
	return text
}

func (c *console) close() {
	if text := c.closeText(); text != "" {
		c.in.host.Write(StreamOutput, text)
		if c.in.transcript != "" {
			_ = c.in.host.WriteFile(c.in.transcript, text, true)
		}
	}
}

func (c *console) render(v Value) string {
	var b strings.Builder
	closeTable := func() { b.WriteString(c.closeText()) }
	switch x := v.(type) {
	case nil:
		return ""
	case formatted:
		closeTable()
		b.WriteString(x.text)
		return b.String()
	case []Value:
		for _, it := range x {
			b.WriteString(c.render(it))
		}
		return b.String()
	case *ArrayList:
		return c.render(x.items)
	case *PSObject:
		if len(x.view) > 0 {
			shape := "view|" + strings.Join(x.typeNames, ",")
			if !c.open || shape != c.shape {
				closeTable()
				c.open, c.shape, c.view = true, shape, x.view
			}
			c.pending = append(c.pending, x.view.cells(x))
			return b.String()
		}
		props := displayProps(x)
		if len(props) >= 5 {
			closeTable()
			b.WriteString("\n" + listText([]Value{x}, props) + "\n")
			return b.String()
		}
		shape := strings.Join(x.typeNames, ",") + "|" + strings.Join(props, ",")
		row := make([]string, len(props))
		for i, p := range props {
			pv, _ := x.Get(p)
			row[i] = cellText(pv)
		}
		if !c.open || shape != c.shape {
			closeTable()
			c.open, c.shape = true, shape
			c.cols = make([]psfmt.Column, len(props))
			for i, p := range props {
				pv, _ := x.Get(p)
				c.cols[i] = psfmt.Column{Name: p, Numeric: isNumber(pv)}
			}
		}
		c.pending = append(c.pending, row)
		return b.String()
	case *Hashtable:
		closeTable()
		b.WriteString("\n" + hashTableText(x) + "\n")
		return b.String()
	case *ErrorRecord:
		closeTable()
		return x.render()
	}
	closeTable()
	return scalarText(v) + "\n"
}

func (c *console) line(cells []string) string {
	var l strings.Builder
	for i, col := range c.cols {
		v := cells[i]
		pad := strings.Repeat(" ", max(0, c.widths[i]-utf8.RuneCountInString(v)))
		if i > 0 {
			l.WriteByte(' ')
		}
		if col.Numeric {
			l.WriteString(pad + v)
		} else {
			l.WriteString(v + pad)
		}
	}
	return strings.TrimRight(l.String(), " ") + "\n"
}

func isNumber(v Value) bool {
	switch v.(type) {
	case int, float64:
		return true
	}
	return false
}

// scalarText is how the console shows a value on its own line.
func scalarText(v Value) string {
	switch x := v.(type) {
	case time.Time:
		return x.Format("Monday, January 2, 2006 3:04:05 PM")
	case time.Duration:
		return durationList(x)
	case *typeValue:
		return typeFullName(x.name)
	}
	return toString(v)
}

func durationList(d time.Duration) string {
	fields := []psfmt.Field{}
	for _, n := range []string{"Days", "Hours", "Minutes", "Seconds", "Milliseconds", "Ticks", "TotalDays", "TotalHours", "TotalMinutes", "TotalSeconds", "TotalMilliseconds"} {
		fields = append(fields, psfmt.Field{Name: n, Value: toString(durationMember(d, strings.ToLower(n)))})
	}
	return "\n" + strings.TrimSuffix(psfmt.List([][]psfmt.Field{fields}), "\n") + "\n"
}

// cellText is a value inside a table cell or list line: collections as {a, b}.
func cellText(v Value) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []Value, *ArrayList:
		items := asList(x)
		var parts []string
		for i, it := range items {
			if i == 4 {
				parts = append(parts, "...")
				break
			}
			parts = append(parts, toString(it))
		}
		return psfmt.Collection(parts)
	case time.Time:
		return cultureDate(x)
	case *ScriptBlock:
		return x.text
	}
	return strings.ReplaceAll(toString(v), "\n", " ")
}

func displayProps(o *PSObject) []string {
	if len(o.display) > 0 {
		return o.display
	}
	return o.names
}

// propsFor expands Format-*/Select-Object property names, with * wildcards.
func propsFor(o *PSObject, want []string) []string {
	if len(want) == 0 {
		return displayProps(o)
	}
	var out []string
	for _, w := range want {
		if strings.ContainsAny(w, "*?[") {
			for _, n := range o.names {
				if wildcardMatch(w, n, false) && !contains(out, n) {
					out = append(out, n)
				}
			}
			continue
		}
		out = append(out, w)
	}
	return out
}

func listText(objs []Value, want []string) string {
	var blocks [][]psfmt.Field
	for _, v := range objs {
		var fields []psfmt.Field
		switch x := v.(type) {
		case *PSObject:
			for _, p := range propsFor(x, want) {
				pv, _ := x.Get(p)
				fields = append(fields, psfmt.Field{Name: p, Value: cellText(pv)})
			}
		case *Hashtable:
			for i := range x.keys {
				fields = append(fields, psfmt.Field{Name: "Name", Value: toString(x.keys[i])}, psfmt.Field{Name: "Value", Value: cellText(x.vals[i])})
			}
		default:
			blocks = append(blocks, []psfmt.Field{{Name: "Value", Value: scalarText(v)}})
			continue
		}
		blocks = append(blocks, fields)
	}
	return psfmt.List(blocks)
}

// TableView is a type's default table view, as a format.ps1xml TableControl gives
// it: the columns Out-Default and Format-Table print for its objects when no
// -Property is asked.
type TableView []ViewColumn

// ViewColumn is one column of a TableView: the property it prints and its label,
// width and alignment.
type ViewColumn struct {
	Property string
	psfmt.ViewColumn
}

// SetTableView gives the object its type's default table view.
func (o *PSObject) SetTableView(v TableView) *PSObject { o.view = v; return o }

func (v TableView) columns() []psfmt.ViewColumn {
	cols := make([]psfmt.ViewColumn, len(v))
	for i, c := range v {
		cols[i] = c.ViewColumn
	}
	return cols
}

func (v TableView) cells(o *PSObject) []string {
	row := make([]string, len(v))
	for i, c := range v {
		pv, _ := o.Get(c.Property)
		row[i] = cellText(pv)
	}
	return row
}

// headerLines is how many lines a view's header takes above its rows: the label
// lines and the underline (a long label wraps, psfmt.View).
func (v TableView) headerLines() int {
	return strings.Count(psfmt.View(v.columns(), nil), "\n")
}

// tableTextSized is Format-Table: the objects' view when no -Property is asked
// and they have one (its widths, sized to the content with -AutoSize, long cells
// wrapped with -Wrap), else a table of the properties.
func tableTextSized(objs []Value, want []string, autosize, wrap bool) string {
	if len(want) == 0 && len(objs) > 0 {
		if o, ok := objs[0].(*PSObject); ok && len(o.view) > 0 {
			var rows [][]string
			for _, v := range objs {
				if x, ok := v.(*PSObject); ok {
					rows = append(rows, o.view.cells(x))
				}
			}
			switch {
			case autosize:
				return psfmt.AutoSize(o.view.columns(), rows)
			case wrap:
				return psfmt.Wrapped(o.view.columns(), rows)
			}
			return psfmt.View(o.view.columns(), rows)
		}
	}
	return tableText(objs, want)
}

func tableText(objs []Value, want []string) string {
	var props []string
	for _, v := range objs {
		if o, ok := v.(*PSObject); ok {
			props = propsFor(o, want)
			break
		}
	}
	if props == nil {
		var b strings.Builder
		for _, v := range objs {
			if h, ok := v.(*Hashtable); ok {
				b.WriteString(hashTableText(h))
				continue
			}
			b.WriteString(scalarText(v) + "\n")
		}
		return b.String()
	}
	cols := make([]psfmt.Column, len(props))
	var rows [][]string
	for i, p := range props {
		cols[i] = psfmt.Column{Name: p}
	}
	for r, v := range objs {
		o, ok := v.(*PSObject)
		row := make([]string, len(props))
		for i, p := range props {
			if !ok {
				continue
			}
			pv, _ := o.Get(p)
			if r == 0 {
				cols[i].Numeric = isNumber(pv)
			}
			row[i] = cellText(pv)
		}
		rows = append(rows, row)
	}
	return psfmt.Table(cols, rows)
}

func hashTableText(h *Hashtable) string {
	var b strings.Builder
	b.WriteString("Name                           Value\n----                           -----\n")
	for i := range h.keys {
		k := toString(h.keys[i])
		pad := 31 - utf8.RuneCountInString(k)
		if pad < 1 {
			pad = 1
		}
		b.WriteString(strings.TrimRight(k+strings.Repeat(" ", pad)+cellText(h.vals[i]), " ") + "\n")
	}
	return b.String()
}

// outString is Out-String: the console rendering of objects as one string.
func (in *interp) formatDefault(vals []Value) string {
	c := &console{in: in}
	var b strings.Builder
	for _, v := range vals {
		b.WriteString(c.render(v))
	}
	b.WriteString(c.closeText())
	return b.String()
}
