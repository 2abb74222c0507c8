package scenarios

import (
	"fmt"
	"strings"

	"github.com/exsim/exsim/sim/psfmt"
	"github.com/exsim/exsim/transport"
)

// receiveConnector is one default Receive connector: its name before the server's,
// the role that owns it and its bindings as the shell prints them.
type receiveConnector struct {
	prefix, role string
	bindings     []string
}

// defaultReceiveConnectors2013 are the five connectors setup creates on a 2013+
// server, with their bindings, as the 2019 capture shows them
// (reference/captures/connectors/GetReceiveConnector.xml): the Transport service's
// two on the Mailbox role, the Front End Transport service's three on the Client
// Access role (every 2016+ Mailbox server has it).
var defaultReceiveConnectors2013 = []receiveConnector{
	{"Default", "HubTransport", []string{"0.0.0.0:2525", "[::]:2525"}},
	{"Client Proxy", "HubTransport", []string{"[::]:465", "0.0.0.0:465"}},
	{"Default Frontend", "FrontendTransport", []string{"[::]:25", "0.0.0.0:25"}},
	{"Outbound Proxy Frontend", "FrontendTransport", []string{"[::]:717", "0.0.0.0:717"}},
	{"Client Frontend", "FrontendTransport", []string{"[::]:587", "0.0.0.0:587"}},
}

// defaultReceiveConnectors2010 are the two a 2010 Hub Transport server gets: Default
// (port 25) and Client (587). No capture of a 2010 shell's connectors is stored; the
// names and ports are the 2010 setup defaults exsim's protocol logs already use for
// Default.
var defaultReceiveConnectors2010 = []receiveConnector{
	{"Default", "HubTransport", []string{"[::]:25", "0.0.0.0:25"}},
	{"Client", "HubTransport", []string{"[::]:587", "0.0.0.0:587"}},
}

