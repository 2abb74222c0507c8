// Package scom models the System Center Operations Manager checks a scenario may
// declare (seed 000, "What happens to mailflow during maintenance mode?"): mail flow
// probes between two servers with a latency threshold, agent heartbeats, and
// maintenance mode (Start-/Stop-SCOMMaintenanceMode) that holds a server's alerts
// back. No Exchange model knows of them, as in the real product: the monitors send
// probes through transport like any user and watch server state the runner reports.
//
// # Journal events
//
// [ProbeSent] and [ProbeError] (a probe left, or could not), [MaintenanceMode] (an
// object entered or left maintenance mode) and [Alert] (an alert raised). Sentences
// are in narrate.go.
package scom
