package cmdlet

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func whereArgs(t *testing.T, line string) map[string]Value {
	t.Helper()
	p, err := Parse("Get-Queue | " + line)
	require.NoError(t, err)
	spec, ok := Lookup(p[1].Name)
	require.True(t, ok)
	args, err := spec.Check(p[1], false)
	require.NoError(t, err)
	return args
}

// Where-Object's two forms (script block, simplified syntax) and its aliases where
// and ? (powershell-and-clixml.md A.8), with PowerShell's comparison rules: text
// case-insensitive unless C-prefixed, numbers compared as numbers, -like wildcards,
// -contains on collections, -and binding tighter than -or.
func TestWhereObjectScriptBlockAndSimplifiedSyntax(t *testing.T) {
	obj := map[string]string{"Status": "Retry", "MessageCount": "12", "Identity": `EX1\3`, "Recipients": "{a@x.com, b@x.com}", "Enabled": "True", "Empty": ""}
	get := func(p string) (string, bool) { v, ok := obj[p]; return v, ok }
	cases := []struct {
		line string
		want bool
	}{
		{`Where-Object {$_.Status -eq 'Retry'}`, true},
		{`Where-Object {$_.Status -eq 'retry'}`, true},
		{`Where-Object {$_.Status -ceq 'retry'}`, false},
		{`Where-Object {$_.MessageCount -gt 9}`, true},
		{`Where-Object {$_.MessageCount -gt 100}`, false},
		{`Where-Object {$_.MessageCount -ge 12 -and $_.Status -ne "Ready"}`, true},
		{`Where-Object {$_.Status -eq 'Ready' -or $_.MessageCount -lt 20}`, true},
		{`Where-Object {$_.Status -eq 'Ready' -or $_.MessageCount -lt 20 -and $_.Status -eq 'Ready'}`, false},
		{`Where-Object {$_.Identity -like 'ex1\*'}`, true},
		{`Where-Object {$_.Identity -notlike '*\Submission'}`, true},
		{`Where-Object {$_.Identity -match '^EX1\\\d$'}`, true},
		{`Where-Object {$_.Recipients -contains 'B@X.COM'}`, true},
		{`Where-Object {-not $_.Enabled}`, false},
		{`Where-Object {$_.Empty}`, false},
		{`Where-Object {$PSItem.Enabled -eq $true}`, true},
		{`Where-Object Status -EQ Retry`, true},
		{`where Status -NE Retry`, false},
		{`? MessageCount -LT 13`, true},
		{`? Enabled`, true},
		{`? Empty`, false},
		{`Where-Object -Property Status -Value Retry -EQ`, true},
		{`Where-Object Status -In 'Ready','Retry'`, true},
	}
	for _, c := range cases {
		t.Run(c.line, func(t *testing.T) {
			w, err := ParseWhere(whereArgs(t, c.line))
			require.NoError(t, err)
			require.Equal(t, c.want, w.Match(get))
		})
	}
}

func TestWhereObjectRefusesWhatItDoesNotSupportSayingWhatIs(t *testing.T) {
	for line, want := range map[string]string{
		`Where-Object {$_.Status -foo 1}`:           "does not support the operator -foo",
		`Where-Object {$_.A -eq $_.B}`:              "two properties",
		`Where-Object {Get-Date}`:                   "supported: $_.Property -op value",
		`Where-Object {$_.A -eq}`:                   "has no value",
		`Where-Object {$_.A -match '('}`:            "regular expression",
		`Where-Object Status Retry`:                 "needs an operator",
		`Where-Object`:                              "needs a script block",
		`Where-Object {$_.A -eq 1} -EQ`:             "not both",
		`Where-Object {$_.A -eq 1 -xor $_.B -eq 2}`: "-xor",
		`Where-Object {$_.A -eq 1 -and}`:            "missing",
	} {
		t.Run(line, func(t *testing.T) {
			_, err := ParseWhere(whereArgs(t, line))
			require.ErrorContains(t, err, want)
		})
	}
}

func TestWhereScriptWithAnUnterminatedStringIsAnError(t *testing.T) {
	_, err := parseWhereScript(`$_.A -eq 'x`)
	require.ErrorContains(t, err, "closing '")
}

func TestParseResultSizeTakesANumberOrUnlimited(t *testing.T) {
	n, err := ParseResultSize("unlimited")
	require.NoError(t, err)
	require.Equal(t, -1, n)
	n, err = ParseResultSize("25")
	require.NoError(t, err)
	require.Equal(t, 25, n)
	for _, bad := range []string{"0", "-3", "lots", ""} {
		_, err = ParseResultSize(bad)
		require.Error(t, err, bad)
	}
}

// A Where-Object script never panics the parser or the matcher.
func FuzzParseWhere(f *testing.F) {
	for _, s := range []string{`$_.Status -eq 'Retry'`, `-not $_.A -or $_.B -like '*[ab]?'`, `$_.A -match '\d+'`, `'unterminated`, `$_. -eq`, `!$_.X`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		w, err := ParseWhere(map[string]Value{"FilterScript": {Kind: Block, Str: src}})
		if err == nil {
			w.Match(func(string) (string, bool) { return "{a, b}", true })
			w.Match(func(string) (string, bool) { return "", false })
		}
	})
}
