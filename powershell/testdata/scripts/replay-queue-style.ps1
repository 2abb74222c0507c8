# args: -Server EX1
# A drain loop in the style of CSS-Exchange's Transport/ReplayQueueDatabases.ps1.
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [string]$Server,
    [int]$TimeoutMinutes = 5
)

$deadline = (Get-Date).AddMinutes($TimeoutMinutes)
while ($true) {
    $q = Get-Queue -Server $Server | Where-Object { $_.DeliveryType -ne "ShadowRedundancy" }
    $queuesWithMessages = $q | Where-Object { $_.MessageCount -gt 0 }
    if ($queuesWithMessages.Count -eq 0) {
        Write-Host "$(Get-Date): All queues are empty."
        break
    }
    if ((Get-Date) -gt $deadline) {
        Write-Warning "Timed out after $TimeoutMinutes minutes; $($queuesWithMessages.Count) queue(s) still hold messages."
        break
    }
    Write-Host "$(Get-Date): Queue state:"
    $queuesWithMessages | Select-Object Identity, MessageCount | Format-Table -AutoSize | Out-String | Write-Host
    Start-Sleep -Seconds 60
}
