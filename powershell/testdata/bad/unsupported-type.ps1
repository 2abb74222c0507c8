$d = [System.IO.Path]::GetFileName("C:\x\y.txt")
