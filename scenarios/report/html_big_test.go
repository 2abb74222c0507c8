package report

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/sim/simtest"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// bigRuns are generated runs of 20,000 messages each: Exchange 2010 hubs with
// delayed acknowledgements and XSHADOW that lose a queue, and a day's DAG of eight
// Exchange 2016 servers, one of which crashes and loses its queue.
var bigRuns = map[string]string{
	"big-2010": `name: big-2010
description: Twenty thousand messages in an hour through two hubs, one of which fails.
version: Exchange2010SP1
duration: 1h
topology:
  servers:
    - {name: HUB1, roles: [HubTransport]}
    - {name: HUB2, roles: [HubTransport]}
    - {name: MBX1, roles: [Mailbox]}
  databases: [{name: DB1, copies: [MBX1]}]
  mailboxes: [{address: user1@contoso.com, database: DB1}, {address: user2@contoso.com, database: DB1}]
  internet: {inbound: [HUB1, HUB2]}
traffic:
  - {from: "*@fabrikam.net", to: "*@contoso.com", perHour: 20000}
steps:
  - {at: 10m, run: "Dismount-Database -Identity DB1 -Confirm:$false"}
  - {at: 20m, fault: "crash HUB1 lose-queue"}
  - {at: 25m, fault: "start HUB1"}
  - {at: 30m, run: "Mount-Database -Identity DB1"}
`,
	"big-2016": `name: big-2016
description: Twenty thousand internet messages over six hours into a DAG of eight servers; EX3 crashes and loses its queue.
version: Exchange2016
duration: 8h
topology:
  sites: [Site1]
  servers:
    - {name: EX1, site: Site1, roles: [Mailbox]}
    - {name: EX2, site: Site1, roles: [Mailbox]}
    - {name: EX3, site: Site1, roles: [Mailbox]}
    - {name: EX4, site: Site1, roles: [Mailbox]}
  dags:
    - {name: DAG1, members: [EX1, EX2, EX3, EX4], witness: FS1}
  databases:
    - {name: DB1, copies: [EX1, EX2]}
    - {name: DB2, copies: [EX2, EX3]}
    - {name: DB3, copies: [EX3, EX4]}
    - {name: DB4, copies: [EX4, EX1]}
  mailboxes:
    - {address: user1@contoso.com, database: DB1}
    - {address: user2@contoso.com, database: DB2}
    - {address: user3@contoso.com, database: DB3}
    - {address: user4@contoso.com, database: DB4}
  internet:
    inbound: {loadBalancer: [EX1, EX2, EX3, EX4], policy: roundRobin}
traffic:
  - {from: "*@fabrikam.net", to: "*@contoso.com", perHour: 3333, start: 0s, until: 6h}
steps:
  - {at: 2h, fault: "crash EX3 lose-queue"}
  - {at: 2h30m, fault: "start EX3"}
`,
}

func bigRun(t testing.TB, name string) *scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.Parse(name+".yaml", []byte(bigRuns[name]))
	require.NoError(t, err)
	return sc
}

// gzGolden compares page with the gzipped golden testdata/html/name.html.gz; -update
// rewrites it.
func gzGolden(t *testing.T, name, page string) {
	t.Helper()
	path := filepath.Join("testdata", "html", name+".html.gz")
	if simtest.Update() {
		var b bytes.Buffer
		z, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		_, _ = z.Write([]byte(page))
		require.NoError(t, z.Close())
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
		return
	}
	f, err := os.Open(path)
	require.NoError(t, err, "create it with -update")
	defer f.Close()
	z, err := gzip.NewReader(f)
	require.NoError(t, err)
	want, err := io.ReadAll(z)
	require.NoError(t, err)
	requireSamePage(t, name, string(want), page)
}