// receiveConnectors answers Get-ReceiveConnector [[-Identity] SERVER\NAME] [-Server
// S]: the default connectors of every transport server (or the one asked), in
// topology order, with MaxMessageSize as Set-ReceiveConnector left it (the capture's
// "36 MB (37,748,736 bytes)" form). Properties in the capture's order: RunspaceId and the rest left
// out, Identity last as Format-List prints it.
func (c *call) receiveConnectors() ([][]psfmt.Field, error) {
	id := c.str("Identity")
	server := c.str("Server")
	if srv, _, ok := strings.Cut(id, `\`); ok && server == "" {
		server = srv
	}
	var out [][]psfmt.Field
	for _, sv := range c.w.sc.Topology.Servers {
		if server != "" && !strings.EqualFold(sv.Name, server) {
			continue
		}
		set := defaultReceiveConnectors2013
		switch {
		case strings.HasPrefix(versionOf(sv.Version), "Exchange2010"):
			if !sv.HasRole("HubTransport") {
				continue
			}
			set = defaultReceiveConnectors2010
		case !sv.HasRole("Mailbox") && !sv.HasRole("ClientAccess"):
			continue
		}
		for _, rc := range set {
			if versionOf(sv.Version) == "Exchange2013" && (rc.role == "HubTransport" && !sv.HasRole("Mailbox") || rc.role == "FrontendTransport" && !sv.HasRole("ClientAccess")) {
				continue // 2013 roles could be installed apart
			}
			name := rc.prefix + " " + sv.Name
			identity := sv.Name + `\` + name
			if id != "" && !strings.EqualFold(id, identity) && !strings.EqualFold(id, name) {
				continue
			}
			out = append(out, []psfmt.Field{
				{Name: "Bindings", Value: psfmt.Collection(rc.bindings)},
				{Name: "Enabled", Value: "True"},
				{Name: "Fqdn", Value: c.w.tr.ServerFQDN(sv.Name)},
				{Name: "MaxMessageSize", Value: transport.PSSize(c.w.tr.ReceiveConnectorMaxMessageSize(sv.Name, rc.prefix))},
				{Name: "TransportRole", Value: rc.role},
				{Name: "Server", Value: sv.Name},
				{Name: "Name", Value: name},
				{Name: "Identity", Value: identity},
			})
		}
	}
	if id != "" && len(out) == 0 {
		return nil, fmt.Errorf("The operation couldn't be performed because object '%s' couldn't be found.", id)
	}
	return out, nil
}

// sendConnectors answers Get-SendConnector [[-Identity] NAME]: the topology's send
// connectors, each address space written TYPE:SPACE;COST as the capture shows it
// (SMTP:*;1; exsim's address spaces are SMTP with cost 1).
func (c *call) sendConnectors() ([][]psfmt.Field, error) {
	id := c.str("Identity")
	var out [][]psfmt.Field
	for _, sc := range c.w.sc.Topology.SendConnectors {
		if id != "" && !strings.EqualFold(id, sc.Name) {
			continue
		}
		spaces := make([]string, len(sc.AddressSpaces))
		for i, a := range sc.AddressSpaces {
			spaces[i] = "SMTP:" + a + ";1"
		}
		var hosts []string
		if sc.SmartHost != "" {
			hosts = []string{sc.SmartHost}
		}
		dns := "True"
		if sc.SmartHost != "" {
			dns = "False"
		}
		require, auth, ignore, err := c.w.tr.SendConnectorSecurity(sc.Name)
		if err != nil {
			return nil, err
		}
		out = append(out, []psfmt.Field{
			{Name: "AddressSpaces", Value: psfmt.Collection(spaces)},
			{Name: "DNSRoutingEnabled", Value: dns},
			{Name: "Enabled", Value: "True"},
			// IgnoreSTARTTLS, RequireTLS, SmartHostAuthMechanism: the 2019 capture's
			// False, False, None by default; the scenario's keys, or a
			// Set-SendConnector step's.
			{Name: "IgnoreSTARTTLS", Value: psBool(ignore)},
			{Name: "RequireTLS", Value: psBool(require)},
			{Name: "SmartHostAuthMechanism", Value: auth},
			{Name: "SmartHosts", Value: psfmt.Collection(hosts)},
			{Name: "SourceTransportServers", Value: psfmt.Collection(sc.SourceServers)},
			{Name: "Name", Value: sc.Name},
			{Name: "Identity", Value: sc.Name},
		})
	}
	if id != "" && len(out) == 0 {
		return nil, fmt.Errorf("The operation couldn't be performed because object '%s' couldn't be found.", id)
	}
	return out, nil
}

// psBool prints a Boolean as the shell does.
func psBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// setSendConnector is Set-SendConnector NAME with -ProtocolLoggingLevel and/or
// -RequireTLS, -SmartHostAuthMechanism, -IgnoreSTARTTLS.
func (c *call) setSendConnector() error {
	id := c.str("Identity")
	if !c.has("ProtocolLoggingLevel") && !c.has("RequireTLS") && !c.has("SmartHostAuthMechanism") && !c.has("IgnoreSTARTTLS") {
		return fmt.Errorf("Set-SendConnector %s: give -ProtocolLoggingLevel, -RequireTLS, -SmartHostAuthMechanism or -IgnoreSTARTTLS (the parameters exsim supports)", id)
	}
	if c.has("ProtocolLoggingLevel") {
		if err := c.w.tr.SetSendConnectorProtocolLogging(id, c.str("ProtocolLoggingLevel")); err != nil {
			return err
		}
	}
	if !c.has("RequireTLS") && !c.has("SmartHostAuthMechanism") && !c.has("IgnoreSTARTTLS") {
		return nil
	}
	var require, ignore *bool
	var auth *string
	if c.has("RequireTLS") {
		b := c.flag("RequireTLS")
		require = &b
	}
	if c.has("IgnoreSTARTTLS") {
		b := c.flag("IgnoreSTARTTLS")
		ignore = &b
	}
	if c.has("SmartHostAuthMechanism") {
		a := c.str("SmartHostAuthMechanism")
		for _, m := range []string{"None", "BasicAuth", "BasicAuthRequireTLS"} {
			if strings.EqualFold(m, a) {
				a = m // the shell binds the enum's own spelling
			}
		}
		auth = &a
	}
	return c.w.tr.SetSendConnectorSecurity(id, require, auth, ignore)
}
