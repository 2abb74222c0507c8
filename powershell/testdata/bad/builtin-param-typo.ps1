Get-Queue | Select-Object Identity -Frist 3
