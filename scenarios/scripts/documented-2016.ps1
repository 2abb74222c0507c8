# answers: y
# Microsoft's documented Exchange 2016 procedure for putting a DAG member into
# maintenance, as admins paste it into a .ps1 (reference/exchange-dag-components.md 2.2).
param(
    [string]$Server = $env:COMPUTERNAME,
    [string]$Target = "EX2.contoso.com"
)

Write-Host "Putting $Server into maintenance mode, redirecting to $Target"
$answer = Read-Host "Continue? (y/n)"
if ($answer -ne 'y') {
    Write-Warning "Aborted by the operator."
    exit 1
}

Set-ServerComponentState $Server –Component HubTransport –State Draining –Requester Maintenance
Restart-Service MSExchangeTransport

CD $ExScripts
.\StartDagServerMaintenance.ps1 -ServerName $Server -MoveComment Maintenance
Redirect-Message -Server $Server -Target $Target -Confirm:$false

# Wait for the queues to drain (Shadow Redundancy queues do not count).
do {
    $queues = Get-Queue -Server $Server | Where-Object { $_.DeliveryType -ne "ShadowRedundancy" -and $_.Identity -notlike "*\Poison" }
    $remaining = ($queues | Measure-Object -Property MessageCount -Sum).Sum
    Write-Host "$(Get-Date -Format 'HH:mm:ss') $remaining message(s) left"
    if ($remaining -gt 0) { Start-Sleep -Seconds 30 }
} while ($remaining -gt 0)

Set-ServerComponentState $Server -Component ServerWideOffline -State Inactive -Requester Maintenance
Get-ServerComponentState $Server | Format-Table Component, State -AutoSize
Get-Queue -Server $Server
