package scenarios

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func runScript(t *testing.T, src string, sc Script) (*Result, error) {
	t.Helper()
	s, err := Open("dag-maintenance")
	require.NoError(t, err)
	sc.Source, sc.File = src, "maint.ps1"
	return Run(s, Options{Script: &sc})
}

func scriptLines(r *Result) []string {
	var out []string
	for _, rec := range r.Journal {
		switch e := rec.Data.(type) {
		case ScriptOutput:
			out = append(out, r.Clock(rec.At)+" "+e.Text)
		case ScriptCommand:
			out = append(out, r.Clock(rec.At)+" PS> "+e.Command)
		case ScriptEnded:
			out = append(out, r.Clock(rec.At)+" "+e.Narrate())
		}
	}
	return out
}

// A script's Start-Sleep lets the world run: a loop that waits on a queue sees the
// messages the traffic brings and the clock move, and every cmdlet takes
// CommandTime; Get-Queue returns objects whose properties the script reads.
func TestScriptSleepLetsTheWorldRunAndGetQueueReturnsObjects(t *testing.T) {
	res, err := runScript(t, `
$start = Get-Date
$n = 0
do {
    $q = Get-Queue -Server $env:COMPUTERNAME
    $n++
    Start-Sleep -Seconds 60
} until ($n -ge 3)
$elapsed = ((Get-Date) - $start).TotalSeconds
Write-Host "polled $n times in $elapsed s; first queue: $($q[0].Identity) ($($q[0].DeliveryType))"
`, Script{On: "ex2", At: 30 * time.Minute})
	require.NoError(t, err)
	lines := scriptLines(res)
	require.Equal(t, "20:30:00.000 PS> Get-Queue -Server 'EX2'", lines[0], "the server name is the scenario's spelling")
	require.Contains(t, strings.Join(lines, "\n"), "polled 3 times in 183 s; first queue: EX2\\")
	require.Equal(t, "20:33:03.000 maint.ps1 on EX2 finished (exit code 0).", lines[len(lines)-1])
}

// A prompt with no answer left stops the script with its position; an answer
// given is read in order.
func TestScriptReadHostTakesTheGivenAnswersThenStopsNamingThePrompt(t *testing.T) {
	res, err := runScript(t, `$a = Read-Host "Continue (y/n)"; Write-Host "got $a"; $b = Read-Host "Target server"`,
		Script{At: time.Minute, Answers: []string{"y"}})
	require.Error(t, err)
	require.Nil(t, res)
	require.Contains(t, err.Error(), "maint.ps1:1:")
	require.Contains(t, err.Error(), `"Target server"`)
}

// An Exchange error is the script's business: printed as the shell prints a remote
// error, $? is False, and the script goes on.
func TestScriptCmdletErrorsAreNonTerminating(t *testing.T) {
	res, err := runScript(t, `Restart-Service MSExchangeFrontEndTransportX; Write-Host "ok: $?"`, Script{On: "EX1", At: time.Minute})
	require.NoError(t, err)
	got := strings.Join(scriptLines(res), "\n")
	require.Contains(t, got, "ok: False")
}

// A cmdlet exsim does not model stops the script with its position and the list
// of what is supported; files go only under the run's output folder.
func TestScriptUnsupportedCmdletAndFilesOutsideTheRunAreRefused(t *testing.T) {
	_, err := runScript(t, "Write-Host hi\nGet-Mailbox -ResultSize Unlimited", Script{At: time.Minute})
	require.ErrorContains(t, err, "maint.ps1:2:1")
	require.ErrorContains(t, err, "Get-Mailbox is not a cmdlet exsim models")

	res, err := runScript(t, `"x" | Out-File C:\Temp\report.txt; Write-Host "saved: $?"`, Script{At: time.Minute})
	require.NoError(t, err)
	require.Contains(t, strings.Join(scriptLines(res), "\n"), "saved: False")

	dir := t.TempDir()
	_, err = runScript(t, `"x" | Out-File ..\..\etc\passwd`, Script{At: time.Minute, OutDir: dir})
	require.NoError(t, err, "refused as the script's error, not the run's")
}

// Issue 19's two built-in examples: the same organization, traffic, smart host
// outage and failed reboot; the flawed script (a typo in the redirect target, no
// transport restart after Draining) leaves mail on EX1, and its verdict shows it.
func TestFlawedScriptLeavesMoreMailOnOneServerThanTheDocumentedOne(t *testing.T) {
	good, bad := runBuiltin(t, "scripted-maintenance"), runBuiltin(t, "scripted-maintenance-flawed")
	require.True(t, good.Passed(), good.Failures)
	require.True(t, bad.Passed(), bad.Failures)
	require.Zero(t, good.Verdict.Lost+bad.Verdict.Lost)
	require.Zero(t, good.Verdict.ExposureSeconds, "the documented script drained EX1 before the reboot")
	require.Greater(t, bad.Verdict.ExposureSeconds, 1000.0)
	require.Greater(t, len(bad.Verdict.SPOF), len(good.Verdict.SPOF))
	var typo bool
	for _, rec := range bad.Journal {
		if e, ok := rec.Data.(ScriptOutput); ok && strings.Contains(e.Text, `unknown server "EX2-contoso"`) {
			typo = true
		}
	}
	require.True(t, typo, "the typo's error is printed where the admin would see it")
}

// Scripts start by loading the snap-in and reading directory objects: those work
// from the scenario's topology.
func TestScriptSessionSetUpAndDirectoryObjects(t *testing.T) {
	res, err := runScript(t, `
Add-PSSnapin Microsoft.Exchange.Management.PowerShell.SnapIn
Import-Module ActiveDirectory
Set-ADServerSettings -ViewEntireForest $true
$domain = (Get-ADDomain).DNSRoot
$s = Get-ExchangeServer EX2.contoso.com
Write-Host "$domain $($s.Name) $($s.AdminDisplayVersion) $($s.Fqdn)"
$members = (Get-DatabaseAvailabilityGroup DAG1).Servers
Write-Host "members: $($members -join ',')"
Write-Host "mailbox servers: $((Get-MailboxServer | Where-Object { $_.DatabaseAvailabilityGroup -eq 'DAG1' }).Count)"
`, Script{At: time.Minute})
	require.NoError(t, err)
	got := strings.Join(scriptLines(res), "\n")
	require.Contains(t, got, "contoso.com EX2 Version 15.1 (Build 2507.6) EX2.contoso.com")
	require.Contains(t, got, "members: EX1,EX2,EX3")
	require.Contains(t, got, "mailbox servers: 3")
}

// A script's Get-MessageTrackingLog reads the journal's tracking rows: a run whose
// outputs need none (exsim run --quiet) still keeps them when a script runs.
func TestScriptReadsTrackingLogsEvenInAVerdictOnlyRun(t *testing.T) {
	s, err := Open("dag-maintenance")
	require.NoError(t, err)
	res, err := Run(s, Options{Outputs: VerdictOutput | NarrationOutput, Script: &Script{File: "t.ps1", At: 30 * time.Minute,
		Source: `$n = (Get-MessageTrackingLog -Server EX1 | Measure-Object).Count; Write-Host "rows: $($n -gt 0)"`}})
	require.NoError(t, err)
	require.Contains(t, strings.Join(scriptLines(res), "\n"), "rows: True")
}
