package cmdlet

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func str(s string) Value { return Value{Kind: String, Str: s} }

// clearPos zeroes offsets so tests and round trips compare structure only.
func clearPos(p Pipeline) Pipeline {
	out := make(Pipeline, len(p))
	for i, c := range p {
		c.Pos = 0
		args := make([]Arg, len(c.Args))
		for j, a := range c.Args {
			a.Pos = 0
			a.Value = clearValue(a.Value)
			args[j] = a
		}
		if len(args) == 0 {
			args = nil
		}
		c.Args = args
		out[i] = c
	}
	return out
}

func clearValue(v Value) Value {
	v.Pos = 0
	if v.List != nil {
		l := make([]Value, len(v.List))
		for i, e := range v.List {
			l[i] = clearValue(e)
		}
		v.List = l
	}
	return v
}

func TestParseReadsPowerShellArgumentMode(t *testing.T) {
	tests := []struct {
		name string
		line string
		want Pipeline
	}{
		{"named value and colon switch", "Dismount-Database -Identity DB1 -Confirm:$false",
			Pipeline{{Name: "Dismount-Database", Args: []Arg{{Name: "Identity", Value: str("DB1")}, {Name: "Confirm", Value: Value{Kind: Bool}, Colon: true}}}}},
		{"positional service name", "Restart-Service MSExchangeTransport",
			Pipeline{{Name: "Restart-Service", Args: []Arg{{Value: str("MSExchangeTransport")}}}}},
		{"Server\\Name identity stays one word", `Get-Queue FAB-RED-HUB1\DB1`,
			Pipeline{{Name: "Get-Queue", Args: []Arg{{Value: str(`FAB-RED-HUB1\DB1`)}}}}},
		{"single quotes with doubled quote", `Set-X -Comment 'it''s down'`,
			Pipeline{{Name: "Set-X", Args: []Arg{{Name: "Comment", Value: str("it's down")}}}}},
		{"double quotes with backtick escape", "Set-X -Comment \"a `\"b`\" c\"",
			Pipeline{{Name: "Set-X", Args: []Arg{{Name: "Comment", Value: str(`a "b" c`)}}}}},
		{"booleans and null, any case", "Set-X -A $TRUE -B $False -C $null",
			Pipeline{{Name: "Set-X", Args: []Arg{{Name: "A", Value: Value{Kind: Bool, Bool: true}}, {Name: "B", Value: Value{Kind: Bool}}, {Name: "C", Value: Value{Kind: Null}}}}}},
		{"comma list with spaces and quotes", "Format-Table Identity, 'Status',MessageCount",
			Pipeline{{Name: "Format-Table", Args: []Arg{{Value: Value{Kind: List, List: []Value{str("Identity"), str("Status"), str("MessageCount")}}}}}}},
		{"script block kept verbatim", "Get-Queue -Filter {Status -eq 'Retry' -and Count -gt 0}",
			Pipeline{{Name: "Get-Queue", Args: []Arg{{Name: "Filter", Value: Value{Kind: Block, Str: "Status -eq 'Retry' -and Count -gt 0"}}}}}},
		{"pipe into Format-List", "Get-ServerComponentState EX1 | Format-List",
			Pipeline{{Name: "Get-ServerComponentState", Args: []Arg{{Value: str("EX1")}}}, {Name: "Format-List"}}},
		{"switch then parameter", "Move-ActiveMailboxDatabase DB1 -SkipLagChecks -ActivateOnServer EX2",
			Pipeline{{Name: "Move-ActiveMailboxDatabase", Args: []Arg{{Value: str("DB1")}, {Name: "SkipLagChecks"}, {Name: "ActivateOnServer", Value: str("EX2")}}}}},
		{"negative number is a value", "Set-X -Count -5",
			Pipeline{{Name: "Set-X", Args: []Arg{{Name: "Count", Value: str("-5")}}}}},
		{"typographic dash and quotes pasted from a web page", "Set-X –Identity ‘EX1’",
			Pipeline{{Name: "Set-X", Args: []Arg{{Name: "Identity", Value: str("EX1")}}}}},
		{"time span value", "Set-TransportConfig -MaxAcknowledgementDelay 00:00:30",
			Pipeline{{Name: "Set-TransportConfig", Args: []Arg{{Name: "MaxAcknowledgementDelay", Value: str("00:00:30")}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.line)
			require.NoError(t, err)
			require.Equal(t, tt.want, clearPos(got))
		})
	}
}

func TestParseRecordsByteOffsets(t *testing.T) {
	p, err := Parse("Get-Queue -Server EX1 | Format-List")
	require.NoError(t, err)
	require.Equal(t, 0, p[0].Pos)
	require.Equal(t, 10, p[0].Args[0].Pos)
	require.Equal(t, 24, p[1].Pos)
	require.Equal(t, 18, p[0].Args[0].Value.Pos)
	l, err := Parse("Format-Table a, b")
	require.NoError(t, err)
	require.Equal(t, 13, l[0].Args[0].Value.Pos)
	require.Equal(t, 16, l[0].Args[0].Value.List[1].Pos)
}

func TestParseRejectsWhatAStepCannotBe(t *testing.T) {
	tests := []struct {
		line string
		pos  int
		msg  string
	}{
		{"", 0, "empty cmdlet line"},
		{"Get-Queue |", 11, "expected a cmdlet after '|'"},
		{"Get-Queue; Get-Message", 9, "one cmdlet per line"},
		{"Get-Queue -Identity 'abc", 20, "unterminated quoted string"},
		{`Get-Queue -Identity "abc`, 20, "unterminated quoted string"},
		{"Get-Queue -Filter {Status -eq 'Retry'", 18, "unterminated script block"},
		{"Get-Queue -Server $srv", 18, "variables are not supported"},
		{`Get-Queue -Server "$srv"`, 19, "variables are not expanded"},
		{"Get-Queue -Server (Get-X)", 18, "expressions are not supported"},
		{"GetQueue", 0, "is not a cmdlet name"},
		{"Get-Queue -Server:", 18, "missing a value after -Server:"},
		{"Get-Queue a,", 12, "missing a list element"},
		{"Get-Queue # comment", 10, "comments are not allowed"},
		{"Get-Queue -Ser.ver x", 14, "unexpected"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			_, err := Parse(tt.line)
			require.Error(t, err)
			var e *Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, tt.pos, e.Pos, e.Msg)
			require.Contains(t, e.Msg, tt.msg)
		})
	}
}

