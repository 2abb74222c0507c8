package dag

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/exsim/exsim/sim/simtest"

	"github.com/exsim/exsim/sim"
)

// journalKinds are the kinds doc.go documents ("Journal events").
var journalKinds = []string{
	"dag.activate", "dag.failover", "dag.switchover", "dag.mount", "dag.dismount", "dag.copy",
	"dag.fault", "dag.suspend", "dag.resume", "dag.server", "dag.quorum", "dag.pam",
	"dag.policy", "dag.node", "dag.maintenance", "dag.config", "dag.rebalance",
	"dag.dacp", "dag.site", "dag.splitbrain", "dag.lag", "dag.lifecycle", "dag.seed", "dag.autoreseed",
}

// TestEveryJournalEventNarrates keeps the vocabulary from silently losing its
// narration: one sample per event type of events.go; a new type belongs here and in
// doc.go.
func TestEveryJournalEventNarrates(t *testing.T) {
	at := time.Date(2016, 3, 1, 9, 0, 0, 0, time.UTC)
	samples := []sim.Payload{
		Activation{Database: "DB1", From: "EX1", To: "EX2", Action: ActionFailover, Automatic: true, By: "the PAM (EX3)", Criterion: 1, Dial: GoodAvailability, Cause: "server EX1 went down", LostLogs: 2, LostFromWall: at, LostToWall: at},
		NoFailoverTarget{Database: "DB1", PAM: "EX3", Cause: "server EX1 went down", Skipped: []string{"EX2: server is down"}},
		ShutdownNoTarget{Server: "EX1", Database: "DB1", Skipped: []string{"no other copy"}},
		MoveRefused{Database: "DB1", Server: "EX1", Err: errors.New("no")},
		MoveNowNoTarget{Database: "DB1", Server: "EX1"},
		DatabaseMounted{Database: "DB1", Server: "EX1", ByAdmin: true},
		MountRefused{Database: "DB1", Server: "EX1", Cause: "server EX1 is down"},
		DatabaseDismounted{Database: "DB1", Server: "EX1", Cause: "server EX1 is down"},
		CopyChange{Database: "DB1", Server: "EX2", From: Healthy, To: Initializing, Why: "server EX2 came back"},
		CopyFailed{Database: "DB1", Server: "EX2"},
		CopyRepaired{Database: "DB1", Server: "EX2"},
		CopySuspended{Database: "DB1", Server: "EX2", By: "Admin ran Suspend-MailboxDatabaseCopy", ActivationOnly: true},
		CopyResumed{Database: "DB1", Server: "EX2", By: "Admin ran Resume-MailboxDatabaseCopy"},
		ServerDown{Server: "EX1"},
		ServerUp{Server: "EX1"},
		QuorumChange{DAG: "DAG1", Quorum: true, Votes: 3, Total: 5, Needed: 3, Majority: []string{"EX1", "EX2", "witness FSW"}, FileShareWitness: true, Why: "x"},
		PAMChanged{DAG: "DAG1", From: "EX1", PAM: "EX2", Quorum: true, Why: "server EX1 went down"},
		PAMMoved{DAG: "DAG1", From: "EX1", To: "EX2", By: startScript},
		PAMMoveFailed{DAG: "DAG1", From: "EX1", By: startScript},
		AutoActivationPolicySet{Server: "EX1", Policy: Blocked, By: startScript},
		MountDialSet{Server: "EX1", Dial: Lossless},
		ActivationDisabledAndMoveNowSet{Server: "EX1", On: true, By: "Admin ran Set-MailboxServer"},
		NodePaused{Server: "EX1", Paused: true, By: startScript},
		MaintenanceStarted{Server: "EX1", Script: startScript},
		MaintenanceStage{Server: "EX1", Script: startScript, Stage: 2},
		HighAvailabilitySet{Server: "EX1", By: startScript},
		MaintenanceFinished{Server: "EX1", Script: startScript},
		MaintenanceFailed{Server: "EX1", Script: startScript, Critical: []string{"DB1: Copy is active"}, MoveErrors: []error{errors.New("no")}},
		MaintenanceReset{Server: "EX1", Script: "StopDagServerMaintenance.ps1"},
		PreferenceMoveFrequencySet{DAG: "DAG1", Every: time.Hour},
		RebalanceSkipped{Database: "DB1", Server: "EX2", Home: "EX1", Why: "EX1: cluster node is paused", Every: time.Hour},
		DACPBitSet{DAG: "DAG1", Server: "EX1", By: "EX3"},
		DAGSet{DAG: "DAG1", DAC: DACDagOnly, Witness: "FSW"},
		DAGStopped{DAG: "DAG1", Site: "Red", Servers: []string{"EX1", "EX2"}, ConfigurationOnly: true},
		DAGRestored{DAG: "DAG1", By: "Restore-DatabaseAvailabilityGroup", Evicted: []string{"EX1"}, Survivors: []string{"EX3"}, Witness: "FSW2", Alternate: true},
		DAGStarted{DAG: "DAG1", Site: "Red", Servers: []string{"EX1"}, Joined: []string{"EX1"}},
		EvictionLearned{DAG: "DAG1", Server: "EX1", From: "EX3"},
		SplitBrainMount{DAG: "DAG1", Database: "DB1", Server: "EX1", Why: "3 of 5 votes", AlsoMountedOn: "EX3"},
		SplitBrainDismount{DAG: "DAG1", Database: "DB1", Server: "EX1"},
		SplitBrainPrevented{DAG: "DAG1", Database: "DB1", Server: "EX1", Why: "3 of 5 votes"},
		CopyLagSet{Database: "DB1", Server: "EX3", ReplayLagTime: time.Hour},
		CopyAdded{Database: "DB1", Server: "EX4", ActivationPreference: 4, SeedingPostponed: true, Message: "m"},
		CopyRemoved{Database: "DB1", Server: "EX4"},
		SeedStarted{Database: "DB1", Server: "EX4", Source: "EX1", SizeGB: 1, Takes: time.Minute},
		SeedFinished{Database: "DB1", Server: "EX4", Source: "EX1"},
		SeedFailed{Database: "DB1", Server: "EX4", Why: "x"},
		MaximumActiveDatabasesSet{Server: "EX1", Max: 2},
		AutoReseedStep{Database: "DB1", Server: "EX2", Step: "reseed", SparesLeft: 0},
		Redistributed{DAG: "DAG1", Moved: []string{"DB1 EX3 -> EX1"}},
	}
	require.NotEmpty(t, Activation{Automatic: true}.Narrate(), "a hand-made activation without a criterion narrates too")
	seen := map[string]bool{}
	for _, p := range samples {
		name := fmt.Sprintf("%T", p)
		seen[name] = true
		require.NotEmpty(t, p.Narrate(), name)
		require.Contains(t, journalKinds, p.Kind(), name)
	}
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	for _, k := range journalKinds {
		require.Contains(t, string(doc), `"`+k+`"`, "doc.go lists the kind")
	}
	for name := range seen {
		require.Contains(t, string(doc), "["+name[strings.Index(name, ".")+1:]+"]", "doc.go lists the type")
	}
	want := simtest.StructTypes(t, "events.go", "dag.")
	for _, f := range []string{"dac_events.go", "seeding_events.go"} {
		for k, v := range simtest.StructTypes(t, f, "dag.") {
			want[k] = v
		}
	}
	require.Equal(t, want, seen, "one sample per event type of events.go and dac_events.go")
}
