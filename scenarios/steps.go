package scenarios

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/exsim/exsim/components"
	"github.com/exsim/exsim/dag"
	"github.com/exsim/exsim/scenarios/cmdlet"
	"github.com/exsim/exsim/scenarios/fault"
	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/sim/psfmt"
	"github.com/exsim/exsim/transport"
	"github.com/exsim/exsim/transport/logs"
)

// call is one cmdlet invocation being run: its bound arguments, the server the step
// runs on, and how a Get- cmdlet's output is formatted (the Format- cmdlet or
// Select-Object the pipe ends in).
type call struct {
	w    *world
	name string
	on   string
	args map[string]cmdlet.Value
	out  pipeFormat
	// in are the identities a Get- piped into this Get- (Get-MailboxDatabase |
	// Get-MailboxDatabaseCopyStatus); nil when nothing is piped in.
	in []string
}

// objects prints a Get- cmdlet's objects (each with its properties in Format-List
// order) as the pipe asks: through Where-Object and Select-Object, then
// Format-List (with -Property, only the matching properties, in the order asked),
// Format-Table with -Property (those columns), or the cmdlet's default view on a
// server of version (views.go); -AutoSize sizes either table to its content.
func (c *call) objects(objs [][]psfmt.Field, version string) (string, error) {
	objs, err := c.out.shape(objs)
	if err != nil || len(objs) == 0 {
		return "", err
	}
	f := c.out
	if f.expand != "" {
		var b strings.Builder
		for _, o := range objs {
			b.WriteString(o[0].Value + "\n")
		}
		return b.String(), nil
	}
	if len(f.props) > 0 {
		sel := make([][]psfmt.Field, len(objs))
		for i, o := range objs {
			sel[i] = selectFields(o, f.props)
		}
		objs = sel
	}
	v, ok := viewOf(c.name, version)
	switch {
	case f.list || (f.selected && !f.table && len(objs[0]) >= 5):
		// Format-List, or Select-Object's objects of five properties or more, which
		// PowerShell lists (they have no view).
		return psfmt.List(objs), nil
	case len(f.props) > 0 || f.selected || !ok:
		return propertyView(objs).table(objs, true, false), nil
	}
	return v.table(objs, f.autosize, f.wrap), nil
}

// selectFields is -Property's selection: each name, in the order given, matches the
// properties it names case-insensitively, with * and ? wildcards (fl *primary*,
// fl name,activation*); a property is printed once, with its own spelling. No
// names: every property.
func selectFields(all []psfmt.Field, props []string) []psfmt.Field {
	if len(props) == 0 {
		return all
	}
	var out []psfmt.Field
	seen := map[string]bool{}
	for _, p := range props {
		for _, f := range all {
			if !seen[f.Name] && wildcardMatch(strings.ToLower(p), strings.ToLower(f.Name)) {
				seen[f.Name] = true
				out = append(out, f)
			}
		}
	}
	return out
}

// wildcardMatch is PowerShell's -like on lower-cased text: * any run, ? one rune.
func wildcardMatch(pat, s string) bool {
	p, t := []rune(pat), []rune(s)
	var match func(i, j int) bool
	match = func(i, j int) bool {
		for i < len(p) {
			switch p[i] {
			case '*':
				for k := j; k <= len(t); k++ {
					if match(i+1, k) {
						return true
					}
				}
				return false
			case '?':
				if j >= len(t) {
					return false
				}
			default:
				if j >= len(t) || p[i] != t[j] {
					return false
				}
			}
			i, j = i+1, j+1
		}
		return j == len(t)
	}
	return match(0, 0)
}

func (c *call) str(name string) string {
	v, ok := c.args[name]
	if !ok {
		return ""
	}
	switch v.Kind {
	case cmdlet.Bool:
		if v.Bool {
			return "$true"
		}
		return "$false"
	case cmdlet.List:
		return strings.Join(v.Strings(), ",")
	}
	return v.Str
}

func (c *call) has(name string) bool { _, ok := c.args[name]; return ok }

func (c *call) flag(name string) bool {
	v, ok := c.args[name]
	if !ok {
		return false
	}
	if v.Kind == cmdlet.Bool {
		return v.Bool
	}
	b, _ := strconv.ParseBool(strings.TrimPrefix(strings.ToLower(v.Str), "$"))
	return b
}

