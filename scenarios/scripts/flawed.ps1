# answers: y
# A flawed script of the kind the issue describes: the redirect target is a typo
# with no domain, Redirect-Message prompts because -Confirm:$false is missing, the
# error is not checked, and the transport service is never restarted after Draining.
$server = "EX1"
Set-ServerComponentState -Identity $server -Component HubTransport -State Draining -Requester Maintenance
Redirect-Message -Server $server -Target "EX2-contoso"
Write-Host "Messages redirected."
Start-Sleep 120
Get-Queue -Server $server | ft Identity, Status, MessageCount
Set-ServerComponentState $server -Component ServerWideOffline -State Inactive -Requester Maintenance
Write-Host "Done. $server is in maintenance."
