package scenarios

import (
	"fmt"
	"sort"
	"strings"

	"github.com/exsim/exsim/sim/psfmt"
)

// transportServiceDefaults are the Get-TransportService properties exsim does not
// model, with the values a server has out of the box, as the shell prints them
// (ByteQuantifiedSize as "10 MB (10,485,760 bytes)"). Source: the values Get-
// TransportService read back from a 2013+ server with its defaults in the xExchange
// DSC resource's integration test (MSFT_xExchTransportService.Integration.Tests.ps1,
// found with the code search; import-shapes.md §1.8 lists the cmdlet's properties
// and defaults, and no real Get-TransportService output is stored). The paths are
// under %ExchangeInstallPath% (V15 for 2013+; V14 for 2010, whose protocol, agent and
// connectivity logs have no Hub folder: exchange-2013-pipeline.md §6.6) and use
// "C:\Program Files\Microsoft\Exchange Server", setup's default. The values exsim
// models (retry intervals, timeouts, the poison threshold, the intra-org connector's
// protocol logging) come from the transport model instead, with any Set-
// TransportService a step ran.
//
// MaxPerDomainOutboundConnections: the DSC test read 20 from a 2013+ server, and the
// cmdlet reference says 20 until May 2023 and 40 since (exchange-stress.md
// Conflicts); exsim shows 20 up to 2016 and 40 on 2019 and SE, the versions still
// updated after that change (a choice: no source says which build changed it).
var transportServiceDefaults = []struct{ name, value string }{
	{"ConnectivityLogEnabled", "True"},
	{"ConnectivityLogMaxAge", "30.00:00:00"},
	{"ConnectivityLogMaxDirectorySize", "1000 MB (1,048,576,000 bytes)"},
	{"ConnectivityLogMaxFileSize", "10 MB (10,485,760 bytes)"},
	{"ConnectivityLogPath", `{logs}\{hub}Connectivity`},
	{"MaxConcurrentMailboxDeliveries", "20"},
	{"MaxConcurrentMailboxSubmissions", "20"},
	{"MaxConnectionRatePerMinute", "1200"},
	{"MaxOutboundConnections", "1000"},
	{"MaxPerDomainOutboundConnections", "{perdomain}"},
	{"MessageTrackingLogEnabled", "True"},
	{"MessageTrackingLogMaxAge", "30.00:00:00"},
	{"MessageTrackingLogMaxDirectorySize", "1000 MB (1,048,576,000 bytes)"},
	{"MessageTrackingLogMaxFileSize", "10 MB (10,485,760 bytes)"},
	{"MessageTrackingLogPath", `{logs}\MessageTracking`},
	{"MessageTrackingLogSubjectLoggingEnabled", "True"},
	{"PickupDirectoryPath", `{roles}\Pickup`},
	{"PipelineTracingEnabled", "False"},
	{"PipelineTracingPath", `{logs}\{hub}PipelineTracing`},
	{"QueueLogPath", `{logs}\{hub}QueueViewer`},
	{"ReceiveProtocolLogMaxAge", "30.00:00:00"},
	{"ReceiveProtocolLogMaxDirectorySize", "250 MB (262,144,000 bytes)"},
	{"ReceiveProtocolLogMaxFileSize", "10 MB (10,485,760 bytes)"},
	{"ReceiveProtocolLogPath", `{logs}\{hub}ProtocolLog\SmtpReceive`},
	{"ReplayDirectoryPath", `{roles}\Replay`},
	{"SendProtocolLogMaxAge", "30.00:00:00"},
	{"SendProtocolLogMaxDirectorySize", "250 MB (262,144,000 bytes)"},
	{"SendProtocolLogMaxFileSize", "10 MB (10,485,760 bytes)"},
	{"SendProtocolLogPath", `{logs}\{hub}ProtocolLog\SmtpSend`},
}

// transportServices answers Get-TransportService (2010: Get-TransportServer)
// [[-Identity] SERVER]: one object per server running the Transport service (2010:
// the Hub Transport role; 2013+: the Mailbox role), in topology order. Properties as
// Exchange's configuration objects list them: the class's own in alphabetical
// order, then Name and Identity (the connectors' captures end so); RunspaceId and
// the other Active Directory properties are left out, as for the connectors.
func (c *call) transportServices() ([][]psfmt.Field, error) {
	id := c.str("Identity")
	var out [][]psfmt.Field
	for _, sv := range c.w.sc.Topology.Servers {
		if id != "" && !strings.EqualFold(id, sv.Name) {
			continue
		}
		v := versionOf(sv.Version)
		is2010 := strings.HasPrefix(v, "Exchange2010")
		if is2010 && c.name == "Get-TransportService" && sv.HasRole("HubTransport") {
			// The loader refuses it when a server is named; without one, here.
			return nil, fmt.Errorf("Get-TransportService does not exist in %s (server %s): it came with Exchange2013; use Get-TransportServer", v, sv.Name)
		}
		if is2010 && !sv.HasRole("HubTransport") || !is2010 && !sv.HasRole("Mailbox") {
			continue
		}
		modeled, err := c.w.tr.TransportServiceSettings(sv.Name)
		if err != nil {
			return nil, err
		}
		paths := strings.NewReplacer(
			"{logs}", `{roles}\Logs`, "{hub}", `Hub\`, "{perdomain}", "20",
		)
		root := `C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles`
		switch {
		case is2010:
			root = `C:\Program Files\Microsoft\Exchange Server\V14\TransportRoles`
			paths = strings.NewReplacer("{logs}", `{roles}\Logs`, "{hub}", "", "{perdomain}", "20")
		case v == "Exchange2019" || v == "ExchangeSE":
			paths = strings.NewReplacer("{logs}", `{roles}\Logs`, "{hub}", `Hub\`, "{perdomain}", "40")
		}
		props := map[string]string{}
		for _, d := range transportServiceDefaults {
			if is2010 && d.name == "QueueLogPath" {
				continue // a 2013 property (the 2010 Set-TransportServer has none)
			}
			props[d.name] = strings.ReplaceAll(paths.Replace(d.value), "{roles}", root)
		}
		for k, val := range modeled {
			props[k] = val
		}
		names := make([]string, 0, len(props))
		for k := range props {
			names = append(names, k)
		}
		sort.Strings(names)
		obj := make([]psfmt.Field, 0, len(names)+2)
		for _, k := range names {
			obj = append(obj, psfmt.Field{Name: k, Value: props[k]})
		}
		obj = append(obj, psfmt.Field{Name: "Name", Value: sv.Name}, psfmt.Field{Name: "Identity", Value: sv.Name})
		out = append(out, obj)
	}
	if id != "" && len(out) == 0 {
		return nil, fmt.Errorf("The operation couldn't be performed because object '%s' couldn't be found.", id)
	}
	return out, nil
}

// transportServiceObjects prints Get-TransportService's objects with its view.
func (c *call) transportServiceObjects() (string, error) {
	objs, err := c.transportServices()
	if err != nil {
		return "", err
	}
	return c.objects(objs, c.version(c.str("Identity")))
}
