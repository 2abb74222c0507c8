$servers = "EX1","EX2"
foreach ($s in $servers) {
  Write-Host "Draining $s:"
}