// params turns every bound argument but the common ones into transport.Params, in
// the order the spec lists them (deterministic, unlike the map).
func (c *call) params(except ...string) []transport.Param {
	spec, _ := cmdlet.Lookup(c.name)
	var out []transport.Param
	for _, p := range spec.Params {
		if _, ok := c.args[p.Name]; !ok || slicesContains(except, p.Name) {
			continue
		}
		out = append(out, transport.Param{Name: p.Name, Value: c.str(p.Name)})
	}
	return out
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// handler runs one cmdlet and returns what the shell would print.
type handler func(c *call) (string, error)

// handlers maps each supported cmdlet to the model that carries it out.
var handlers = map[string]handler{
	"Get-ServerComponentState": func(c *call) (string, error) {
		rows, err := c.w.comp.Get(c.str("Identity"), c.str("Component"))
		if err != nil {
			return "", err
		}
		objs := make([][]psfmt.Field, len(rows))
		for i, r := range rows {
			objs[i] = r.Fields(c.w.tr.ServerFQDN(r.Server))
		}
		return c.objects(objs, c.version(c.str("Identity")))
	},
	"Set-ServerComponentState": func(c *call) (string, error) {
		state, err := components.ParseState(c.str("State"))
		if err != nil {
			return "", err
		}
		req, err := components.ParseRequester(c.str("Requester"))
		if err != nil {
			return "", err
		}
		if err := c.w.comp.Set(c.str("Identity"), c.str("Component"), state, req,
			components.SetOptions{LocalOnly: c.flag("LocalOnly"), RemoteOnly: c.flag("RemoteOnly")}); err != nil {
			return "", err
		}
		if strings.EqualFold(c.str("Component"), "HighAvailability") || strings.EqualFold(c.str("Component"), "ServerWideOffline") {
			c.w.dag.Refresh("the HighAvailability component of " + c.str("Identity") + " changed")
		}
		return "", nil
	},
	"Restart-Service": func(c *call) (string, error) { return "", c.service("restart") },
	"Stop-Service":    func(c *call) (string, error) { return "", c.service("stop") },
	"Start-Service":   func(c *call) (string, error) { return "", c.service("start") },
	"Redirect-Message": func(c *call) (string, error) {
		return "", c.w.tr.RedirectMessage(c.str("Server"), c.str("Target"))
	},
	"Set-MailboxServer": func(c *call) (string, error) {
		id := c.str("Identity")
		if c.has("DatabaseCopyAutoActivationPolicy") {
			if err := c.w.dag.SetAutoActivationPolicy(id, c.str("DatabaseCopyAutoActivationPolicy")); err != nil {
				return "", err
			}
		}
		if c.has("MaximumActiveDatabases") {
			if err := c.maximumActive(id); err != nil {
				return "", err
			}
		}
		if c.has("MaximumPreferredActiveDatabases") {
			if err := c.maximumPreferred(id); err != nil {
				return "", err
			}
		}
		if c.has("DatabaseCopyActivationDisabledAndMoveNow") {
			if v := componentsVersion(c.w.spec[id].Version); !v.HasComponentStates() {
				return "", fmt.Errorf("a parameter cannot be found that matches parameter name 'DatabaseCopyActivationDisabledAndMoveNow' (it exists from Exchange 2013 on; %s runs %s)", id, v)
			}
			if err := c.w.dag.SetActivationDisabledAndMoveNow(id, c.flag("DatabaseCopyActivationDisabledAndMoveNow")); err != nil {
				return "", err
			}
		}
		return "", nil
	},
	"Get-ClusterNode":                 (*call).clusterNodes,
	"Get-Cluster":                     (*call).cluster,
	"Suspend-ClusterNode":             func(c *call) (string, error) { return "", c.w.dag.SuspendClusterNode(c.str("Name")) },
	"Resume-ClusterNode":              func(c *call) (string, error) { return "", c.w.dag.ResumeClusterNode(c.str("Name")) },
	"Move-ClusterGroup":               func(c *call) (string, error) { return "", c.w.dag.MoveClusterGroup(c.str("Node")) },
	"Mount-Database":                  func(c *call) (string, error) { return "", c.w.dag.Mount(c.str("Identity")) },
	"Dismount-Database":               func(c *call) (string, error) { return "", c.w.dag.Dismount(c.str("Identity")) },
	"Set-MailboxDatabaseCopy":         (*call).setCopy,
	"RedistributeActiveDatabases.ps1": (*call).redistribute,
	"Add-MailboxDatabaseCopy":         (*call).addCopy,
	"Remove-MailboxDatabaseCopy":      (*call).removeCopy,
	"Update-MailboxDatabaseCopy":      (*call).updateCopy,
	"Move-ActiveMailboxDatabase": func(c *call) (string, error) {
		target := c.str("ActivateOnServer")
		if c.has("Identity") {
			return "", c.w.dag.MoveWith(c.str("Identity"), target, c.moveOptions())
		}
		if c.has("Server") {
			return "", c.w.dag.MoveServer(c.str("Server"), target)
		}
		return "", fmt.Errorf("Move-ActiveMailboxDatabase needs -Identity or -Server")
	},
	"Suspend-MailboxDatabaseCopy": func(c *call) (string, error) {
		db, server, err := splitCopy(c.str("Identity"))
		if err != nil {
			return "", err
		}
		return "", c.w.dag.SuspendCopy(db, server, c.flag("ActivationOnly"))
	},
	"Resume-MailboxDatabaseCopy": func(c *call) (string, error) {
		db, server, err := splitCopy(c.str("Identity"))
		if err != nil {
			return "", err
		}
		return "", c.w.dag.ResumeCopy(db, server)
	},
	"Get-MailboxDatabaseCopyStatus": func(c *call) (string, error) {
		rows, err := c.copyStatus()
		if err != nil {
			return "", err
		}
		objs := make([][]psfmt.Field, len(rows))
		for i, r := range rows {
			objs[i] = r.Fields()
		}
		return c.objects(objs, c.version(c.str("Server")))
	},
	"Get-MailboxDatabase": func(c *call) (string, error) {
		rows, err := c.databases()
		if err != nil {
			return "", err
		}
		objs := make([][]psfmt.Field, len(rows))
		for i, r := range rows {
			objs[i] = r.fields()
		}
		return c.objects(objs, c.version(c.str("Server")))
	},
	"Get-AdSite":                        (*call).getADSite, // adsites.go
	"Set-AdSite":                        (*call).setADSite,
	"Get-AdSiteLink":                    (*call).getADSiteLink,
	"Set-AdSiteLink":                    (*call).setADSiteLink,
	"Set-DatabaseAvailabilityGroup":     (*call).setDAG,
	"Stop-DatabaseAvailabilityGroup":    (*call).stopDAG,
	"Restore-DatabaseAvailabilityGroup": (*call).restoreDAG,
	"Start-DatabaseAvailabilityGroup":   (*call).startDAG,
	"Get-DatabaseAvailabilityGroup": func(c *call) (string, error) {
		rows, err := c.w.dag.DAGStatus(c.str("Identity"), c.flag("Status"))
		if err != nil {
			return "", err
		}
		objs := make([][]psfmt.Field, len(rows))
		for i, r := range rows {
			objs[i] = r.Fields()
		}
		return c.objects(objs, c.version(""))
	},
	"Get-Queue": func(c *call) (string, error) {
		rows, v, err := c.queues()
		if err != nil {
			return "", err
		}
		objs := make([][]psfmt.Field, len(rows))
		for i, r := range rows {
			objs[i] = transport.QueueFields(v, r)
		}
		return c.objects(objs, string(v))
	},
	"Get-Message": func(c *call) (string, error) {
		all, err := c.w.tr.Messages(c.str("Server"), c.str("Queue"))
		if err != nil {
			return "", err
		}
		var objs [][]psfmt.Field
		for _, o := range all {
			if ok, err := c.filtered(o); err != nil {
				return "", err
			} else if ok {
				objs = append(objs, o)
			}
		}
		return c.objects(objs, c.version(c.str("Server")))
	},
	"Get-MessageTrackingLog": func(c *call) (string, error) { return c.trackingLog() },
	"Get-ReceiveConnector": func(c *call) (string, error) {
		objs, err := c.receiveConnectors()
		if err != nil {
			return "", err
		}
		return c.objects(objs, c.version(c.str("Server")))
	},
	"Get-SendConnector": func(c *call) (string, error) {
		objs, err := c.sendConnectors()
		if err != nil {
			return "", err
		}
		return c.objects(objs, c.version(""))
	},
	"Get-TransportService": func(c *call) (string, error) { return c.transportServiceObjects() },
	"Get-TransportServer":  func(c *call) (string, error) { return c.transportServiceObjects() },
	"Get-ExchangeDiagnosticInfo": func(c *call) (string, error) {
		server := c.str("Server")
		if server == "" {
			server = c.on
		}
		if server == "" {
			return "", fmt.Errorf("Get-ExchangeDiagnosticInfo: name the server with -Server (or the step's on:)")
		}
		if a := c.str("Argument"); a != "" && !strings.EqualFold(a, "Verbose") {
			return "", fmt.Errorf("Get-ExchangeDiagnosticInfo: -Argument %q is not supported (exsim supports Verbose, which adds nothing here)", a)
		}
		return c.w.tr.ResourceThrottling(server)
	},
	"Set-TransportConfig": func(c *call) (string, error) {
		err := c.w.tr.SetTransportConfig(c.params("Confirm", "WhatIf", "Verbose", "ErrorAction", "WarningAction"))
		if err == nil && c.has("SafetyNetHoldTime") {
			c.w.checkLagAgainstSafetyNet()
		}
		return "", err
	},
	"Set-TransportService": func(c *call) (string, error) { return "", c.transportService() },
	"Set-ReceiveConnector": func(c *call) (string, error) {
		if !c.has("ProtocolLoggingLevel") && !c.has("MaxMessageSize") {
			return "", fmt.Errorf("Set-ReceiveConnector: give -ProtocolLoggingLevel or -MaxMessageSize (the parameters exsim supports)")
		}
		if c.has("MaxMessageSize") {
			if err := c.w.tr.SetReceiveConnectorMaxMessageSize(c.str("Identity"), c.str("MaxMessageSize")); err != nil {
				return "", err
			}
		}
		if c.has("ProtocolLoggingLevel") {
			return "", c.w.tr.SetReceiveConnectorProtocolLogging(c.str("Identity"), c.str("ProtocolLoggingLevel"))
		}
		return "", nil
	},
	"Set-SendConnector": func(c *call) (string, error) { return "", c.setSendConnector() },
	"Edit-EdgeTransportConfig": func(c *call) (string, error) {
		server := c.str("Server")
		if server == "" {
			server = c.on
		}
		return "", c.w.tr.EditEdgeTransportConfig(server, c.str("Key"), c.str("Value"))
	},
	"Set-TransportServer": func(c *call) (string, error) { return "", c.transportService() },
	"Start-SCOMMaintenanceMode": func(c *call) (string, error) {
		end, err := c.w.instant(c.str("EndTime"))
		if err != nil {
			return "", fmt.Errorf("-EndTime: %v", err)
		}
		return "", c.w.mon.StartMaintenance(c.str("Instance"), end)
	},
	"Stop-SCOMMaintenanceMode": func(c *call) (string, error) {
		return "", c.w.mon.StopMaintenance(c.str("Instance"))
	},
	"StartDagServerMaintenance.ps1": func(c *call) (string, error) {
		id := c.str("ServerName")
		if !componentsVersion(c.w.spec[id].Version).HasComponentStates() {
			// 2010's script: activation suspended on every copy, no component states.
			return "", c.w.dag.StartDagServerMaintenanceWith(id, dag.Exchange2010Maintenance)
		}
		return "", c.w.dag.StartDagServerMaintenance(id)
	},
	"StopDagServerMaintenance.ps1": func(c *call) (string, error) {
		return "", c.w.dag.StopDagServerMaintenance(c.str("ServerName"))
	},
	"Retry-Queue": func(c *call) (string, error) {
		if c.has("Resubmit") && c.flag("Resubmit") {
			return "", c.eachQueue(c.w.tr.ResubmitQueue)
		}
		return "", c.eachQueue(c.w.tr.RetryQueue)
	},
	"Suspend-Queue":   func(c *call) (string, error) { return "", c.eachQueue(c.w.tr.SuspendQueue) },
	"Resume-Queue":    func(c *call) (string, error) { return "", c.eachQueue(c.w.tr.ResumeQueue) },
	"Suspend-Message": func(c *call) (string, error) { return "", c.w.tr.SuspendMessage(c.str("Identity")) },
	"Add-ResubmitRequest": func(c *call) (string, error) {
		start, err := c.w.instant(c.str("StartTime"))
		if err != nil {
			return "", fmt.Errorf("-StartTime: %v", err)
		}
		end, err := c.w.instant(c.str("EndTime"))
		if err != nil {
			return "", fmt.Errorf("-EndTime: %v", err)
		}
		f := transport.ResubmitFilter{Destination: c.str("Destination"), Recipient: c.str("Recipient"),
			Sender: c.str("Sender"), MessageID: c.str("MessageId")}
		if v, ok := c.args["UnresponsivePrimaryServers"]; ok {
			f.UnresponsivePrimaryServers = v.Strings()
		}
		_, err = c.w.tr.AddResubmitRequestFor(f, start, end)
		return "", err
	},
	"Get-ResubmitRequest": func(c *call) (string, error) {
		id := 0
		if c.has("Identity") {
			n, err := strconv.Atoi(c.str("Identity"))
			if err != nil {
				return "", fmt.Errorf("-Identity: %q is not a request number", c.str("Identity"))
			}
			id = n
		}
		return c.w.tr.GetResubmitRequest(id)
	},
	"Resume-Message": func(c *call) (string, error) { return "", c.w.tr.ResumeMessage(c.str("Identity")) },
	"Remove-Message": func(c *call) (string, error) {
		withNDR := !c.has("WithNDR") || c.flag("WithNDR") // -WithNDR defaults to $true
		return "", c.w.tr.RemoveMessage(c.str("Identity"), withNDR)
	},
}

func (c *call) service(op string) error {
	server := c.on
	if server == "" {
		return fmt.Errorf("%s needs the server it runs on: give the step `on: SERVER`", c.name)
	}
	switch op {
	case "restart":
		c.w.comp.ServiceStopped(server, c.str("Name"))
		return c.w.tr.RestartService(server, c.str("Name"))
	case "stop":
		c.w.comp.ServiceStopped(server, c.str("Name"))
		return c.w.tr.StopService(server, c.str("Name"))
	default:
		return c.w.tr.StartService(server, c.str("Name"))
	}
}

func (c *call) copyStatus() ([]dag.CopyStatusRow, error) {
	if c.in != nil {
		// Get-MailboxDatabase | Get-MailboxDatabaseCopyStatus: each database's copies.
		var rows []dag.CopyStatusRow
		for _, db := range c.in {
			r, err := c.w.dag.CopyStatus(db)
			if err != nil {
				return nil, err
			}
			rows = append(rows, r...)
		}
		return rows, nil
	}
	if c.has("Server") && !c.has("Identity") {
		return c.w.dag.CopyStatusServer(c.str("Server"))
	}
	return c.w.dag.CopyStatus(c.str("Identity"))
}

func (c *call) transportService() error {
	id := c.str("Identity")
	if id == "" {
		id = c.on
	}
	if c.has("IntraOrgConnectorProtocolLoggingLevel") {
		if err := c.w.tr.SetIntraOrgConnectorProtocolLogging(id, c.str("IntraOrgConnectorProtocolLoggingLevel")); err != nil {
			return err
		}
	}
	return c.w.tr.SetTransportService(id, c.params("Identity", "IntraOrgConnectorProtocolLoggingLevel", "Confirm", "WhatIf", "Verbose", "ErrorAction", "WarningAction"))
}

// queues answers Get-Queue: -Server S, -Identity S\Q, or every transport server.
func (c *call) queues() ([]transport.QueueInfo, transport.Version, error) {
	var servers []string
	id := c.str("Identity")
	switch {
	case c.has("Server"):
		servers = []string{c.str("Server")}
	case strings.Contains(id, `\`):
		servers = []string{id[:strings.Index(id, `\`)]}
	case c.on != "":
		servers = []string{c.on}
	default:
		for _, sv := range c.w.sc.Topology.Servers {
			if sv.Transport() {
				servers = append(servers, sv.Name)
			}
		}
	}
	if len(servers) == 0 {
		return nil, "", fmt.Errorf("no server of this organization runs the Transport service")
	}
	var rows []transport.QueueInfo
	v := transport.Version(versionOf(c.w.spec[servers[0]].Version))
	for _, s := range servers {
		for _, q := range c.w.tr.GetQueue(s) {
			if id != "" && !queueMatches(q, id) {
				continue
			}
			if !c.included(q) {
				continue
			}
			if ok, err := c.filtered(transport.QueueFields(v, q)); err != nil {
				return nil, "", err
			} else if !ok {
				continue
			}
			rows = append(rows, q)
		}
	}
	return rows, v, nil
}

// filtered reports whether an object passes the cmdlet's -Filter (an OPath such as
// {Status -eq "Retry"}); true without one.
func (c *call) filtered(o []psfmt.Field) (bool, error) {
	if !c.has("Filter") {
		return true, nil
	}
	w, err := cmdlet.ParseFilter(c.str("Filter"))
	if err != nil {
		return false, err
	}
	return w.Match(func(p string) (string, bool) { return lookupField(o, p) }), nil
}

// eachQueue runs a queue action on -Identity, or with -Filter on every queue of
// -Server (or of the organization) that matches it.
func (c *call) eachQueue(op func(id string) error) error {
	if !c.has("Filter") {
		return op(c.str("Identity"))
	}
	rows, _, err := c.queues()
	if err != nil {
		return err
	}
	for _, q := range rows {
		if err := op(q.Identity); err != nil {
			return err
		}
	}
	return nil
}

// included applies Get-Queue -Include and -Exclude: each value is Empty (no
// messages), Internal or External (NextHopCategory), or a DeliveryType
// (queues-and-messages-in-powershell.md); a queue must match one -Include value if
// any is given, and no -Exclude value.
func (c *call) included(q transport.QueueInfo) bool {
	matches := func(v string) bool {
		switch strings.ToLower(v) {
		case "empty":
			return q.MessageCount == 0
		case "internal", "external":
			return strings.EqualFold(q.NextHopCategory, v)
		}
		return strings.EqualFold(q.DeliveryType, v)
	}
	if inc, ok := c.args["Include"]; ok {
		any := false
		for _, v := range inc.Strings() {
			any = any || matches(v)
		}
		if !any {
			return false
		}
	}
	for _, v := range c.args["Exclude"].Strings() {
		if matches(v) {
			return false
		}
	}
	return true
}

// queueMatches reports whether a Get-Queue row answers to id: its Identity, or
// Server\NextHopDomain, as admins and scenario files name delivery queues.
func queueMatches(q transport.QueueInfo, id string) bool {
	if strings.EqualFold(q.Identity, id) {
		return true
	}
	server, _, _ := strings.Cut(q.Identity, `\`)
	return q.NextHopDomain != "" && strings.EqualFold(server+`\`+q.NextHopDomain, id)
}

func (c *call) trackingLog() (string, error) {
	f, events, err := c.trackingRows()
	if err != nil {
		return "", err
	}
	v := c.version(f.Server)
	objs := make([][]psfmt.Field, len(events))
	for i := range events {
		if objs[i], err = logs.EventProperties(versionOf(c.w.spec[events[i].Server].Version), &events[i], c.w.s.Start(), logs.RunspaceID(c.w.s.Seed())); err != nil {
			return "", err
		}
	}
	return c.objects(objs, v)
}

// version is the scenario version of server, or of the step's server, or the
// organization's first server's: the shell whose views print the output.
func (c *call) version(server string) string {
	for _, s := range []string{server, c.on} {
		if sv, ok := c.w.spec[s]; ok {
			return versionOf(sv.Version)
		}
	}
	if len(c.w.sc.Topology.Servers) > 0 {
		return versionOf(c.w.sc.Topology.Servers[0].Version)
	}
	return versionOf("")
}

// trackingRows are the rows Get-MessageTrackingLog's parameters select.
func (c *call) trackingRows() (logs.Filter, []logs.TrackingEvent, error) {
	f := logs.Filter{
		Server:               c.str("Server"),
		EventId:              c.str("EventId"),
		MessageSubject:       c.str("MessageSubject"),
		Sender:               c.str("Sender"),
		MessageId:            c.str("MessageId"),
		Reference:            c.str("Reference"),
		NetworkMessageId:     c.str("NetworkMessageId"),
		Source:               c.str("Source"),
		TransportTrafficType: c.str("TransportTrafficType"),
	}
	if v, ok := c.args["Recipients"]; ok {
		f.Recipients = v.Strings()
	}
	if c.has("InternalMessageId") {
		n, err := strconv.ParseInt(c.str("InternalMessageId"), 10, 64)
		if err != nil || n <= 0 {
			return f, nil, fmt.Errorf("-InternalMessageId takes a positive whole number, not %q", c.str("InternalMessageId"))
		}
		f.InternalMessageId = n
	}
	if c.has("ResultSize") {
		n, err := cmdlet.ParseResultSize(c.str("ResultSize"))
		if err != nil {
			return f, nil, err
		}
		f.ResultSize = n
	}
	for _, b := range []struct {
		name string
		dst  **time.Duration
	}{{"Start", &f.Start}, {"End", &f.End}} {
		if !c.has(b.name) {
			continue
		}
		t, err := c.w.instant(c.str(b.name))
		if err != nil {
			return f, nil, fmt.Errorf("-%s: %v", b.name, err)
		}
		*b.dst = &t
	}
	return f, f.Apply(trackingEvents(c.w.s.Journal().Records())), nil
}

// instant reads a -Start/-End value: a date and time in a form the en-US shell
// takes (cmdlet.ParseDateTime), or a duration since the scenario start. The loader
// has checked it already; a step added by the API is checked here.
func (w *world) instant(s string) (time.Duration, error) {
	if t, ok := cmdlet.ParseDateTime(s); ok {
		return t.Sub(w.s.Start()), nil
	}
	if d, err := ParseDuration(s); err == nil {
		return d, nil
	}
	return 0, fmt.Errorf("invalid time %q (want %s, or a span since the start)", s, cmdlet.DateFormsSupported)
}

func trackingEvents(records []sim.Record) []logs.TrackingEvent {
	var out []logs.TrackingEvent
	for _, r := range records {
		if e, ok := r.Data.(logs.TrackingEvent); ok {
			out = append(out, e)
		}
	}
	return out
}

func splitCopy(id string) (db, server string, err error) {
	db, server, ok := strings.Cut(id, `\`)
	if !ok || db == "" || server == "" {
		return "", "", fmt.Errorf("the database copy %q must be written DB\\Server", id)
	}
	return db, server, nil
}

// runStep carries out one step at its instant: a cmdlet pipeline or a fault. A
// cmdlet that Exchange would refuse is behaviour, not a scenario error: its error is
// journaled and printed as the shell would print it.
func (w *world) runStep(st Step) {
	if st.Fault != nil {
		w.runFault(st)
		return
	}
	now := w.s.Now()
	w.s.Journal().Emit(now, st.On, st.Text, StepRun{Step: st.Text})
	out, err := w.runPipeline(st.Run, st.On)
	if err != nil {
		w.s.Journal().Emit(now, st.On, st.Text, StepError{Step: st.Text, Err: err.Error()})
		return
	}
	if out != "" {
		w.s.Journal().Emit(now, st.On, st.Text, Output{At: now, Step: st.Text, Text: out})
	}
}

func (w *world) runPipeline(p cmdlet.Pipeline, on string) (string, error) {
	if len(p) == 0 {
		return "", nil
	}
	f := pipeFormat{}
	var next []cmdlet.Command
	for _, c := range p[1:] {
		spec, _ := cmdlet.Lookup(c.Name)
		shaping, err := f.add(spec, c)
		if err != nil {
			return "", err
		}
		if !shaping {
			next = append(next, c)
		}
	}
	if len(next) > 0 && strings.HasPrefix(next[0].Name, "Get-") {
		// A Get- piped into a Get- (Get-MailboxDatabase | Get-MailboxDatabaseCopyStatus):
		// the second prints, for the objects the first found.
		ids, err := w.pipedIdentities(p[0], on)
		if err != nil {
			return "", err
		}
		if ids == nil {
			ids = []string{}
		}
		return w.runCommand(next[0], on, f, nil, ids)
	}
	out, err := w.runCommand(p[0], on, f, nil, nil)
	if err != nil || len(next) == 0 {
		return out, err
	}
	// A Get- piped into an action: the action runs once per object the Get- found,
	// with its Identity bound to that object's identity.
	ids, err := w.pipedIdentities(p[0], on)
	if err != nil {
		return "", err
	}
	var outs []string
	for _, c := range next {
		for _, id := range ids {
			o, err := w.runCommand(c, on, pipeFormat{}, &id, nil)
			if err != nil {
				return strings.Join(outs, ""), err
			}
			if o != "" {
				outs = append(outs, o)
			}
		}
	}
	return strings.Join(outs, ""), nil
}

func (w *world) runCommand(c cmdlet.Command, on string, f pipeFormat, identity *string, in []string) (string, error) {
	spec, ok := cmdlet.Lookup(c.Name)
	if !ok {
		return "", fmt.Errorf("the term '%s' is not recognized as the name of a cmdlet", c.Name)
	}
	args, err := spec.Check(c, identity != nil)
	if err != nil {
		return "", err
	}
	if identity != nil {
		if _, ok := args["Identity"]; !ok {
			args["Identity"] = cmdlet.Value{Kind: cmdlet.String, Str: *identity}
		}
	}
	w.shortNames(spec, args)
	h, ok := handlers[spec.Name]
	if !ok {
		return "", fmt.Errorf("%s is not supported in a step", spec.Name)
	}
	return h(&call{w: w, name: spec.Name, on: on, args: args, out: f, in: in})
}

// pipedIdentities runs the Get- side of a pipe for the identities of what it found.
func (w *world) pipedIdentities(c cmdlet.Command, on string) ([]string, error) {
	spec, _ := cmdlet.Lookup(c.Name)
	args, err := spec.Check(c, false)
	if err != nil {
		return nil, err
	}
	cl := &call{w: w, name: spec.Name, on: on, args: args}
	switch spec.Name {
	case "Get-Queue":
		rows, _, err := cl.queues()
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(rows))
		for i, r := range rows {
			ids[i] = r.Identity
		}
		return ids, nil
	case "Get-MailboxDatabase":
		rows, err := cl.databases()
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(rows))
		for i, r := range rows {
			ids[i] = r.name
		}
		return ids, nil
	case "Get-MailboxDatabaseCopyStatus":
		rows, err := cl.copyStatus()
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(rows))
		for i, r := range rows {
			ids[i] = r.Name
		}
		return ids, nil
	}
	return nil, fmt.Errorf("%s cannot be piped into another cmdlet here", spec.Name)
}

// runFault applies a fault to every model it concerns.
func (w *world) runFault(st Step) {
	f := st.Fault
	now := w.s.Now()
	w.s.Journal().Emit(now, f.Server, st.Text, FaultInjected{Fault: st.Text})
	switch f.Kind {
	case fault.Crash:
		w.servicesStopped(f.Server)
		w.tr.Crash(f.Server, f.LoseQueue)
		if w.isMailbox(f.Server) {
			w.dag.ServerDown(f.Server)
		}
		w.mon.ServerDown(f.Server)
	case fault.Stop:
		w.servicesStopped(f.Server)
		w.tr.Stop(f.Server)
		if w.isMailbox(f.Server) {
			// A clean shutdown of a 2013+ server moves its active databases first;
			// 2010 has no such step, so its copies just go down.
			if componentsVersion(w.spec[f.Server].Version).HasComponentStates() {
				w.dag.ServerStop(f.Server)
			} else {
				w.dag.ServerDown(f.Server)
			}
		}
		w.mon.ServerDown(f.Server)
	case fault.Start:
		if w.isMailbox(f.Server) {
			w.dag.ServerUp(f.Server)
		}
		w.tr.Start(f.Server)
		w.mon.ServerUp(f.Server)
	case fault.FailCopy:
		if err := w.dag.FailCopy(f.Database, f.Server); err != nil {
			w.s.Journal().Emit(now, "", st.Text, StepError{Step: st.Text, Err: err.Error()})
		} else {
			w.failed = append(w.failed, f.Database+`\`+f.Server)
		}
	case fault.Partition:
		w.parts = append(w.parts, partition{a: w.members(f.A), b: w.members(f.B)})
		w.dag.NetworkChanged()
		w.tr.NetworkChanged()
	case fault.Heal:
		w.parts = nil
		w.dag.NetworkChanged()
		w.tr.NetworkChanged()
	case fault.Disk, fault.Memory, fault.Release:
		if err := w.pressureFault(f); err != nil {
			w.s.Journal().Emit(now, "", st.Text, StepError{Step: st.Text, Err: err.Error()})
		}
	case fault.Down, fault.Refuse, fault.Up:
		var err error
		switch f.Kind {
		case fault.Down:
			err = w.tr.HostDown(f.Host)
		case fault.Refuse:
			err = w.tr.HostRefuse(f.Host, f.Code)
		default:
			err = w.tr.HostUp(f.Host)
		}
		if err != nil {
			w.s.Journal().Emit(now, "", st.Text, StepError{Step: st.Text, Err: err.Error()})
		}
	case fault.FailSite, fault.RestoreSite, fault.PartitionSites:
		w.siteFault(f)
	}
	if f.Kind == fault.Crash || f.Kind == fault.Stop || f.Kind == fault.Start {
		w.witnessChanged(f.Server)
	}
}

// pressureFault moves a resource back pressure watches (transport/pressure.go).
func (w *world) pressureFault(f *fault.Fault) error {
	switch {
	case f.Kind == fault.Release:
		return w.tr.ReleaseResources(f.Server)
	case f.Kind == fault.Memory:
		return w.tr.SetResourceUse(f.Server, transport.PrivateBytes, f.Percent)
	case f.Drive == "data":
		return w.tr.SetResourceUse(f.Server, transport.UsedDiskSpaceData, f.Percent)
	}
	return w.tr.SetResourceUse(f.Server, transport.DatabaseUsedSpace, f.Percent)
}

// servicesStopped tells components that a server's transport services no longer run,
// so RunningState and the inconsistency events stay true to the server.
func (w *world) servicesStopped(server string) {
	for _, svc := range cmdlet.Services {
		w.comp.ServiceStopped(server, svc)
	}
}

func (w *world) isMailbox(server string) bool {
	sv, ok := w.spec[server]
	return ok && sv.HasRole("Mailbox")
}

// databaseRow is one object of Get-MailboxDatabase.
type databaseRow struct {
	name, server string
	replicated   bool
}

// databases answers Get-MailboxDatabase [-Identity DB] [-Server S]: Server is the
// server holding the active copy, as the 2010 shell shows it.
func (c *call) databases() ([]databaseRow, error) {
	var out []databaseRow
	for _, d := range c.w.sc.Topology.Databases {
		if c.has("Identity") && !strings.EqualFold(d.Name, c.str("Identity")) {
			continue
		}
		server, _ := c.w.dag.ActiveCopy(d.Name)
		if c.has("Server") && !slicesContains(d.Copies, c.str("Server")) {
			continue
		}
		out = append(out, databaseRow{name: d.Name, server: server, replicated: len(d.Copies) > 1})
	}
	if c.has("Identity") && len(out) == 0 {
		return nil, fmt.Errorf("The operation couldn't be performed because object '%s' couldn't be found.", c.str("Identity"))
	}
	return out, nil
}

func (r databaseRow) fields() []psfmt.Field {
	rt := "None"
	if r.replicated {
		rt = "Remote"
	}
	return []psfmt.Field{{Name: "Name", Value: r.name}, {Name: "Server", Value: r.server}, {Name: "Recovery", Value: "False"}, {Name: "ReplicationType", Value: rt}}
}

// shortNames turns the server FQDNs a step names (-Server EX1.contoso.com, a queue
// EX1.contoso.com\Submission) into the server names the models know, as the shell
// takes either.
func (w *world) shortNames(spec cmdlet.Spec, args map[string]cmdlet.Value) {
	for _, ps := range spec.Params {
		v, ok := args[ps.Name]
		if !ok || v.Kind != cmdlet.String {
			continue
		}
		switch ps.Type {
		case cmdlet.Server:
			v.Str = w.sc.ShortServerName(v.Str)
		case cmdlet.Queue, cmdlet.Copy:
			a, b, ok := strings.Cut(v.Str, `\`)
			if !ok {
				continue
			}
			if ps.Type == cmdlet.Queue {
				a = w.sc.ShortServerName(a)
			} else {
				b = w.sc.ShortServerName(b)
			}
			v.Str = a + `\` + b
		}
		args[ps.Name] = v
	}
}
