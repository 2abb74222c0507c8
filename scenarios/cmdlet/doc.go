// Package cmdlet parses the PowerShell lines of scenario steps and binds their
// arguments to a cmdlet's parameters as PowerShell does.
//
// Syntax (a subset of PowerShell's argument mode): `Verb-Noun -Param value
// -Switch -Param:$false positional`, 'single' quotes (” escapes a quote),
// "double" quotes (backtick escapes; no variable expansion: "$x" is an error
// rather than a silent empty string), $true/$false/$null, comma lists `a,b`,
// `Server\Name` identities as plain words, `{...}` script blocks kept verbatim
// (e.g. Get-Queue -Filter {Status -eq 'Retry'}), and '|' pipes. The typographic
// dashes and quotes that documentation pages contain are accepted, as
// PowerShell accepts them, so a line pasted from TechNet parses.
//
// Parsing cannot tell a switch from a parameter that takes a value; Parse pairs
// `-Name value` greedily and [Command.Bind] gives the value back as positional
// when the spec says -Name is a switch, which is PowerShell's behaviour.
//
// Binding: names are case-insensitive; an exact name wins, otherwise a unique
// prefix (-Comp for -Component); an ambiguous prefix or unknown name is an error
// that suggests the closest name. The common parameters Confirm, WhatIf, Verbose,
// ErrorAction and WarningAction exist on every cmdlet, so `-C` is ambiguous
// between -Component and -Confirm, exactly as in PowerShell.
//
// [Lookup] and [Names] give the cmdlets scenarios support (scenario-format.md,
// plus Retry-/Suspend-/Resume-Queue and Microsoft's StartDagServerMaintenance.ps1
// and StopDagServerMaintenance.ps1, written as run from $exscripts, with or
// without .\), with the parameters the simulation reads; [ParamSpec.Type] says
// what a value names so the loader can check server and database references at
// load time. [Pipes] lists where a Get- cmdlet's output may be piped besides
// Format-List and Format-Table: only into cmdlets that take the piped objects'
// Identity (Get-Queue | Retry-Queue, Get-MailboxDatabaseCopyStatus |
// Suspend-MailboxDatabaseCopy, Get-MailboxDatabase | Get-MailboxDatabaseCopyStatus).
// [Aliases] are the built-in PowerShell aliases accepted for a cmdlet (fl, ft).
// Edit-EdgeTransportConfig is exsim's notation for an admin saving
// EdgeTransport.exe.config in an editor; no such cmdlet exists.
package cmdlet
