package cmdlet

import "github.com/exsim/exsim/sim/suggest"

// Closest returns the candidate nearest to word, or false when none is close (see
// [suggest.Closest]): the suggestion behind every "did you mean" of the parser.
func Closest(word string, candidates []string) (string, bool) {
	return suggest.Closest(word, candidates)
}

func didYouMean(word string, candidates []string) string {
	return suggest.DidYouMean(word, candidates)
}
