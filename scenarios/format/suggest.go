package format

import (
	"fmt"

	"github.com/exsim/exsim/scenarios/cmdlet"
)

// closest returns the candidate nearest to word (case-insensitive Levenshtein,
// within a third of the longer word's length), so "FAB-RED-HUB3" suggests
// "FAB-RED-HUB1" and "xyz" suggests nothing. The cmdlet package owns the
// algorithm so parameter and cmdlet suggestions agree with ours.
func closest(word string, candidates []string) (string, bool) {
	return cmdlet.Closest(word, candidates)
}

// didYouMean returns ` (did you mean "x"?)` or "".
func didYouMean(word string, candidates []string) string {
	if c, ok := closest(word, candidates); ok {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}