func requireSamePage(t *testing.T, name, want, got string) {
	t.Helper()
	if want == got {
		return
	}
	i := 0
	for i < min(len(want), len(got)) && want[i] == got[i] {
		i++
	}
	t.Fatalf("%s: the page differs at byte %d: %q, not %q", name, i, got[max(0, i-120):min(len(got), i+120)], want[max(0, i-120):min(len(want), i+120)])
}

func digest(s string) string { return fmt.Sprintf("%x", sha256.Sum256([]byte(s))) }

// masked is page with its journal positions replaced: a streamed run numbers the
// records it journals, not the protocol rows a whole journal also holds.
func masked(page string) string { return seqs.ReplaceAllString(page, "$1#\"") }

// The page of a big run, from its whole journal, is pinned byte for byte (these
// pages were made by the batch builder that read the whole journal, before the page
// was built as the run goes), and the streamed page of `exsim run --quiet --html`,
// which holds no journal, is the same page but for the journal positions.
func TestHTMLOfBigRunsMatchesGolden(t *testing.T) {
	for _, name := range []string{"big-2010", "big-2016"} {
		sc := bigRun(t, name)
		r, err := scenarios.Run(sc, scenarios.Options{})
		require.NoError(t, err)
		require.GreaterOrEqual(t, len(r.Verdict.Fates), 19000)
		page := pageOf(t, r)
		gzGolden(t, name, page)
		streamed, _ := streamedPage(t, sc, scenarios.Options{Outputs: scenarios.VerdictOutput})
		requireSamePage(t, name+" streamed", masked(page), masked(streamed))
	}
}

// Every built-in scenario's page, from its whole journal and streamed, is pinned by
// its digest: the page's and, journal positions masked, the streamed page's.
func TestHTMLOfBuiltinsMatchesDigests(t *testing.T) {
	list, err := scenarios.Builtins()
	require.NoError(t, err)
	var b strings.Builder
	for _, bi := range list {
		page := pageOf(t, runBuiltin(t, bi.Name))
		sc, err := scenarios.Open(bi.Name)
		require.NoError(t, err)
		streamed, _ := streamedPage(t, sc, scenarios.Options{Outputs: scenarios.VerdictOutput})
		fmt.Fprintf(&b, "%s %s %s\n", bi.Name, digest(page), digest(masked(streamed)))
	}
	goldenFile(t, "html-pages.sha256.golden", []byte(b.String()))
}

// Property: a series folded as its changes come is the series bucket draws from all
// of them, short (kept exactly) or long (one value per pixel column), with or
// without dropping changes to the value it already has.
func TestHTMLSeriesFoldsAsBucketDoes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		end := time.Duration(rapid.Int64Range(1, int64(48*time.Hour)).Draw(t, "end"))
		dedup := rapid.Bool().Draw(t, "dedup")
		n := rapid.SampledFrom([]int{10, maxSeries - 1, maxSeries, maxSeries + 1, 3 * maxSeries}).Draw(t, "changes")
		seed := rapid.Int64().Draw(t, "seed")
		rnd := rand.New(rand.NewSource(seed))
		s := newSeries(end, dedup)
		var all []depth // the changes as the batch builder listed them
		at := time.Duration(0)
		for i := 0; i < n; i++ {
			if rnd.Intn(4) > 0 {
				at += time.Duration(rnd.Int63n(int64(end)/int64(n)*3 + 1))
			}
			d := depth{At: at, Q: rnd.Intn(5), S: rnd.Intn(3)}
			s.note(d)
			if k := len(all); k > 0 && all[k-1].At == d.At {
				all[k-1] = d
			} else if !dedup || k == 0 || all[k-1].Q != d.Q || all[k-1].S != d.S {
				all = append(all, d)
			}
		}
		want := bucketFor(all, end)
		got := s.result()
		if len(want) != len(got) {
			t.Fatalf("%d points, want %d", len(got), len(want))
		}
		for i := range want {
			if want[i] != got[i] {
				t.Fatalf("point %d is %v, want %v", i, got[i], want[i])
			}
		}
	})
}
