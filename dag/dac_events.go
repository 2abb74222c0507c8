package dag

import (
	"fmt"
	"strings"
	"time"
)

// Journal events of site resilience (dac.go); listed in doc.go.

// DACPBitSet ("dag.dacp"): Active Manager on Server set its DACP bit to 1 because By
// (a member whose bit is 1, or "StartedMailboxServers": it reaches every started
// server) let it; it may mount databases again.
type DACPBitSet struct{ DAG, Server, By string }

// DAGSet ("dag.config"): Set-DatabaseAvailabilityGroup changed DAC mode or a witness;
// BackToPrimary: the cluster went back from the alternate witness to the primary.
type DAGSet struct {
	DAG                             string
	DAC                             DACMode
	WitnessServer, AlternateWitness string
	Witness                         string // the witness in use afterwards
	BackToPrimary                   bool
}

// DAGStopped ("dag.site"): Stop-DatabaseAvailabilityGroup put Servers (of Site, when
// given) on StoppedMailboxServers; Unreachable were only marked in AD.
type DAGStopped struct {
	DAG, Site         string
	Servers           []string
	ConfigurationOnly bool
	Unreachable       []string
}

// DAGRestored ("dag.site"): Restore-DatabaseAvailabilityGroup (By) evicted the
// stopped servers and restarted the cluster on the Survivors; Witness is the witness
// of the new Node and File Share Majority ("" Node Majority), Alternate when it is
// the alternate witness. Unaware are evicted servers that were down or cut off and
// still believe the old cluster.
type DAGRestored struct {
	DAG, By            string
	Evicted, Survivors []string
	Unaware            []string
	Witness            string
	Alternate          bool
}

// DAGStarted ("dag.site"): Start-DatabaseAvailabilityGroup took Servers off
// StoppedMailboxServers; Joined rejoined the cluster.
type DAGStarted struct {
	DAG, Site         string
	Servers, Joined   []string
	ConfigurationOnly bool
}

// EvictionLearned ("dag.site"): evicted Server reached From, a member of the running
// cluster, and learned it is no longer a cluster node.
type EvictionLearned struct{ DAG, Server, From string }

// SplitBrainMount ("dag.splitbrain"): evicted servers that believe the old cluster
// have quorum by its votes (Why), and Server mounted Database, which its view had
// active there; AlsoMountedOn is the real active copy's server when it is mounted
// too ("" if not): the same database mounted twice.
type SplitBrainMount struct {
	DAG, Database, Server, Why string
	AlsoMountedOn              string
}

// SplitBrainPrevented ("dag.splitbrain"): evicted servers believe the old cluster
// has quorum (Why), but Server's DACP bit is 0 and it reaches nobody with 1, so it
// does not mount Database, which its view has active there. Said once.
type SplitBrainPrevented struct{ DAG, Database, Server, Why string }

// SplitBrainDismount ("dag.splitbrain"): the stale mount of Database on Server ended.
type SplitBrainDismount struct{ DAG, Database, Server string }

// CopyLagSet ("dag.lag"): Set-MailboxDatabaseCopy gave Database\Server a
// ReplayLagTime (0: not lagged) and TruncationLagTime.
type CopyLagSet struct {
	Database, Server                 string
	ReplayLagTime, TruncationLagTime time.Duration
}

func (CopyLagSet) Kind() string { return "dag.lag" }
func (e CopyLagSet) Narrate() string {
	if e.ReplayLagTime == 0 {
		return fmt.Sprintf("%s is not a lagged copy (ReplayLagTime 00:00:00): it replays each log as soon as it is copied.", copyName(e.Database, e.Server))
	}
	return fmt.Sprintf("%s is a lagged copy: ReplayLagTime %s (each copied log waits that long before it is replayed), TruncationLagTime %s.", copyName(e.Database, e.Server), FormatTimeSpan(e.ReplayLagTime), FormatTimeSpan(e.TruncationLagTime))
}

func (DACPBitSet) Kind() string          { return "dag.dacp" }
func (DAGSet) Kind() string              { return "dag.config" }
func (DAGStopped) Kind() string          { return "dag.site" }
func (DAGRestored) Kind() string         { return "dag.site" }
func (DAGStarted) Kind() string          { return "dag.site" }
func (EvictionLearned) Kind() string     { return "dag.site" }
func (SplitBrainMount) Kind() string     { return "dag.splitbrain" }
func (SplitBrainDismount) Kind() string  { return "dag.splitbrain" }
func (SplitBrainPrevented) Kind() string { return "dag.splitbrain" }

