<#
.SYNOPSIS
    Exports the Exchange organization's configuration for `exsim import`.

.DESCRIPTION
    Run in the Exchange Management Shell (Exchange 2010 to Subscription Edition).
    Every command below only reads: Get- cmdlets, whose output goes to one
    Export-Clixml file per cmdlet in the folder -Path, plus ExsimManifest.xml
    (when, who, where, which version). Nothing in the organization is changed.
    A cmdlet that fails (for example one that does not exist in Exchange 2010)
    is reported with Write-Warning and skipped; the rest still run.

    Then, on any machine with exsim:
        exsim import <folder> -o org.yaml
        exsim run org.yaml

.PARAMETER Path
    The folder to write to; created when missing. Default: .\exsim-inventory

.PARAMETER Depth
    Export-Clixml -Depth (default 2, Export-Clixml's own default). exsim reads
    both the object and the string forms of Exchange's values, so 2 is enough.

.EXAMPLE
    .\Export-ExsimInventory.ps1 -Path C:\Temp\contoso
#>
[CmdletBinding()]
param(
    [string] $Path = '.\exsim-inventory',
    [int] $Depth = 2
)

# The folder for the files (New-Item only creates the folder on this machine).
if (-not (Test-Path -Path $Path)) {
    New-Item -ItemType Directory -Path $Path | Out-Null
}

# Export runs one read-only command block and writes its output to FILE.xml.
# A failure becomes a warning, so one missing cmdlet does not stop the export.
function Export-Inventory {
    param([string] $File, [scriptblock] $Command)
    $target = Join-Path -Path $Path -ChildPath $File
    try {
        $objects = & $Command
        $objects | Export-Clixml -Path $target -Depth $Depth -Encoding UTF8
        Write-Host ('{0}: {1} object(s)' -f $File, @($objects).Count)
    } catch {
        Write-Warning ('{0} not written: {1}' -f $File, $_.Exception.Message)
    }
}

# Servers: name, FQDN, AdminDisplayVersion, roles, AD site (Get-ExchangeServer).
$servers = @(Get-ExchangeServer)
Export-Inventory 'GetExchangeServer.xml' { $servers }

# Mailbox servers: DAG membership and the database activation policy.
Export-Inventory 'GetMailboxServer.xml' { Get-MailboxServer }

# DAGs with -Status: members, witness, DAC mode, the servers that are up.
# -Status is asked of one DAG at a time: in a mixed organization it fails
# against 2010 DAGs (ExchangeAnalyzer's note, import-shapes.md 1.3), and such a
# DAG is exported as it is without -Status.
Export-Inventory 'GetDatabaseAvailabilityGroup.xml' {
    Get-DatabaseAvailabilityGroup | ForEach-Object {
        $dag = $_
        try {
            Get-DatabaseAvailabilityGroup -Identity $dag.Identity -Status -ErrorAction Stop
        } catch {
            Write-Warning ('{0}: -Status failed, exported without it: {1}' -f $dag.Name, $_.Exception.Message)
            $dag
        }
    }
}

# Databases with -Status: copies, activation preference, replay lag, where mounted.
Export-Inventory 'GetMailboxDatabase.xml' { Get-MailboxDatabase -Status }

# Copy status of every database copy, asked of each Mailbox server in turn.
Export-Inventory 'GetMailboxDatabaseCopyStatus.xml' {
    Get-MailboxServer | ForEach-Object { Get-MailboxDatabaseCopyStatus -Server $_.Name }
}

# Send connectors: address spaces and costs, smart hosts, source servers.
Export-Inventory 'GetSendConnector.xml' { Get-SendConnector }

# Receive connectors: which servers take anonymous (internet) mail on port 25.
Export-Inventory 'GetReceiveConnector.xml' { Get-ReceiveConnector }

# Organization-wide transport settings (shadow redundancy, Safety Net).
Export-Inventory 'GetTransportConfig.xml' { Get-TransportConfig }

# Per-server transport settings: Get-TransportService from Exchange 2013,
# Get-TransportServer in Exchange 2010 (Get-Command only looks the name up).
if (Get-Command -Name Get-TransportService -ErrorAction SilentlyContinue) {
    Export-Inventory 'GetTransportService.xml' { Get-TransportService }
} else {
    Export-Inventory 'GetTransportServer.xml' { Get-TransportServer }
}

# Front End Transport settings, where the cmdlet exists (2013 and later).
if (Get-Command -Name Get-FrontendTransportService -ErrorAction SilentlyContinue) {
    Export-Inventory 'GetFrontendTransportService.xml' { Get-FrontendTransportService }
}

# Server component states, per Exchange 2013-or-later server (2010 has none):
# shows which servers are in maintenance now, and who put them there.
Export-Inventory 'GetServerComponentState.xml' {
    $servers | Where-Object { $_.AdminDisplayVersion.ToString() -match '^Version 15' } |
        ForEach-Object { Get-ServerComponentState -Identity $_.Name }
}

# Accepted domains: the default one names the imported mailboxes.
Export-Inventory 'GetAcceptedDomain.xml' { Get-AcceptedDomain }

# AD sites and site links as Exchange sees them (hub sites, Exchange costs).
Export-Inventory 'GetADSite.xml' { Get-ADSite }
Export-Inventory 'GetAdSiteLink.xml' { Get-AdSiteLink }

# The manifest: when and where this ran, by whom, and the Exchange versions seen.
Export-Inventory 'ExsimManifest.xml' {
    [PSCustomObject]@{
        Organization    = (Get-OrganizationConfig).Name
        Time            = (Get-Date).ToUniversalTime()
        User            = $env:USERNAME
        Computer        = $env:COMPUTERNAME
        ExchangeVersion = ($servers | ForEach-Object { $_.AdminDisplayVersion.ToString() } | Select-Object -Unique) -join '; '
        Script          = 'Export-ExsimInventory.ps1 1'
    }
}

Write-Host ('Done. Next: exsim import "{0}" -o org.yaml' -f $Path)
