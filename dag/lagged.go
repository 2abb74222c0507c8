package dag

import (
	"fmt"
	"time"
)

// Lagged copies (exchange-site-resilience.md section 3): a copy with a ReplayLagTime
// holds each log it copied that long before replaying it, so its database stays that
// far in the past; TruncationLagTime only delays truncation, which is not modelled
// beyond being shown. Activating one takes -SkipLagChecks ("replay everything": it
// replays its whole replay queue as it mounts); Safety Net then supplies whatever the
// copy never received.

// MaxLag is the longest ReplayLagTime or TruncationLagTime (14.00:00:00) [SET-MDBC].
const MaxLag = 14 * 24 * time.Hour

// DefaultReplayLagMaxDelay is ReplayLagMaxDelay's default, 1.00:00:00 (2016+).
const DefaultReplayLagMaxDelay = 24 * time.Hour

// SetCopyLag is Set-MailboxDatabaseCopy DB\Server -ReplayLagTime / -TruncationLagTime
// (nil: unchanged). Logs already copied keep the lag they were copied under.
func (o *Org) SetCopyLag(db, server string, replayLag, truncationLag *time.Duration) error {
	c, err := o.identity(db, server)
	if err != nil {
		return err
	}
	for _, v := range []*time.Duration{replayLag, truncationLag} {
		if v != nil && (*v < 0 || *v > MaxLag) {
			return fmt.Errorf("Cannot bind parameter: the value %s is outside the range 00:00:00 to 14.00:00:00.", FormatTimeSpan(*v))
		}
	}
	if replayLag != nil {
		c.lag = *replayLag
	}
	if truncationLag != nil {
		c.truncLag = *truncationLag
	}
	note(o, c.server.name, c.name(), CopyLagSet{Database: c.db.name, Server: c.server.name, ReplayLagTime: c.lag, TruncationLagTime: c.truncLag})
	return nil
}

// replayDelay is how long after a log arrives c replays it.
func (o *Org) replayDelay(c *dbCopy) time.Duration {
	if c.lag > o.t.LogReplay && !c.playingDown() {
		return c.lag
	}
	return o.t.LogReplay
}

// ReplayLagStatus is the ReplayLagStatus property of Get-MailboxDatabaseCopyStatus,
// printed as the shell does: "Enabled:False; PlayDownReason:None;
// ReplaySuspendReason:None; Percentage:0; Configured:00:00:00; MaxDelay:1.00:00:00;
// Actual:141.22:54:54" (a real capture). Actual is read as how far in the past the
// copy's database is: the age of the oldest log it holds unreplayed, else of the
// newest log it replayed (what makes an idle non-lagged copy show 141 days); the
// active copy shows 00:00:00. Percentage is Actual against Configured, at most
// 100. Enabled is False and PlayDownReason names the trigger while Replay Lag Manager
// has played the copy down (playdown.go); ReplaySuspendReason is always None.
func (o *Org) replayLagStatus(c *dbCopy) string {
	var actual time.Duration
	d := c.db
	switch {
	case c == d.active:
	case d.rql(c) > 0 && int(c.replayed) < len(d.commitAt):
		actual = o.s.Now() - d.commitAt[c.replayed] // it lacks everything since that log
	case c.replayed > 0 && int(c.replayed) <= len(d.commitAt):
		actual = o.s.Now() - d.commitAt[c.replayed-1]
	}
	pct := 0
	if c.lag > 0 {
		pct = int(min(100, actual*100/c.lag))
	}
	reason, maxDelay := "None", DefaultReplayLagMaxDelay
	if c.ls != nil {
		maxDelay = c.ls.maxDelay
		if c.lag > 0 && c.ls.playDown != PlayDownNone {
			reason = string(c.ls.playDown)
		}
	}
	return fmt.Sprintf("Enabled:%s; PlayDownReason:%s; ReplaySuspendReason:None; Percentage:%d; Configured:%s; MaxDelay:%s; Actual:%s",
		psBool(c.lag > 0 && !c.playingDown()), reason, pct, FormatTimeSpan(c.lag), FormatTimeSpan(maxDelay), FormatTimeSpan(actual))
}

// FormatTimeSpan prints d as .NET prints a TimeSpan: [d.]hh:mm:ss (whole seconds).
func FormatTimeSpan(d time.Duration) string {
	neg := d < 0
	if neg {
		d = -d
	}
	s := int64(d / time.Second)
	out := fmt.Sprintf("%02d:%02d:%02d", s/3600%24, s/60%60, s%60)
	if days := s / 86400; days > 0 {
		out = fmt.Sprintf("%d.%s", days, out)
	}
	if neg {
		out = "-" + out
	}
	return out
}

// LaggedCopies lists the copies with a ReplayLagTime as "DB\Server" with the lag, in
// database and preference order (the world warns when Safety Net holds less).
func (o *Org) LaggedCopies() []LaggedCopy {
	var out []LaggedCopy
	for _, d := range o.dbs {
		for _, c := range d.copies {
			if c.lag > 0 {
				out = append(out, LaggedCopy{Database: d.name, Server: c.server.name, ReplayLagTime: c.lag})
			}
		}
	}
	return out
}

// LaggedCopy is one copy with a ReplayLagTime.
type LaggedCopy struct {
	Database, Server string
	ReplayLagTime    time.Duration
}
