$result = $null ?? "default"
