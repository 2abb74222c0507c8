package format

import (
	"sort"
	"strings"

	"github.com/exsim/exsim/scenarios/cmdlet"
)

// OrgDomain is the domain of the organization's server FQDNs: the first, in sorted
// order, of its mailboxes' domains (contoso.com when it has none), the one the
// transport model names its servers in (SMTP banners, logs, the shell's
// ServerFqdn).
func (s *Scenario) OrgDomain() string {
	var ds []string
	for _, m := range s.Topology.Mailboxes {
		if at := strings.LastIndexByte(m.Address, '@'); at >= 0 {
			ds = append(ds, strings.ToLower(m.Address[at+1:]))
		}
	}
	if len(ds) == 0 {
		return "contoso.com"
	}
	sort.Strings(ds)
	return ds[0]
}

// ShortServerName turns a server's FQDN (EX1.contoso.com) into its name (EX1):
// the shell's ServerIdParameter takes a name, a distinguished name or an FQDN
// (Get-ServerComponentState -Identity's documentation). Anything else is returned
// as it is.
func (s *Scenario) ShortServerName(name string) string {
	host, domain, ok := strings.Cut(name, ".")
	if !ok || !strings.EqualFold(domain, s.OrgDomain()) {
		return name
	}
	for _, sv := range s.Topology.Servers {
		if strings.EqualFold(sv.Name, host) {
			return sv.Name
		}
	}
	return name
}

// checkShellParams refuses a parameter the shell of the step's server does not have
// yet (ParamSpec.MinVersion), with the shell's own words, and checks the values the
// cmdlets read that are not references (Get-MessageTrackingLog -ResultSize).
func (l *loader) checkShellParams(spec cmdlet.Spec, bound map[string]cmdlet.Value, target string, p Pos, text string) error {
	sv := l.servers[strings.ToLower(target)]
	for _, ps := range spec.Params {
		v, ok := bound[ps.Name]
		if !ok {
			continue
		}
		if ps.MinVersion != "" && sv != nil && versionIndex(sv.Version) < versionIndex(ps.MinVersion) {
			return l.errf(at(p, text, v.Pos), "%s: a parameter cannot be found that matches parameter name '%s' (it came with %s; %s runs %s)", spec.Name, ps.Name, ps.MinVersion, sv.Name, sv.Version)
		}
		if ps.Type == cmdlet.Filter && spec.Name != "Where-Object" {
			if _, err := cmdlet.ParseFilter(v.Str); err != nil {
				return l.errf(at(p, text, v.Pos), "%s %v", spec.Name, err)
			}
		}
		if ps.Name == "ResultSize" {
			if _, err := cmdlet.ParseResultSize(v.Str); err != nil {
				return l.errf(at(p, text, v.Pos), "%s %v", spec.Name, err)
			}
		}
	}
	return nil
}
