package scenarios

import (
	"fmt"

	"github.com/exsim/exsim/scenarios/cmdlet"
	"github.com/exsim/exsim/transport"
)

// The AD site cmdlets (exchange-site-resilience.md 7.3; transport/adsites.go). The
// routing table reads what they set at the next message it routes.

func (c *call) getADSite() (string, error) {
	v := c.version("")
	objs, err := c.w.tr.ADSites(c.str("Identity"), transport.Version(v))
	if err != nil {
		return "", err
	}
	return c.objects(objs, v)
}

func (c *call) setADSite() (string, error) {
	var hub, inbound *bool
	if c.has("HubSiteEnabled") {
		b := c.flag("HubSiteEnabled")
		hub = &b
	}
	if c.has("InboundMailEnabled") {
		if transport.Version(c.version("")).Is2010() {
			// the loader refuses it only when the step names its server (on:)
			return "", fmt.Errorf("A parameter cannot be found that matches parameter name 'InboundMailEnabled'.")
		}
		b := c.flag("InboundMailEnabled")
		inbound = &b
	}
	return "", c.w.tr.SetADSite(c.str("Identity"), hub, inbound)
}

func (c *call) getADSiteLink() (string, error) {
	objs, err := c.w.tr.ADSiteLinks(c.str("Identity"))
	if err != nil {
		return "", err
	}
	return c.objects(objs, c.version(""))
}

// setADSiteLink passes -ExchangeCost and -MaxMessageSize on; a $null value (which
// binds as no string) is passed as "$null", which reverts the setting.
func (c *call) setADSiteLink() (string, error) {
	var ps []transport.Param
	for _, name := range []string{"ExchangeCost", "MaxMessageSize"} {
		if v, ok := c.args[name]; ok {
			val := c.str(name)
			if v.Kind == cmdlet.Null {
				val = "$null"
			}
			ps = append(ps, transport.Param{Name: name, Value: val})
		}
	}
	return "", c.w.tr.SetADSiteLink(c.str("Identity"), ps)
}
