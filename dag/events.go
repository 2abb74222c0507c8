package dag

import "time"

// Journal events: the sim.Payload of every record this package journals. Each is
// built from values captured at the event's instant, so a writer decides from the
// type and fields alone; Kind and Narrate are in narrate.go. The vocabulary, with
// its kinds, is listed in doc.go ("Journal events"). A copy is named by Database
// and Server; a record about a copy has the subject Database\Server.

// ActivationAction says how an active copy moved.
type ActivationAction string

// Activation actions.
const (
	ActionSwitchover ActivationAction = "switchover" // the old active copy was still mounted
	ActionFailover   ActivationAction = "failover"   // the old active copy was lost
)

// Activation ("dag.activate"): the active copy of Database moved From one server
// To another, by a switchover or a failover.
type Activation struct {
	Database, From, To string
	Action             ActivationAction
	Automatic          bool   // decided by Active Manager, not named by an admin (-ActivateOnServer)
	By                 string // who moved it ("the PAM (EX1)", "Admin ran Move-ActiveMailboxDatabase and Active Manager")
	// Criterion (1-10) is the best copy selection criterion that picked To, 0 when
	// best copy selection did not choose (-ActivateOnServer, Rebalance); the
	// candidates were sorted by ActivationPreference (ByPreference, a server uses
	// Lossless) or by copy queue length; Dial is the mount dial applied.
	Criterion    int
	ByPreference bool
	Dial         MountDial
	Cause        string         // a failover: why the old active copy was lost
	MoveNow      MoveNowTrigger // moved off From by DatabaseCopyActivationDisabledAndMoveNow
	Rebalance    bool           // a PreferenceMoveFrequency move back to the preference-1 copy
	Every        time.Duration  // Rebalance: the DAG's PreferenceMoveFrequency
	Mounted      bool           // mounted on To afterwards (false: an admin had dismounted it)
	LostLogs     int64          // logs the new active copy never got: > 0 is a lossy activation
	LaggedReplay int64          // To is a lagged copy: the logs of its replay queue it replayed to mount
	// LostFrom and LostTo are the commit instants of the first and last lost log
	// (LostFromWall, LostToWall on the wall clock); zero when nothing was lost.
	LostFrom, LostTo         time.Duration
	LostFromWall, LostToWall time.Time
}

// MoveNowTrigger says whether and how DatabaseCopyActivationDisabledAndMoveNow made
// a switchover.
type MoveNowTrigger uint8

// MoveNow triggers.
const (
	MoveNowNone    MoveNowTrigger = iota
	MoveNowAtMount                // the database was to mount again on a server that has it set
	MoveNowSet                    // it was just set on the server holding the database
)

// Lossy reports whether the activation lost logs.
func (a Activation) Lossy() bool { return a.LostLogs > 0 }

// NoFailoverTarget ("dag.failover"): the PAM found no copy of Database to fail
// over to after Cause, so it stays dismounted. Said once until something changes.
type NoFailoverTarget struct {
	Database, PAM, Cause string
	Skipped              []string // each candidate's server and why it was skipped
}

// ShutdownNoTarget ("dag.switchover"): the clean shutdown of Server found no other
// copy of Database to activate, so the database goes down with it.
type ShutdownNoTarget struct {
	Server, Database string
	Skipped          []string
}

// MoveRefused ("dag.switchover"): Move-ActiveMailboxDatabase (or a script moving
// critical resources) failed; Database stays on Server.
type MoveRefused struct {
	Database, Server string
	Err              error // the cmdlet's error
}

// MoveNowNoTarget ("dag.switchover"): DatabaseCopyActivationDisabledAndMoveNow was
// set on Server but Database stays there: no other healthy copy exists.
type MoveNowNoTarget struct{ Database, Server string }

// DatabaseMounted ("dag.mount"): Database is mounted on Server, by an admin
// (Mount-Database) or by Active Manager again where it was (Why).
type DatabaseMounted struct {
	Database, Server string
	ByAdmin          bool
	Why              string // what made Active Manager look (not ByAdmin)
}

// MountRefused ("dag.mount"): Mount-Database failed because the active copy on
// Server cannot mount (Cause).
type MountRefused struct{ Database, Server, Cause string }

// DatabaseDismounted ("dag.dismount"): Database dismounted on Server, by an admin
// (Dismount-Database: no failover follows) or because its active copy was lost.
type DatabaseDismounted struct {
	Database, Server string
	ByAdmin          bool
	Cause            string // why the copy was lost (not ByAdmin)
}

// CopyChange ("dag.copy"): a copy's status changed From To, because of Why.
type CopyChange struct {
	Database, Server string
	From, To         Status
	Why              string
}

