# Every construct exsim supports, once (a smoke test of the whole subset).
#Requires -Version 3
<#
  A block comment
  over several lines.
#>
Set-StrictMode -Version 2
$Transcript = "C:\logs\maint.log"
Start-Transcript -Path $Transcript

# Literals and types
$int = 42; $long = 5GB; $dbl = 2.5; $hex = 0xFF; $str = 'single'; $dq = "double $int"
$arr = @(1, 2, 3); $hash = [ordered]@{ Name = 'EX1'; Role = 'Mailbox' }
$obj = [pscustomobject]@{ Name = 'DB1'; Copies = 2 }
$when = [datetime]"2026-03-14 21:00"
$span = New-TimeSpan -Minutes 90
$here = @"
Server:  $($hash.Name)
Role:    $($hash['Role'])
"@
Write-Output $here
"{0} is {1:N1} GB; hex {2:X4}; {3:yyyy-MM-dd HH:mm}; span {4}" -f $str, ($long / 1GB), $hex, $when, $span

# Operators
$arr -contains 2; 4 -notin $arr; ($arr | ForEach-Object { $_ * $_ }) -join ' '
'Mailbox' -like 'Mail*'; 'EX01' -match 'EX(\d+)'; $Matches[1]
'a,b;c' -split '[,;]' -join '|'; ('x' * 3); -not (1 -eq 2); 7 % 3; [math]::Round(2.5); [math]::Round(3.5)
$obj.Name.ToLower(); $arr.Count; $arr[-1]; $hash.Keys -join ','; $obj -is [pscustomobject]; $dbl -as [int]

# Statements
if ($int -gt 40) { 'big' } elseif ($int -gt 10) { 'medium' } else { 'small' }
$i = 0
while ($i -lt 2) { $i++ }
do { $i-- } until ($i -le 0)
for ($j = 0; $j -lt 2; $j++) { "for $j" }
switch -Regex ("db12", "ex3") {
    '^db(\d+)' { "database $($Matches[1])" }
    '^ex'      { "server $_"; continue }
    default    { "other" }
}
:outer foreach ($a in 1..3) {
    foreach ($b in 1..3) {
        if ($b -gt $a) { continue outer }
        if ($a -eq 3) { break outer }
        "pair $a$b"
    }
}

# Functions and script blocks
function Get-Square { param([int]$n) $n * $n }
filter Add-Ten { $_ + 10 }
$sb = { param($x) "block got $x" }
Get-Square -n 7; 1, 2 | Add-Ten; & $sb 'arg'; $sb.Invoke('again')

# Pipelines and cmdlets
Get-MailboxDatabaseCopyStatus -Server EX1 |
    Where-Object { $_.Status -eq "Mounted" } |
    Select-Object Name, Status, CopyQueueLength
$dbCopies = Get-MailboxDatabaseCopyStatus -Server EX1
$dbCopies.DatabaseName
Get-MailboxDatabaseCopyStatus -Server EX1 | Sort-Object CopyQueueLength -Descending | Select-Object -First 1 -ExpandProperty Name
1..6 | Group-Object { $_ % 2 } | Select-Object Name, Count
1..4 | Measure-Object -Sum -Average -Maximum -Minimum | Format-List Count, Sum, Average, Maximum, Minimum
$obj | Format-List
"to the file" | Out-File -FilePath C:\logs\out.txt
"appended" | Out-File C:\logs\out.txt -Append
Get-Queue -Server EX2 | Out-File C:\logs\queues.txt
$null = Get-Queue
Get-Queue -Server EX2 > C:\logs\redirected.txt
Write-Verbose "not shown"
Write-Host "colour" -ForegroundColor Cyan -NoNewline
Write-Host " and more"
Start-Sleep -Milliseconds 1500
timeout.exe /t 2
"Clock: $(Get-Date -Format 'HH:mm:ss')"
Stop-Transcript
