package transport

import "github.com/exsim/exsim/transport/logs"

// logWants remembers whether the journal keeps protocol and tracking rows. A message
// asks several times per hop (a session id, a conversation's messages, a tracking
// row); each Wants scans the journal's omit and keep lists, which in `exsim run
// --quiet` (two kinds omitted, five kept) cost some 70M instructions of a 100,000-
// message day (cachegrind). The answers hold while the journal's Settings stay the
// same.
type logWants struct {
	settings           uint64
	valid              bool
	protocol, tracking bool
}

func (o *Org) refreshLogWants() *logWants {
	w := &o.logWants
	if j := o.s.Journal(); !w.valid || w.settings != j.Settings() {
		*w = logWants{settings: j.Settings(), valid: true,
			protocol: j.Wants(logs.KindProtocol), tracking: j.Wants(logs.KindTracking)}
	}
	return w
}

// wantsProtocol is Journal().Wants(logs.KindProtocol).
func (o *Org) wantsProtocol() bool { return o.refreshLogWants().protocol }

// wantsTracking is Journal().Wants(logs.KindTracking).
func (o *Org) wantsTracking() bool { return o.refreshLogWants().tracking }