func (e DACPBitSet) Narrate() string {
	if strings.HasPrefix(e.By, "witness ") {
		return fmt.Sprintf("DACP (two-member DAG): Active Manager on %s reaches no other member, but the witness %s booted before %s's bit was last set to 1, so %s rebooted alone, not with the witness; it sets its DACP bit to 1 and may mount databases.", e.Server, strings.TrimPrefix(e.By, "witness "), e.Server, e.Server)
	}
	if e.By == "StartedMailboxServers" {
		return fmt.Sprintf("DACP: Active Manager on %s reaches every server on StartedMailboxServers of %s (automount consensus), so it sets its DACP bit to 1 and may mount databases.", e.Server, e.DAG)
	}
	return fmt.Sprintf("DACP: Active Manager on %s asked the other members of %s; %s answered with DACP bit 1, so %s sets its bit to 1 and may mount databases.", e.Server, e.DAG, e.By, e.Server)
}

func (e DAGSet) Narrate() string {
	var parts []string
	if e.DAC != "" {
		parts = append(parts, "DatacenterActivationMode "+string(e.DAC))
	}
	if e.WitnessServer != "" {
		parts = append(parts, "WitnessServer "+e.WitnessServer)
	}
	if e.AlternateWitness != "" {
		parts = append(parts, "AlternateWitnessServer "+e.AlternateWitness)
	}
	s := "Set-DatabaseAvailabilityGroup " + e.DAG
	if len(parts) > 0 {
		s += " set " + strings.Join(parts, ", ")
	} else {
		s += " re-adjusted the quorum model"
	}
	if e.BackToPrimary {
		s += fmt.Sprintf("; the cluster goes back from the alternate witness to the primary witness %s", e.Witness)
	}
	return s + "."
}

func (e DAGStopped) Narrate() string {
	s := fmt.Sprintf("Stop-DatabaseAvailabilityGroup %s", e.DAG)
	if e.Site != "" {
		s += " -ActiveDirectorySite " + e.Site
	}
	if e.ConfigurationOnly {
		s += " -ConfigurationOnly"
	}
	s += fmt.Sprintf(": %s on StoppedMailboxServers, so Active Manager will not mount databases there", strings.Join(e.Servers, ", "))
	if !e.ConfigurationOnly {
		s += "; their cluster service is stopped and disabled"
	}
	if len(e.Unreachable) > 0 {
		s += fmt.Sprintf(" (%s could not be reached and were only marked in Active Directory)", strings.Join(e.Unreachable, ", "))
	}
	return s + "."
}

func (e DAGRestored) Narrate() string {
	s := fmt.Sprintf("%s %s: the cluster is forced to start on %s and evicts %s", e.By, e.DAG, strings.Join(e.Survivors, ", "), strings.Join(e.Evicted, ", "))
	switch {
	case e.Alternate:
		s += fmt.Sprintf("; the remaining members are even (or one), so quorum is Node and File Share Majority with the alternate witness %s", e.Witness)
	case e.Witness != "":
		s += fmt.Sprintf("; quorum is Node and File Share Majority with the witness %s", e.Witness)
	default:
		s += "; quorum is Node Majority"
	}
	s += ". The survivors' DACP bits are reset to 1"
	if len(e.Unaware) > 0 {
		s += fmt.Sprintf("; %s, down or cut off, do not know they were evicted", strings.Join(e.Unaware, ", "))
	}
	return s + "."
}

func (e DAGStarted) Narrate() string {
	s := fmt.Sprintf("Start-DatabaseAvailabilityGroup %s", e.DAG)
	if e.Site != "" {
		s += " -ActiveDirectorySite " + e.Site
	}
	if e.ConfigurationOnly {
		s += " -ConfigurationOnly"
	}
	s += fmt.Sprintf(": %s leave StoppedMailboxServers", strings.Join(e.Servers, ", "))
	if len(e.Joined) > 0 {
		s += fmt.Sprintf(" and %s rejoin the cluster", strings.Join(e.Joined, ", "))
	}
	return s + "."
}

func (e EvictionLearned) Narrate() string {
	return fmt.Sprintf("%s reaches %s of the running cluster of %s and learns it was evicted: it no longer acts as a member of the old cluster.", e.Server, e.From, e.DAG)
}

func (e SplitBrainMount) Narrate() string {
	s := fmt.Sprintf("SPLIT BRAIN: %s, evicted from %s while it was cut off, believes the old cluster has quorum (%s) and mounts %s, which it still thinks is active there", e.Server, e.DAG, e.Why, e.Database)
	if e.AlsoMountedOn != "" {
		s += fmt.Sprintf("; %s is also mounted on %s", e.Database, e.AlsoMountedOn)
	}
	return s + "."
}

func (e SplitBrainDismount) Narrate() string {
	return fmt.Sprintf("The stale mount of %s on %s ends.", e.Database, e.Server)
}

func (e SplitBrainPrevented) Narrate() string {
	return fmt.Sprintf("DACP prevents a split brain: %s, evicted from %s while it was cut off, believes the old cluster has quorum (%s) and would mount %s, but its DACP bit is 0 and no DAG member it can reach has 1 (and it cannot reach every server on StartedMailboxServers), so %s stays dismounted there.", e.Server, e.DAG, e.Why, e.Database, e.Database)
}
