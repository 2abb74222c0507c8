package factstable

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite TESTING-FACTS.md")

const (
	root   = "../.."
	refDir = "../../../shared/reference"
	table  = "../../TESTING-FACTS.md"
)

// The committed table is what the tests and the reference files give (issue 24: the
// table is generated so it cannot drift).
func TestFactsTableIsCurrent(t *testing.T) {
	got, err := Generate(root, refDir)
	require.NoError(t, err)
	if *update {
		require.NoError(t, os.WriteFile(table, []byte(got), 0o644))
	}
	want, err := os.ReadFile(table)
	require.NoError(t, err, "run: go test ./scripts/factstable -run TestFactsTableIsCurrent -update")
	require.Equal(t, string(want), got, "TESTING-FACTS.md is stale; run: go test ./scripts/factstable -run TestFactsTableIsCurrent -update")
}

// The citation forms of the convention, and what each resolves to.
func TestCitationForms(t *testing.T) {
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref")
	require.NoError(t, os.MkdirAll(ref, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(ref, "exchange-transport.md"), []byte(
		"# Title\n## 1. One\n### 1.1 A\n### 1.2 B\n```\n# not a heading\n```\n## 2. Two\n## Conflicts\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(ref, "exchange-dag-components.md"), []byte("# T\n## 3. Three\n"), 0o644))
	src := `package x

import "testing"

// fact: exchange-transport.md §1.1 and §1.2
func TestA(t *testing.T) {}

// As exchange-transport.md 1.2.7 says (dag-components 3).
func TestB(t *testing.T) {
	// exchange-transport.md section 9
}

// exchange-transport.md §Conflicts, other.md 1.1
func helper() {}

func TestC(t *testing.T) {
	// fact: exchange-transport.md §Conflicts
}
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "x_test.go"), []byte(src), 0o644))
	secs, err := Sections(ref)
	require.NoError(t, err)
	require.Len(t, secs, 6)
	files := map[string]bool{"exchange-transport.md": true, "exchange-dag-components.md": true}
	cites, err := Citations(dir, files)
	require.NoError(t, err)
	var got []string
	for _, c := range cites {
		i := resolve(secs, c)
		where := "none"
		if i >= 0 {
			where = secs[i].File + " " + secs[i].Num + secs[i].Title
		}
		got = append(got, c.Test+" "+c.Ref+" -> "+where)
	}
	require.Equal(t, []string{
		"TestA 1.1 -> exchange-transport.md 1.1A",
		"TestA 1.2 -> exchange-transport.md 1.2B",
		"TestB 1.2.7 -> exchange-transport.md 1.2B",
		"TestB 3 -> exchange-dag-components.md 3Three",
		"TestB 9 -> none",
		"TestC Conflicts -> exchange-transport.md Conflicts",
	}, got)
}
