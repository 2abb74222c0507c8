package dag

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Database names are case-insensitive, as in Exchange, and lookupDB's kept answers
// never give one database for another: 200 databases share its 64 slots, so names
// collide, and each is asked for in turn, by its name, in upper case and again.
func TestDatabaseLookupIsCaseInsensitiveAndNeverAnswersForAnotherName(t *testing.T) {
	w := newWorld(t)
	for i := 1; i <= 8; i++ {
		require.NoError(t, w.o.AddServer(fmt.Sprintf("EX%d", i), "Red"))
	}
	var names []string
	for i := 1; i <= 200; i++ {
		name := fmt.Sprintf("DB%d", i)
		names = append(names, name)
		require.NoError(t, w.o.AddDatabase(name, []string{fmt.Sprintf("EX%d", 1+i%8)}))
	}
	for round := 0; round < 3; round++ {
		for i, name := range names {
			for _, asked := range []string{name, strings.ToUpper(name), strings.ToLower(name)} {
				server, mounted := w.o.ActiveCopy(asked)
				require.Equal(t, fmt.Sprintf("EX%d", 1+(i+1)%8), server, "%s asked as %s", name, asked)
				require.True(t, mounted)
			}
		}
	}
	server, mounted := w.o.ActiveCopy("")
	require.Empty(t, server)
	require.False(t, mounted)
	server, _ = w.o.ActiveCopy("DB201")
	require.Empty(t, server, "no such database")
}
