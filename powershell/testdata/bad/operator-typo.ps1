$x = Get-Queue | Where-Object { $_.Status -eqq "Ready" }
