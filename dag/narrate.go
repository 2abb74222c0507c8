package dag

import (
	"errors"
	"fmt"
	"strings"
)

// Kind and Narrate of every journal event (events.go). Narrate reads only the
// event's fields: it runs at report time, long after the model moved on.

func (Activation) Kind() string                      { return "dag.activate" }
func (NoFailoverTarget) Kind() string                { return "dag.failover" }
func (ShutdownNoTarget) Kind() string                { return "dag.switchover" }
func (MoveRefused) Kind() string                     { return "dag.switchover" }
func (MoveNowNoTarget) Kind() string                 { return "dag.switchover" }
func (DatabaseMounted) Kind() string                 { return "dag.mount" }
func (MountRefused) Kind() string                    { return "dag.mount" }
func (DatabaseDismounted) Kind() string              { return "dag.dismount" }
func (CopyChange) Kind() string                      { return "dag.copy" }
func (CopyFailed) Kind() string                      { return "dag.fault" }
func (CopyRepaired) Kind() string                    { return "dag.fault" }
func (CopySuspended) Kind() string                   { return "dag.suspend" }
func (CopyResumed) Kind() string                     { return "dag.resume" }
func (ServerDown) Kind() string                      { return "dag.server" }
func (ServerUp) Kind() string                        { return "dag.server" }
func (QuorumChange) Kind() string                    { return "dag.quorum" }
func (PAMChanged) Kind() string                      { return "dag.pam" }
func (PAMMoved) Kind() string                        { return "dag.pam" }
func (PAMMoveFailed) Kind() string                   { return "dag.pam" }
func (AutoActivationPolicySet) Kind() string         { return "dag.policy" }
func (MountDialSet) Kind() string                    { return "dag.policy" }
func (ActivationDisabledAndMoveNowSet) Kind() string { return "dag.policy" }
func (NodePaused) Kind() string                      { return "dag.node" }
func (MaintenanceStarted) Kind() string              { return "dag.maintenance" }
func (MaintenanceStage) Kind() string                { return "dag.maintenance" }
func (HighAvailabilitySet) Kind() string             { return "dag.maintenance" }
func (MaintenanceFinished) Kind() string             { return "dag.maintenance" }
func (MaintenanceFailed) Kind() string               { return "dag.maintenance" }
func (MaintenanceReset) Kind() string                { return "dag.maintenance" }
func (PreferenceMoveFrequencySet) Kind() string      { return "dag.config" }
func (RebalanceSkipped) Kind() string                { return "dag.rebalance" }

