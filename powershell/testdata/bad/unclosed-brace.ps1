function Wait-Queue {
  param($Server)
  while ((Get-Queue -Server $Server).MessageCount -gt 0) {
    Start-Sleep 10

