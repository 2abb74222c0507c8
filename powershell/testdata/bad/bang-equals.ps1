$q = Get-Queue
if ($q.Count != 0) {
  Write-Host "not empty"
}
