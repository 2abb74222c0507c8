package powershell

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// run parses and runs src against the fake host and returns the console text.
func run(t *testing.T, src string, answers ...string) (string, Result, error) {
	t.Helper()
	s, err := Parse("test.ps1", src)
	require.NoError(t, err)
	h := newFakeHost(answers...)
	res, err := Run(s, h, Options{Path: `C:\scripts\test.ps1`, Env: []NamedValue{{Name: "COMPUTERNAME", Value: "EX1"}, {Name: "USERNAME", Value: "admin"}},
		Limits: Limits{Steps: 100000}})
	return h.transcript(), res, err
}

func TestSemantics(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		// Argument mode (about_Parsing examples).
		{"argument mode: 2+2 is a string", `$a = 4; Write-Output 2+2 (2+2) $a+2 a$a a'$a' a"$a" a$(2) 2`, "2+2\n4\n4+2\na4\na$a\na4\na2\n2\n"},
		{"bare words are strings", `Write-Output EX01\Submission Draining *.contoso.com`, "EX01\\Submission\nDraining\n*.contoso.com\n"},
		{"en dash and em dash work as '-'", "Write-Output (5 –gt 3) (2 —eq 2)", "True\nTrue\n"},
		{"smart quotes are quotes", "Write-Output ‘it''s’ “say \"\"hi\"\"” ‘a’’b’", "it's\nsay \"hi\"\na’b\n"},
		{"backtick escapes and continuation", "Write-Output \"a`tb\" `\n  \"c`$d\"", "a\tb\nc$d\n"},
		{"here-strings", "$n = 'x'\n@\"\nval $n\n\"q\"\n\"@\n@'\nval $n\n'@", "val x\n\"q\"\nval $n\n"},
		{"numbers with multipliers", `5GB / 1MB; 1kb; 0x1F; 1.5e3; 10l`, "5120\n1024\n31\n1500\n10\n"},
		{"variables are case-insensitive", `$Server = 'EX1'; $SERVER; ${server}`, "EX1\nEX1\n"},
		// String expansion.
		{"string expansion: only the name is expanded", `$a = 100,200; ">$a.Length<"; ">$($a.Length)<"; ">$a[0]<"`, ">100 200.Length<\n>2<\n>100 200[0]<\n"},
		{"subexpression with member access", `$q = [pscustomobject]@{Name='EX1'; Count=3}; "$($q.Name) has $($q.Count)"`, "EX1 has 3\n"},
		{"env variables", `"on $env:COMPUTERNAME"; $env:X = 'y'; $env:x`, "on EX1\ny\n"},
		// Operators on collections.
		{"comparison filters a collection", `1,2,3 -eq 2; 'abc','def' -ne 'abc'; (1,2,3 -gt 5).Count`, "2\ndef\n0\n"},
		{"containment returns a boolean", `1,2,3 -contains 2; 2 -in 1,2,3; 'EX1' -notin 'ex1','ex2'`, "True\nTrue\nFalse\n"},
		{"comparison is case-insensitive unless c-prefixed", `'ABC' -eq 'abc'; 'ABC' -ceq 'abc'; 'ABC' -ieq 'abc'`, "True\nFalse\nTrue\n"},
		{"right side converted to the left side's type", `1 -eq '1.0'; '1.0' -eq 1`, "True\nFalse\n"},
		{"null on the left", `$null -eq $x; $a = 1,$null,2; ($a -ne $null).Count`, "True\n2\n"},
		{"like and match", `'EX01\Submission' -like 'ex01\*'; 'Version 15.2 (Build 986.5)' -match '^Version (\d+)\.(\d+)'; $Matches[1]; $Matches[2]`, "True\nTrue\n15\n2\n"},
		{"match on a collection does not set matches", `$Matches = $null; ('a1','b2' -match '\d').Count; $null -eq $Matches`, "2\nTrue\n"},
		{"replace split join", `'a.b.c' -replace '\.', '-'; ('a,b,,c' -split ',').Count; (1,2,3) -join '+'; -split ' a  b '; 'x' -replace '(x)', '[$1]'`, "a-b-c\n4\n1+2+3\na\nb\n[x]\n"},
		{"member enumeration", `$dbs = @([pscustomobject]@{DatabaseName='DB1'; Status='Mounted'}, [pscustomobject]@{DatabaseName='DB2'; Status='Healthy'}); $dbs.DatabaseName; $dbs.databasename.Count`, "DB1\nDB2\n2\n"},
		{"if on a filtered collection", `$s = 'Mounted','Healthy'; if ($s -eq 'Mounted') { 'some' }; if ($s -eq 'Failed') { 'none' } else { 'no match' }`, "some\nno match\n"},
		{"arithmetic: leftmost operand decides", `'file' + 1; 1 + '2'; @(1,2) + 3; 'ab' * 3; 7 / 2; 6 / 3; [int](5/2); [int](7/2)`, "file1\n3\n1\n2\n3\nababab\n3.5\n2\n2\n4\n"},
		{"doubles print like .NET Framework", `0.1 + 0.2; 1/3; 1e20; [double]5`, "0.3\n0.333333333333333\n1E+20\n5\n"},
		{"logical operators and precedence", `-not $false -eq $true; $true -and $false -or $true; 1 -gt 0 -xor 1 -gt 0; !$null`, "True\nTrue\nFalse\nTrue\n"},
		{"format operator", `'{0,5}|{1,-4}|{2:N2}|{3:D3}|{4:P0}|{{x}}' -f 7, 'ab', 1234.567, 5, 0.25`, "    7|ab  |1,234.57|005|25 %|{x}\n"},
		{"type operators and casts", `5 -is [int]; '5' -is [int]; [int]'42' + 1; [string]7 + 1; '12' -as [int]; [bool]'False'; ([datetime]'2026-03-14 20:30').Hour`, "True\nFalse\n43\n71\n12\nTrue\n20\n"},
		{"ranges and indexing", `$a = 1..5; $a[0]; $a[-1]; $a[1..2] -join ','; (10..8) -join ','`, "1\n5\n2,3\n10,9,8\n"},
		{"hashtables", `$h = @{ b = 2; a = 1 }; $h.a + $h['B']; $h.Count; $h.Keys -join ','; $h.c = 3; $h.ContainsKey('C')`, "3\n2\nb,a\nTrue\n"},
		{"assignment operators", `$x = 5; $x += 2; $x *= 3; $x -= 1; $x /= 4; $x; $s = 'a'; $s += 'b'; $s; $l = @(); $l += 1; $l += 2; $l.Count; $i = 0; $i++; ++$i; $i`, "5\nab\n2\n2\n"},
		{"typed variables keep their type", `[int]$n = '8'; $n + 1; [string]$w = 2; $w += 10; $w`, "9\n210\n"},
		{"multiple assignment", `$a, $b, $c = 1, 2, 3, 4; $a; $c -join ','`, "1\n3,4\n"},
		{"methods on strings and dates", `'ex1.contoso.com'.ToUpper().Split('.')[0]; ' x '.Trim() + '|'; 'abc'.Substring(1, 1); (Get-Date).AddMinutes(90).ToString('HH:mm'); 'a-b'.Replace('-', '+')`, "EX1\nx|\nb\n21:30\na+b\n"},
		// Statements.
		{"while and do loops", `$i = 0; while ($i -lt 3) { $i++ }; $i; do { $i-- } while ($i -gt 0); $i; do { $i++ } until ($i -ge 2); $i`, "3\n0\n2\n"},
		{"for loop", `for ($i = 0; $i -lt 3; $i++) { "i$i" }`, "i0\ni1\ni2\n"},
		{"foreach keeps the last value", `foreach ($x in 1,2,3) { }; $x; foreach ($y in $null) { 'never' }`, "3\n"},
		{"switch runs every matching clause", "switch (3) { 3 { 'three' } { $_ -gt 2 } { 'big' } default { 'other' } }", "three\nbig\n"},
		{"switch -wildcard and -regex with break", "switch -Wildcard ('EX01') { 'EX*' { 'ex'; break } '*01' { 'one' } }; switch -Regex ('db12') { '^db(\\d+)$' { $Matches[1] } }", "ex\n12\n"},
		{"switch over an array with continue", "switch (1,2,3) { 2 { continue } default { \"d$_\" } }", "d1\nd3\n"},
		{"labelled break", ":outer foreach ($a in 1..3) { foreach ($b in 1..3) { if ($b -eq 2) { continue outer }; if ($a -eq 3) { break outer }; \"$a$b\" } }", "11\n21\n"},
		{"break inside ForEach-Object breaks the enclosing loop", "foreach ($i in 1..3) { 1..5 | ForEach-Object { if ($_ -eq 2) { break }; \"$i-$_\" } }; 'after'", "1-1\nafter\n"},
		{"break inside ForEach-Object with no loop stops the script", "1..5 | ForEach-Object { if ($_ -eq 2) { break }; $_ }; 'never'", "1\n"},
		{"return inside ForEach-Object ends the item", "1..3 | ForEach-Object { if ($_ -eq 2) { return }; $_ }", "1\n3\n"},
		{"functions: positional, named, prefix, defaults, switch", "function Test-It($Server, [int]$Count = 2, [switch]$Force) { \"$Server $Count $Force\" }\nTest-It EX1; Test-It -Serv EX2 -Count 5 -Force; Test-It -Force:$false EX3", "EX1 2 False\nEX2 5 True\nEX3 2 False\n"},
		{"functions: param block, $args, return", "function f { param($a) \"a=$a args=$($args -join ',')\"; return 'r'; 'never' }\nf 1 2 3", "a=1 args=2,3\nr\n"},
		{"advanced function rejects unknown parameters", "function g { [CmdletBinding()] param([Parameter(Mandatory=$true)][string]$Name) \"hi $Name\" }\ng -Name x; g -Nope 1; 'next'", "hi x\n[err] g : A parameter cannot be found that matches parameter name 'Nope'.\n[err] At C:\\scripts\\test.ps1:2 char:12\n[err] + g -Name x; g -Nope 1; 'next'\n[err] +            ~~~~~~~~~\n[err]     + CategoryInfo          : InvalidArgument: (:) [g], ParameterBindingException\n[err]     + FullyQualifiedErrorId : NamedParameterNotFound,g\n[err]  \nnext\n"},
		{"ValidateSet", "function v([ValidateSet('Active','Draining')]$State) { $State }\nv draining; try { v Bogus } catch { $_.FullyQualifiedErrorId }", "draining\nParameterArgumentValidationError,v\n"},
		{"pipeline functions with process blocks", "function Add-One { process { $_ + 1 } }\n1,2 | Add-One; filter Twice { $_ * 2 }; 3 | Twice", "2\n3\n6\n"},
		// Scopes.
		{"scopes: assignment in a function is local", "$x = 1; function f { $x = 2; $x }; f; $x", "2\n1\n"},
		{"scopes: $script: reaches the script scope", "$count = 0; function inc { $script:count++ }; inc; inc; $count", "2\n"},
		{"scopes: functions see the caller's variables", "function show { $server }; $server = 'EX1'; show", "EX1\n"},
		{"scopes: ForEach-Object runs in the caller's scope", "$sum = 0; 1..4 | ForEach-Object { $sum += $_ }; $sum", "10\n"},
		{"scopes: & runs a script block in a child scope, . in the current", "$v = 1; & { $v = 2 }; $v; . { $v = 3 }; $v", "1\n3\n"},
		// Errors.
		{"$? after a failed cmdlet", "Get-Queue -Server EX9 -ErrorAction SilentlyContinue; $?; Get-Queue -Server EX1 | Out-Null; $?", "False\nTrue\n"},
		{"$? is reset by parentheses in 5.1", "(Get-Queue -Server EX9 -ErrorAction SilentlyContinue); $?", "True\n"},
		{"$Error holds the newest first", "Get-Queue -Server EX8 -ea SilentlyContinue; Get-Queue -Server EX9 -ea 0; $Error.Count; $Error[0].Exception.Message", "2\nThe operation couldn't be performed because object 'EX9' couldn't be found on 'DC1.contoso.com'.\n"},
		{"-ErrorAction Stop makes a cmdlet error catchable", "try { Get-Queue -Server EX9 -ErrorAction Stop; 'not here' } catch { 'caught: ' + $_.Exception.Message }", "caught: The operation couldn't be performed because object 'EX9' couldn't be found on 'DC1.contoso.com'.\n"},
		{"non-terminating errors are not caught", "try { Get-Queue -Server EX9 -ErrorAction SilentlyContinue; 'went on' } catch { 'caught' }", "went on\n"},
		{"$ErrorActionPreference = Stop", "$ErrorActionPreference = 'Stop'; try { Get-Queue -Server EX9 } catch { 'caught' }", "caught\n"},
		{"Ignore keeps the error out of $Error", "Get-Queue -Server EX9 -ErrorAction Ignore; $Error.Count", "0\n"},
		{"ErrorVariable", "Get-Queue -Server EX9 -ErrorAction SilentlyContinue -ErrorVariable qe; $qe.Count; $qe[0].CategoryInfo.Reason", "1\nManagementObjectNotFoundException\n"},
		{"throw and catch with types and finally", "try { throw 'bad' } catch [System.IO.IOException] { 'io' } catch { \"any: $_\" } finally { 'fin' }", "any: bad\nfin\n"},
		{"rethrow from catch", "try { try { throw 'inner' } catch { throw } } catch { \"outer got $($_.Exception.Message)\" }", "outer got inner\n"},
		{"a terminating cmdlet error is caught", "try { Redirect-Message -Server EX1 -Target EX2 -Confirm:$false } catch { $_.Exception.Message }", "The target 'EX2' isn't a valid FQDN.\n"},
		{"statement-terminating error outside try continues", "$x = 1/0; 'next'", "[err] Attempted to divide by zero.\n[err] At C:\\scripts\\test.ps1:1 char:6\n[err] + $x = 1/0; 'next'\n[err] +      ~~~\n[err]     + CategoryInfo          : NotSpecified: (:) [], RuntimeException\n[err]     + FullyQualifiedErrorId : RuntimeException\n[err]  \nnext\n"},
		{"Write-Error is non-terminating and names the script", "Write-Error 'oops'; $?; 'next'", "[err] C:\\scripts\\test.ps1 : oops\n[err] At C:\\scripts\\test.ps1:1 char:1\n[err] + Write-Error 'oops'; $?; 'next'\n[err] + ~~~~~~~~~~~~~~~~~~\n[err]     + CategoryInfo          : NotSpecified: (:) [Write-Error], WriteErrorException\n[err]     + FullyQualifiedErrorId : Microsoft.PowerShell.Commands.WriteErrorException,test.ps1\n[err]  \nFalse\nnext\n"},
		// Built-in cmdlets.
		{"Where-Object both syntaxes", "$q = Get-Queue -Server EX1; ($q | Where-Object { $_.MessageCount -gt 0 }).Count; ($q | where MessageCount -GT 0).Count; ($q | ? DeliveryType -NE ShadowRedundancy).Count; ($q | where MessageCount).Count", "2\n2\n2\n2\n"},
		{"ForEach-Object begin process end and member name", "1..3 | % -Begin { $t = 0 } -Process { $t += $_ } -End { \"t=$t\" }; 'a','b' | foreach ToUpper; @([pscustomobject]@{N=1}) | % N", "t=6\nA\nB\n1\n"},
		{"Select-Object first last expand unique", "1..10 | select -First 2; 1..10 | Select-Object -Last 1; 3,1,3 | select -Unique; Get-Queue -Server EX1 | select -ExpandProperty Identity -First 1", "1\n2\n10\n3\n1\nEX1\\Submission\n"},
		{"Sort-Object", "3,1,2 | sort; 3,1,2 | Sort-Object -Descending; 'b','A','a' | sort -Unique", "1\n2\n3\n3\n2\n1\nA\nb\n"},
		{"Measure-Object", "(1..4 | measure).Count; (1..4 | Measure-Object -Sum).Sum; (Get-Queue | measure MessageCount -Maximum).Maximum; (1,2 | measure -Average).Average", "4\n10\n13\n1.5\n"},
		{"Group-Object", "$g = 'a','b','a' | group; $g.Count; $g[0].Name; $g[0].Count", "2\na\n2\n"},
		{"Out-String and Out-Null", "$s = 'x' | Out-String; $s.Length; 'gone' | Out-Null", "2\n"},
		{"Write-Host, Write-Warning, Write-Verbose", "Write-Host 'a' 'b' -ForegroundColor Green; Write-Host -NoNewline 'c'; Write-Host 'd'; Write-Warning 'careful'; Write-Verbose 'hidden'; Write-Verbose 'shown' -Verbose", "a b\ncd\n[warn] WARNING: careful\n[verbose] VERBOSE: shown\n"},
		{"Read-Host prints the prompt with a colon", "$a = Read-Host 'Continue (y/n)'; \"got $a\"", "Continue (y/n): y\ngot y\n"},
		{"Start-Sleep advances the host clock", "$t = Get-Date; Start-Sleep -Seconds 30; sleep 5; Start-Sleep -Milliseconds 500; ((Get-Date) - $t).TotalSeconds", "35.5\n"},
		{"custom formats: quotes and backslash escapes; TimeSpan fields", `(Get-Date).ToString("'at' HH\h mm")` + "; (New-TimeSpan -Minutes 90).ToString('hh\\:mm'); (New-TimeSpan -Hours 26).ToString('d\\.hh')", "at 20h 00\n01:30\n1.02\n"},
		{"Get-Date formats", "Get-Date -Format 'yyyy-MM-dd HH:mm:ss'; (Get-Date).ToString('dd/MM/yyyy h:mm tt'); \"$(Get-Date)\"; Write-Host (Get-Date)", "2026-03-14 20:00:00\n14/03/2026 8:00 PM\n03/14/2026 20:00:00\n3/14/2026 8:00:00 PM\n"},
		{"timeout.exe waits", "timeout /t 10 /nobreak; $LASTEXITCODE; ((Get-Date) - [datetime]'2026-03-14 20:00').TotalSeconds", "\nWaiting for 10 seconds, press CTRL+C to quit ...\n0\n10\n"},
		{"splatting a hashtable and an array", "$p = @{ Server = 'EX1' }; (Get-Queue @p).Count; function f($a, $b) { \"$a/$b\" }; $arr = 1, 2; f @arr", "3\n1/2\n"},
		{"New-Object PSObject and pscustomobject", "$o = New-Object PSObject -Property @{ Name = 'x' }; $o.Name; $p = [pscustomobject]@{ A = 1; B = 2 }; $p.B", "x\n2\n"},
		{"ArrayList", "$l = New-Object System.Collections.ArrayList; [void]$l.Add('a'); $null = $l.Add('b'); $l.Count; $l -join ','", "2\na,b\n"},
		{"Add-Member adds note properties", "$o = [pscustomobject]@{A=1}; $o | Add-Member -MemberType NoteProperty -Name B -Value 2; ($o | Add-Member -NotePropertyName C -NotePropertyValue 3 -PassThru).C; $o.B", "3\n2\n"},
		{"Split-Path and Join-Path", "Split-Path -Parent $MyInvocation.MyCommand.Path; Split-Path $PSCommandPath -Leaf; Join-Path $PSScriptRoot 'log.txt'", "C:\\scripts\ntest.ps1\nC:\\scripts\\log.txt\n"},
		{"functions must be defined before they are called", "Early; function Early { 'early' }; Early", "[err] Early : The term 'Early' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.\n[err] At C:\\scripts\\test.ps1:1 char:1\n[err] + Early; function Early { 'early' }; Early\n[err] + ~~~~~\n[err]     + CategoryInfo          : ObjectNotFound: (Early:String) [], CommandNotFoundException\n[err]     + FullyQualifiedErrorId : CommandNotFoundException\n[err]  \nearly\n"},
		{"$PSCmdlet.ShouldProcess", "function Remove-It { [CmdletBinding(SupportsShouldProcess=$true)] param($x) if ($PSCmdlet.ShouldProcess($x)) { \"removing $x\" } }; Remove-It db1; $WhatIfPreference = $true; Remove-It db2", "removing db1\nWhat if: Performing the operation \"Remove-It\" on target \"db2\".\n"},
		{"a missing mandatory parameter is prompted for", "function m { param([Parameter(Mandatory)][string]$Server) \"got $Server\" }; m", "\ncmdlet m at command pipeline position 1\nSupply values for the following parameters:\nServer: y\ngot y\n"},
		{"begin/process/end and ValueFromPipeline", "function g { begin { 'b' } process { \"p:$_\" } end { 'e' } }; 1,2 | g; g; function n { param([Parameter(ValueFromPipeline=$true)]$InputObject) process { \"n=$InputObject\" } }; 'x' | n", "b\np:1\np:2\ne\nb\np:\ne\nn=x\n"},
		{"statements as values and recursion", "$v = if ($false) { 'yes' } else { 'no' }; $v; function fact($n) { if ($n -le 1) { 1 } else { $n * (fact ($n - 1)) } }; fact 5", "no\n120\n"},
		{"Format-List shows every property", "Get-Queue -Server EX1 | Select-Object -First 1 | Format-List", "\n\nIdentity      : EX1\\Submission\nDeliveryType  : Undefined\nStatus        : Ready\nMessageCount  : 0\nNextHopDomain : site-b\n\n\n"},
		{"-WarningAction and pause", "Write-Warning 'shown'; Write-Warning 'hidden' -WarningAction SilentlyContinue; $WarningPreference = 'SilentlyContinue'; Write-Warning 'also hidden'; pause", "[warn] WARNING: shown\nPress Enter to continue...: y\n"},
		{"Select-Object -First stops a function feeding it", "function Get-Many { 1..3 | ForEach-Object { $_ }; Write-Host 'not reached' }; Get-Many | Select-Object -First 2; 'after'", "1\n2\nafter\n"},
		{"ConvertTo-Csv and Export-Csv", "Get-Queue -Server EX2 | Select-Object Identity, MessageCount -First 2 | ConvertTo-Csv -NoTypeInformation; Get-Queue -Server EX2 | select Identity -First 1 | Export-Csv C:\\q.csv", "\"Identity\",\"MessageCount\"\n\"EX2\\Submission\",\"0\"\n\"EX2\\3\",\"13\"\n--- file C:\\q.csv ---\n#TYPE Selected.Microsoft.Exchange.Data.QueueViewer.ExtensibleQueueInfo\n\"Identity\"\n\"EX2\\Submission\"\n"},
		{"$PSBoundParameters", "function f { [CmdletBinding()] param($Server, $Count = 1) $PSBoundParameters.ContainsKey('Server'); $PSBoundParameters.ContainsKey('Count'); $PSBoundParameters.Count }; f -Server EX1", "True\nFalse\n1\n"},
		{"failing calls do not leak call depth", "function f { begin { throw 'x' } }; for ($i = 0; $i -lt 150; $i++) { try { f } catch { } }; 'ok'", "ok\n"},
		{"SilentlyContinue even suppresses throw", "$ErrorActionPreference = 'SilentlyContinue'; throw 'quiet'; \"after $($Error.Count)\"", "after 1\n"},
		{"Get-, Set- and Remove-Variable", "Set-Variable -Name 'q1' -Value 5; $q1; (Get-Variable q1 -ValueOnly) + 1; function f { Set-Variable g 1 -Scope Script }; f; $g; Remove-Variable q1; $null -eq $q1", "5\n6\n1\nTrue\n"},
		{"Select-Object -ExcludeProperty, Format-Table -HideTableHeaders, Sort-Object -CaseSensitive", "[pscustomobject]@{A=1; B=2; C=3} | Select-Object * -ExcludeProperty B | Format-Table -HideTableHeaders; 'b','B','a' | Sort-Object -CaseSensitive", "\n1 3\n\n\na\nb\nB\n"},
		{"List[T] and ::new()", "$l = [System.Collections.Generic.List[string]]::new(); $l.Add('a'); $l.Add('b'); $l.Count; $a = [System.Collections.ArrayList]::new(); $a.Add(1); $m = New-Object 'System.Collections.Generic.List[object]'; $m.Add(2); $m[0]", "2\n0\n2\n"},
		{"redirections", "Get-Queue -Server EX9 2>$null; 'a'; Write-Warning 'w' 3>$null; & { Write-Host 'h'; Write-Warning 'w2'; 'out' } *> C:\\all.txt; $r = Get-Queue -Server EX9 2>&1; $r.GetType().Name; 'x' > C:\\o.txt; 'y' >> C:\\o.txt", "a\nErrorRecord\n--- file C:\\all.txt ---\nh\nWARNING: w2\nout\n--- file C:\\o.txt ---\nx\ny\n"},
		{"-InputObject is one object", "(Measure-Object -InputObject 1,2,3).Count; (Where-Object -InputObject 5 { $_ -gt 1 }); (Sort-Object -InputObject 3)", "1\n5\n3\n"},
		{"Write-Error category parameters", "Write-Error 'not drained' -Category ResourceBusy -CategoryReason QueueNotEmpty -CategoryTargetName EX1 -CategoryTargetType Server -ErrorAction SilentlyContinue; $Error[0].CategoryInfo.ToString()", "ResourceBusy: (EX1:Server) [Write-Error], QueueNotEmpty\n"},
		{"Write-Error in an advanced function is Write-Error's own", "function f { [CmdletBinding()] param() Write-Error 'failed' }; f", "[err] Write-Error : failed\n[err] At C:\\scripts\\test.ps1:1 char:40\n[err] + function f { [CmdletBinding()] param() Write-Error 'failed' }; f\n[err] +                                        ~~~~~~~~~~~~~~~~~~~~\n[err]     + CategoryInfo          : NotSpecified: (:) [Write-Error], WriteErrorException\n[err]     + FullyQualifiedErrorId : Microsoft.PowerShell.Commands.WriteErrorException,Write-Error\n[err]  \n"},
		{"exit sets the exit code", "'before'; exit 3; 'after'", "before\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := run(t, tt.src, "y")
			if err != nil {
				got += "error: " + err.Error()
			}
			require.Equal(t, tt.want, got)
		})
	}
}

