param([string]$Server = "EX1")
Get-Queue -Server $Server |
  Where-Object { $_.MessageCount -gt 0 } |
  ForEach-Object -Parallel { $_.Identity }
