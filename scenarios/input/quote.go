package input

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Quote quotes s for an error message, as Go does (control characters, tabs,
// invalid UTF-8 and other unprintable characters escaped: \t \x00 \u202e), and
// shortens it to its first max characters with an ellipsis and its length:
//
//	Quote("DB1", 40)                 "DB1"
//	Quote(strings.Repeat("a", 5000), 3) "aaa…" (5000 characters)
//
// A max below 1 does not shorten. An invalid byte counts as one character.
func Quote(s string, max int) string {
	n := utf8.RuneCountInString(s)
	if max < 1 || n <= max {
		return strconv.Quote(s)
	}
	cut := 0
	for range max {
		_, size := utf8.DecodeRuneInString(s[cut:])
		cut += size
	}
	q := strconv.Quote(s[:cut])
	return fmt.Sprintf("%s…\" (%d characters)", q[:len(q)-1], n)
}

// ValidString reports whether a decoded string value is valid UTF-8 without
// control characters other than tab and newline (YAML's escapes can put any
// character into a double-quoted string, and the reports print values raw). The
// error says which character, counted from 1.
func ValidString(s string) error {
	i := 0
	for off, r := range s {
		i++
		switch {
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[off:]); size == 1 {
				return fmt.Errorf("invalid UTF-8 (byte 0x%02X) at character %d", s[off], i)
			}
		case r == '\t' || r == '\n':
		case r < 0x20 || r >= 0x7F && r < 0xA0:
			return fmt.Errorf("control character %s at character %d; a string may hold tab and newline but no other control character", runeName(r), i)
		}
	}
	return nil
}