func TestUnsupportedConstructsStopWithPosition(t *testing.T) {
	tests := []struct{ src, want string }{
		{"trap { 'x' }", "test.ps1:1:1: trap is not supported; exsim supports try { } catch { } finally { }"},
		{"$a ?? 1", "test.ps1:1:4: '??' (null-coalescing) is PowerShell 7, not Windows PowerShell 5.1"},
		{"$a ? 1 : 2", "test.ps1:1:4: '?' is not an operator in Windows PowerShell 5.1 (the ternary and ?. operators are PowerShell 7)"},
		{"Get-Queue && 'x'", "test.ps1:1:11: '&&' is not supported"},
		{"if ($a != 1) { }", "test.ps1:1:8: '!=' is not a PowerShell operator; use -ne"},
		{"$a -eqq 1", "test.ps1:1:4: -eqq is not an operator; exsim supports the operators of Windows PowerShell 5.1 (did you mean \"eq\"?)"},
		{"class Foo { }", "test.ps1:1:1: classes are not supported"},
		{"'unterminated", "test.ps1:1:1: the string that starts here has no closing quote"},
		{"if ($x) { 1 ", "test.ps1:1:13: the { at 1:9 has no closing '}'"},
		{"\"$server: ok\"", "test.ps1:1:9: Variable reference is not valid. ':' was not followed by a valid variable name character."},
		{"[Foo.Bar]$x = 1", "test.ps1:1:1: the type [Foo.Bar] is not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := Parse("test.ps1", tt.src)
			require.Error(t, err)
			require.True(t, strings.HasPrefix(err.Error(), tt.want), "got %q", err.Error())
		})
	}
	run := []struct{ src, want string }{
		{"Get-Frobnicator -Now", "test.ps1:1:1: Get-Frobnicator is not a cmdlet exsim models"},
		{"Invoke-Expression 'x'", "test.ps1:1:1: Invoke-Expression is not supported"},
		{"1..5 | Select-Object -Frist 2", "test.ps1:1:8: Select-Object -Frist is not supported; exsim's Select-Object takes -Property, -ExpandProperty, -First"},
		{"'x'.Frobnicate()", "test.ps1:1:1: the string method Frobnicate() is not supported"},
		{"Get-ExplodingCmdlet", "test.ps1:1:1: the host broke"},
		{"'x'\nStart-Sleep -Seconds 100000", "test.ps1:2:1: the scenario's horizon is reached"},
		{"$a = Read-Host 'Continue?'", "test.ps1:1:6: Read-Host \"Continue?\" has no answer left (give one with --answer)"},
	}
	for _, tt := range run {
		t.Run(tt.src, func(t *testing.T) {
			_, _, err := runErr(tt.src)
			require.Error(t, err)
			require.True(t, strings.HasPrefix(err.Error(), tt.want), "got %q", err.Error())
		})
	}
}

