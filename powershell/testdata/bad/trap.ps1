# trap is not part of the subset
trap { Write-Host "error" ; continue }
Get-Queue
