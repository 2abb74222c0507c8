// Package dag models Exchange mailbox databases and database availability groups: the
// copies of each database and their status, log shipping between them, Active
// Manager's switchovers and failovers (best copy selection), the cluster's quorum and
// the maintenance scripts. It knows nothing of messages: transport tells it when a
// delivery wrote a log ([Org.Committed]) and hears back when a lossy failover lost some
// ([Env.LossyFailover]). Facts come from shared/reference/exchange-dag-components.md
// sections 2 and 3; the bracketed keys in comments are that document's sources.
//
// # What is modelled
//
//   - Databases with copies in activation preference order; exactly one active copy,
//     Mounted or Dismounted. A single copy on a server outside any DAG is a standalone
//     database: it dismounts with its server and mounts again when it returns.
//   - Passive copy statuses Healthy, Initializing (Timings.Initializing, ~15 s),
//     Resynchronizing, DisconnectedAndHealthy, DisconnectedAndResynchronizing,
//     Suspended, Failed, FailedAndSuspended, ServiceDown, Seeding, SeedingSource
//     (seeding.go). SinglePageRestore is named but never reached.
//   - Log shipping: each [Org.Committed] is one log generation on the active copy; a
//     connected passive copy holds it Timings.LogShipping later and has replayed it
//     Timings.LogReplay after that, so CopyQueueLength and ReplayQueueLength rise and
//     fall. A copy that reconnects catches up in one shipment.
//   - Failover: a lost active copy (server down, copy failed, server cut off from the
//     majority) dismounts at once; after Timings.FailureDetection the PAM runs best
//     copy selection: drops unreachable, paused, Blocked, IntrasiteOnly-foreign,
//     HighAvailability-blocked and activation-suspended copies and those not in an
//     eligible status (Healthy, DisconnectedAndHealthy, DisconnectedAndResynchronizing,
//     SeedingSource); sorts by copy queue length, or by activation preference when any
//     server holding a copy uses Lossless; tries the ten criteria in order; a copy
//     whose queue after attempting to copy the last logs exceeds its server's
//     AutoDatabaseMountDial (BestAvailability 12, GoodAvailability 6, Lossless 0) is
//     skipped. No eligible copy: the database stays dismounted, and selection runs
//     again on the next change (a server returning, a copy initialized, ...).
//   - Lossy activation: when the old active server cannot give its last logs, the new
//     active copy's lineage restarts from its own last log; the lost window (the
//     commit times of the first and last lost log) is reported through
//     Env.LossyFailover, the way Active Manager asks Safety Net for one database over
//     a time window: a delivery at the window's first instant that did survive is
//     resubmitted too, and the store's duplicate detection drops it. Copies holding
//     logs beyond that point (the old active copy when it returns) go Resynchronizing.
//   - A clean shutdown ([Org.ServerStop], 2013+) first activates another copy of
//     each mounted database, as Exchange's shutdown hook does; a crash does not.
//   - Env.DatabaseChanged hears every move, mount and dismount; [Org.Refresh] makes
//     Active Manager look again after something outside the package changed (the
//     HighAvailability component).
//   - Quorum: Node Majority for an odd member count, Node and File Share Majority for
//     an even one. Without quorum every database of the DAG dismounts and nothing is
//     activated; when quorum returns, databases whose active copy is reachable mount
//     again and the others fail over (the reference says an admin must step in; the
//     issue asks for "until quorum returns", and the cluster service does recover by
//     itself once nodes can talk, so it recovers here).
//   - The PAM is the owner of the cluster group: the first member at creation; it
//     stays while its server is in the majority (paused or not) and otherwise moves to
//     the first unpaused member in the majority.
//   - Automatic rebalancing (Exchange 2016 CU2+, [MANAGE-DAG-16 note; SET-DAG]): a DAG
//     created with DAGOptions.Exchange2016 has PreferenceMoveFrequency, 1 hour by
//     default, set with [Org.SetPreferenceMoveFrequency] (InfiniteTimeSpan or 0: off).
//     Every interval Active Manager moves each database whose ActivationPreference 1
//     copy is not active back to it by a lossless switchover, journaled with the rule
//     "PreferenceMoveFrequency: ...". 2010 and 2013 DAGs (plain AddDAG) never do.
//   - Cmdlets: Mount-Database, Dismount-Database, Move-ActiveMailboxDatabase (targeted,
//     targetless, -Server, -MountDialOverride), Suspend-/Resume-MailboxDatabaseCopy
//     (-ActivationOnly), Set-MailboxServer -DatabaseCopyAutoActivationPolicy /
//     -DatabaseCopyActivationDisabledAndMoveNow / -AutoDatabaseMountDial,
//     Suspend-/Resume-ClusterNode, Move-ClusterGroup "Cluster Group" (moves the PAM),
//     StartDagServerMaintenance.ps1 (2013+ and, with Exchange2010Maintenance, 2010's)
//     and StopDagServerMaintenance.ps1, Get-MailboxDatabaseCopyStatus,
//     Get-DatabaseAvailabilityGroup [-Status].
//   - Site resilience (dac.go; exchange-site-resilience.md sections 1, 2 and 5): a
//     DAG's witness and alternate witness each have an AD site ([SiteOptions]); the
//     cluster uses the alternate one only after Restore-DatabaseAvailabilityGroup,
//     never by itself. DatacenterActivationMode Off or DagOnly ([Org.SetDAG]). DACP:
//     Active Manager's bit is 0 whenever it starts; it sets 1 when a member it reaches
//     answers 1, or when it reaches every other server on StartedMailboxServers (the
//     automount consensus of timmcmic's DAC series, part 5); in DagOnly a member
//     with bit 0, and any member on StoppedMailboxServers, mounts nothing and is not
//     a failover target. [Org.StopDAG], [Org.RestoreDAG], [Org.StartDAG] need
//     DagOnly. Restore evicts the stopped servers, forces quorum on the survivors,
//     moves to the alternate witness when they are even or one, and resets their
//     bits to 1; Start takes servers off the stopped list and back into the
//     cluster; a bare Set-DatabaseAvailabilityGroup goes back to the primary witness.
//   - Split brain: servers evicted while they were down or cut off keep the old
//     cluster's view (voters, witness, where each database was active). When such
//     servers run, reach each other but no member of the real cluster, and hold a
//     majority of the old votes (the old witness counts unless the running cluster
//     uses it), they mount their databases beside the real active copy
//     ([Org.MountedCopies] lists both) unless DACP holds them back. Reaching a
//     running member tells them they were evicted.
//   - Lagged copies (lagged.go; exchange-site-resilience.md section 3): a copy with a
//     ReplayLagTime ([Org.SetCopyLag], at most 14 days) replays each copied log that
//     long after it arrived, so its replay queue holds the lag; TruncationLagTime is
//     kept and shown only. Move-ActiveMailboxDatabase refuses a lagged copy without
//     -SkipLagChecks; with it, even a suspended lagged copy activates and replays its
//     whole queue as it mounts (instantly: the reference's two logs a second is not
//     modelled), so only what it never copied is lost, and Safety Net is asked for
//     that window. ReplayLagStatus prints the captured form; its Actual is read as the
//     age of the newest replayed log. Replay Lag Manager (playdown.go) plays a
//     lagged copy down on the three documented triggers, deferred on a slow disk
//     up to ReplayLagMaxDelay (2016+). Not modelled: the point-in-time (Eseutil)
//     recovery.
//   - Copy lifecycle (seeding.go; exchange-site-resilience.md section 4):
//     [Org.AddCopy] (same DAG, quorum, no copy there yet, at most 16; seeded from the
//     active copy at once unless -SeedingPostponed or -ConfigurationOnly, which leave
//     it Suspended with the documented message until a seed), [Org.RemoveCopy] (not
//     the active copy, needs quorum; the files stay), [Org.UpdateCopy] (the copy must
//     be suspended; files already there need -DeleteExistingFiles; -SourceServer
//     seeds from a Healthy passive copy, which shows SeedingSource). A seed shows
//     Seeding for size / rate (database size 1 GB and 13 MB/s unless the scenario
//     sets them: no Microsoft figure exists, 13 MB/s is the reference's one admin
//     report), then Initializing; it fails to FailedAndSuspended when the target or
//     the source goes down or fails, or a passive source becomes active. Reseeding a
//     failed copy replaces its disk (the copy is repaired). Not modelled:
//     content-index seeding, -CancelSeed, -ManualResume, parallel-seed limits.
//   - AutoReseed (autoreseed.go), only in a DAG given spare disks
//     ([Org.SetAutoReseedSpares]): Failed 10 minutes, suspended; FailedAndSuspended
//     15 minutes, 3 resume attempts 5 minutes apart, then a spare disk and an in-place
//     reseed from the active copy, or the workflow stops without a spare. Per copy,
//     not per volume; no Disk Reclaimer schedule, no 3-day reset.
//   - Placement (placement.go; section 6): MaximumActiveDatabases
//     ([Org.SetMaximumActiveDatabases]) keeps best copy selection and switchovers off
//     a server that has that many mounted databases and refuses Mount-Database there
//     (a database already active on it that dismounted by itself is not held back).
//     RedistributeActiveDatabases.ps1 ([Org.Redistribute]) moves each mounted
//     database to its most preferred Healthy copy Active Manager could activate (by
//     site: first among the copies in the site where it is active) and returns the
//     per-server distribution; the script's console text is not captured, so exsim
//     prints the distribution objects as a table. MaximumPreferredActiveDatabases
//     ([Org.SetMaximumPreferredActiveDatabases]) is a preference for best copy
//     selection and rebalancing (placement.go). Move suppression and
//     -AllowedDeviationFromMeanPercentage are not modelled.
//
// # Choices where the sources are silent or disagree
//
//   - A paused node keeps its quorum vote (inferred in the reference, not stated).
//   - Witness arbitration: the witness's vote goes to the group holding the lock (the
//     locking node), else to the first group in member order that reaches the witness.
//   - Manual Move-ActiveMailboxDatabase -ActivateOnServer may target a Blocked,
//     paused or DatabaseCopyActivationDisabledAndMoveNow server: the documents speak
//     only of automatic activation. A HighAvailability-blocked server is refused with
//     the sourced error text.
//   - A failed copy's logs are unreadable, so a failover away from it is lossy.
//   - Mounting and dismounting are instant; Timings lists every duration modelled.
//   - Copies created with a database start Healthy (an established DAG at t=0).
//   - ContentIndexState is Healthy for a running copy (Unknown when its server is
//     down, Failed when the copy failed); Crawling never happens, so criteria 2, 4, 7
//     and 9 never match.
//   - StartDagServerMaintenance follows the documented summary (policy Blocked, node
//     paused, moves, PAM moved, rollback) plus the 2016/2019 HighAvailability step when
//     Env.SetHighAvailability is wired; the 2013-era -ActivationOnly suspends and the
//     2022 script's optional pause are options. The checks are GetCriticalMailboxResources:
//     PAM, active copy, active dismounted elsewhere, ServiceDown, a non-replicated
//     database (assumed to hold mailboxes), and redundancy (at least two other healthy
//     copies, one when two DAG servers are up or with -overrideMinimumTwoCopies).
//   - Rebalancing checks run at the DAG's creation time plus every multiple of the
//     interval (the first one interval after creation; the reference does not say when
//     the cycle starts). A new interval keeps that origin. The timer is armed only while
//     some database is away from its preference-1 copy: an idle check changes nothing.
//   - The preference-1 copy is moved to only when Active Manager could activate it
//     automatically (up, in the majority, not paused, not Blocked, IntrasiteOnly
//     respected, HighAvailability not Inactive, activation not suspended, no
//     DatabaseCopyActivationDisabledAndMoveNow) and its status is Healthy (so it is
//     connected to the active copy). "Lossless" is read as a switchover does it: the
//     copy first gets the last logs from the still-mounted old active copy, so a copy
//     queue still in flight is closed, not lost; a copy that could not get them is
//     skipped until a later check, never moved to lossily. A database that is not
//     mounted (dismounted by an admin, or waiting for a failover) is left alone, and
//     so is every database while the DAG has no quorum or PAM. Each reason a database
//     was not moved back is journaled once ("dag.rebalance"), not every interval.
//   - The reference leaves open the order of moves within one check (here: database
//     creation order, all in the same instant), whether move suppression or
//     MaximumActiveDatabases limit them (neither is modelled), and whether a DAG with
//     2013 and 2016 members has the property (here: only when every member runs 2016
//     or 2019; scenarios decide that from the members' versions).
//   - Error texts follow Exchange's shapes; only the HighAvailability one is quoted
//     from a source. The site-resilience cmdlets' texts are exsim's (the reference has
//     none).
//   - Restore-DatabaseAvailabilityGroup uses the alternate witness when the
//     survivors are even or a single member (the current cmdlet reference and the
//     2010 support guide; the 2010 help said even only). Stopping the Cluster service
//     on the survivors first (Stop-Service ClusSvc) is implied, not a step.
//   - Stop-DatabaseAvailabilityGroup without -ConfigurationOnly stops and disables
//     the cluster service of the servers that are up (the 2010 guide's force
//     cleanup); those down or evicted are only marked. An established DAG in DAC
//     mode lists every member on StartedMailboxServers; a DAG with DAC Off lists
//     none. The evicted servers' stale StartedMailboxServers is the old cluster's
//     voters (their AD never heard of the Stop).
//   - WitnessShareInUse (-Status) is Primary, Alternate or None (Node Majority): only
//     Primary is documented.
//   - The two-member DACP rule: a starting member of a cluster of two voters that
//     reaches the witness may set its bit when the witness booted before the bit was
//     last set (an isolated reboot); [Org.WitnessBooted] tells the model when a
//     witness boots (the scenario runner: restore-site, or the witness server
//     starting).
//   - Dynamic quorum and dynamic witness (quorum_dynamic.go; section 2.8) for DAGs
//     created with DAGOptions.DynamicQuorum (Exchange 2013 and later, assumed on
//     Windows Server 2012 R2): votes follow the membership after a window of
//     Timings.FailureDetection, the witness votes only with an even number of
//     voting members, down to the last man standing; the rules chosen where no
//     Exchange document speaks are in that file. Get-ClusterNode and Get-Cluster
//     ([Org.ClusterNodes], [Org.Cluster]) show DynamicWeight and
//     WitnessDynamicWeight. Exchange 2010 DAGs keep the static majority.
//
// # Journal events
//
// Every record's Data is one of these (events.go; narration in narrate.go). A
// record about a copy has the subject Database\Server; Server and Subject are for
// display, the fields say everything.
//
//   - "dag.activate": [Activation], the active copy moved From To; Action
//     (ActionSwitchover, ActionFailover), Automatic (false: -ActivateOnServer),
//     Rebalance (PreferenceMoveFrequency), the best copy selection Criterion,
//     failover Cause, MoveNow, Mounted afterwards, and for a lossy one (Lossy)
//     LostLogs and the window LostFrom-LostTo.
//   - "dag.failover": [NoFailoverTarget], the PAM found no copy to fail over to.
//   - "dag.switchover": [ShutdownNoTarget], a clean shutdown found no other copy;
//     [MoveRefused], Move-ActiveMailboxDatabase failed (Err); [MoveNowNoTarget],
//     DatabaseCopyActivationDisabledAndMoveNow found no other healthy copy.
//   - "dag.mount": [DatabaseMounted] (ByAdmin, or by Active Manager again);
//     [MountRefused], Mount-Database failed (Cause).
//   - "dag.dismount": [DatabaseDismounted] (ByAdmin, or the active copy was lost).
//   - "dag.copy": [CopyChange], a copy's status From To.
//   - "dag.fault": [CopyFailed], [CopyRepaired].
//   - "dag.suspend": [CopySuspended] (ActivationOnly); "dag.resume": [CopyResumed].
//   - "dag.server": [ServerDown], [ServerUp].
//   - "dag.quorum": [QuorumChange], quorum (Quorum, Had) or the majority's votes changed;
//     [VotesAdjusted], dynamic quorum set the DynamicWeights and WitnessDynamicWeight.
//   - "dag.pam": [PAMChanged], the PAM moved by itself (PAM "": none);
//     [PAMMoved], a maintenance script moved the cluster group; [PAMMoveFailed].
//   - "dag.policy": [AutoActivationPolicySet] (Policy, Blocked blocks automatic
//     activation), [MountDialSet], [ActivationDisabledAndMoveNowSet] (On).
//   - "dag.node": [NodePaused], Suspend-/Resume-ClusterNode (Paused).
//   - "dag.maintenance": the scripts' steps: [MaintenanceStarted] (stage 1),
//     [MaintenanceStage] (2: pause, 3: moves), [HighAvailabilitySet] (Active,
//     Rollback), [MaintenanceFinished], [MaintenanceFailed] (Critical, MoveErrors,
//     Force), [MaintenanceReset] (StopDagServerMaintenance.ps1).
//   - "dag.config": [PreferenceMoveFrequencySet] (Every, 0: off); [DAGSet],
//     Set-DatabaseAvailabilityGroup (DAC mode, witnesses, BackToPrimary).
//   - "dag.dacp": [DACPBitSet], a member's DACP bit became 1 (By).
//   - "dag.site": [DAGStopped], [DAGRestored], [DAGStarted] (the switchover
//     cmdlets); [EvictionLearned], an evicted server reached the running cluster.
//   - "dag.splitbrain": [SplitBrainMount], a stale partition mounted a database
//     (AlsoMountedOn: the real active copy's server); [SplitBrainDismount];
//     [SplitBrainPrevented], DACP held such a mount back.
//   - "dag.lag": [CopyLagSet], Set-MailboxDatabaseCopy -ReplayLagTime / -TruncationLagTime.
//   - "dag.lifecycle": [CopyAdded], [CopyRemoved]; "dag.seed": [SeedStarted],
//     [SeedFinished], [SeedFailed] (seeding_events.go).
//   - "dag.policy": [MaximumActiveDatabasesSet]; "dag.rebalance": [Redistributed],
//     RedistributeActiveDatabases.ps1; "dag.autoreseed": [AutoReseedStep]
//     (seeding_events.go).
//   - "dag.rebalance": [RebalanceSkipped], a database not moved back (Why).
//   - "dag.lag": [LagPlayedDown], [LagResumed], [PlayDownDeferred], [PagePatched]
//     (Replay Lag Manager, playdown.go); "dag.config": [ReplayLagManagerSet].
//   - "dag.policy": [MaximumPreferredActiveDatabasesSet].
//
// Not modelled: move suppression (4 moves an hour), the 2016+ health filters,
// MAPI-network failures and the script's retries one minute apart; Resume-
// MailboxDatabaseCopy -DisableReplayLag.
package dag
