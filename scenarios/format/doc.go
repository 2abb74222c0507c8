// Package format is the YAML scenario format (version 1, documented in
// ../shared/scenario-format.md and published as scenarios/schema/scenario.schema.json)
// and its strict loader.
//
// [Load] and [Parse] read a scenario strictly: unknown and duplicate keys are errors,
// every name a step, database, mailbox or monitor uses must be declared, and every
// error reads "file:line:col: message" with the closest valid word suggested. The
// cmdlet lines of `run:` steps are parsed by [github.com/exsim/exsim/scenarios/cmdlet]
// and the fault lines by [github.com/exsim/exsim/scenarios/fault] at load time, so a
// typo in a step is a load error, not a surprise an hour into the run. go-yaml is used
// for its syntax tree, which keeps every position; a small walker decodes it (see
// [Parse] for why not go-yaml's own decoder).
//
// The package knows nothing of the models: it produces a [Scenario] value that
// github.com/exsim/exsim/scenarios turns into a world and runs.
package format
