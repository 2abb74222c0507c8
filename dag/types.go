package dag

import (
	"fmt"
	"strings"
	"time"
)

// Status is a database copy's status as Get-MailboxDatabaseCopyStatus prints it.
type Status string

// Copy status values [MONITOR]. Mounted and Dismounted belong to the active copy only.
// SinglePageRestore exists in Exchange but no operation of this package reaches it.
const (
	Mounted                        Status = "Mounted"
	Dismounted                     Status = "Dismounted"
	Healthy                        Status = "Healthy"
	Initializing                   Status = "Initializing"
	Resynchronizing                Status = "Resynchronizing"
	Suspended                      Status = "Suspended"
	Failed                         Status = "Failed"
	FailedAndSuspended             Status = "FailedAndSuspended"
	ServiceDown                    Status = "ServiceDown"
	DisconnectedAndHealthy         Status = "DisconnectedAndHealthy"
	DisconnectedAndResynchronizing Status = "DisconnectedAndResynchronizing"
	Seeding                        Status = "Seeding"
	SeedingSource                  Status = "SeedingSource"
	SinglePageRestore              Status = "SinglePageRestore"
	statusNone                     Status = ""
	contentIndexHealthy                   = "Healthy"
	contentIndexUnknown                   = "Unknown"
	contentIndexFailed                    = "Failed"
)

// eligible reports whether best copy selection may consider a copy in status st [AM].
func eligible(st Status) bool {
	switch st {
	case Healthy, DisconnectedAndHealthy, DisconnectedAndResynchronizing, SeedingSource:
		return true
	}
	return false
}

// ActivationPolicy is Set-MailboxServer -DatabaseCopyAutoActivationPolicy.
type ActivationPolicy string

// Activation policies [SET-MBXSRV; MANAGE-DAG-16].
const (
	Unrestricted  ActivationPolicy = "Unrestricted"
	IntrasiteOnly ActivationPolicy = "IntrasiteOnly"
	Blocked       ActivationPolicy = "Blocked"
)

// MountDial is Set-MailboxServer -AutoDatabaseMountDial (and Move-ActiveMailboxDatabase
// -MountDialOverride, which adds BestEffort).
type MountDial string

// Mount dials [MANAGE-DAG-16 "Automatic database mount dial"].
const (
	BestAvailability MountDial = "BestAvailability" // mount if copy queue length <= 12
	GoodAvailability MountDial = "GoodAvailability" // <= 6; the default
	Lossless         MountDial = "Lossless"         // only when every log is copied
	BestEffort       MountDial = "BestEffort"       // override only: mount whatever is there
)

// allows reports whether a copy missing cql logs may mount under the dial.
func (d MountDial) allows(cql int64) bool {
	switch d {
	case BestAvailability:
		return cql <= 12
	case Lossless:
		return cql == 0
	case BestEffort:
		return true
	default:
		return cql <= 6
	}
}

func parseEnum[T ~string](kind, s string, values ...T) (T, error) {
	for _, v := range values {
		if strings.EqualFold(s, string(v)) {
			return v, nil
		}
	}
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = fmt.Sprintf("%q", string(v))
	}
	var zero T
	return zero, fmt.Errorf("Cannot bind parameter '%s'. Cannot convert value %q to type %s. The valid values are %s", kind, s, kind, strings.Join(names, ", "))
}

// Timings are the durations of the DAG's transitions. Callers may override any of them
// with [Org.SetTimings]; DefaultTimings says where each default comes from.
type Timings struct {
	// Initializing is how long a copy stays Initializing after its replication service
	// starts, it is resumed, repaired or it stops being active. [MONITOR]: "usually
	// about 15 s, and should not exceed about 30 s".
	Initializing time.Duration
	// Resynchronizing is how long a copy whose logs diverged from the active copy (it was
	// active before a lossy failover, or held logs the new active never got) takes to
	// find and drop the divergent logs. Not sourced; chosen small (10 s).
	Resynchronizing time.Duration
	// FailureDetection is how long the PAM takes to notice a lost server or database and
	// start best copy selection. Not in the reference; chosen as the Windows failover
	// cluster default heartbeat (SameSubnetDelay 1 s x SameSubnetThreshold 10 = 10 s).
	FailureDetection time.Duration
	// LogShipping is the delay between a log being written on the active copy and a
	// connected passive copy holding it (continuous replication). Not sourced; 2 s.
	LogShipping time.Duration
	// LogReplay is the delay between a passive copy receiving a log and having replayed
	// it into its database. Not sourced; 1 s.
	LogReplay time.Duration
}

// DefaultTimings returns the documented defaults.
func DefaultTimings() Timings {
	return Timings{
		Initializing:     15 * time.Second,
		Resynchronizing:  10 * time.Second,
		FailureDetection: 10 * time.Second,
		LogShipping:      2 * time.Second,
		LogReplay:        1 * time.Second,
	}
}

// Env is what the DAG model needs from the rest of the world.
type Env struct {
	// Reachable reports whether two nodes (server names, or a witness name) can talk now
	// (network partitions and crashes are the caller's; a witness server that is down
	// is unreachable). nil: everything reachable. Call [Org.NetworkChanged] whenever
	// its answers change.
	Reachable func(a, b string) bool
	// ActivationBlocked reports whether server's HighAvailability component is Inactive
	// (wired to components.Store.ActivationBlocked). nil: never blocked. Call
	// [Org.Refresh] when it changes, so a pending failover is tried again.
	ActivationBlocked func(server string) bool
	// SetHighAvailability sets server's HighAvailability component Active (true) or
	// Inactive (false) with requester Maintenance, as StartDagServerMaintenance.ps1
	// (2016/2019) does. nil: the maintenance scripts leave the component alone.
	SetHighAvailability func(server string, active bool)
	// LossyFailover is called when a failover or forced mount loses logs that were not
	// shipped: deliveries into db made in [from, to] are gone from the new active copy.
	// Transport resubmits them from Safety Net / the transport dumpster.
	LossyFailover func(db string, from, to time.Duration)
	// DatabaseChanged is called after db's active copy moved or was mounted or
	// dismounted, with where it is now. nil: nobody listens. Like LossyFailover it is
	// called once the model is consistent again, so it may call back into the Org.
	DatabaseChanged func(db, server string, mounted bool)
}

// Sim event kinds (hashed by the kernel only).
const (
	kindShip   = 0x4401
	kindReplay = 0x4402
	kindPhase  = 0x4403
	kindDetect = 0x4404
	kindVotes  = 0x4408
)
