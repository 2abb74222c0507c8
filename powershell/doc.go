// Package powershell parses and runs the subset of Windows PowerShell 5.1 that
// Exchange administrators' maintenance scripts use, so that exsim can run an
// admin's own .ps1 against a simulated organization. It knows only the language:
// Exchange cmdlets, Exchange's scripts, native programs, the clock, the console
// and files are reached through a [Host] the embedder implements. Every host call
// is synchronous and there are no goroutines, so the simulator can advance its
// world inside Invoke and Sleep on its one thread. The facts it is modelled from
// are reference/powershell-and-clixml.md, part A.
//
// [Parse] turns a script into a [Script] or a [*SyntaxError] that starts with
// file:line:col; [Run] runs it. Run returns an error only when the run cannot be a
// faithful simulation: an [*UnsupportedError] (a construct, cmdlet, parameter or
// method exsim does not model, named with what it does support), a [*LimitError]
// (a step budget, call depth or size bound hit, so a hostile script cannot hang
// the simulator) or a [*HostError]. PowerShell's own errors are the script's
// business: they print as the console prints them, land in $Error, set $?, and a
// terminating one that nobody catches ends the script with exit code 1.
//
// Tokenizing follows the 5.1 rules: en dash, em dash and horizontal bar are '-',
// the typographic quotes are quotes, backtick escapes and line continuation, # and
// <# #> comments, here-strings, case-insensitive keywords, operators and
// variables, kb..pb multipliers, ${...}, $env:X, $script:/$global: scopes and
// @splatting. The tokenizer is driven by the parser in argument or expression
// mode, because `Write-Output 2+2` and `(2+2)` tokenize differently.
//
// The interpreter implements these cmdlets itself (with their 5.1 aliases ?,
// where, %, foreach, select, sort, measure, group, fl, ft, echo, write, sleep,
// cd, timeout): Where-Object (script block and Prop -Op Value forms),
// ForEach-Object, Select-Object, Sort-Object, Measure-Object, Group-Object,
// Format-Table, Format-List, Out-String, Out-Null, Out-Host, Out-File,
// Export-Csv, ConvertTo-Csv, Add-Content, Set-Content, Write-Host, Write-Output,
// Write-Warning, Write-Verbose, Write-Debug, Write-Information, Write-Error,
// Write-Progress (silent), Read-Host, pause, Start-Sleep, timeout.exe, Get-Date,
// New-TimeSpan, New-Object, Add-Member, Split-Path, Join-Path, Set-Location,
// Get-Location, Get-Variable, Set-Variable, Remove-Variable, Start-Transcript,
// Stop-Transcript, Clear-Host and Set-StrictMode. Every other command goes to
// the host; [Script.Commands] lists them before a run so a loader can reject
// unknown ones early.
//
// Semantics exsim implements, with the choices the facts leave open:
//   - Values are nil, bool, int, float64, string, time.Time, time.Duration,
//     []Value, [*PSObject] (what hosts return: ordered properties with
//     case-insensitive lookup, an optional string form, default display columns
//     and host methods), [*Hashtable] (@{}: insertion-ordered, so output is
//     deterministic), *ArrayList, *ScriptBlock and [*ErrorRecord].
//   - Strings expand with the invariant culture ("$(Get-Date)" is
//     03/14/2026 20:00:00); ToString(), Write-Host and the console use en-US
//     (3/14/2026 8:00:00 PM). Doubles print with 15 significant digits as on .NET
//     Framework, so 0.1+0.2 is 0.3.
//   - Regular expressions use Go's RE2: lookaround and backreferences are
//     reported as unsupported rather than silently mismatching.
//   - Host commands are invoked once with no input when first in a pipeline, and
//     once per piped object otherwise. Built-in cmdlets stream: Select-Object
//     -First stops its upstream.
//   - break and continue search up the call stack for a loop, as PowerShell's do:
//     inside ForEach-Object they leave the enclosing loop, and with no loop at all
//     they end the script quietly. return in a ForEach-Object block ends only the
//     current item.
//   - Statement-terminating errors outside try print and the script goes on;
//     throw and errors escalated by -ErrorAction Stop or $ErrorActionPreference =
//     'Stop' are caught by try/catch or end the script. -ErrorAction Inquire is
//     unsupported (there is nobody to ask). In 5.1 (...), $(...) and @(...) reset
//     $? to True.
//   - The common parameters (-ErrorAction/-ea, -ErrorVariable, -OutVariable,
//     -WarningAction, -Verbose, ...) are handled by the interpreter and removed
//     before a host sees the call; a prefix of one is recognised only from six
//     letters on (-ErrorA), so that it cannot steal a cmdlet's own short prefix.
//     -WhatIf and -Confirm go to the host, which answers prompts with
//     [Call.Confirm].
//   - Read-Host writes "Prompt: " and then the answer the host gives, so a
//     transcript shows the dialogue. A missing mandatory parameter is prompted for
//     as the console does ("Supply values for the following parameters:").
//   - Out-Default renders objects as the console does: four or fewer properties
//     as a table (consecutive objects of one shape share a header; columns are
//     sized from the rows written before anything else interrupts them), five or
//     more as a list. Format-Table always sizes columns to fit (-AutoSize).
//   - Start-Sleep, timeout.exe /t N and [Threading.Thread]::Sleep ask the host to
//     advance the world; nobody presses a key, so timeout waits the full time.
//     Get-Date and [datetime]::Now read the host's clock.
//   - Redirections: > and >> (output, as Out-File), 2>, 3> and *> (errors,
//     warnings, every stream) to a file or $null, and 2>&1; other merges are an
//     error.
//   - Out-File, > and >>, Add-/Set-Content, Export-Csv and
//     Start-/Stop-Transcript write through the host, which decides where a path
//     lands and how it is encoded. Parameters with no effect on what a
//     simulation can observe are accepted and do nothing: -ForegroundColor,
//     -BackgroundColor, -Encoding, -Width, -Wrap, -Paging, -Force, -NoClobber
//     and -IncludeInvocationHeader (the host owns the files), Write-Progress,
//     and Set-StrictMode -Version (undefined variables are an error at every
//     version).
package powershell
