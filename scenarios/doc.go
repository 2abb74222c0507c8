// Package scenarios is exsim's public face: the YAML scenario format (version 1, see
// ../shared/scenario-format.md), building a world from a scenario, running it, and
// judging it.
//
// # Loading
//
// [Load] and [Parse] read a scenario strictly: unknown and duplicate keys are
// errors, every name a step, database, mailbox or monitor uses must be declared, and
// every error reads "file:line:col: message" with the closest valid word suggested.
// The cmdlet lines of `run:` steps are parsed by [github.com/exsim/exsim/scenarios/cmdlet]
// and the fault lines by [github.com/exsim/exsim/scenarios/fault] at load time, so a
// typo in a step is a load error, not a surprise an hour into the run. go-yaml is used
// for its syntax tree, which keeps every position; a small walker decodes it (see
// [Parse] for why not go-yaml's own decoder).
//
// # Running
//
// [Run] builds a world — a [sim.Sim] kernel, a components.Store, a dag.Org and a
// transport.Org wired together through the small function interfaces each model
// asks for — applies `config` and `edgeTransportConfig`, puts traffic, steps,
// monitors and expectation snapshots on the agenda, and runs to the scenario's
// duration. The world owns what no model owns: network partitions (every model asks
// the same reachability function), SCOM maintenance mode, and the monitors (mail flow
// probes and heartbeats, see monitors.go for the behaviour of seed 000).
//
// A cmdlet Exchange would refuse (a switchover with no healthy target, suspending the
// only copy of a database) is behaviour, not a scenario error: its error is journaled
// and printed where the admin would see it. [Options] add steps, change the seed, or
// add a liveness phase ([Options.Settle]) in which every fault heals and the run goes
// on before judging, as exploration needs.
//
// # Results
//
// A [Result] holds the journal, the transport ledger's verdict and the alerts.
// Every output is derived from them: the narrated report ([Result.WriteReport]), the
// JSON result ([Result.WriteJSON], a stable shape documented in the README), message
// tracking and SMTP protocol logs in Exchange's layout ([Result.TrackingLogs],
// [Result.ProtocolLogs]) and the HTML timeline. The same scenario and seed give
// byte-identical output and the same run hash.
//
// # Built-in scenarios
//
// The *.yaml files of this directory are embedded: each replays one of the documents
// the project was created from, names it in its opening comment, and pins what its
// author observed in `expect`. [Open] accepts a path or a built-in name.
package scenarios
