// Command exsim replays Microsoft Exchange mail transport scenarios in simulated time.
//
//	exsim run FILE|NAME [--seed N] [--json] [--quiet] [--tracking-logs DIR] [--protocol-logs DIR] [--html FILE] [--script PS1 [--on S] [--at D] [--arg N=V]... [--answer T]... [--script-out DIR]]
//	exsim check FILE|NAME --property no-loss[,no-stuck,...] [--faults SPEC]... [--runs N] [--seed N] [--workers N] [--shard K/N|auto] [--report FILE.json] [--exhaustive [--max-faults 2]] [--out DIR]
//	exsim merge REPORT.json... [--report FILE.json]
//	exsim plan FILE|NAME --safest [--property P] [--objective exposure|latency|duration] [--after N:M]... [--out FILE]
//	exsim import DIR [-o FILE] [--tracking-logs DIR] [--day D] [--scale F] [--mailboxes N]
//	exsim validate FILE...
//	exsim list
//	exsim version
//
// Exit codes: 0 the expectations held, 1 one failed, 2 bad input or usage.
package main

import (
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// command is one subcommand of the CLI.
type command struct {
	name, usage, summary string
	run                  func(args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"run", "exsim run FILE|NAME [--seed N] [--json] [--quiet] [--tracking-logs DIR] [--protocol-logs DIR] [--html FILE] [--script PS1 [--on S] [--at D] [--arg N=V]... [--answer T]... [--script-out DIR]]", "replay a scenario: narration, cmdlet output, verdict", cmdRun},
		{"check", checkUsage, "search generated variants of a scenario for a counterexample", cmdCheck},
		{"merge", mergeUsage, "combine the --report files of a sweep's shards into one result", cmdMerge},
		{"plan", planUsage, "search the orders and timings of a plan's steps for the safest", cmdPlan},
		{"validate", "exsim validate FILE...", "check scenario files without running them", cmdValidate},
		{"import", importUsage, "write a scenario from an org's Export-Clixml inventory and tracking logs", cmdImport},
		{"list", "exsim list", "list the built-in scenarios", cmdList},
		{"version", "exsim version", "print the version", cmdVersion},
	}
}