func runErr(src string) (string, Result, error) {
	s, err := Parse("test.ps1", src)
	if err != nil {
		return "", Result{}, err
	}
	h := newFakeHost()
	res, err := Run(s, h, Options{})
	return h.transcript(), res, err
}

func TestLimitsStopHostileScripts(t *testing.T) {
	tests := []struct{ src, want string }{
		{"while ($true) { }", "more than 1000 steps"},
		{"function f { f }; f", "more than 100 nested function or script block calls"},
		{"$a = 1..100000000", "a collection or repetition of more than"},
		{"$s = 'x' * 100000000", "a string longer than"},
		{"$s = 'x'; while ($true) { $s += $s }", "a string longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			s, err := Parse("test.ps1", tt.src)
			require.NoError(t, err)
			_, err = Run(s, newFakeHost(), Options{Limits: Limits{Steps: 1000}})
			var le *LimitError
			require.ErrorAs(t, err, &le)
			require.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestCommandsListsWhatTheHostMustProvide(t *testing.T) {
	s, err := Parse("m.ps1", "function Wait-Drain { Get-Queue | ? MessageCount -gt 0 }\nSet-ServerComponentState EX1 -Component HubTransport -State Draining -Requester Maintenance\n"+
		"$x = $(Get-MailboxServer)\n\"$(Get-ExchangeServer)\"\nWait-Drain | Format-Table\n.\\StartDagServerMaintenance.ps1 -ServerName EX1\n& $sb")
	require.NoError(t, err)
	var got []string
	for _, c := range s.Commands() {
		got = append(got, c.Name+"@"+c.Pos.String())
	}
	require.Equal(t, []string{"Get-Queue@m.ps1:1:23", "Set-ServerComponentState@m.ps1:2:1", "Get-MailboxServer@m.ps1:3:8",
		"Get-ExchangeServer@m.ps1:4:4", `.\StartDagServerMaintenance.ps1@m.ps1:6:1`}, got)
}

// Console output reaches the host at the simulated instant it was produced, so the
// narration can interleave it: table rows are not held across a Start-Sleep.
func TestOutputIsWrittenWhenProduced(t *testing.T) {
	s, err := Parse("t.ps1", "foreach ($i in 1..2) { Get-Queue -Server EX2 | select Identity, MessageCount -First 2; Start-Sleep 30 }; Write-Host done")
	require.NoError(t, err)
	h := newFakeHost()
	h.stamp = true
	_, err = Run(s, h, Options{})
	require.NoError(t, err)
	require.Equal(t, "[20:00:01] \nIdentity       MessageCount\n--------       ------------\nEX2\\Submission            0\nEX2\\3                    13\n"+
		"[20:00:32] EX2\\Submission            0\nEX2\\3                    10\n[20:01:02] \n[20:01:02] done\n", h.out.String())
}

func TestStringIsPowerShellsConversion(t *testing.T) {
	o := NewPSObject("Microsoft.Exchange.Data.Directory.ADObjectId").SetToString("EX1")
	for _, tt := range []struct {
		v    Value
		want string
	}{{nil, ""}, {true, "True"}, {0.1 + 0.2, "0.3"}, {[]Value{1, "a"}, "1 a"}, {o, "EX1"}, {int64(7), "7"}} {
		require.Equal(t, tt.want, String(normalize(tt.v)))
	}
}

// The runner passes --arg Name=Value as -Name:value; typed parameters convert the
// text, and a missing mandatory one is prompted for as the console does.
func TestScriptArguments(t *testing.T) {
	s, err := Parse("m.ps1", "param([Parameter(Mandatory=$true)][string]$Server, [int]$Minutes = 5, [switch]$WhatIf)\n\"$Server $($Minutes * 2) $WhatIf $($args.Count)\"")
	require.NoError(t, err)
	h := newFakeHost()
	_, err = Run(s, h, Options{Args: []Arg{{Param: "Server", Value: "EX1", Colon: true}, {Param: "Minutes", Value: "10", Colon: true}, {Param: "WhatIf"}}})
	require.NoError(t, err)
	require.Equal(t, "EX1 20 True 0\n", h.out.String())

	h = newFakeHost("EX2")
	_, err = Run(s, h, Options{Path: `C:\s\m.ps1`})
	require.NoError(t, err)
	require.Equal(t, "\ncmdlet m.ps1 at command pipeline position 1\nSupply values for the following parameters:\nServer: EX2\nEX2 10 False 0\n", h.out.String())

	h = newFakeHost()
	res, err := Run(s, h, Options{Args: []Arg{{Param: "Server", Value: "EX1", Colon: true}, {Param: "Minutes", Value: "soon", Colon: true}}})
	require.NoError(t, err)
	require.Equal(t, 1, res.ExitCode)
	require.Contains(t, h.out.String(), "Cannot process argument transformation on parameter 'Minutes'. Cannot convert value \"soon\" to type \"System.Int32\".")
}

// The 5.1 aliases scripts use (PSD NOTES sections) resolve to the cmdlet they name.
func TestAliasesNameTheirCmdlets(t *testing.T) {
	for alias, want := range map[string]string{"?": "Where-Object", "where": "Where-Object", "%": "ForEach-Object", "foreach": "ForEach-Object",
		"select": "Select-Object", "sort": "Sort-Object", "measure": "Measure-Object", "fl": "Format-List", "ft": "Format-Table",
		"echo": "Write-Output", "write": "Write-Output", "sleep": "Start-Sleep", "cd": "Set-Location", "group": "Group-Object", "timeout": "timeout.exe"} {
		b := builtins[aliases[alias]]
		require.NotNil(t, b, alias)
		require.Equal(t, want, b.name, alias)
	}
}

// A host that parses cmdlet lines can take the call as one.
func TestCallCommandLine(t *testing.T) {
	s, err := Parse("t.ps1", "$t = 'EX2.contoso.com'; $q = [pscustomobject]@{Identity='EX1\\3'}\n"+
		"Redirect-Message -Server EX1 -Target $t -Confirm:$false; Get-Queue -Filter {MessageCount -gt 0} -Exclude Empty,Internal -ResultSize 5; Retry-Queue -Identity $q.Identity -Resubmit $true -Note \"it's\"")
	require.NoError(t, err)
	h := &lineHost{fakeHost: newFakeHost()}
	_, err = Run(s, h, Options{})
	require.NoError(t, err)
	require.Equal(t, []string{"Redirect-Message -Server 'EX1' -Target 'EX2.contoso.com' -Confirm:$false",
		"Get-Queue -Filter {MessageCount -gt 0} -Exclude 'Empty','Internal' -ResultSize 5",
		"Retry-Queue -Identity 'EX1\\3' -Resubmit $true -Note 'it''s'"}, h.lines)
}

type lineHost struct {
	*fakeHost
	lines []string
}

func (h *lineHost) Invoke(c *Call) ([]Value, error) {
	h.lines = append(h.lines, c.CommandLine())
	return nil, nil
}
