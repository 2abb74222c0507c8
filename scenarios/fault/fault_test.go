package fault

import (
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestParseReadsTheFaultGrammar(t *testing.T) {
	tests := []struct {
		line string
		want Fault
	}{
		{"crash FAB-RED-HUB1", Fault{Kind: Crash, Server: "FAB-RED-HUB1"}},
		{"crash FAB-RED-HUB1 lose-queue", Fault{Kind: Crash, Server: "FAB-RED-HUB1", LoseQueue: true}},
		{"  stop EX1  ", Fault{Kind: Stop, Server: "EX1"}},
		{"start EX1", Fault{Kind: Start, Server: "EX1"}},
		{`fail-copy DB1\EX2`, Fault{Kind: FailCopy, Database: "DB1", Server: "EX2"}},
		{"partition EX1,EX2 from EX3", Fault{Kind: Partition, A: []string{"EX1", "EX2"}, B: []string{"EX3"}}},
		{"partition Red, Blue from internet", Fault{Kind: Partition, A: []string{"Red", "Blue"}, B: []string{"internet"}}},
		{"heal", Fault{Kind: Heal}},
		{"disk EX2 queue 96%", Fault{Kind: Disk, Server: "EX2", Drive: "queue", Percent: 96}},
		{"disk EX2 data 100%", Fault{Kind: Disk, Server: "EX2", Drive: "data", Percent: 100}},
		{"memory EX1 95%", Fault{Kind: Memory, Server: "EX1", Percent: 95}},
		{"release EX1", Fault{Kind: Release, Server: "EX1"}},
		{"down mx1.fabrikam.net", Fault{Kind: Down, Host: "mx1.fabrikam.net"}},
		{"refuse mx1.fabrikam.net 451", Fault{Kind: Refuse, Host: "mx1.fabrikam.net", Code: 451}},
		{"up mx1.fabrikam.net", Fault{Kind: Up, Host: "mx1.fabrikam.net"}},
		{"fail-site Red", Fault{Kind: FailSite, Site: "Red"}},
		{"restore-site Red", Fault{Kind: RestoreSite, Site: "Red"}},
		{"partition-sites Red from Blue,Green", Fault{Kind: PartitionSites, A: []string{"Red"}, B: []string{"Blue", "Green"}}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			got, err := Parse(tt.line)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestParseErrorsPointAtTheWord(t *testing.T) {
	tests := []struct {
		line string
		pos  int
		msg  string
	}{
		{"", 0, "empty fault"},
		{"crsh EX1", 0, `unknown fault "crsh" (did you mean "crash"?)`},
		{"explode EX1", 0, `unknown fault "explode" (want one of crash, stop, start, fail-copy, partition, heal, disk, memory, release, down, refuse, up, fail-site, restore-site, partition-sites)`},
		{"refuse mx1 550", 11, `"550" is not a 4xx reply code`},
		{"refuse mx1", 10, "missing argument: want refuse HOST 4xx"},
		{"down", 4, "missing argument: want down HOST"},
		{"disk EX1 queue", 14, "missing argument: want disk SERVER queue|data N%"},
		{"disk EX1 queu 96%", 9, `unknown drive "queu" (did you mean "queue"?)`},
		{"disk EX1 queue 96", 15, `"96" is not a percentage`},
		{"disk EX1 queue 101%", 15, `"101%" is not a percentage`},
		{"memory EX1 -5%", 11, `"-5%" is not a percentage`},
		{"release", 7, "missing argument: want release SERVER"},
		{"fail-site", 9, "missing argument: want fail-site SITE"},
		{"restore-site Red Blue", 17, `unexpected "Blue"`},
		{"partition-sites Red Blue", 24, `missing "from"`},
		{"crash", 5, "missing argument: want crash SERVER [lose-queue]"},
		{"crash EX1 lose-queues", 10, `unexpected "lose-queues"`},
		{"stop EX1 EX2", 9, `unexpected "EX2"`},
		{"fail-copy DB1", 10, `"DB1" is not a database copy`},
		{"heal now", 5, `unexpected "now"`},
		{"partition EX1 EX2", 17, `missing "from"`},
		{"partition from EX2", 10, "a partition side is empty"},
		{"partition EX1 from", 18, "a partition side is empty"},
		{"partition EX1 EX2 from EX3", 10, "want a comma list"},
		{"partition EX1 from ex1", 10, `"EX1" is on both sides`},
		{"partition EX1,,EX2 from EX3", 14, "want a comma list"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			_, err := Parse(tt.line)
			var e *Error
			require.ErrorAs(t, err, &e)
			require.Contains(t, e.Msg, tt.msg)
			require.Equal(t, tt.pos, e.Pos, e.Msg)
		})
	}
}

func TestPrintedFaultParsesBackToItself(t *testing.T) {
	name := rapid.StringMatching(`[A-Za-z0-9][A-Za-z0-9-]{0,14}`).Filter(func(s string) bool {
		return s != "from" && s != "lose-queue"
	})
	rapid.Check(t, func(t *rapid.T) {
		f := Fault{Kind: Kind(rapid.IntRange(int(Crash), int(PartitionSites)).Draw(t, "kind"))}
		switch f.Kind {
		case Crash:
			f.LoseQueue = rapid.Bool().Draw(t, "lose")
			f.Server = name.Draw(t, "server")
		case Stop, Start:
			f.Server = name.Draw(t, "server")
		case FailCopy:
			f.Database, f.Server = name.Draw(t, "db"), name.Draw(t, "server")
		case Partition:
			f.A = []string{"a-" + name.Draw(t, "a")}
			f.B = []string{"b-" + name.Draw(t, "b"), "internet"}
		case Disk:
			f.Server, f.Drive = name.Draw(t, "server"), rapid.SampledFrom(Drives).Draw(t, "drive")
			f.Percent = rapid.IntRange(0, 100).Draw(t, "percent")
		case Memory:
			f.Server, f.Percent = name.Draw(t, "server"), rapid.IntRange(0, 100).Draw(t, "percent")
		case Release:
			f.Server = name.Draw(t, "server")
		case Down, Up:
			f.Host = name.Draw(t, "host")
		case Refuse:
			f.Host, f.Code = name.Draw(t, "host"), rapid.IntRange(400, 499).Draw(t, "code")
		case FailSite, RestoreSite:
			f.Site = name.Draw(t, "site")
		case PartitionSites:
			f.A = []string{"a-" + name.Draw(t, "a")}
			f.B = []string{"b-" + name.Draw(t, "b")}
		}
		got, err := Parse(f.String())
		require.NoError(t, err, f.String())
		require.Equal(t, f, got)
	})
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"crash A lose-queue", `fail-copy DB\S`, "partition A, B from C,internet", "heal", "start X", "fail-site Red", "partition-sites Red from Blue"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		ft, err := Parse(line)
		if err != nil {
			return
		}
		again, err := Parse(ft.String())
		require.NoError(t, err, "reparse of %q", ft.String())
		require.Equal(t, ft, again)
	})
}
