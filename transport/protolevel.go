package transport

import (
	"fmt"
	"strings"

	"github.com/exsim/exsim/transport/logs"
	"github.com/exsim/exsim/transport/smtp"
)

// ProtocolLoggingLevel values: a connector logs every session (Verbose) or none.
// "None and Verbose are the only choices" (seed 003).
const (
	ProtocolLoggingNone    = "None"
	ProtocolLoggingVerbose = "Verbose"
)

// protoLogging is the ProtocolLoggingLevel of each connector that is not at its
// product default, keyed by the lower-case connector-id as the protocol log writes
// it ("<server>\<name>" for a Receive connector, the name for a Send connector) or
// "intraorg\<server>" for a server's implicit intra-organization Send connector.
type protoLogging struct {
	levels map[string]string
	all    bool // every connector logs (model tests: Topology.ProtocolLogEverything)
}

// defaultProtocolLogging is the ProtocolLoggingLevel a connector has out of the box
// (exchange-2013-pipeline.md 1.2, 4.4; seed 003 for 2010):
//   - 2010: every connector None ("None is the default value"; "SMTP protocol logging
//     is not enabled by default").
//   - 2013+: "Default Frontend <server>" (FET, port 25) Verbose, as the 2013 setup
//     creates it and the 2016 docs say; "Outbound Proxy Frontend <server>" None (the
//     2016 docs' table; the 2013 setup script says verbose, see Conflicts); every other
//     Receive connector None ("Default <server>", "Client Frontend", "Client Proxy", the
//     mailbox delivery connector); the Transport service's intra-organization Send
//     connector None (Set-TransportService -IntraOrgConnectorProtocolLoggingLevel);
//     the Front End Transport service's implicit Send connector Verbose
//     (Set-FrontendTransportService); a Send connector made by New-SendConnector None.
func defaultProtocolLogging(v Version, connectorID string) string {
	if v.Is2010() {
		return ProtocolLoggingNone
	}
	name := connectorID[strings.LastIndexByte(connectorID, '\\')+1:]
	switch {
	case strings.HasPrefix(name, "Default Frontend "), name == "Inbound Proxy Internal Send Connector",
		name == "Inbound Proxy External Send Connector", name == "Client Proxy Send Connector":
		return ProtocolLoggingVerbose
	}
	return ProtocolLoggingNone
}

// protocolLogged says whether srv writes the rows of a session on connector (its
// connector-id) in its Send or Receive protocol log.
func (o *Org) protocolLogged(srv *server, kind, connector string) bool {
	if srv == nil {
		return false
	}
	if o.plog.all {
		return true
	}
	key := strings.ToLower(connector)
	if kind == logs.Send && connector == smtp.IntraOrgSendConnector {
		key = "intraorg\\" + strings.ToLower(srv.name)
	}
	if lv, ok := o.plog.levels[key]; ok {
		return lv == ProtocolLoggingVerbose
	}
	return defaultProtocolLogging(srv.version, connector) == ProtocolLoggingVerbose
}

func (o *Org) setProtocolLogging(key, level string) error {
	switch {
	case strings.EqualFold(level, ProtocolLoggingNone):
		level = ProtocolLoggingNone
	case strings.EqualFold(level, ProtocolLoggingVerbose):
		level = ProtocolLoggingVerbose
	default:
		return fmt.Errorf("-ProtocolLoggingLevel %q: want None or Verbose", level)
	}
	if o.plog.levels == nil {
		o.plog.levels = map[string]string{}
	}
	o.plog.levels[strings.ToLower(key)] = level
	return nil
}

// receiveConnectorNames are the Receive connectors setup creates on srv (names as
// created: exchange-2013-pipeline.md 1.2; 2010: "Default <server>" and "Client
// <server>").
func receiveConnectorNames(srv *server) []string {
	n := srv.name
	if srv.version.Is2010() {
		return []string{"Default " + n, "Client " + n}
	}
	return []string{"Default " + n, "Client Proxy " + n, "Default Frontend " + n, "Outbound Proxy Frontend " + n, "Client Frontend " + n}
}

// SetReceiveConnectorProtocolLogging is Set-ReceiveConnector <identity>
// -ProtocolLoggingLevel <level>.
func (o *Org) SetReceiveConnectorProtocolLogging(identity, level string) error {
	id, err := o.findReceiveConnector(identity)
	if err != nil {
		return err
	}
	return o.setProtocolLogging(id, level)
}

// findReceiveConnector resolves a receive connector identity, "<server>\<name>" or a
// name that only one server has, to "<server>\<name>".
func (o *Org) findReceiveConnector(identity string) (string, error) {
	var found []string
	var known []string
	for _, srv := range o.servers {
		for _, name := range receiveConnectorNames(srv) {
			id := srv.name + `\` + name
			known = append(known, id)
			if strings.EqualFold(identity, id) || strings.EqualFold(identity, name) {
				found = append(found, id)
			}
		}
	}
	switch len(found) {
	case 0:
		return "", fmt.Errorf("Set-ReceiveConnector: the receive connector %q was not found (this organization has %s)", identity, strings.Join(known, ", "))
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("Set-ReceiveConnector: %q matches %s: give the identity as <server>\\<name>", identity, strings.Join(found, " and "))
}

// SetSendConnectorProtocolLogging is Set-SendConnector <name> -ProtocolLoggingLevel
// <level>, for a Send connector of the topology.
func (o *Org) SetSendConnectorProtocolLogging(name, level string) error {
	var known []string
	for _, c := range o.top.Connectors {
		if strings.EqualFold(c.Name, name) {
			return o.setProtocolLogging(c.Name, level)
		}
		known = append(known, c.Name)
	}
	if len(known) == 0 {
		return fmt.Errorf("Set-SendConnector: the send connector %q was not found (this organization has no send connector)", name)
	}
	return fmt.Errorf("Set-SendConnector: the send connector %q was not found (this organization has %s)", name, strings.Join(known, ", "))
}

// SetIntraOrgConnectorProtocolLogging is Set-TransportService (Set-TransportServer
// in 2010) <server> -IntraOrgConnectorProtocolLoggingLevel <level>: the implicit Send
// connector between the organization's transport servers.
func (o *Org) SetIntraOrgConnectorProtocolLogging(server, level string) error {
	srv, err := o.server(server)
	if err != nil {
		return err
	}
	return o.setProtocolLogging("intraorg\\"+srv.name, level)
}