// CopyFailed ("dag.fault"): a copy failed (its disk).
type CopyFailed struct{ Database, Server string }

// CopyRepaired ("dag.fault"): a failed copy was repaired.
type CopyRepaired struct{ Database, Server string }

// CopySuspended ("dag.suspend"): Suspend-MailboxDatabaseCopy; with ActivationOnly
// the copy keeps replicating but is not activated.
type CopySuspended struct {
	Database, Server, By string
	ActivationOnly       bool
}

// CopyResumed ("dag.resume"): Resume-MailboxDatabaseCopy cleared both suspends.
type CopyResumed struct{ Database, Server, By string }

// ServerDown ("dag.server"): Server crashed or stopped.
type ServerDown struct{ Server string }

// ServerUp ("dag.server"): Server booted; its replication service starts.
type ServerUp struct{ Server string }

// QuorumChange ("dag.quorum"): DAG's quorum or its majority's vote count changed.
type QuorumChange struct {
	DAG      string
	Quorum   bool // has quorum now
	Had      bool // had quorum before
	Votes    int  // votes in the largest partition that can talk
	Total    int  // votes in the DAG (members and witness)
	Needed   int  // votes needed
	Majority []string
	// FileShareWitness: Node and File Share Majority (an even member count), else
	// Node Majority.
	FileShareWitness bool
	Why              string // what changed
}

// PAMChanged ("dag.pam"): the Primary Active Manager changed by itself, From the
// old owner of the cluster group (or "") to PAM ("" when there is none: no
// quorum, or every member of the majority is paused).
type PAMChanged struct {
	DAG, From, PAM string
	Quorum         bool
	Why            string
}

// PAMMoved ("dag.pam"): a maintenance script or Move-ClusterGroup (By) moved the
// cluster group From To.
type PAMMoved struct{ DAG, From, To, By string }

// PAMMoveFailed ("dag.pam"): a maintenance script could not move the cluster group
// off From: no other member of the majority is unpaused.
type PAMMoveFailed struct{ DAG, From, By string }

// AutoActivationPolicySet ("dag.policy"): DatabaseCopyAutoActivationPolicy of
// Server changed to Policy (Blocked: no automatic activation there).
type AutoActivationPolicySet struct {
	Server string
	Policy ActivationPolicy
	By     string
}

// MountDialSet ("dag.policy"): an admin set AutoDatabaseMountDial of Server.
type MountDialSet struct {
	Server string
	Dial   MountDial
}

// ActivationDisabledAndMoveNowSet ("dag.policy"):
// DatabaseCopyActivationDisabledAndMoveNow of Server changed to On.
type ActivationDisabledAndMoveNowSet struct {
	Server string
	On     bool
	By     string
}

// NodePaused ("dag.node"): cluster node Server was paused (Paused) or resumed.
type NodePaused struct {
	Server string
	Paused bool
	By     string
}

// MaintenanceStarted ("dag.maintenance"): StartDagServerMaintenance.ps1 starts on
// Server (stage 1 blocks activation).
type MaintenanceStarted struct{ Server, Script string }

// MaintenanceStage ("dag.maintenance"): the start script reached Stage 2 (pause
// the cluster node) or 3 (move the critical resources off Server).
type MaintenanceStage struct {
	Server, Script string
	Stage          int
}

// HighAvailabilitySet ("dag.maintenance"): a maintenance script set Server's
// HighAvailability component Inactive or Active (Rollback: the start script undoing
// its own change).
type HighAvailabilitySet struct {
	Server, By       string
	Active, Rollback bool
}

// MaintenanceFinished ("dag.maintenance"): Server holds no critical resource and
// is in maintenance.
type MaintenanceFinished struct{ Server, Script string }

// MaintenanceFailed ("dag.maintenance"): critical resources remain on Server; the
// script rolls back unless Force.
type MaintenanceFailed struct {
	Server, Script string
	Critical       []string
	MoveErrors     []error
	Force          bool
}

// MaintenanceReset ("dag.maintenance"): StopDagServerMaintenance.ps1 starts on
// Server and clears every activation block there.
type MaintenanceReset struct{ Server, Script string }

// PreferenceMoveFrequencySet ("dag.config"): an admin set the DAG's rebalancing
// interval; Every 0 turns rebalancing off.
type PreferenceMoveFrequencySet struct {
	DAG   string
	Every time.Duration
}

// RebalanceSkipped ("dag.rebalance"): a PreferenceMoveFrequency check left
// Database active on Server instead of moving it to its preference-1 copy on Home,
// because of Why. Said once per reason.
type RebalanceSkipped struct {
	Database, Server, Home, Why string
	Every                       time.Duration
}
