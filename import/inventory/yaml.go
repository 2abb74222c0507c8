package inventory

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

func parseTime(layout, s string) (string, error) {
	t, err := time.Parse(layout, s)
	if err != nil {
		return "", err
	}
	return t.UTC().Truncate(time.Second).Format(time.RFC3339), nil
}

var plainRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]*$`)

// q writes a YAML scalar: plain when it cannot be read as anything but a string,
// double-quoted otherwise.
func q(s string) string {
	if plainRE.MatchString(s) {
		switch strings.ToLower(s) {
		case "true", "false", "yes", "no", "on", "off", "null", "y", "n":
		default:
			if _, err := strconv.ParseFloat(s, 64); err != nil {
				return s
			}
		}
	}
	return strconv.Quote(s)
}

func qlist(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = q(s)
	}
	return "[" + strings.Join(out, ", ") + "]"
}

// comment makes text safe for a YAML comment: one line, and no character YAML
// forbids (control characters and invalid UTF-8 are written escaped, as Go quotes
// them: the loader refuses a file that holds them raw).
func comment(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			fmt.Fprintf(&b, "\\x%02x", s[i])
		case unicode.IsControl(r):
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

var nameCleanRE = regexp.MustCompile(`[^a-z0-9]+`)

func (im *importer) name() string {
	if im.o.Name != "" {
		return im.o.Name
	}
	n := strings.Trim(nameCleanRE.ReplaceAllString(strings.ToLower(im.domain), "-"), "-")
	if n == "" {
		return "imported"
	}
	return "imported-" + n
}

// yaml writes the scenario. Every list is in a fixed order (the files' object
// order, sites sorted), so the same inventory gives the same bytes.
func (im *importer) yaml() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("# Imported by exsim import from the Export-Clixml inventory in %s.", comment(im.dir))
	if im.manifestNote != "" {
		p("# Manifest: %s", comment(im.manifestNote))
	}
	if len(im.warnings) > 0 {
		p("# Not imported, or imported only in part (%d warnings):", len(im.warnings))
		for _, w := range im.warnings {
			p("#   - %s", comment(w.String()))
		}
	}
	p("name: %s", im.name())
	p("description: >")
	p("  Imported from an Export-Clixml inventory of %d Exchange server(s) in %d AD site(s)", len(im.servers), len(im.sites))
	p("  with %d DAG(s) and %d database(s).", len(im.dags), len(im.databases))
	p("version: %s", im.mainVersion)
	start := im.o.Start
	if start == "" {
		start = im.start
	}
	if start != "" {
		p("start: %s", start)
	}
	dur := im.o.Duration
	if dur == "" {
		dur = "1h"
	}
	p("duration: %s", dur)
	p("seed: 1")
	p("")
	p("topology:")
	im.sitesYAML(p) // adsites.go
	p("  servers:")
	for _, s := range im.servers {
		ver := ""
		if s.Version != im.mainVersion {
			ver = ", version: " + s.Version
		}
		p("    - {name: %s, site: %s, roles: %s%s}   # %s", q(s.Name), q(s.Site), qlist(s.Roles), ver, comment(s.From.String()))
	}
	if len(im.dags) > 0 {
		p("  dags:")
		for _, d := range im.dags {
			w := ""
			if d.Witness != "" {
				w = ", witness: " + q(d.Witness)
			}
			line := fmt.Sprintf("    - {name: %s, members: %s%s}", q(d.Name), qlist(d.Members), w)
			if d.Comment != "" {
				line += "   # " + comment(d.Comment)
			}
			p("%s", line)
		}
	}
	if len(im.databases) > 0 {
		p("  databases:")
		for _, d := range im.databases {
			line := fmt.Sprintf("    - {name: %s, copies: %s}", q(d.Name), qlist(d.Copies))
			if d.Comment != "" {
				line += "   # " + comment(d.Comment)
			}
			p("%s", line)
		}
		p("  mailboxes:   # %d per database in the default accepted domain unless counted (exsim import --mailboxes N or DB=N,...)", im.o.MailboxesPerDatabase)
		for i, d := range im.databases {
			first := im.firstMailbox(i)
			for n := range im.mailboxesIn(i) {
				p("    - {address: %s, database: %s}", q(im.mailbox(first+n)), q(d.Name))
			}
		}
	}
	if len(im.connectors) > 0 {
		p("  sendConnectors:")
		for _, c := range im.connectors {
			sh := ""
			if c.SmartHost != "" {
				sh = ", smartHost: " + q(c.SmartHost)
			}
			line := fmt.Sprintf("    - {name: %s, addressSpaces: %s, sourceServers: %s%s}", q(c.Name), qlist(c.AddressSpaces), qlist(c.SourceServers), sh)
			if c.Comment != "" {
				line += "   # " + comment(c.Comment)
			}
			p("%s", line)
		}
	}
	if len(im.inbound) > 0 {
		p("  internet:")
		note := im.inboundNote
		if note == "" {
			note = "servers with a receive connector open to AnonymousUsers on port 25"
		}
		p("    inbound: %s   # %s", qlist(im.inbound), note)
	}
	for _, c := range im.comments {
		p("  # %s", comment(c))
	}
	if len(im.config) > 0 {
		p("")
		p("config:   # the inventory's settings and states, applied before t=0")
		for _, c := range im.config {
			p("  - %s   # %s", strconv.Quote(c.Text), comment(c.Comment))
		}
	}
	p("")
	if im.o.Traffic != "" {
		b.WriteString(strings.TrimRight(im.o.Traffic, "\n") + "\n")
	} else {
		if len(im.databases) == 0 {
			p("# traffic: needs mailboxes, so databases (GetMailboxDatabase.xml); then exsim import --tracking-logs DIR gives real load")
		} else {
			p("# traffic: real load comes from exsim import --tracking-logs DIR; or write some, e.g.")
		}
		if len(im.databases) > 0 && len(im.inbound) > 0 {
			ext := "example.net" // RFC 2606: never an organization's domain
			if im.domain == ext {
				ext = "example.org"
			}
			p("#   - {from: \"*@%s\", to: \"*@%s\", perHour: 120, start: 0s, until: 50m}", ext, im.domain)
		}
		if len(im.databases) > 0 {
			p("#   - {from: \"*@%s\", to: \"*@%s\", perHour: 60, start: 0s, until: 50m}", im.domain, im.domain)
		}
	}
	p("")
	p("# steps: a starter, maintenance of one server (uncomment and edit):")
	target := im.servers[0].Name
	for _, s := range im.servers {
		if s.runsTransport() {
			target = s.Name
			break
		}
	}
	if is2010(im.servers[0].Version) && is2010(im.mainVersion) {
		p("#   - {at: 10m, on: %s, run: \"Stop-Service MSExchangeTransport\"}", target)
		p("#   - {at: 30m, on: %s, run: \"Start-Service MSExchangeTransport\"}", target)
	} else {
		p("#   - {at: 10m, run: \"Set-ServerComponentState %s -Component HubTransport -State Draining -Requester Maintenance\"}", target)
		p("#   - {at: 10m, on: %s, run: \"Restart-Service MSExchangeTransport\"}", target)
		if im.dagOf[target] != "" {
			p("#   - {at: 12m, run: \".\\\\StartDagServerMaintenance.ps1 -ServerName %s\"}", target)
		}
		p("#   - {at: 15m, run: \"Set-ServerComponentState %s -Component ServerWideOffline -State Inactive -Requester Maintenance\"}", target)
		p("#   - {at: 16m, run: \"Get-ServerComponentState %s\"}", target)
		p("#   - {at: 40m, run: \"Set-ServerComponentState %s -Component ServerWideOffline -State Active -Requester Maintenance\"}", target)
		if im.dagOf[target] != "" {
			p("#   - {at: 41m, run: \".\\\\StopDagServerMaintenance.ps1 -ServerName %s\"}", target)
		}
		p("#   - {at: 42m, run: \"Set-ServerComponentState %s -Component HubTransport -State Active -Requester Maintenance\"}", target)
		p("#   - {at: 42m, on: %s, run: \"Restart-Service MSExchangeTransport\"}", target)
	}
	return b.String()
}
