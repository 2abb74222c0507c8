package transport

import (
	"strings"
	"testing"
)

// asciiFoldDiffers may only claim a difference that strings.EqualFold agrees with.
func TestASCIIFoldDiffersOnlyWhenEqualFoldDoes(t *testing.T) {
	names := []string{"", "a", "A", "EX1", "ex1", "EX2", "internet", "INTERNET", "k", "K", "\u212a", "s", "\u017f",
		"EXk", "EX\u212a", "ex\u212a", "é", "É", "EXé", "exÉ", "1", "x1", "X1"}
	for _, a := range names {
		for _, b := range names {
			if asciiFoldDiffers(a, b) && strings.EqualFold(a, b) {
				t.Errorf("asciiFoldDiffers(%q, %q) but EqualFold", a, b)
			}
			if !strings.EqualFold(a, b) && a != "" && b != "" && a[len(a)-1] < 0x80 && b[len(b)-1] < 0x80 &&
				strings.ToLower(a[len(a)-1:]) != strings.ToLower(b[len(b)-1:]) && !asciiFoldDiffers(a, b) {
				t.Errorf("asciiFoldDiffers(%q, %q) missed an ASCII difference at the end", a, b)
			}
		}
	}
}
