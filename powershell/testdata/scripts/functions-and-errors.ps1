# Functions, splatting, try/catch with -ErrorAction Stop, $Error and $?.
$ErrorActionPreference = "Continue"

function Test-QueueEmpty {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true, Position = 0)]
        [string]$Server,
        [ValidateSet("Undefined", "SmtpRelayToMailboxDeliveryGroup", "ShadowRedundancy")]
        [string]$DeliveryType = "SmtpRelayToMailboxDeliveryGroup"
    )
    try {
        $q = Get-Queue -Server $Server -ErrorAction Stop | Where-Object DeliveryType -EQ $DeliveryType
        return ($q.MessageCount -eq 0)
    }
    catch {
        Write-Warning "Cannot read the queues of ${Server}: $($_.Exception.Message)"
        return $false
    }
}

$params = @{
    Server       = "EX2"
    DeliveryType = "ShadowRedundancy"
}
"EX2 shadow empty: $(Test-QueueEmpty @params)"
"EX9 empty: $(Test-QueueEmpty EX9)"
"Errors so far: $($Error.Count)"

Get-Queue -Server EX9
if (-not $?) {
    Write-Host "The last command failed: $($Error[0].CategoryInfo.Reason)" -ForegroundColor Yellow
}

$servers = "EX1", "EX2"
$summary = foreach ($s in $servers) {
    [pscustomobject]@{
        Server   = $s
        Messages = (Get-Queue -Server $s | Measure-Object MessageCount -Sum).Sum
        Checked  = Get-Date -Format "HH:mm"
    }
}
$summary | Sort-Object Messages -Descending | Format-Table -AutoSize
$summary | Format-List

try {
    Redirect-Message -Server EX1 -Target EX2 -Confirm:$false
}
catch [System.ArgumentException] {
    "Redirect failed: $_"
}
finally {
    "Redirect attempted."
}

function Stop-Everything { throw "Stopping: $($args[0])" }
Stop-Everything "unrecoverable"
"never printed"
