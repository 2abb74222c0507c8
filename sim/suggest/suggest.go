// Package suggest finds the valid word a user most likely meant, for the "did you
// mean" of every exsim error (scenario keys, servers, cmdlets, parameters, fault
// verbs, components). It knows nothing of Exchange.
package suggest

import (
	"fmt"
	"strings"
)

// Closest returns the candidate nearest to word by case-insensitive edit distance:
// Levenshtein counting a swap of two neighbours as one edit (since "rolse" is one
// typo of "roles"), and a leading abbreviation ("Hub" for "HubTransport") as one.
// It answers only within a third of the longer word's length (at least 1), so a typo
// gets a suggestion and nonsense gets none. Ties go to the earliest candidate.
func Closest(word string, candidates []string) (string, bool) {
	best, bestD := "", -1
	lw := strings.ToLower(word)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := Distance(lw, lc)
		if lw != "" && len(lw) < len(lc) && strings.HasPrefix(lc, lw) {
			d = min(d, 1)
		}
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD < 0 || bestD > max(1, max(len(word), len(best))/3) {
		return "", false
	}
	return best, true
}

// DidYouMean returns ` (did you mean "x"?)` for the closest candidate, or "".
func DidYouMean(word string, candidates []string) string {
	if c, ok := Closest(word, candidates); ok {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}

// Distance is the optimal-string-alignment distance between a and b (Levenshtein
// with adjacent transpositions), over runes.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1) // a transposition is one typo
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
