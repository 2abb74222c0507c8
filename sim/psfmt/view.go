package psfmt

import (
	"strings"
	"unicode/utf8"
)

// ConsoleWidth is the width of the console buffer the shell formats for: the
// Windows console's default of 120 characters. Windows PowerShell 5.1 lays a table
// out in one character less (a line as wide as the buffer would wrap), so a table
// uses at most ConsoleWidth-1 characters.
const ConsoleWidth = 120

// ViewColumn is one column of a table view as a format.ps1xml TableColumnHeader
// gives it: a label, a width (0: none given) and an alignment. Views that give no
// Alignment align left, numbers included; only PowerShell's own generated tables
// right-align numbers (Column.Numeric).
type ViewColumn struct {
	Label string
	Width int
	Right bool
}

// View renders rows with a view's columns as Windows PowerShell 5.1's Format-Table
// does without -AutoSize:
//   - a column with a width keeps it; a column without one is as wide as its label
//     or its widest cell (5.1 sizes such columns from the objects it has collected;
//     PowerShell 4 and earlier shared the line among them instead); if the line is
//     then too long the last such column gives up the excess, down to its label;
//   - columns that still do not fit on the line are left out, from the right;
//   - a header label longer than its column wraps onto more header lines, cut at
//     the column width; the underline is as long as the label, at most the width;
//   - a cell longer than its column is cut to width-3 characters and "..." (5.1's
//     ellipsis; PowerShell 7 writes one "…" character);
//   - columns are separated by one space and trailing spaces are trimmed.
func View(cols []ViewColumn, rows [][]string) string {
	return layout(cols, viewWidths(cols, rows), rows, true)
}

func viewWidths(cols []ViewColumn, rows [][]string) []int {
	w := contentWidths(cols, rows)
	used, last := len(cols)-1, -1
	for i, c := range cols {
		if c.Width > 0 {
			w[i] = c.Width
		} else {
			last = i
		}
		used += w[i]
	}
	if over := used - (ConsoleWidth - 1); over > 0 && last >= 0 {
		w[last] = max(w[last]-over, utf8.RuneCountInString(cols[last].Label))
	}
	return fit(w)
}

// Wrapped renders rows as Format-Table -Wrap does: View's widths, but a cell longer
// than its column goes on over as many lines as it needs (cut at the last space
// that fits, else at the width) instead of being cut with "...".
func Wrapped(cols []ViewColumn, rows [][]string) string {
	w := viewWidths(cols, rows)
	var lines [][]string
	for _, r := range rows {
		pieces := make([][]string, len(w))
		n := 1
		for i := range w {
			v := ""
			if i < len(r) {
				v = r[i]
			}
			pieces[i] = wrapCell(v, w[i])
			n = max(n, len(pieces[i]))
		}
		for k := 0; k < n; k++ {
			line := make([]string, len(w))
			for i := range w {
				if k < len(pieces[i]) {
					line[i] = pieces[i][k]
				}
			}
			lines = append(lines, line)
		}
	}
	return layout(cols, w, lines, true)
}

// wrapCell cuts s into lines of at most width characters, at spaces where it can.
func wrapCell(s string, width int) []string {
	r := []rune(s)
	if width <= 0 || len(r) <= width {
		return []string{s}
	}
	var out []string
	for len(r) > width {
		cut := width
		for i := width; i > 0; i-- {
			if r[i] == ' ' {
				cut = i
				break
			}
		}
		out = append(out, strings.TrimRight(string(r[:cut]), " "))
		r = []rune(strings.TrimLeft(string(r[cut:]), " "))
	}
	if len(r) > 0 {
		out = append(out, string(r))
	}
	return out
}

// AutoSize renders rows as Format-Table -AutoSize does: every column as wide as its
// label or its widest cell, whatever width the view gives, so nothing is cut; the
// view's alignment is kept. Columns that do not fit on the line are left out, from
// the right, as without -AutoSize.
func AutoSize(cols []ViewColumn, rows [][]string) string {
	return layout(cols, fit(contentWidths(cols, rows)), rows, false)
}

func contentWidths(cols []ViewColumn, rows [][]string) []int {
	w := make([]int, len(cols))
	for i, c := range cols {
		w[i] = utf8.RuneCountInString(c.Label)
		for _, r := range rows {
			if i < len(r) {
				w[i] = max(w[i], utf8.RuneCountInString(r[i]))
			}
		}
	}
	return w
}

// fit drops the columns that do not fit on the line, from the right (one column
// always stays).
func fit(w []int) []int {
	total := 0
	for i, n := range w {
		if i > 0 {
			total++
		}
		total += n
		if total > ConsoleWidth-1 && i > 0 {
			return w[:i]
		}
	}
	return w
}

func layout(cols []ViewColumn, w []int, rows [][]string, cut bool) string {
	cols = cols[:len(w)]
	var b strings.Builder
	line := func(cells []string) {
		var l strings.Builder
		for i, c := range cols {
			if i > 0 {
				l.WriteByte(' ')
			}
			v := ""
			if i < len(cells) {
				v = cells[i]
			}
			if cut {
				v = truncate(v, w[i])
			}
			pad := strings.Repeat(" ", max(0, w[i]-utf8.RuneCountInString(v)))
			if c.Right {
				l.WriteString(pad + v)
			} else {
				l.WriteString(v + pad)
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteByte('\n')
	}
	// Header: each label cut into pieces of its column's width, one header line per
	// piece of the longest label.
	pieces := make([][]string, len(cols))
	lines := 1
	for i, c := range cols {
		pieces[i] = wrapLabel(c.Label, w[i])
		lines = max(lines, len(pieces[i]))
	}
	for n := 0; n < lines; n++ {
		cells := make([]string, len(cols))
		for i := range cols {
			if n < len(pieces[i]) {
				cells[i] = pieces[i][n]
			}
		}
		line(cells)
	}
	dash := make([]string, len(cols))
	for i, c := range cols {
		dash[i] = strings.Repeat("-", min(utf8.RuneCountInString(c.Label), w[i]))
	}
	line(dash)
	for _, r := range rows {
		line(r)
	}
	return b.String()
}

// truncate cuts s to width characters, the last three of them "...".
func truncate(s string, width int) string {
	r := []rune(s)
	if len(r) <= width {
		return s
	}
	if width <= 3 {
		return string(r[:width])
	}
	return string(r[:width-3]) + "..."
}

// wrapLabel cuts a header label into pieces of at most width characters.
func wrapLabel(label string, width int) []string {
	r := []rune(label)
	if width <= 0 || len(r) <= width {
		return []string{label}
	}
	var out []string
	for len(r) > width {
		out = append(out, strings.TrimRight(string(r[:width]), " "))
		r = []rune(strings.TrimLeft(string(r[width:]), " "))
	}
	if len(r) > 0 {
		out = append(out, string(r))
	}
	return out
}
