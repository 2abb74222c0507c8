package powershell

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var fuzzSeeds = []string{
	"Get-Queue –Server EX1 | Where-Object { $_.MessageCount -gt 0 }",
	"$a = 1,2,3; $a -eq 2; \"$($a.Count) items\"",
	"@\"\nhello $env:COMPUTERNAME\n\"@\n@'\nverbatim $x\n'@",
	"function f([int]$x = 5) { param() }",
	"[CmdletBinding()] param([Parameter(Mandatory=$true)][string]$Server, [switch]$Force)\nWrite-Host $Server",
	"switch -Wildcard ('abc') { 'a*' { 'yes'; break } default { 'no' } }",
	"try { throw 'x' } catch [System.Exception] { $_.Exception.Message } finally { 1 }",
	"do { $i++ } until ($i -ge 3); while ($true) { break }",
	":outer foreach ($x in 1..3) { foreach ($y in 1..3) { continue outer } }",
	"'{0:N2} {1,-5}|' -f 1234.5, 'ab'; 5GB / 1MB; 0x1F -band 3",
	"$h = @{ a = 1; 'b' = @(1, 2) }; $h.a; $h['b'][1]; $s = 'x'.ToUpper()",
	"Get-Date -Format 'yyyy-MM-dd'; Start-Sleep 1; timeout /t 5 /nobreak",
	"$x = `\n 1 + <# c #> 2 # comment",
	"& { param($a) $a * 2 } 3; . { $b = 1 }; Write-Output a$a a'$b' \"q\"",
	"‘smart’ + “quotes” —eq ‘x’",
	"${weird name} = 3; $script:y = $global:z; -not $true -and !$false",
	"1..5 | ForEach-Object -Begin { $s = 0 } -Process { $s += $_ } -End { $s }",
	"Get-Queue | select -First 2 Identity, @{n='C'; e={$_.MessageCount * 2}} | sort C -Descending | ft -AutoSize",
	"$null = Get-Queue -ErrorAction SilentlyContinue 2>&1 > $null",
}

// addSeeds adds the fixed seeds and every script of the corpus.
func addSeeds(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	files, _ := filepath.Glob("testdata/*/*.ps1")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(string(b))
		}
	}
}

// FuzzTokenize: the tokenizer never panics, in either mode, and always moves on.
func FuzzTokenize(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src string) {
		for _, mode := range []lexMode{modeExpr, modeCmd} {
			lx := newLexer("fuzz.ps1", src)
			for n := 0; n < 10000; n++ {
				at := lx.i
				tok, err := lx.next(mode)
				if err != nil || tok.kind == tEOF {
					break
				}
				if lx.i <= at {
					t.Fatalf("the lexer did not advance at offset %d", at)
				}
			}
		}
	})
}

// FuzzParse: the parser returns a script or an error with a position, never panics.
func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src string) {
		_, err := Parse("fuzz.ps1", src)
		if err != nil && strings.Contains(err.Error(), "too complex") && len(src) < 2000 {
			t.Fatalf("slow parse: %v", err)
		}
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("Parse returned %T: %v", err, err)
			}
		}
	})
}

// FuzzRun: a parsed script runs against the fake host within a small step budget
// without panicking, and twice gives the same transcript.
func FuzzRun(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src string) {
		s, err := Parse("fuzz.ps1", src)
		if err != nil {
			return
		}
		run := func() string {
			h := newFakeHost("y", "n", "EX2.contoso.com")
			_, err := Run(s, h, Options{Limits: Limits{Steps: 2000, Depth: 20, Items: 10000, StringLen: 1 << 16},
				Env: []NamedValue{{Name: "COMPUTERNAME", Value: "EX1"}}})
			out := h.transcript()
			if err != nil {
				out += "\nerror: " + err.Error()
			}
			if h.now.Sub(h.start) > 1000*time.Hour {
				t.Fatalf("simulated time ran away")
			}
			return out
		}
		if a, b := run(), run(); a != b {
			t.Fatalf("two runs differ:\n%s\n---\n%s", a, b)
		}
	})
}
