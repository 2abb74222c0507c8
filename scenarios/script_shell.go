package scenarios

import (
	"strings"

	"github.com/exsim/exsim/powershell"
)

// The shell's own set-up commands maintenance scripts start with, and the
// directory-object cmdlets they read, answered from the scenario's topology.

// adminDisplayVersion is the AdminDisplayVersion a server of a profile shows
// (Get-ExchangeServer). SE's and 2019 CU15's come from exchange-2013-pipeline.md
// section 3 and 2013 CU23's from the E15 capture; the 2010 and 2016 builds are
// chosen (the last service pack or CU of each), not sourced.
var adminDisplayVersion = map[string]string{
	"Exchange2010":    "Version 14.0 (Build 639.21)",
	"Exchange2010SP1": "Version 14.1 (Build 218.15)",
	"Exchange2010SP2": "Version 14.2 (Build 247.5)",
	"Exchange2010SP3": "Version 14.3 (Build 123.4)",
	"Exchange2013":    "Version 15.0 (Build 1497.2)",
	"Exchange2016":    "Version 15.1 (Build 2507.6)",
	"Exchange2019":    "Version 15.2 (Build 1748.10)",
	"ExchangeSE":      "Version 15.2 (Build 2562.17)",
}

// shellCommand answers the commands that set up a session or read directory
// objects; ok is false for everything else (Exchange cmdlets go to the cmdlet layer).
func (h *scriptHost) shellCommand(c *powershell.Call) (out []powershell.Value, ok bool) {
	switch strings.ToLower(c.Name) {
	case "add-pssnapin", "import-module", "set-adserversettings":
		// The Exchange snap-in, the ActiveDirectory module and a forest-wide view are
		// what the simulated shell already has: nothing to do.
		return []powershell.Value{}, true
	case "get-addomain":
		d := h.domain()
		o := powershell.NewPSObject("Microsoft.ActiveDirectory.Management.ADDomain")
		o.Set("DNSRoot", d).Set("Name", strings.SplitN(d, ".", 2)[0]).Set("NetBIOSName", strings.ToUpper(strings.SplitN(d, ".", 2)[0])).
			Set("Forest", d).SetToString(d)
		return []powershell.Value{o}, true
	case "get-exchangeserver", "get-mailboxserver", "get-transportservice", "get-databaseavailabilitygroup":
	default:
		return nil, false
	}
	id := ""
	for _, a := range c.Args {
		if a.Param == "" || strings.EqualFold(a.Param, "Identity") {
			id = strings.ToLower(powershell.String(a.Value))
			if i := strings.IndexByte(id, '.'); i > 0 {
				id = id[:i] // an FQDN names the server too
			}
		}
	}
	d := h.domain()
	if strings.EqualFold(c.Name, "Get-DatabaseAvailabilityGroup") {
		for _, dg := range h.w.sc.Topology.DAGs {
			if id != "" && strings.ToLower(dg.Name) != id {
				continue
			}
			o := powershell.NewPSObject("Microsoft.Exchange.Data.Directory.SystemConfiguration.DatabaseAvailabilityGroup")
			servers := make([]powershell.Value, len(dg.Members))
			for i, m := range dg.Members {
				servers[i] = m
			}
			o.Set("Name", dg.Name).Set("Identity", dg.Name).Set("Servers", servers).Set("WitnessServer", dg.Witness).
				SetToString(dg.Name).SetDefaultDisplay("Name", "Servers", "WitnessServer")
			out = append(out, o)
		}
		return nonNil(out), true
	}
	dagOf := map[string]string{}
	for _, dg := range h.w.sc.Topology.DAGs {
		for _, m := range dg.Members {
			dagOf[m] = dg.Name
		}
	}
	for _, sv := range h.w.sc.Topology.Servers {
		if id != "" && strings.ToLower(sv.Name) != id {
			continue
		}
		if !strings.EqualFold(c.Name, "Get-ExchangeServer") && !sv.Transport() && !sv.HasRole("Mailbox") {
			continue
		}
		v := versionOf(sv.Version)
		o := powershell.NewPSObject("Microsoft.Exchange.Data.Directory.Management.ExchangeServer")
		o.Set("Name", sv.Name).Set("Identity", sv.Name).Set("Fqdn", sv.Name+"."+d).Set("Site", sv.Site).
			Set("ServerRole", strings.Join(sv.Roles, ", ")).Set("AdminDisplayVersion", adminDisplayVersion[v]).
			Set("DatabaseAvailabilityGroup", dagOf[sv.Name]).SetToString(sv.Name)
		switch strings.ToLower(c.Name) {
		case "get-exchangeserver":
			o.SetDefaultDisplay("Name", "Site", "ServerRole", "Edition", "AdminDisplayVersion")
		default:
			o.SetDefaultDisplay("Name", "DatabaseAvailabilityGroup")
		}
		out = append(out, o)
	}
	return nonNil(out), true
}

func nonNil(v []powershell.Value) []powershell.Value {
	if v == nil {
		return []powershell.Value{}
	}
	return v
}

// domain is the organization's domain: its first mailbox's, as the monitors use.
func (h *scriptHost) domain() string {
	for _, m := range h.w.sc.Topology.Mailboxes {
		if _, d, ok := strings.Cut(m.Address, "@"); ok {
			return strings.ToLower(d)
		}
	}
	return "contoso.com"
}
