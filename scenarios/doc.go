// Package scenarios is exsim's public face: it builds a world from a scenario, runs
// it and judges it. Its parts are packages of their own:
//
//   - scenarios/format: the YAML scenario format (version 1, see
//     ../shared/scenario-format.md) and its strict loader; [Load], [Parse] and the
//     format's types are re-exported here, so a test author needs only this package;
//   - scenarios/cmdlet and scenarios/fault: the grammars of `run:` and `fault:` lines;
//   - scenarios/scom: the SCOM monitors (mail flow probes, heartbeats, maintenance mode);
//   - scenarios/report: the writers (narration, JSON, HTML timeline);
//   - scenarios/explore: property-based exploration (`exsim check`).
//
// # Running
//
// [Run] builds a world — a [sim.Sim] kernel, a components.Store, a dag.Org and a
// transport.Org wired together through the small function interfaces each model
// asks for — applies `config` and `edgeTransportConfig`, puts traffic, steps,
// monitors and expectation snapshots on the agenda, and runs to the scenario's
// duration. The world owns what no model owns: network partitions (every model asks
// the same reachability function) and the SCOM monitors of scenarios/scom.
//
// A cmdlet Exchange would refuse (a switchover with no healthy target, suspending the
// only copy of a database) is behaviour, not a scenario error: its error is journaled
// and printed where the admin would see it. [Options] add steps, change the seed, or
// add a liveness phase ([Options.Settle]) in which every fault heals and the run goes
// on before judging, as exploration needs.
//
// # Admins' scripts
//
// [Options.Script] runs an admin's PowerShell script (github.com/exsim/exsim/powershell)
// during the scenario: the world runs to the script's start, then the script drives
// it. Every Exchange cmdlet goes through the same cmdlet layer as `run:` steps and
// takes [CommandTime]; Start-Sleep lets the world run on, so a loop that waits for
// queues to drain sees them drain. Get-Queue, Get-ServerComponentState and
// Get-MailboxDatabaseCopyStatus return objects with the shell's properties; other
// cmdlets return what they print. Console output is journaled at the instant it was
// written. The script acts after every event of the instant it runs at.
//
// # Results
//
// A [Result] holds the journal, the transport ledger's verdict and the alerts.
// Every output is derived from them: message tracking and SMTP protocol logs in
// Exchange's layout ([Result.TrackingLogs], [Result.ProtocolLogs]) here, and the
// narrated report, the JSON result (a stable shape documented in the README) and the
// HTML timeline in scenarios/report. The same scenario and seed give byte-identical
// output and the same run hash.
//
// # Journal events
//
// Besides the model packages' events, the runner journals (events.go; sentences in
// narrate.go): [StepRun], [StepError] and [Output] for admin steps, [FaultInjected] for
// fault steps, [TrafficError] and [LivenessStarted] (exploration's healing phase),
// [ScriptCommand], [ScriptOutput] and [ScriptEnded] for an admin's script,
// [LagBeyondSafetyNet] (a lagged copy Safety Net cannot cover); the
// monitors' events are scenarios/scom's. No writer reads a record's sentence: each
// switches on the payload's type.
//
// # Built-in scenarios
//
// The *.yaml files of this directory are embedded: each replays one of the documents
// the project was created from, names it in its opening comment, and pins what its
// author observed in `expect`. [Open] accepts a path or a built-in name.
package scenarios
