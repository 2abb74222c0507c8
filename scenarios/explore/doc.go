// Package explore searches the space of faults and plans around a scenario for a
// run that breaks a property, and hands back the smallest such run as a scenario
// anyone can replay with `exsim run` (issue 8). It follows the deterministic
// simulation testers of simulation-anchors.md: one seed rules a sweep (TigerBeetle's
// VOPR), faults are healed after the plan and the run goes on to check liveness
// (VOPR's liveness mode, Options.Settle), failures are kept as value-level YAML
// scenarios rather than as a fuzzer's bitstream (the caveat of rapid's fail files).
//
// # Pieces
//
//   - [Property] values (no-loss, no-duplicates, no-stuck, spof-under:D,
//     latency-under:D, expectations) judge a [scenarios.Result]; a test combines
//     them in a slice.
//   - [Expand] turns fault templates ("crash any lose-queue", "fail-site any",
//     "partition-sites any") into fault lines over a topology; [Steps] turns
//     [Fault] values into steps with their repairs (restore-site for fail-site).
//   - rapid generators ([FaultsGen], [PlanGen], [TrafficGen], [TopologyGen]) draw
//     in an order that makes rapid's shrinking give fewer faults, earlier times,
//     the plan's own order and smaller topologies.
//   - [Check] is a sweep independent of rapid for the CLI: variant i is drawn
//     from (seed, i) alone and results come back in variant order, so the worker
//     count and the shard change nothing but the speed. A variant is the
//     scenario's plan with random faults and, with Config.PermutePlan or
//     Config.PlanDelay, its own order and timing of the plan's run steps
//     ([DrawPlan], [PlanStep]; [Moves] says which steps moved). [Shrink]
//     minimises a failure greedily (fewer faults, earlier; the plan back toward
//     the written one; fewer steps) and [Counterexample] writes it as a scenario,
//     the varied plan as its steps, whose expect pins the failure; [Marshal]
//     writes any scenario as YAML.
//   - [Exhaustive] runs each single fault at each step boundary of the plan as
//     written (it does not vary the plan), at a time grid between them too
//     (Config.Grid, [Instants]), and with Config.MaxFaults 2 every ordered pair
//     of faults ([ExhaustiveCells] says which pairs it leaves out as commuting).
//     Failures fold by [Signature] (properties broken, fault kinds, the step each
//     fault follows) into [Groups], a table instead of a line per run.
//   - [Coverage] counts the mechanisms a sweep exercised, from each run's journal
//     (Config.NoCoverage runs without the journal, about 2.5 to 7 times faster).
//   - [SweepReport] is a sweep's (or a shard's) result as JSON: [CheckReport] and
//     [ExhaustiveReport] make one, [ReadReport] parses and checks one, [Merge]
//     folds a sweep's shards into the report one machine would have written.
//   - [Safest] searches the orders of the plan's run steps that [Dependencies]
//     (and extra [Dep] values) allow, then their timings, for the plans that keep
//     the properties with the least exposure, latency or duration, and checks
//     each against every single fault.
//
// # Sweeps on a batch system
//
// A sweep splits into independent jobs: job K of N runs
//
//	exsim check plan.yaml --property no-loss --runs 100000 --seed 7 --shard K/N --out out/K
//
// and gets the variants i with i % N == K-1, each exactly as the whole sweep would
// run it, since variant i is drawn from (seed, i) alone (an exhaustive sweep's
// cells split the same way, by cell index). Each job writes its own
// counterexample (named after the seed and the variant index) and exits 1 when it
// found one; with --report it writes a [SweepReport], and exsim merge checks that
// the jobs ran every variant exactly once and folds them into one. Under a batch
// engine, --shard auto takes K and N from its environment (a Kubernetes Indexed
// Job, a Slurm array, Bazel's test sharding; cmd/exsim/shard.go); deploy/ has a
// Kubernetes Job, a Slurm sbatch script and a GitHub Actions matrix, each run by
// a test.
//
// The report holds no wall clock, host or path, and failures in it are in
// variant order, coverage summed by mechanism: the merged report of N shards is
// the unsharded report byte for byte. It records the version (and commit) and a
// hash of the scenario as Marshal writes it, so shards of different builds or
// scenarios do not merge. Variants run are kept as spans of indices, and merging
// works on spans, so a sweep of millions of variants merges in memory of the
// order of its shards' spans.
//
// # Choices
//
//   - An injected crash or stop may be repaired ("start S") some time later; an
//     injected partition or copy failure lasts until the liveness phase, because
//     "heal" ends every partition (also one the scenario makes on purpose, such as
//     a cut internet link) and a failed copy needs a reseed, which is not modelled.
//   - The liveness phase defaults to 2 hours, long enough for the retry ladder and
//     an internet sender's 15-minute retry after a heal.
//   - Exhaustive pairs: two faults at one instant on different servers commute
//     (the scenario schedules every step of an instant before anything either
//     causes runs; a test runs both orders for dag-maintenance), so one order is
//     run; a crash or stop of a server already down is not run. Both faults last
//     until the liveness phase, like single ones.
//   - A failure's signature is the properties it broke, its fault kinds without
//     the servers, and the plan step each fault follows: runs that differ only in
//     which member failed, or when within one step's span, are one line of the
//     table.
//   - Plan dependencies are per server, not per component (see [Dependencies]):
//     coarse, but they never let a step move past one that sets the state of its
//     server; "after:" constraints, when the format has them, add what the rule
//     misses. A run step never crosses a fault step of the scenario on its
//     servers (the reboot stays between entering and leaving maintenance).
//   - The safest plan's exposure is Verdict.ExposureSeconds, message-seconds of
//     acknowledged mail with a copy on one server only; latency is the slowest
//     delivery; duration the span of the run steps. The worst single fault a plan
//     survives is the one (of every fault at every boundary of that plan) that
//     keeps the properties with the most exposure.
//   - Shrinking keeps the failure: a smaller candidate must still break one of the
//     properties the variant broke. It drops a plan step only when the plan
//     without it, as written and without faults, keeps those properties: a plan
//     missing "ServerWideOffline Active" fails by itself, and a counterexample
//     blaming a step it left out would mislead.
//   - A varied plan permutes the run steps over the plan's own instants (a swap
//     exchanges two steps' times, as an admin doing the steps in another order
//     would) and delays each by a multiple of the granularity; fault steps of the
//     scenario (a cut internet link) keep their instants, since they stand for
//     the world, not the admin. Shrinking puts each moved step back in its own
//     slot (undoing a swap; a longer cycle gets shorter) and moves each delay back
//     to 0, so a counterexample keeps only the moves the failure needs.
//   - A counterexample's expect pins the failure (lost: 1): `exsim run` exits 0 while
//     the failure reproduces and 1 once a change fixes it. The one exception is the
//     expectations property: its counterexample keeps the scenario's own expect,
//     which fails again on replay. The liveness phase is written out as steps at the
//     old end (heal, start S) and a longer duration.
package explore
