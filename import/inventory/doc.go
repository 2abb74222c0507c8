// Package inventory maps an organization's Export-Clixml inventory (one file per
// Get- cmdlet, as collect/Export-ExsimInventory.ps1 writes them) onto the scenario
// format, and returns the scenario as YAML text: servers with the behaviour profile
// of their AdminDisplayVersion, roles, AD sites, DAGs and witnesses, databases with
// their copies in activation preference order, send connectors, the servers whose
// receive connectors take internet mail, the transport settings that differ from
// the version's defaults and the server component states as they are now (both as
// config: cmdlets, each commented with the property it came from), and a few
// mailboxes per database in the default accepted domain.
//
// What the format cannot hold (DAC mode, lagged copies, connector costs, site
// links, Front End Transport settings, ...) becomes a warning naming the file,
// the object, the property and why, and a comment in the YAML; nothing is dropped
// silently. The package imports none of the model packages: it writes text, and
// the caller (cmd/exsim) checks that the text loads.
//
// Facts: reference/import-shapes.md (which cmdlet gives which property and how it
// serializes; the defaults of Set-TransportConfig and Set-TransportService) and
// powershell-and-clixml.md B.12-B.13 (the Exchange value types as they appear).
package inventory
