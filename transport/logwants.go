package transport

import "github.com/exsim/exsim/transport/logs"

// logWants remembers whether the journal keeps protocol and tracking rows. A message
// asks several times per hop (a session id, a conversation's messages, a tracking
// row); each Wants scans the journal's omit and keep lists, which in `exsim run
// --quiet` (two kinds omitted, five kept) cost some 70M instructions of a 100,000-
// message day (cachegrind). The answers hold while the journal's Settings stay the
// same.
type logWants struct {
	seen               uint64 // the journal's Settings when asked; ^0 before (New)
	protocol, tracking bool
}

func (o *Org) refreshLogWants() {
	j := o.s.Journal()
	o.logWants = logWants{seen: j.Settings(), protocol: j.Wants(logs.KindProtocol), tracking: o.trackSink != nil || j.Wants(logs.KindTracking)}
}

// wantsProtocol is Journal().Wants(logs.KindProtocol). It is small enough to be
// inlined (the refresh is apart): with the journal off (the anchors benchmark) it
// must cost no more than Wants's own early return.
func (o *Org) wantsProtocol() bool {
	if o.logWants.seen != o.journal.Settings() {
		o.refreshLogWants()
	}
	return o.logWants.protocol
}

// wantsTracking is Journal().Wants(logs.KindTracking), or a tracking sink is set.
func (o *Org) wantsTracking() bool {
	if o.logWants.seen != o.journal.Settings() {
		o.refreshLogWants()
	}
	return o.logWants.tracking
}
