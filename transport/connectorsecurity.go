package transport

import (
	"fmt"
	"slices"
	"strings"

	"github.com/exsim/exsim/transport/smtp"
)

// SendConnectorSecurity is a Send connector's RequireTLS, SmartHostAuthMechanism
// ("None" when unset) and IgnoreSTARTTLS, as Get-SendConnector shows them.
func (o *Org) SendConnectorSecurity(name string) (requireTLS bool, auth string, ignoreSTARTTLS bool, err error) {
	c, err := o.sendConnector(name)
	if err != nil {
		return false, "", false, err
	}
	auth = c.SmartHostAuthMechanism
	if auth == "" {
		auth = smtp.AuthNone
	}
	return c.RequireTLS, auth, c.IgnoreSTARTTLS, nil
}

// SetSendConnectorSecurity is Set-SendConnector <name> [-RequireTLS b]
// [-SmartHostAuthMechanism m] [-IgnoreSTARTTLS b] (nil: unchanged), for a
// smart-host connector whose hosts offer what it then needs (STARTTLS for TLS, AUTH
// LOGIN for BasicAuth): exsim does not play a session refused for want of them.
// It applies from the connector's next session.
func (o *Org) SetSendConnectorSecurity(name string, requireTLS *bool, auth *string, ignoreSTARTTLS *bool) error {
	c, err := o.sendConnector(name)
	if err != nil {
		return err
	}
	next := *c
	if requireTLS != nil {
		next.RequireTLS = *requireTLS
	}
	if auth != nil {
		switch *auth {
		case smtp.AuthNone, smtp.AuthBasic, smtp.AuthBasicRequireTLS:
			next.SmartHostAuthMechanism = *auth
		default:
			return fmt.Errorf("Set-SendConnector: -SmartHostAuthMechanism %q is not played (exsim plays %s, %s, %s)", *auth, smtp.AuthNone, smtp.AuthBasic, smtp.AuthBasicRequireTLS)
		}
	}
	if ignoreSTARTTLS != nil {
		next.IgnoreSTARTTLS = *ignoreSTARTTLS
	}
	tls := next.RequireTLS || next.SmartHostAuthMechanism == smtp.AuthBasicRequireTLS
	if tls && next.IgnoreSTARTTLS {
		return fmt.Errorf("Set-SendConnector: %s cannot both require TLS and ignore STARTTLS", c.Name)
	}
	login := next.SmartHostAuthMechanism == smtp.AuthBasic || next.SmartHostAuthMechanism == smtp.AuthBasicRequireTLS
	if tls || login {
		hosts := hostsOf(c)
		if len(hosts) == 0 {
			return fmt.Errorf("Set-SendConnector: %s routes by DNS: exsim plays RequireTLS and SmartHostAuthMechanism with smart hosts only", c.Name)
		}
		for _, h := range hosts {
			caps := o.externalPeer(h, 25).Caps
			if tls && !smtp.Has(caps, "STARTTLS") {
				return fmt.Errorf("Set-SendConnector: smart host %s of %s does not offer STARTTLS (exsim does not play the refused session)", h, c.Name)
			}
			if login && !slices.ContainsFunc(caps, func(cp string) bool {
				f := strings.Fields(strings.ToUpper(cp))
				return len(f) > 1 && f[0] == "AUTH" && slices.Contains(f[1:], "LOGIN")
			}) {
				return fmt.Errorf("Set-SendConnector: smart host %s of %s does not offer AUTH LOGIN", h, c.Name)
			}
		}
	}
	*c = next
	return nil
}

// sendConnector finds a Send connector of the topology by name.
func (o *Org) sendConnector(name string) (*Connector, error) {
	var known []string
	for i := range o.top.Connectors {
		if c := &o.top.Connectors[i]; strings.EqualFold(c.Name, name) {
			return c, nil
		}
		known = append(known, o.top.Connectors[i].Name)
	}
	if len(known) == 0 {
		return nil, fmt.Errorf("Set-SendConnector: the send connector %q was not found (this organization has no send connector)", name)
	}
	return nil, fmt.Errorf("Set-SendConnector: the send connector %q was not found (this organization has %s)", name, strings.Join(known, ", "))
}
