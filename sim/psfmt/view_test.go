package psfmt_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/exsim/exsim/sim/psfmt"
)

func TestView(t *testing.T) {
	cases := []struct {
		name string
		cols []psfmt.ViewColumn
		rows [][]string
		want string
	}{
		{
			name: "a value longer than its column is cut to width-3 and ...",
			cols: []psfmt.ViewColumn{{Label: "DeliveryType", Width: 12}, {Label: "Status", Width: 6}},
			rows: [][]string{{"SmtpRelayToMailboxDeliveryGroup", "Ready"}, {"MapiDelivery", "Suspended"}},
			want: "DeliveryType Status\n" +
				"------------ ------\n" +
				"SmtpRelay... Ready\n" +
				"MapiDelivery Sus...\n",
		},
		{
			name: "a label longer than its column wraps onto a second header line; the underline is as wide as the column",
			cols: []psfmt.ViewColumn{{Label: "Name", Width: 8}, {Label: "CopyQueueLength", Width: 9}, {Label: "State", Width: 0}},
			rows: [][]string{{"DB1\\EX1", "0", "Healthy"}},
			want: "Name     CopyQueue State\n" +
				"         Length\n" +
				"----     --------- -----\n" +
				"DB1\\EX1  0         Healthy\n",
		},
		{
			name: "a column without a width is sized to its label and values; views align numbers left",
			cols: []psfmt.ViewColumn{{Label: "Id", Width: 0}, {Label: "MessageCount", Width: 0}},
			rows: [][]string{{"EX1\\Submission", "12"}},
			want: "Id             MessageCount\n" +
				"--             ------------\n" +
				"EX1\\Submission 12\n",
		},
		{
			name: "a right-aligned column pads on the left, its label too",
			cols: []psfmt.ViewColumn{{Label: "N", Width: 5, Right: true}, {Label: "X", Width: 2}},
			rows: [][]string{{"42", "a"}},
			want: "    N X\n" +
				"    - -\n" +
				"   42 a\n",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, psfmt.View(c.cols, c.rows))
		})
	}
}

// Columns that do not fit on the 119 characters of a line are left out from the
// right; a last column without a width gives up the excess first.
func TestViewLeavesOutColumnsThatDoNotFitTheLine(t *testing.T) {
	cols := []psfmt.ViewColumn{{Label: "A", Width: 60}, {Label: "B", Width: 60}, {Label: "C", Width: 10}}
	out := psfmt.View(cols, [][]string{{"a", "b", "c"}})
	require.Equal(t, "A\n-\na\n", out)
	cols = []psfmt.ViewColumn{{Label: "A", Width: 100}, {Label: "Rest"}}
	out = psfmt.View(cols, [][]string{{"a", strings.Repeat("x", 50)}})
	require.Contains(t, out, "a"+strings.Repeat(" ", 100)+strings.Repeat("x", 15)+"...\n")
}

func TestAutoSizeSizesEveryColumnToItsContentAndCutsNothing(t *testing.T) {
	cols := []psfmt.ViewColumn{{Label: "DeliveryType", Width: 12}, {Label: "Status", Width: 6}}
	require.Equal(t,
		"DeliveryType                    Status\n"+
			"------------                    ------\n"+
			"SmtpRelayToMailboxDeliveryGroup Suspended\n",
		psfmt.AutoSize(cols, [][]string{{"SmtpRelayToMailboxDeliveryGroup", "Suspended"}}))
}

// Whatever the cells, a view's lines fit the console line, carry no trailing
// spaces, and a cell is either whole or cut with "...".
func TestViewLinesFitTheConsoleProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 8).Draw(t, "cols")
		cols := make([]psfmt.ViewColumn, n)
		for i := range cols {
			cols[i] = psfmt.ViewColumn{Label: rapid.StringMatching(`[A-Za-z ]{1,30}`).Draw(t, "label"), Width: rapid.IntRange(0, 40).Draw(t, "w"), Right: rapid.Bool().Draw(t, "r")}
		}
		rows := rapid.SliceOfN(rapid.SliceOfN(rapid.StringMatching(`[a-zé0-9\\.]{0,60}`), n, n), 0, 5).Draw(t, "rows")
		for _, out := range []string{psfmt.View(cols, rows)} {
			for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
				if utf8.RuneCountInString(l) > psfmt.ConsoleWidth-1 {
					t.Fatalf("line of %d characters: %q", utf8.RuneCountInString(l), l)
				}
				if strings.HasSuffix(l, " ") {
					t.Fatalf("trailing space: %q", l)
				}
			}
		}
	})
}

// -Wrap keeps the view's widths and carries a long cell onto more lines, at a
// space where one fits.
func TestWrappedCarriesLongCellsOntoMoreLines(t *testing.T) {
	cols := []psfmt.ViewColumn{{Label: "Id", Width: 4}, {Label: "Subject", Width: 10}, {Label: "N"}}
	require.Equal(t,
		"Id   Subject    N\n"+
			"--   -------    -\n"+
			"EX1\\ Delivery   1\n"+
			"3    delayed:\n"+
			"     test\n",
		psfmt.Wrapped(cols, [][]string{{"EX1\\3", "Delivery delayed: test", "1"}}))
}
