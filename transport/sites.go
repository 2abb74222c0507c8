package transport

import "time"

// Up reports whether server's transport is running (false for an unknown server), so
// a site fault crashes only what is up and restores only what it crashed.
func (o *Org) Up(server string) bool {
	srv, err := o.server(server)
	return err == nil && srv.up
}

// SafetyNetHoldTime is the organization's Set-TransportConfig SafetyNetHoldTime: a
// lagged copy's ReplayLagTime should not exceed it, or Safety Net no longer holds
// what activating the lagged copy needs (exchange-site-resilience.md 3.4).
func (o *Org) SafetyNetHoldTime() time.Duration { return o.cfgDur(cSafetyNetHoldTime, nil) }