func copyName(db, server string) string { return db + `\` + server }

func (e Activation) Narrate() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s moved the active copy of %s from %s to %s (a %s): %s.", e.By, e.Database, e.From, e.To, e.Action, e.rule())
	if e.LostLogs > 0 {
		fmt.Fprintf(&b, " Lossy: %d log(s) written on %s between %s and %s never reached %s and are gone from the database; Safety Net (2013+) or the transport dumpster (2010) must resubmit those deliveries.",
			e.LostLogs, e.From, e.LostFromWall.Format("15:04:05"), e.LostToWall.Format("15:04:05"), e.To)
	} else {
		fmt.Fprintf(&b, " No log was lost: %s holds every log the old active copy wrote.", e.To)
	}
	if e.LaggedReplay > 0 {
		fmt.Fprintf(&b, " %s is a lagged copy: it replays the %d log(s) of its replay queue before it mounts.", e.To, e.LaggedReplay)
	}
	if e.Mounted {
		fmt.Fprintf(&b, " %s is mounted on %s.", e.Database, e.To)
	} else {
		fmt.Fprintf(&b, " %s stays dismounted (an admin dismounted it).", e.Database)
	}
	return b.String()
}

// rule says what picked the copy and why the database moved.
func (e Activation) rule() string {
	switch {
	case e.Rebalance:
		return fmt.Sprintf("PreferenceMoveFrequency: every %s a database whose ActivationPreference 1 copy is not active is moved back to it by a lossless switchover, and %s is healthy, eligible and holds every log", fmtSpan(e.Every), copyName(e.Database, e.To))
	case !e.Automatic:
		return fmt.Sprintf("the admin named %s (-ActivateOnServer)", e.To)
	}
	sortBy := "copy queue length"
	if e.ByPreference {
		sortBy = "activation preference (a server uses Lossless)"
	}
	criterion := "" // out of range only in a hand-made event; narrate it anyway
	if e.Criterion >= 1 && e.Criterion <= len(criteria) {
		criterion = criteria[e.Criterion-1]
	}
	r := fmt.Sprintf("best copy selection chose %s by criterion %d (%s), sorted by %s, %s mount dial", copyName(e.Database, e.To), e.Criterion, criterion, sortBy, e.Dial)
	switch {
	case e.MoveNow == MoveNowAtMount:
		r += "; " + e.From + " has DatabaseCopyActivationDisabledAndMoveNow set and another healthy copy exists"
	case e.MoveNow == MoveNowSet:
		r += "; DatabaseCopyActivationDisabledAndMoveNow moves it off " + e.From
	case e.Cause != "":
		r += "; it failed over because " + e.Cause
	}
	return r
}

func (e NoFailoverTarget) Narrate() string {
	return fmt.Sprintf("The PAM (%s) found no copy of %s eligible for activation after %s (%s), so %s stays dismounted: a failover with no healthy target leaves the database dismounted.",
		e.PAM, e.Database, e.Cause, strings.Join(e.Skipped, "; "), e.Database)
}

func (e ShutdownNoTarget) Narrate() string {
	return fmt.Sprintf("Shutdown of %s found no other copy of %s to activate (%s), so it goes down with the server.", e.Server, e.Database, strings.Join(e.Skipped, "; "))
}

func (e MoveRefused) Narrate() string {
	return fmt.Sprintf("Move-ActiveMailboxDatabase %s refused, so it stays on %s: %v", e.Database, e.Server, e.Err)
}

func (e MoveNowNoTarget) Narrate() string {
	return fmt.Sprintf("%s stays on %s: DatabaseCopyActivationDisabledAndMoveNow moves a database only when another healthy copy exists.", e.Database, e.Server)
}

func (e DatabaseMounted) Narrate() string {
	if e.ByAdmin {
		return fmt.Sprintf("Admin ran Mount-Database: %s is mounted on %s.", e.Database, e.Server)
	}
	return fmt.Sprintf("Active Manager mounted %s on %s again (%s); that copy holds every log, so nothing is lost.", e.Database, e.Server, e.Why)
}

func (e MountRefused) Narrate() string {
	return fmt.Sprintf("Mount-Database %s refused: %s.", e.Database, e.Cause)
}

func (e DatabaseDismounted) Narrate() string {
	if e.ByAdmin {
		return fmt.Sprintf("Admin ran Dismount-Database: %s is dismounted on %s and Active Manager will not mount it or fail it over until an admin mounts it.", e.Database, e.Server)
	}
	return fmt.Sprintf("%s dismounted on %s: %s.", e.Database, e.Server, e.Cause)
}

func (e CopyChange) Narrate() string {
	return fmt.Sprintf("%s: %s -> %s (%s).", copyName(e.Database, e.Server), e.From, e.To, statusReason(e.To, e.Why))
}

func statusReason(st Status, why string) string {
	switch st {
	case Initializing:
		return why + "; the replication service checks the copy before it copies logs again, usually about 15 s"
	case Resynchronizing:
		return why + "; this copy holds logs the active copy never had, so it compares itself with the active copy and drops the divergent logs"
	case DisconnectedAndHealthy, DisconnectedAndResynchronizing:
		return why + "; the copy cannot reach the active copy's server, so its copy queue grows, but it stays eligible for activation"
	case ServiceDown:
		return why + "; the Microsoft Exchange Replication service is not running there"
	}
	return why
}

func (e CopyFailed) Narrate() string {
	return fmt.Sprintf("Database copy %s failed (its disk).", copyName(e.Database, e.Server))
}

func (e CopyRepaired) Narrate() string {
	return fmt.Sprintf("Database copy %s was repaired.", copyName(e.Database, e.Server))
}

func (e CopySuspended) Narrate() string {
	if e.ActivationOnly {
		return fmt.Sprintf("%s -ActivationOnly: %s keeps copying and replaying logs but Active Manager will not activate it.", e.By, copyName(e.Database, e.Server))
	}
	return fmt.Sprintf("%s: %s stops copying and replaying logs and can't be activated.", e.By, copyName(e.Database, e.Server))
}

func (e CopyResumed) Narrate() string {
	return fmt.Sprintf("%s: %s may replicate and be activated again.", e.By, copyName(e.Database, e.Server))
}

func (e ServerDown) Narrate() string {
	return fmt.Sprintf("%s is down: its database copies stop and the DAG counts one vote fewer.", e.Server)
}

func (e ServerUp) Narrate() string {
	return fmt.Sprintf("%s is up: its Microsoft Exchange Replication service starts.", e.Server)
}

func (e QuorumChange) Narrate() string {
	model := "Node Majority"
	if e.FileShareWitness {
		model = "Node and File Share Majority"
	}
	switch {
	case e.Quorum && !e.Had:
		return fmt.Sprintf("DAG %s has quorum (%s): %d of %d votes can talk to each other (%s), %d needed; Active Manager can mount databases again.", e.DAG, model, e.Votes, e.Total, strings.Join(e.Majority, ", "), e.Needed)
	case !e.Quorum && e.Had:
		return fmt.Sprintf("DAG %s lost quorum (%s) because %s: at most %d of %d votes can talk to each other and %d are needed, so the cluster stops and every mounted database in the DAG dismounts until quorum returns.", e.DAG, model, e.Why, e.Votes, e.Total, e.Needed)
	case e.Quorum:
		return fmt.Sprintf("DAG %s keeps quorum (%s) after %s: %d of %d votes in the majority (%s).", e.DAG, model, e.Why, e.Votes, e.Total, strings.Join(e.Majority, ", "))
	}
	return fmt.Sprintf("DAG %s still has no quorum after %s: at most %d of %d votes can talk to each other, %d needed.", e.DAG, e.Why, e.Votes, e.Total, e.Needed)
}

func (e PAMChanged) Narrate() string {
	switch {
	case e.PAM == "" && e.Quorum:
		return fmt.Sprintf("DAG %s has no Primary Active Manager: the cluster group cannot come online because every member in the majority is paused, so no failover can happen.", e.DAG)
	case e.PAM == "":
		return fmt.Sprintf("DAG %s has no Primary Active Manager while it has no quorum.", e.DAG)
	}
	return fmt.Sprintf("%s is now the Primary Active Manager of DAG %s: it took the cluster group after %s.", e.PAM, e.DAG, e.Why)
}

func (e PAMMoved) Narrate() string {
	return fmt.Sprintf("%s moved the cluster group of DAG %s from %s to %s, so %s is now the Primary Active Manager.", e.By, e.DAG, e.From, e.To, e.To)
}

func (e PAMMoveFailed) Narrate() string {
	return fmt.Sprintf("%s could not move the cluster group of DAG %s off %s: no other member in the majority is unpaused.", e.By, e.DAG, e.From)
}

func (e AutoActivationPolicySet) Narrate() string {
	return fmt.Sprintf("%s: DatabaseCopyAutoActivationPolicy of %s is %s.", e.By, e.Server, e.Policy)
}

func (e MountDialSet) Narrate() string {
	return fmt.Sprintf("Admin ran Set-MailboxServer: AutoDatabaseMountDial of %s is %s.", e.Server, e.Dial)
}

func (e ActivationDisabledAndMoveNowSet) Narrate() string {
	return fmt.Sprintf("%s: DatabaseCopyActivationDisabledAndMoveNow of %s is %t.", e.By, e.Server, e.On)
}

func (e NodePaused) Narrate() string {
	if e.Paused {
		return fmt.Sprintf("%s: cluster node %s is paused; it can't become the PAM or receive automatic activations, and keeps its quorum vote.", e.By, e.Server)
	}
	return fmt.Sprintf("%s: cluster node %s is no longer paused.", e.By, e.Server)
}

func (e MaintenanceStarted) Narrate() string {
	return fmt.Sprintf("%s -serverName %s starts: stage 1 blocks activation on the server.", e.Script, e.Server)
}

func (e MaintenanceStage) Narrate() string {
	if e.Stage == 2 {
		return fmt.Sprintf("%s stage 2 pauses cluster node %s.", e.Script, e.Server)
	}
	return fmt.Sprintf("%s stage %d moves the critical resources off %s.", e.Script, e.Stage, e.Server)
}

func (e HighAvailabilitySet) Narrate() string {
	switch {
	case !e.Active:
		return fmt.Sprintf("%s set the HighAvailability component of %s Inactive (requester Maintenance) so active copies cannot move back.", e.By, e.Server)
	case e.Rollback:
		return fmt.Sprintf("%s set the HighAvailability component of %s Active again.", e.By, e.Server)
	}
	return fmt.Sprintf("%s set the HighAvailability component of %s Active.", e.By, e.Server)
}

func (e MaintenanceFinished) Narrate() string {
	return fmt.Sprintf("%s finished: %s holds no critical resource and is in maintenance.", e.Script, e.Server)
}

func (e MaintenanceFailed) Narrate() string {
	msg := maintenanceFailure(e.Script, e.Server, e.Critical, e.MoveErrors)
	if e.Force {
		return msg + "; -Force skips the rollback."
	}
	return msg + "; rolling back everything except the database moves that succeeded."
}

// maintenanceFailure is the start script's error, also the start of its narration.
func maintenanceFailure(script, server string, critical []string, moveErrs []error) string {
	msg := fmt.Sprintf("%s failed: critical resources remain on %s: %s", script, server, strings.Join(critical, "; "))
	if len(moveErrs) > 0 {
		msg += " (" + errors.Join(moveErrs...).Error() + ")"
	}
	return msg
}

func (e MaintenanceReset) Narrate() string {
	return fmt.Sprintf("%s -serverName %s resets every activation block on the server.", e.Script, e.Server)
}

func (e PreferenceMoveFrequencySet) Narrate() string {
	if e.Every <= 0 {
		return fmt.Sprintf("Admin ran Set-DatabaseAvailabilityGroup %s -PreferenceMoveFrequency %s: automatic rebalancing is off, databases stay where they are until an admin moves them (RedistributeActiveDatabases.ps1).", e.DAG, fmtSpan(e.Every))
	}
	return fmt.Sprintf("Admin ran Set-DatabaseAvailabilityGroup %s -PreferenceMoveFrequency %s: Active Manager now moves each database back to its ActivationPreference 1 copy every %s when a lossless switchover can do it.", e.DAG, fmtSpan(e.Every), fmtSpan(e.Every))
}

func (e RebalanceSkipped) Narrate() string {
	return fmt.Sprintf("PreferenceMoveFrequency: Active Manager left %s on %s instead of moving it back to its ActivationPreference 1 copy on %s, because %s; it checks again in %s.",
		e.Database, e.Server, e.Home, e.Why, fmtSpan(e.Every))
}
