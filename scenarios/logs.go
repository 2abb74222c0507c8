package scenarios

import (
	"os"
	"path/filepath"

	"github.com/exsim/exsim/transport/logs"
)

func (r *Result) versionOf(server string) string { return serverVersion(r.Scenario, server) }

// serverVersion is the version profile server runs, for the logs it writes.
func serverVersion(sc *Scenario, server string) string {
	for _, sv := range sc.Topology.Servers {
		if sv.Name == server {
			return versionOf(sv.Version)
		}
	}
	return "Exchange2016"
}

// TrackingLogs returns each server's message tracking log files as Exchange writes
// them (MessageTracking\MSGTRK<yyyymmdd>-1.LOG).
func (r *Result) TrackingLogs() ([]logs.File, error) {
	tracking, _ := logs.FromJournal(r.Journal)
	return logs.TrackingFiles(r.versionOf, r.Scenario.Start, tracking)
}

// ProtocolLogs returns each server's SMTP Send and Receive protocol log files.
func (r *Result) ProtocolLogs() ([]logs.File, error) {
	_, protocol := logs.FromJournal(r.Journal)
	return logs.ProtocolFiles(r.versionOf, r.Scenario.Start, protocol)
}

// WriteTrackingLogs writes the tracking logs under dir, one folder per server.
func (r *Result) WriteTrackingLogs(dir string) error { return writeFiles(dir, r.TrackingLogs) }

// WriteProtocolLogs writes the protocol logs under dir, one folder per server.
func (r *Result) WriteProtocolLogs(dir string) error { return writeFiles(dir, r.ProtocolLogs) }

func writeFiles(dir string, files func() ([]logs.File, error)) error {
	fs, err := files()
	if err != nil {
		return err
	}
	for _, f := range fs {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