func TestParseRejectsOverlongLine(t *testing.T) {
	_, err := Parse("Get-Queue " + strings.Repeat("a", MaxLen))
	require.ErrorContains(t, err, "longer than")
}

// roundTrip checks that what Parse accepts prints to a line that parses back to
// the same pipeline.
func roundTrip(t require.TestingT, line string) {
	p, err := Parse(line)
	if err != nil {
		return
	}
	again, err := Parse(p.String())
	require.NoError(t, err, "reparse of %q (printed %q)", line, p.String())
	require.Equal(t, clearPos(p), clearPos(again), "printed %q", p.String())
}

func TestPrintedPipelineParsesBackToItself(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		word := rapid.SampledFrom([]string{"EX1", `DB1\EX2`, "a b", "it's", "-x", "$true", "'", "\"", "{", "a,b", "|", "#x", "@y", "", "–", "x`y", "00:00:30"})
		gen := rapid.Custom(func(t *rapid.T) Value {
			switch rapid.IntRange(0, 4).Draw(t, "kind") {
			case 0:
				return Value{Kind: Bool, Bool: rapid.Bool().Draw(t, "b")}
			case 1:
				return Value{Kind: Null}
			case 2:
				return Value{Kind: List, List: []Value{str(word.Draw(t, "l1")), str(word.Draw(t, "l2"))}}
			case 3:
				return Value{Kind: Block, Str: rapid.SampledFrom([]string{"Status -eq 'Retry'", "", "{a}"}).Draw(t, "blk")}
			}
			return str(word.Draw(t, "w"))
		})
		var p Pipeline
		for i := range rapid.IntRange(1, 3).Draw(t, "cmds") {
			c := Command{Name: rapid.SampledFrom([]string{"Get-Queue", "Format-List", "Set-X"}).Draw(t, "name")}
			for range rapid.IntRange(0, 4).Draw(t, "args") {
				a := Arg{Value: gen.Draw(t, "v")}
				if rapid.Bool().Draw(t, "named") {
					a.Name = rapid.SampledFrom([]string{"Identity", "Confirm", "A1"}).Draw(t, "pn")
					a.Colon = rapid.Bool().Draw(t, "colon")
				}
				c.Args = append(c.Args, a)
			}
			_ = i
			p = append(p, c)
		}
		got, err := Parse(p.String())
		require.NoError(t, err, p.String())
		require.Equal(t, clearPos(p), clearPos(got), p.String())
	})
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"Dismount-Database -Identity DB1 -Confirm:$false",
		`Get-Queue FAB-RED-HUB1\DB1 | Format-List`,
		"Get-Queue -Filter {Status -eq 'Retry'} | Format-Table Identity,Status -AutoSize",
		`Set-X -A "x ""y"" ` + "`$" + `z" -B 'it''s' -C a, b ,c`,
		"Set-X –Identity ‘EX1’ -N -5",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		roundTrip(t, line)
	})
}
