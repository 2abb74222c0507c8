package smtp

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// fact: exchange-transport.md §5: a reply's first digit is its class (RFC 5321
// §4.2.1): 2yz and 3yz positive, 4yz transient negative (the sender keeps the message
// and retries), 5yz permanent negative (no retry, an NDR); each class is exactly its
// hundred, so the codes at both ends of each class belong to it and no other.
func TestReplyClassIsTheFirstDigitOfItsCode(t *testing.T) {
	for _, c := range []struct {
		code                           int
		positive, transient, permanent bool
	}{
		{199, false, false, false}, {200, true, false, false}, {399, true, false, false},
		{400, false, true, false}, {499, false, true, false},
		{500, false, false, true}, {599, false, false, true}, {600, false, false, false},
	} {
		r := Reply{Code: c.code}
		require.Equal(t, c.positive, r.Positive(), "%d positive", c.code)
		require.Equal(t, c.transient, r.Transient(), "%d transient", c.code)
		require.Equal(t, c.permanent, r.Permanent(), "%d permanent", c.code)
	}
}
