package cmdlet

import (
	"strings"
	"time"
)

// dateLayouts are the forms a [DateTime] parameter takes on an en-US Exchange
// Management Shell: PowerShell binds a string to [DateTime] with the current culture
// (en-US: month first, 12-hour clock with AM/PM or 24-hour), and also takes the
// culture-independent ISO 8601 forms. Microsoft's Get-MessageTrackingLog examples
// write "09/28/2018 17:00:00"; seed 003 writes "8/27/2016 10:45:00 PM". Times are
// taken as UTC (the simulation's clock).
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
	"1/2/2006 3:04:05 PM",
	"1/2/2006 3:04 PM",
	"1/2/2006 15:04:05",
	"1/2/2006 15:04",
	"1/2/2006",
}

// DateFormsSupported names the accepted forms, for errors.
const DateFormsSupported = `M/d/yyyy h:mm:ss tt ("8/27/2016 10:45:00 PM"), M/d/yyyy HH:mm:ss, M/d/yyyy, yyyy-MM-dd[ HH:mm:ss] or RFC 3339`

// ParseDateTime reads a [DateTime] argument in one of the en-US shell's forms; ok is
// false when s is none of them (or is not a real date, such as 9999-99-99).
func ParseDateTime(s string) (t time.Time, ok bool) {
	s = strings.TrimSpace(s)
	for _, layout := range dateLayouts {
		// Go's "1" and "2" also read two digits, and "3" reads 1-12 ("03" too)
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, true
		}
		if strings.Contains(layout, "PM") {
			if t, err := time.ParseInLocation(strings.Replace(layout, "PM", "pm", 1), s, time.UTC); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}
