package scenarios

import (
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

func (c *call) setADSiteLink() (string, error) {
	return "", c.w.tr.SetADSiteLink(c.str("Identity"), c.params("Identity"))
}
