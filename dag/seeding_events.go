package dag

import (
	"fmt"
	"strings"
	"time"
)

// Journal events of the copy lifecycle (seeding.go); listed in doc.go.

// CopyAdded ("dag.lifecycle"): Add-MailboxDatabaseCopy added Database\Server at
// ActivationPreference; SeedingPostponed (or ConfigurationOnly): it waits Suspended
// with Message until Update-MailboxDatabaseCopy.
type CopyAdded struct {
	Database, Server                    string
	ActivationPreference                int
	SeedingPostponed, ConfigurationOnly bool
	Message                             string
}

// CopyRemoved ("dag.lifecycle"): Remove-MailboxDatabaseCopy; the files stay.
type CopyRemoved struct{ Database, Server string }

// SeedStarted ("dag.seed"): Database\Server is seeded from Source: SizeGB at the
// DAG's rate Takes.
type SeedStarted struct {
	Database, Server, Source string
	SizeGB                   float64
	Takes                    time.Duration
	DeleteExistingFiles      bool
}

// SeedFinished ("dag.seed"): the seed completed; the copy goes Initializing.
type SeedFinished struct{ Database, Server, Source string }

// SeedFailed ("dag.seed"): the seed failed (Why); the copy is FailedAndSuspended.
type SeedFailed struct{ Database, Server, Why string }

func (CopyAdded) Kind() string    { return "dag.lifecycle" }
func (CopyRemoved) Kind() string  { return "dag.lifecycle" }
func (SeedStarted) Kind() string  { return "dag.seed" }
func (SeedFinished) Kind() string { return "dag.seed" }
func (SeedFailed) Kind() string   { return "dag.seed" }

func (e CopyAdded) Narrate() string {
	s := fmt.Sprintf("Add-MailboxDatabaseCopy added %s with ActivationPreference %d", copyName(e.Database, e.Server), e.ActivationPreference)
	if e.SeedingPostponed {
		return s + fmt.Sprintf("; it is not seeded yet and stays Suspended: %s", e.Message)
	}
	return s + "; it is seeded from the active copy now."
}

func (e CopyRemoved) Narrate() string {
	return fmt.Sprintf("Remove-MailboxDatabaseCopy removed %s; its database and log files stay on %s.", copyName(e.Database, e.Server), e.Server)
}

func (e SeedStarted) Narrate() string {
	s := fmt.Sprintf("Seeding %s from %s: %.0f GB at the DAG's seeding rate takes %s; the copy shows Seeding", copyName(e.Database, e.Server), e.Source, e.SizeGB, FormatTimeSpan(e.Takes))
	if e.DeleteExistingFiles {
		s = "The files already there are deleted (-DeleteExistingFiles). " + s
	}
	return s + "."
}

func (e SeedFinished) Narrate() string {
	return fmt.Sprintf("The seed of %s from %s is done: it holds every log of the active copy and goes Initializing.", copyName(e.Database, e.Server), e.Source)
}

func (e SeedFailed) Narrate() string {
	return fmt.Sprintf("The seed of %s failed because %s; the copy is FailedAndSuspended until it is seeded again.", copyName(e.Database, e.Server), e.Why)
}

// MaximumActiveDatabasesSet ("dag.policy"): Set-MailboxServer -MaximumActiveDatabases
// (Max 0: no limit).
type MaximumActiveDatabasesSet struct {
	Server string
	Max    int
}

// Redistributed ("dag.rebalance"): RedistributeActiveDatabases.ps1 moved databases
// ("DB from -> to") and could not move Failed.
type Redistributed struct {
	DAG           string
	BySite        bool
	Moved, Failed []string
}

func (MaximumActiveDatabasesSet) Kind() string { return "dag.policy" }
func (Redistributed) Kind() string             { return "dag.rebalance" }

func (e MaximumActiveDatabasesSet) Narrate() string {
	if e.Max == 0 {
		return fmt.Sprintf("Set-MailboxServer %s -MaximumActiveDatabases $null: no limit on active databases.", e.Server)
	}
	return fmt.Sprintf("Set-MailboxServer %s -MaximumActiveDatabases %d: once %d databases are mounted there, no more copies are activated on it and further mounts are refused.", e.Server, e.Max, e.Max)
}

func (e Redistributed) Narrate() string {
	how := "-BalanceDbsByActivationPreference"
	if e.BySite {
		how = "-BalanceDbsBySiteAndActivationPreference"
	}
	s := fmt.Sprintf("RedistributeActiveDatabases.ps1 -DagName %s %s: ", e.DAG, how)
	if len(e.Moved) == 0 {
		s += "every database is already on its most preferred available copy"
	} else {
		s += "moved " + strings.Join(e.Moved, ", ")
	}
	if len(e.Failed) > 0 {
		s += "; could not move " + strings.Join(e.Failed, ", ")
	}
	return s + "."
}

// AutoReseedStep ("dag.autoreseed"): AutoReseed acted on Database\Server: Step
// "suspend" (Failed 10 minutes), "resume" (attempt Attempt of 3, 5 minutes apart),
// "reseed" (a spare disk allocated, SparesLeft remain, reseeded in place from the
// active copy) or "nospare" (no spare disk left: the workflow stops).
type AutoReseedStep struct {
	Database, Server, Step string
	Attempt, SparesLeft    int
}

func (AutoReseedStep) Kind() string { return "dag.autoreseed" }

func (e AutoReseedStep) Narrate() string {
	id := copyName(e.Database, e.Server)
	switch e.Step {
	case "suspend":
		return fmt.Sprintf("AutoReseed: %s has been Failed for 10 minutes, so the Replication service suspends it (FailedAndSuspended).", id)
	case "resume":
		return fmt.Sprintf("AutoReseed: %s has been FailedAndSuspended for 15 minutes; resume attempt %d of 3 (5 minutes apart).", id, e.Attempt)
	case "reseed":
		return fmt.Sprintf("AutoReseed: three resumes did not help %s; the Disk Reclaimer allocates a spare disk on %s (%d left) and the copy is reseeded in place from the active copy (SafeDeleteExistingFiles).", id, e.Server, e.SparesLeft)
	}
	return fmt.Sprintf("AutoReseed: three resumes did not help %s and %s has no spare disk left, so the workflow stops; an admin must replace the disk and reseed.", id, e.Server)
}
