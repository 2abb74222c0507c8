package fault

import "github.com/exsim/exsim/sim/suggest"

// didYouMean suggests the closest fault verb.
func didYouMean(word string, candidates []string) string {
	return suggest.DidYouMean(word, candidates)
}
