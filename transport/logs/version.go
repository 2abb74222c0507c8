package logs

import (
	"fmt"
	"strings"
)

// profile is what a version changes in the log files.
type profile struct {
	trackingVersion string // #Version of a message tracking log
	protocolVersion string // #Version of an SMTP protocol log
	fields          []string
}

// fields2010 is the Exchange 2010 (14.x) #Fields list: 26 fields, ending at custom-data.
var fields2010 = []string{
	"date-time", "client-ip", "client-hostname", "server-ip", "server-hostname",
	"source-context", "connector-id", "source", "event-id", "internal-message-id",
	"message-id", "recipient-address", "recipient-status", "total-bytes",
	"recipient-count", "related-recipient-address", "reference", "message-subject",
	"sender-address", "return-path", "message-info", "directionality", "tenant-id",
	"original-client-ip", "original-server-ip", "custom-data",
}

// fields2013 adds network-message-id right after message-id (15.00).
var fields2013 = insertAfter(fields2010, "message-id", "network-message-id")

// fields2016 adds transport-traffic-type, log-id and schema-version at the end (15.01+).
var fields2016 = append(append([]string(nil), fields2013...), "transport-traffic-type", "log-id", "schema-version")

func insertAfter(list []string, after, name string) []string {
	out := make([]string, 0, len(list)+1)
	for _, f := range list {
		out = append(out, f)
		if f == after {
			out = append(out, name)
		}
	}
	return out
}

// Versions are the behaviour profiles the writers accept.
var Versions = []string{
	"Exchange2010", "Exchange2010SP1", "Exchange2010SP2", "Exchange2010SP3",
	"Exchange2013", "Exchange2016", "Exchange2019", "ExchangeSE",
}

func lookup(version string) (profile, error) {
	switch version {
	case "Exchange2010", "Exchange2010SP1", "Exchange2010SP2", "Exchange2010SP3":
		// A real Exchange 2010 tracking log of 2016 (so SP3) says 14.0.0.0: the log
		// writer stamps the assembly version, not the build, in every service pack.
		return profile{"14.0.0.0", "14.0.0.0", fields2010}, nil
	case "Exchange2013":
		// Chosen: the 2013 CU23 build, written the way 2016 writes its build.
		return profile{"15.00.1497.002", "15.0.0.0", fields2013}, nil
	case "Exchange2016":
		// Seen in a real MSGTRKMS header of 2022.
		return profile{"15.01.2375.007", "15.0.0.0", fields2016}, nil
	case "Exchange2019":
		// Chosen: a 2019 CU14 build in the same form.
		return profile{"15.02.1544.004", "15.0.0.0", fields2016}, nil
	case "ExchangeSE":
		// SE RTM, 15.2.2562.17 in the long form (exchange-2013-pipeline.md section 3:
		// only the version strings differ from 2019 CU15).
		return profile{"15.02.2562.017", "15.0.0.0", fields2016}, nil
	}
	return profile{}, fmt.Errorf("unknown Exchange version %q (want one of %s)", version, strings.Join(Versions, ", "))
}

// TrackingFields returns the #Fields columns of a message tracking log of version.
func TrackingFields(version string) ([]string, error) {
	p, err := lookup(version)
	if err != nil {
		return nil, err
	}
	return append([]string(nil), p.fields...), nil
}

// SchemaVersion is the schema-version column of a 2016+ tracking row: the build of
// the server that wrote it, the same string as its tracking log's #Version (a real
// 2016 MSGTRKMS file has 15.01.2375.007 in both). It is empty for versions whose
// #Fields have no schema-version (2010, 2013) and for an unknown version.
func SchemaVersion(version string) string {
	p, err := lookup(version)
	if err != nil || len(p.fields) < len(fields2016) {
		return ""
	}
	return p.trackingVersion
}
