// Package psfmt prints objects the way Windows PowerShell 5.1 (the Exchange Management
// Shell) prints them with Format-Table and Format-List. It knows nothing of Exchange:
// callers pass the property names and the values as text.
package psfmt

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Column is one Format-Table column. Numeric columns are right-aligned, header
// included, as PowerShell does for numbers.
type Column struct {
	Name    string
	Numeric bool
}

// Table renders rows under columns: a header line, a dash underline as long as each
// header, then one line per row; columns are separated by one space and padded to
// their widest cell; trailing spaces are trimmed.
func Table(cols []Column, rows [][]string) string {
	width := make([]int, len(cols))
	for i, c := range cols {
		width[i] = utf8.RuneCountInString(c.Name)
	}
	for _, r := range rows {
		for i := range cols {
			if i < len(r) {
				if n := utf8.RuneCountInString(r[i]); n > width[i] {
					width[i] = n
				}
			}
		}
	}
	var b strings.Builder
	line := func(cells []string) {
		var l strings.Builder
		for i, c := range cols {
			v := ""
			if i < len(cells) {
				v = cells[i]
			}
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(v))
			if i > 0 {
				l.WriteByte(' ')
			}
			if c.Numeric {
				l.WriteString(pad + v)
			} else {
				l.WriteString(v + pad)
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteByte('\n')
	}
	head := make([]string, len(cols))
	dash := make([]string, len(cols))
	for i, c := range cols {
		head[i] = c.Name
		dash[i] = strings.Repeat("-", utf8.RuneCountInString(c.Name))
	}
	line(head)
	line(dash)
	for _, r := range rows {
		line(r)
	}
	return b.String()
}

// Field is one property of a Format-List object.
type Field struct {
	Name, Value string
}

// List renders objects as Format-List does: one "Name : Value" line per property with
// the colons aligned across all objects, and a blank line between objects.
func List(objects [][]Field) string {
	w := 0
	for _, o := range objects {
		for _, f := range o {
			if n := utf8.RuneCountInString(f.Name); n > w {
				w = n
			}
		}
	}
	var b strings.Builder
	for i, o := range objects {
		if i > 0 {
			b.WriteByte('\n')
		}
		for _, f := range o {
			b.WriteString(f.Name)
			b.WriteString(strings.Repeat(" ", w-utf8.RuneCountInString(f.Name)))
			b.WriteString(" : ")
			b.WriteString(f.Value)
			b.WriteString("\n")
		}
	}
	return strings.ReplaceAll(b.String(), " \n", "\n")
}

// Collection renders a multi-valued property as PowerShell does: {a, b}.
func Collection(items []string) string {
	return "{" + strings.Join(items, ", ") + "}"
}

// TimeSpan prints a duration as .NET's TimeSpan.ToString() does, the way Format-List
// shows a TimeSpan property: [-][d.]hh:mm:ss[.fffffff], the fraction in 100 ns ticks
// and only when there is one (a 2010 Format-List: "MessageLatency : 00:00:00.5320000").
func TimeSpan(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	days := int64(d / (24 * time.Hour))
	d -= time.Duration(days) * 24 * time.Hour
	h, m, s := int64(d/time.Hour), int64(d/time.Minute)%60, int64(d/time.Second)%60
	out := sign
	if days > 0 {
		out += strconv.FormatInt(days, 10) + "."
	}
	out += fmt.Sprintf("%02d:%02d:%02d", h, m, s)
	if ticks := int64(d%time.Second) / 100; ticks > 0 {
		out += fmt.Sprintf(".%07d", ticks)
	}
	return out
}
