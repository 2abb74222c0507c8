package inventory

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/exsim/exsim/import/clixml"
)

// Versions are the behaviour profiles the scenario format accepts today
// (scenarios.Versions); callers pass the loader's own list in Options so that
// profiles added later (Exchange2010SP2, Exchange2010SP3, ExchangeSE) are used
// as soon as the loader knows them.
var defaultVersions = []string{"Exchange2010", "Exchange2010SP1", "Exchange2013", "Exchange2016", "Exchange2019"}

// Options tune an import.
type Options struct {
	Versions             []string // profiles the loader accepts; default today's five
	MailboxesPerDatabase int      // mailboxes made per database; default 3
	// Mailboxes overrides MailboxesPerDatabase for the databases it names
	// (case-insensitive), e.g. a count from Get-Mailbox per database.
	Mailboxes map[string]int
	Name      string // the scenario's name; default "imported-" + the default domain
	Duration  string // the scenario's duration; default "1h"
	Start     string // RFC 3339; default the manifest's time, else none
	Traffic   string // a traffic: section (from tracking logs) to use instead of the template
	// EntryServers are the servers the tracking logs saw internet mail enter
	// by: the internet inbound servers when no receive connector says which.
	EntryServers []string
}

// DefaultMailboxesPerDatabase is "a few per database" (issue 18).
const DefaultMailboxesPerDatabase = 3

// Result is an imported scenario.
type Result struct {
	YAML     []byte
	Warnings []Warning
	Domain   string // the default accepted domain the mailboxes are in
	// AcceptedDomains are GetAcceptedDomain.xml's authoritative plain (not
	// wildcard) domains: the organization's own, for telling internal mail from
	// external.
	AcceptedDomains []string
	// Senders maps each database's name and GUID (lower-case) to its first
	// imported mailbox, so traffic from tracking logs can submit a database's
	// share of the load from a mailbox in it.
	Senders map[string]string
}

// Warning is something of the inventory the scenario does not carry, and why.
type Warning struct {
	File     string // the inventory file, e.g. GetDatabaseAvailabilityGroup.xml
	Object   string // the object's name ("" for the file as a whole)
	Property string // the property ("" when the object as a whole)
	Msg      string
}

func (w Warning) String() string {
	var b strings.Builder
	b.WriteString(w.File)
	if w.Object != "" {
		b.WriteString(": " + w.Object)
		if w.Property != "" {
			b.WriteString(" " + w.Property)
		}
	} else if w.Property != "" {
		b.WriteString(": " + w.Property)
	}
	b.WriteString(": " + w.Msg)
	return b.String()
}

// Files are the inventory's files, by the cmdlet that wrote them
// (collect/Export-ExsimInventory.ps1 names them so; the CSS-Exchange captures use
// the same names). Matching is case-insensitive.
var Files = []string{
	"ExsimManifest.xml",
	"GetExchangeServer.xml",
	"GetMailboxServer.xml",
	"GetDatabaseAvailabilityGroup.xml",
	"GetMailboxDatabase.xml",
	"GetMailboxDatabaseCopyStatus.xml",
	"GetSendConnector.xml",
	"GetReceiveConnector.xml",
	"GetTransportConfig.xml",
	"GetTransportService.xml",
	"GetTransportServer.xml",
	"GetFrontendTransportService.xml",
	"GetServerComponentState.xml",
	"GetAcceptedDomain.xml",
	"GetADSite.xml",
	"GetAdSiteLink.xml",
}

// MaxFiles bounds the entries of an inventory folder that are looked at.
const MaxFiles = 1000

// Import reads the inventory folder dir and maps it onto a scenario.
func Import(dir string, o Options) (*Result, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	if len(entries) > MaxFiles {
		return nil, fmt.Errorf("%s: more than %d entries; an inventory folder holds one file per cmdlet", dir, MaxFiles)
	}
	im := &importer{o: o, docs: map[string]*clixml.Document{}, dir: filepath.Base(filepath.Clean(dir))}
	if len(im.o.Versions) == 0 {
		im.o.Versions = defaultVersions
	}
	if im.o.MailboxesPerDatabase <= 0 {
		im.o.MailboxesPerDatabase = DefaultMailboxesPerDatabase
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	for _, n := range names {
		i := slices.IndexFunc(Files, func(f string) bool { return strings.EqualFold(f, n) })
		if i < 0 {
			if !strings.HasPrefix(n, ".") {
				im.warn(Warning{File: n, Msg: "not an inventory file exsim reads (want one of " + strings.Join(Files, ", ") + "); not read"})
			}
			continue
		}
		doc, err := clixml.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return nil, err
		}
		im.docs[Files[i]] = doc
	}
	if im.docs["GetExchangeServer.xml"] == nil {
		return nil, fmt.Errorf("%s: no GetExchangeServer.xml: the servers come from Get-ExchangeServer | Export-Clixml", dir)
	}
	if err := im.run(); err != nil {
		return nil, err
	}
	return &Result{YAML: []byte(im.yaml()), Warnings: im.warnings, Domain: im.domain, AcceptedDomains: im.accepted, Senders: im.senders()}, nil
}

type server struct {
	Name, Fqdn, Site, Version string
	Roles                     []string
	From                      serverVersion
}

type dag struct {
	Name, Witness string
	Members       []string
	Comment       string
}

type database struct {
	Name    string
	GUID    string
	Copies  []string
	Comment string
}

type connector struct {
	Name          string
	AddressSpaces []string
	SourceServers []string
	SmartHost     string
	Comment       string
}

type configLine struct{ Text, Comment string }

type importer struct {
	o        Options
	dir      string
	docs     map[string]*clixml.Document
	warnings []Warning

	servers      []*server
	byName       map[string]*server // lower-case name and FQDN → server
	sites        []string
	siteSet      map[string]siteSettings // lower-case name → Set-AdSite settings (adsites.go)
	links        []siteLink
	dags         []dag
	dagOf        map[string]string
	databases    []database
	connectors   []connector
	inbound      []string
	inboundNote  string
	config       []configLine
	domain       string
	accepted     []string
	comments     []string // topology-level notes: accepted domains, site links
	start        string
	mainVersion  string
	manifestNote string
}

func (im *importer) warn(w Warning) { im.warnings = append(im.warnings, w) }

func (im *importer) run() error {
	im.manifest()
	im.readServers()
	if len(im.servers) == 0 {
		return fmt.Errorf("%s: GetExchangeServer.xml holds no server exsim can model (see the warnings)", im.dir)
	}
	im.readSites()
	im.readAcceptedDomains()
	im.readMailboxServers()
	im.readDAGs()
	im.readDatabases()
	im.checkMailboxCounts()
	im.readCopyStatus()
	im.readSendConnectors()
	im.readReceiveConnectors()
	im.readTransportConfig()
	im.readTransportServices()
	im.readFrontend()
	im.readComponentStates()
	return nil
}

// each calls f for every top-level object of the file, if the file was given.
func (im *importer) each(file string, f func(v clixml.Value)) bool {
	doc := im.docs[file]
	if doc == nil {
		return false
	}
	for _, v := range doc.Values {
		if v.Obj == nil {
			im.warn(Warning{File: file, Msg: fmt.Sprintf("line %d: a %s value where an object belongs; not read", v.Line, v.Tag)})
			continue
		}
		f(v)
	}
	return true
}

func (im *importer) manifest() {
	im.each("ExsimManifest.xml", func(v clixml.Value) {
		if t := v.Get("Time"); t.Tag == "DT" {
			im.start = normalizeTime(t.Text)
		}
		var parts []string
		for _, k := range []string{"Organization", "User", "Computer", "ExchangeVersion", "Time"} {
			if s := v.Get(k).String(); s != "" {
				parts = append(parts, k+" "+s)
			}
		}
		im.manifestNote = strings.Join(parts, "; ")
	})
}

// normalizeTime turns an xsd:dateTime into RFC 3339 in UTC, to the second.
func normalizeTime(s string) string {
	for _, layout := range []string{"2006-01-02T15:04:05.9999999Z07:00", "2006-01-02T15:04:05Z07:00"} {
		if t, err := parseTime(layout, s); err == nil {
			return t
		}
	}
	return ""
}

var pairRE = regexp.MustCompile(`\[([^,\]]+),\s*(\d+)\]`)

var computerRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$`)

func validComputerName(s string) bool { return computerRE.MatchString(s) && len(s) <= 15 }

// Profiles from AdminDisplayVersion's major.minor (and, for 15.2, the build:
// reference exchange-2013-pipeline.md 3, "CSS treats 15.2 with build >= 2562 as
// SE"). 14.0-14.3 are Exchange 2010 RTM and SP1-SP3 (Exchange build number
// lists, e.g. righel/ms-exchange-version-nse's table of builds).
func wantProfile(v serverVersion) (profile, product string) {
	switch {
	case v.Major == 14 && v.Minor == 0:
		return "Exchange2010", "Exchange 2010"
	case v.Major == 14 && v.Minor == 1:
		return "Exchange2010SP1", "Exchange 2010 SP1"
	case v.Major == 14 && v.Minor == 2:
		return "Exchange2010SP2", "Exchange 2010 SP2"
	case v.Major == 14 && v.Minor == 3:
		return "Exchange2010SP3", "Exchange 2010 SP3"
	case v.Major == 15 && v.Minor == 0:
		return "Exchange2013", "Exchange 2013"
	case v.Major == 15 && v.Minor == 1:
		return "Exchange2016", "Exchange 2016"
	case v.Major == 15 && v.Minor == 2 && v.Build >= 2562:
		return "ExchangeSE", "Exchange Server Subscription Edition"
	case v.Major == 15 && v.Minor == 2:
		return "Exchange2019", "Exchange 2019"
	}
	return "", ""
}

// nearest is the accepted profile to use for one the loader may not know yet.
var nearest = map[string][]string{
	"Exchange2010SP2": {"Exchange2010SP1"},
	"Exchange2010SP3": {"Exchange2010SP2", "Exchange2010SP1"},
	"ExchangeSE":      {"Exchange2019"},
}

func (im *importer) profile(file, name string, v serverVersion) string {
	want, product := wantProfile(v)
	if want == "" {
		im.warn(Warning{File: file, Object: name, Property: "AdminDisplayVersion", Msg: fmt.Sprintf("%s is not a version exsim models (Exchange 2010 to Subscription Edition); server not imported", v)})
		return ""
	}
	if slices.Contains(im.o.Versions, want) {
		return want
	}
	for _, alt := range nearest[want] {
		if slices.Contains(im.o.Versions, alt) {
			im.warn(Warning{File: file, Object: name, Property: "AdminDisplayVersion", Msg: fmt.Sprintf("%s is %s; imported as %s, the nearest profile exsim has", v, product, alt)})
			return alt
		}
	}
	im.warn(Warning{File: file, Object: name, Property: "AdminDisplayVersion", Msg: fmt.Sprintf("%s is %s, which no profile models; server not imported", v, product)})
	return ""
}

// psArg writes a cmdlet argument: bare when PowerShell reads it as one word,
// else in single quotes (a quote inside doubled).
func psArg(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t'\"`$,;(){}|&<>@#") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func is2010(version string) bool { return strings.HasPrefix(version, "Exchange2010") }

// runsTransport mirrors the loader's rule: Hub Transport in 2010, Mailbox from 2013.
func (s *server) runsTransport() bool {
	if is2010(s.Version) {
		return slices.Contains(s.Roles, "HubTransport")
	}
	return slices.Contains(s.Roles, "Mailbox")
}

func (s *server) has(role string) bool { return slices.Contains(s.Roles, role) }

func (im *importer) readServers() {
	const file = "GetExchangeServer.xml"
	im.byName = map[string]*server{}
	im.each(file, func(v clixml.Value) {
		name := v.Get("Name").String()
		if name == "" {
			name = v.String()
		}
		if !validComputerName(name) {
			im.warn(Warning{File: file, Object: name, Property: "Name", Msg: "not a computer name (up to 15 letters, digits and hyphens); server not imported"})
			return
		}
		if im.byName[strings.ToLower(name)] != nil {
			im.warn(Warning{File: file, Object: name, Msg: "listed twice; the second is not read"})
			return
		}
		if edge, _ := boolOf(v.Get("IsEdgeServer")); edge {
			im.warn(Warning{File: file, Object: name, Property: "IsEdgeServer", Msg: "an Edge Transport server: the format has no Edge role; server not imported"})
			return
		}
		ver, ok := parseVersion(v.Get("AdminDisplayVersion"))
		if !ok {
			im.warn(Warning{File: file, Object: name, Property: "AdminDisplayVersion", Msg: fmt.Sprintf("%q is not \"Version M.m (Build B.R)\"; server not imported", v.Get("AdminDisplayVersion").String())})
			return
		}
		s := &server{Name: name, Fqdn: v.Get("Fqdn").String(), From: ver}
		if s.Version = im.profile(file, name, ver); s.Version == "" {
			return
		}
		s.Roles = im.roles(file, name, v, s.Version)
		if len(s.Roles) == 0 {
			im.warn(Warning{File: file, Object: name, Property: "ServerRole", Msg: fmt.Sprintf("%q has no role exsim models in %s; server not imported", v.Get("ServerRole").String(), s.Version)})
			return
		}
		s.Site = lastPathPart(v.Get("Site"))
		if s.Site == "" {
			s.Site = "Default-First-Site-Name"
			im.warn(Warning{File: file, Object: name, Property: "Site", Msg: "no AD site; placed in Default-First-Site-Name"})
		}
		if clean := siteName(s.Site); clean != s.Site {
			im.warn(Warning{File: file, Object: name, Property: "Site", Msg: fmt.Sprintf("site %q written %q: the format's site names have no spaces, commas or backslashes", s.Site, clean)})
			s.Site = clean
		}
		im.servers = append(im.servers, s)
		im.byName[strings.ToLower(name)] = s
		if s.Fqdn != "" {
			im.byName[strings.ToLower(s.Fqdn)] = s
		}
	})
	// The scenario's version is the most common profile (the first such in file
	// order on a tie); servers of another set their own.
	count := map[string]int{}
	for _, s := range im.servers {
		count[s.Version]++
		if count[s.Version] > count[im.mainVersion] {
			im.mainVersion = s.Version
		}
	}
}

func siteName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == ',' || r == '\\' || unicode.IsControl(r) {
			return '-' // (control characters: the loader refuses them; found by the soak)
		}
		return r
	}, s)
}

// roles reads the Is*Server flags (ServerRole's flag names when they are absent)
// and keeps the roles the version's profile has.
func (im *importer) roles(file, name string, v clixml.Value, version string) []string {
	flag := func(prop, role string) bool {
		if b, ok := boolOf(v.Get(prop)); ok {
			return b
		}
		for _, r := range strings.Split(v.Get("ServerRole").String(), ",") {
			if strings.EqualFold(strings.TrimSpace(r), role) {
				return true
			}
		}
		return false
	}
	mbx := flag("IsMailboxServer", "Mailbox")
	hub := flag("IsHubTransportServer", "HubTransport")
	cas := flag("IsClientAccessServer", "ClientAccess")
	um := flag("IsUnifiedMessagingServer", "UnifiedMessaging")
	var out []string
	switch {
	case is2010(version):
		if mbx {
			out = append(out, "Mailbox")
		}
		if hub {
			out = append(out, "HubTransport")
		}
		if cas {
			out = append(out, "ClientAccess")
		}
		if um {
			im.warn(Warning{File: file, Object: name, Property: "IsUnifiedMessagingServer", Msg: "the Unified Messaging role is not modelled"})
		}
	case version == "Exchange2013":
		// 2013's Mailbox role holds Transport and UM; ClientAccess holds Front End Transport.
		if mbx {
			out = append(out, "Mailbox")
		}
		if cas {
			out = append(out, "ClientAccess")
		}
	default:
		// 2016 and later have the Mailbox role only (Client Access services in it).
		if mbx {
			out = append(out, "Mailbox")
		}
	}
	return out
}

func (im *importer) server(ref string) *server { return im.byName[strings.ToLower(ref)] }

func (im *importer) readSites() {
	seen := map[string]bool{}
	for _, s := range im.servers {
		if !seen[strings.ToLower(s.Site)] {
			seen[strings.ToLower(s.Site)] = true
			im.sites = append(im.sites, s.Site)
		}
	}
	im.each("GetADSite.xml", func(v clixml.Value) {
		name := siteName(v.Get("Name").String())
		if name == "" {
			return
		}
		if !seen[strings.ToLower(name)] {
			seen[strings.ToLower(name)] = true
			im.sites = append(im.sites, name)
		}
		im.readSite(name, v) // adsites.go
	})
	sort.Strings(im.sites)
	im.each("GetAdSiteLink.xml", im.readSiteLink)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func (im *importer) readAcceptedDomains() {
	const file = "GetAcceptedDomain.xml"
	var others []string
	found := im.each(file, func(v clixml.Value) {
		name := v.Get("DomainName").String()
		kind := v.Get("DomainType").String()
		def, _ := boolOf(v.Get("Default"))
		if name != "" && !strings.Contains(name, "*") && (def || strings.EqualFold(kind, "Authoritative")) {
			im.accepted = append(im.accepted, strings.ToLower(name)) // relay domains' recipients are elsewhere
		}
		switch {
		case def && !strings.Contains(name, "*") && strings.Contains(name, "."):
			im.domain = strings.ToLower(name)
		case def:
			im.warn(Warning{File: file, Object: name, Property: "DomainName", Msg: "the default accepted domain is not a plain domain; mailboxes need one"})
		default:
			others = append(others, fmt.Sprintf("%s (%s)", name, kind))
		}
	})
	if len(others) > 0 {
		im.comments = append(im.comments, "other accepted domains: "+strings.Join(others, ", "))
		im.warn(Warning{File: file, Property: "DomainName", Msg: "the format knows the organization's domains from its mailboxes only; these have none and count as external: " + strings.Join(others, ", ")})
	}
	if im.domain != "" {
		return
	}
	// Fall back on the servers' AD domain, which is often the SMTP domain too.
	for _, v := range im.docs["GetExchangeServer.xml"].Values {
		if d := strings.ToLower(v.Get("Domain").String()); strings.Contains(d, ".") {
			im.domain = d
			break
		}
	}
	if im.domain == "" {
		im.domain = "contoso.com"
	}
	if found {
		im.warn(Warning{File: file, Property: "Default", Msg: fmt.Sprintf("no default accepted domain: mailbox addresses use %s, the servers' AD domain", im.domain)})
	} else {
		im.warn(Warning{File: file, Msg: fmt.Sprintf("missing: mailbox addresses use %s, the servers' AD domain", im.domain)})
	}
}

// activationPolicies are the values of DatabaseCopyAutoActivationPolicy
// (Set-MailboxServer): an imported file is untrusted, so any other value is refused
// here rather than written into a scenario that would not load.
var activationPolicies = []string{"Unrestricted", "IntrasiteOnly", "Blocked"}

func (im *importer) readMailboxServers() {
	const file = "GetMailboxServer.xml"
	im.each(file, func(v clixml.Value) {
		name := v.Get("Name").String()
		s := im.server(name)
		if s == nil {
			im.warn(Warning{File: file, Object: name, Msg: "not an imported server; not read"})
			return
		}
		if p := v.Get("DatabaseCopyAutoActivationPolicy").String(); p != "" && !strings.EqualFold(p, "Unrestricted") {
			if i := slices.IndexFunc(activationPolicies, func(q string) bool { return strings.EqualFold(p, q) }); i < 0 {
				im.warn(Warning{File: file, Object: name, Property: "DatabaseCopyAutoActivationPolicy",
					Msg: fmt.Sprintf("%q is not a policy (want one of %s); not read", p, strings.Join(activationPolicies, ", "))})
			} else {
				im.config = append(im.config, configLine{
					fmt.Sprintf("Set-MailboxServer %s -DatabaseCopyAutoActivationPolicy %s", s.Name, activationPolicies[i]),
					"Get-MailboxServer DatabaseCopyAutoActivationPolicy (default Unrestricted)"})
			}
		}
		if b, _ := boolOf(v.Get("DatabaseCopyActivationDisabledAndMoveNow")); b {
			im.config = append(im.config, configLine{
				fmt.Sprintf("Set-MailboxServer %s -DatabaseCopyActivationDisabledAndMoveNow $true", s.Name),
				"Get-MailboxServer DatabaseCopyActivationDisabledAndMoveNow"})
		}
		if m := v.Get("MaximumActiveDatabases"); !m.IsNil() && m.String() != "" {
			im.warn(Warning{File: file, Object: name, Property: "MaximumActiveDatabases", Msg: fmt.Sprintf("%s: a cap on active databases is not modelled", m.String())})
		}
	})
}

func (im *importer) readDAGs() {
	const file = "GetDatabaseAvailabilityGroup.xml"
	im.dagOf = map[string]string{}
	im.each(file, func(v clixml.Value) {
		name := v.Get("Name").String()
		if !validComputerName(name) {
			im.warn(Warning{File: file, Object: name, Property: "Name", Msg: "not a computer name; DAG not imported"})
			return
		}
		d := dag{Name: name}
		for _, m := range list(v.Get("Servers")) {
			s := im.server(hostPart(m))
			switch {
			case s == nil:
				im.warn(Warning{File: file, Object: name, Property: "Servers", Msg: fmt.Sprintf("member %s is not an imported server; left out", m)})
			case !s.has("Mailbox"):
				im.warn(Warning{File: file, Object: name, Property: "Servers", Msg: fmt.Sprintf("member %s is not a Mailbox server here; left out", m)})
			case im.dagOf[s.Name] != "":
				im.warn(Warning{File: file, Object: name, Property: "Servers", Msg: fmt.Sprintf("member %s is already in DAG %s; left out", s.Name, im.dagOf[s.Name])})
			default:
				d.Members = append(d.Members, s.Name)
			}
		}
		if len(d.Members) == 0 {
			im.warn(Warning{File: file, Object: name, Property: "Servers", Msg: "no imported member; DAG not imported"})
			return
		}
		if len(d.Members) > 16 {
			im.warn(Warning{File: file, Object: name, Property: "Servers", Msg: fmt.Sprintf("%d members: a DAG holds at most 16; the rest left out", len(d.Members))})
			d.Members = d.Members[:16]
		}
		for _, m := range d.Members {
			im.dagOf[m] = name
		}
		w := hostPart(v.Get("WitnessServer").String())
		switch {
		case w != "" && validComputerName(w) && !slices.ContainsFunc(d.Members, func(m string) bool { return strings.EqualFold(m, w) }):
			d.Witness = w
		case len(d.Members)%2 == 0:
			d.Witness = "FSW"
			im.warn(Warning{File: file, Object: name, Property: "WitnessServer", Msg: fmt.Sprintf("%q is not a usable witness for an even DAG; named FSW", v.Get("WitnessServer").String())})
		}
		var notes []string
		if dir := v.Get("WitnessDirectory").String(); dir != "" {
			notes = append(notes, "WitnessDirectory "+dir)
		}
		if aw := v.Get("AlternateWitnessServer").String(); aw != "" {
			notes = append(notes, "AlternateWitnessServer "+aw)
			im.warn(Warning{File: file, Object: name, Property: "AlternateWitnessServer", Msg: aw + ": the alternate witness is not in today's format (alternateWitness is planned)"})
		}
		if dac := v.Get("DatacenterActivationMode").String(); dac != "" {
			notes = append(notes, "DatacenterActivationMode "+dac)
			if !strings.EqualFold(dac, "Off") {
				im.warn(Warning{File: file, Object: name, Property: "DatacenterActivationMode", Msg: dac + ": DAC mode is not in today's scenario format; the DAG runs as without it"})
			}
		}
		if pam := v.Get("PrimaryActiveManager").String(); pam != "" {
			notes = append(notes, "PrimaryActiveManager "+hostPart(pam))
		}
		if tpr, _ := boolOf(v.Get("ThirdPartyReplication")); tpr || strings.EqualFold(v.Get("ThirdPartyReplication").String(), "Enabled") {
			im.warn(Warning{File: file, Object: name, Property: "ThirdPartyReplication", Msg: "third-party replication is not modelled"})
		}
		for _, p := range []string{"StoppedMailboxServers", "ServersInMaintenance"} {
			if ss := list(v.Get(p)); len(ss) > 0 {
				notes = append(notes, p+" "+strings.Join(ss, ", "))
				im.warn(Warning{File: file, Object: name, Property: p, Msg: strings.Join(ss, ", ") + ": not imported as a state (the component states and copy status are)"})
			}
		}
		d.Comment = strings.Join(notes, "; ")
		im.dags = append(im.dags, d)
	})
}

func (im *importer) readDatabases() {
	const file = "GetMailboxDatabase.xml"
	found := im.each(file, func(v clixml.Value) {
		name := v.Get("Name").String()
		if name == "" || strings.ContainsAny(name, `\,`) {
			im.warn(Warning{File: file, Object: name, Property: "Name", Msg: "a database name without backslash or comma is needed; not imported"})
			return
		}
		if b, _ := boolOf(v.Get("Recovery")); b {
			im.warn(Warning{File: file, Object: name, Property: "Recovery", Msg: "a recovery database holds no mail flow; not imported"})
			return
		}
		type pref struct {
			server string
			ap     int64
		}
		var prefs []pref
		for _, it := range v.Get("ActivationPreference").Items() {
			k, val, ok := kvPair(it)
			n, nok := intOf(val)
			if !ok || !nok {
				im.warn(Warning{File: file, Object: name, Property: "ActivationPreference", Msg: fmt.Sprintf("%q is not [SERVER, N]; entry not read", it.String())})
				continue
			}
			prefs = append(prefs, pref{k, n})
		}
		if ap := v.Get("ActivationPreference"); ap.Obj == nil && !ap.IsNil() {
			// Degraded to its display string: "{[EX1, 1], [EX2, 2]}".
			for _, m := range pairRE.FindAllStringSubmatch(ap.String(), -1) {
				n, _ := intOf(clixml.Value{Tag: "S", Text: m[2]})
				prefs = append(prefs, pref{hostPart(m[1]), n})
			}
		}
		sort.SliceStable(prefs, func(i, j int) bool { return prefs[i].ap < prefs[j].ap })
		var copies []string
		for _, p := range prefs {
			copies = append(copies, p.server)
		}
		for _, s := range list(v.Get("Servers")) {
			if !slices.ContainsFunc(copies, func(c string) bool { return strings.EqualFold(c, hostPart(s)) }) {
				if len(prefs) > 0 {
					im.warn(Warning{File: file, Object: name, Property: "ActivationPreference", Msg: fmt.Sprintf("copy on %s has no activation preference; put last", hostPart(s))})
				}
				copies = append(copies, hostPart(s))
			}
		}
		if len(copies) == 0 {
			if srv := shortName(v.Get("Server")); srv != "" {
				copies = append(copies, srv)
			}
		}
		d := database{Name: name, GUID: strings.ToLower(v.Get("Guid").Text)}
		dagName := ""
		for _, c := range copies {
			s := im.server(c)
			switch {
			case s == nil:
				im.warn(Warning{File: file, Object: name, Property: "ActivationPreference", Msg: fmt.Sprintf("copy on %s, not an imported server; left out", c)})
				continue
			case !s.has("Mailbox"):
				im.warn(Warning{File: file, Object: name, Msg: fmt.Sprintf("copy on %s, not a Mailbox server here; left out", c)})
				continue
			case len(copies) > 1 && len(d.Copies) == 0:
				dagName = im.dagOf[s.Name]
			case len(d.Copies) > 0 && im.dagOf[s.Name] != dagName:
				im.warn(Warning{File: file, Object: name, Msg: fmt.Sprintf("copy on %s is not in DAG %s with the first copy; left out", s.Name, orNone(dagName))})
				continue
			}
			if len(copies) > 1 && dagName == "" {
				im.warn(Warning{File: file, Object: name, Msg: fmt.Sprintf("copy on %s, a server in no imported DAG: only DAG members replicate; only this copy kept", s.Name)})
				d.Copies = append(d.Copies, s.Name)
				break
			}
			d.Copies = append(d.Copies, s.Name)
		}
		if len(d.Copies) == 0 {
			im.warn(Warning{File: file, Object: name, Msg: "no copy on an imported Mailbox server; not imported"})
			return
		}
		var notes []string
		for _, it := range v.Get("ReplayLagTimes").Items() {
			k, val, ok := kvPair(it)
			lag, lok := timeSpanOf(val)
			if ok && lok && lag > 0 {
				notes = append(notes, fmt.Sprintf("%s lagged %s", k, formatTimeSpan(lag)))
				im.warn(Warning{File: file, Object: name, Property: "ReplayLagTimes", Msg: fmt.Sprintf("the copy on %s replays %s behind: lagged copies are not modelled; imported as an ordinary copy", k, formatTimeSpan(lag))})
			}
		}
		if mounted := hostPart(v.Get("MountedOnServer").String()); mounted != "" && !strings.EqualFold(mounted, d.Copies[0]) {
			if s := im.server(mounted); s != nil && slices.Contains(d.Copies, s.Name) {
				im.config = append(im.config, configLine{
					fmt.Sprintf("Move-ActiveMailboxDatabase %s -ActivateOnServer %s", psArg(name), s.Name),
					"Get-MailboxDatabase MountedOnServer: active away from activation preference 1"})
			}
		}
		if m, ok := boolOf(v.Get("Mounted")); ok && !m {
			im.dismount(d.Name, "Get-MailboxDatabase -Status Mounted False")
		}
		d.Comment = strings.Join(notes, "; ")
		im.databases = append(im.databases, d)
	})
	if !found {
		im.warn(Warning{File: file, Msg: "missing: no databases or mailboxes imported"})
	}
}

// mailboxesIn is how many mailboxes database i gets.
func (im *importer) mailboxesIn(i int) int {
	if n, ok := im.o.Mailboxes[strings.ToLower(im.databases[i].Name)]; ok {
		return n
	}
	return im.o.MailboxesPerDatabase
}

// firstMailbox is the number of database i's first mailbox.
func (im *importer) firstMailbox(i int) int {
	n := 1
	for j := range i {
		n += im.mailboxesIn(j)
	}
	return n
}

// mailbox is the address of the n-th imported mailbox (from 1), in database order.
func (im *importer) mailbox(n int) string { return fmt.Sprintf("user%d@%s", n, im.domain) }

func (im *importer) senders() map[string]string {
	out := map[string]string{}
	for i, d := range im.databases {
		addr := im.mailbox(im.firstMailbox(i))
		out[strings.ToLower(d.Name)] = addr
		if d.GUID != "" {
			out[d.GUID] = addr
		}
	}
	return out
}

// dismount imports a dismounted database once, whichever file said so first.
func (im *importer) dismount(db, why string) {
	line := "Dismount-Database " + psArg(db)
	if !slices.ContainsFunc(im.config, func(c configLine) bool { return c.Text == line }) {
		im.config = append(im.config, configLine{line, why})
	}
}

func (im *importer) checkMailboxCounts() {
	names := make([]string, 0, len(im.o.Mailboxes))
	for n := range im.o.Mailboxes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if im.database(n) == nil {
			im.warn(Warning{File: "GetMailboxDatabase.xml", Object: n, Msg: "a mailbox count was given for it, but it is not an imported database"})
		}
	}
}

func (im *importer) database(name string) *database {
	for i := range im.databases {
		if strings.EqualFold(im.databases[i].Name, name) {
			return &im.databases[i]
		}
	}
	return nil
}

func (im *importer) readCopyStatus() {
	const file = "GetMailboxDatabaseCopyStatus.xml"
	im.each(file, func(v clixml.Value) {
		id := v.Get("Name").String()
		if id == "" {
			id = v.Get("Identity").String()
		}
		dbName, srvName, ok := strings.Cut(id, `\`)
		if !ok {
			dbName, srvName = v.Get("DatabaseName").String(), v.Get("MailboxServer").String()
		}
		db, s := im.database(dbName), im.server(srvName)
		if db == nil || s == nil || !slices.Contains(db.Copies, s.Name) {
			im.warn(Warning{File: file, Object: id, Msg: "not a copy of an imported database; not read"})
			return
		}
		copyID := db.Name + `\` + s.Name
		status := v.Get("Status").String()
		actSuspended, _ := boolOf(v.Get("ActivationSuspended"))
		switch strings.ToLower(status) {
		case "suspended", "failedandsuspended":
			im.config = append(im.config, configLine{"Suspend-MailboxDatabaseCopy " + psArg(copyID), "Get-MailboxDatabaseCopyStatus Status " + status})
			if strings.EqualFold(status, "FailedAndSuspended") {
				im.warn(Warning{File: file, Object: copyID, Property: "Status", Msg: "FailedAndSuspended: imported as suspended; the failure itself is not (a fail-copy fault step would add it)"})
			}
		case "failed":
			im.warn(Warning{File: file, Object: copyID, Property: "Status", Msg: "Failed: not imported as a state (a fail-copy fault step would add it)"})
		case "dismounted":
			if s.Name == db.Copies[0] {
				im.dismount(db.Name, "Get-MailboxDatabaseCopyStatus Status Dismounted")
			}
		default:
			if actSuspended {
				im.config = append(im.config, configLine{"Suspend-MailboxDatabaseCopy " + psArg(copyID) + " -ActivationOnly", "Get-MailboxDatabaseCopyStatus ActivationSuspended"})
			}
		}
	})
}

func (im *importer) readSendConnectors() {
	const file = "GetSendConnector.xml"
	im.each(file, func(v clixml.Value) {
		name := v.Get("Name").String()
		if name == "" {
			name = v.String()
		}
		if en, ok := boolOf(v.Get("Enabled")); ok && !en {
			im.warn(Warning{File: file, Object: name, Property: "Enabled", Msg: "disabled; not imported"})
			return
		}
		c := connector{Name: name}
		var notes []string
		for _, it := range v.Get("AddressSpaces").Items() {
			typ, addr, cost := "SMTP", "", "1"
			if it.Has("Address") {
				addr, cost = it.Get("Address").String(), it.Get("Cost").String()
				if t := it.Get("Type").String(); t != "" {
					typ = t
				}
			} else {
				s := it.String() // "SMTP:*;1"
				if t, rest, ok := strings.Cut(s, ":"); ok {
					typ, s = t, rest
				}
				addr, cost, _ = strings.Cut(s, ";")
			}
			if !strings.EqualFold(typ, "SMTP") {
				im.warn(Warning{File: file, Object: name, Property: "AddressSpaces", Msg: fmt.Sprintf("%s address space %q is not SMTP; left out", typ, addr)})
				continue
			}
			c.AddressSpaces = append(c.AddressSpaces, addr)
			notes = append(notes, fmt.Sprintf("%s cost %s", addr, orNone(cost)))
			if cost != "" && cost != "1" {
				im.warn(Warning{File: file, Object: name, Property: "AddressSpaces", Msg: fmt.Sprintf("%s has cost %s: address space costs are not in today's format; every connector counts as cost 1", addr, cost)})
			}
		}
		if len(c.AddressSpaces) == 0 {
			im.warn(Warning{File: file, Object: name, Property: "AddressSpaces", Msg: "no SMTP address space; not imported"})
			return
		}
		hosts := list(v.Get("SmartHosts"))
		if len(hosts) == 0 && v.Get("SmartHostsString").String() != "" {
			hosts = list(v.Get("SmartHostsString"))
		}
		if len(hosts) > 0 {
			c.SmartHost = strings.Trim(hosts[0], "[]")
			if len(hosts) > 1 {
				im.warn(Warning{File: file, Object: name, Property: "SmartHosts", Msg: fmt.Sprintf("%s: several smart hosts are not in today's format (smartHosts is planned); the first is used", strings.Join(hosts, ", "))})
			}
		}
		for _, src := range list(v.Get("SourceTransportServers")) {
			s := im.server(hostPart(src))
			switch {
			case s == nil:
				im.warn(Warning{File: file, Object: name, Property: "SourceTransportServers", Msg: fmt.Sprintf("%s is not an imported server; left out", src)})
			case !s.runsTransport():
				im.warn(Warning{File: file, Object: name, Property: "SourceTransportServers", Msg: fmt.Sprintf("%s does not run the Transport service here; left out", s.Name)})
			default:
				c.SourceServers = append(c.SourceServers, s.Name)
			}
		}
		if len(c.SourceServers) == 0 {
			im.warn(Warning{File: file, Object: name, Property: "SourceTransportServers", Msg: "no imported source server; not imported"})
			return
		}
		if b, _ := boolOf(v.Get("FrontendProxyEnabled")); b {
			notes = append(notes, "FrontendProxyEnabled")
			im.warn(Warning{File: file, Object: name, Property: "FrontendProxyEnabled", Msg: "proxying outbound mail through Front End Transport is not in today's format (frontendProxyEnabled is planned)"})
		}
		if m := v.Get("MaxMessageSize").String(); m != "" {
			notes = append(notes, "MaxMessageSize "+m)
		}
		c.Comment = strings.Join(notes, "; ")
		im.connectors = append(im.connectors, c)
	})
}

// readReceiveConnectors finds the servers that take mail from the internet: an
// enabled receive connector that lets anonymous senders in (PermissionGroups
// AnonymousUsers) on port 25.
func (im *importer) readReceiveConnectors() {
	const file = "GetReceiveConnector.xml"
	seen := map[string]bool{}
	found := im.each(file, func(v clixml.Value) {
		id := v.Get("Identity").String()
		if id == "" {
			id = v.String()
		}
		srv := shortName(v.Get("Server"))
		if srv == "" {
			srv = hostPart(id)
		}
		if en, ok := boolOf(v.Get("Enabled")); ok && !en {
			return
		}
		anon := strings.Contains(v.Get("PermissionGroups").String(), "AnonymousUsers")
		port25 := false
		for _, b := range v.Get("Bindings").Items() {
			if p, ok := intOf(b.Get("Port")); ok && p == 25 || strings.HasSuffix(b.String(), ":25") {
				port25 = true
			}
		}
		if !anon || !port25 {
			return
		}
		s := im.server(srv)
		if s == nil {
			im.warn(Warning{File: file, Object: id, Msg: "takes internet mail on a server that is not imported; left out"})
			return
		}
		if !(s.runsTransport() || (s.Version == "Exchange2013" && s.has("ClientAccess"))) {
			im.warn(Warning{File: file, Object: id, Msg: fmt.Sprintf("takes anonymous mail on port 25, but %s has no transport role here; left out", s.Name)})
			return
		}
		if !seen[s.Name] {
			seen[s.Name] = true
			im.inbound = append(im.inbound, s.Name)
		}
	})
	var fromLogs []string
	for _, e := range im.o.EntryServers {
		if s := im.server(e); s != nil && (s.runsTransport() || s.Version == "Exchange2013" && s.has("ClientAccess")) && !slices.Contains(fromLogs, s.Name) {
			fromLogs = append(fromLogs, s.Name)
		}
	}
	slices.Sort(fromLogs)
	switch {
	case len(im.inbound) == 0 && len(fromLogs) > 0:
		im.inbound = fromLogs
		im.inboundNote = "servers the tracking logs saw internet mail enter by"
		why := "missing"
		if found {
			why = "no enabled receive connector lets AnonymousUsers in on port 25"
		}
		im.warn(Warning{File: file, Msg: why + ": internet mail enters by the servers the tracking logs saw it enter by, " + strings.Join(fromLogs, ", ")})
	case !found:
		im.warn(Warning{File: file, Msg: "missing: no server takes mail from the internet in the scenario"})
	case len(im.inbound) == 0:
		im.warn(Warning{File: file, Msg: "no enabled receive connector lets AnonymousUsers in on port 25: no server takes mail from the internet in the scenario"})
	case len(fromLogs) > 0 && !slices.Equal(fromLogs, slices.Sorted(slices.Values(im.inbound))):
		im.warn(Warning{File: file, Msg: fmt.Sprintf("the receive connectors open to the internet are on %s, but the tracking logs saw internet mail enter by %s; the connectors are used", strings.Join(im.inbound, ", "), strings.Join(fromLogs, ", "))})
	}
}

// transportDefault is the default of one setting in exsim's profiles
// (transport/config.go, from reference exchange-transport.md and import-shapes.md
// 1.7-1.8): an import writes a setting when it differs from what the server's
// profile would use, so the run uses the organization's value either way.
type transportDefault struct {
	Property string
	Kind     string            // "timespan", "int", "bool", "enum", "size"
	Scope    string            // "2010" (2010 only), "2013" (2013 and later), "" (all)
	Settable bool              // the scenario's cmdlet takes it
	Default  map[string]string // by profile; "2010" for every 2010 profile; "" for the rest
}

func (d transportDefault) of(version string) string {
	if v, ok := d.Default[version]; ok {
		return v
	}
	if v, ok := d.Default["2010"]; ok && is2010(version) {
		return v
	}
	return d.Default[""]
}

func all(v string) map[string]string { return map[string]string{"": v} }

var transportConfigDefaults = []transportDefault{
	{"ShadowRedundancyEnabled", "bool", "", true, all("True")},
	{"ShadowMessageAutoDiscardInterval", "timespan", "", true, all("2.00:00:00")},
	{"SafetyNetHoldTime", "timespan", "2013", true, all("2.00:00:00")},
	{"ShadowHeartbeatFrequency", "timespan", "2013", true, all("00:02:00")},
	{"ShadowResubmitTimeSpan", "timespan", "2013", true, all("03:00:00")},
	{"MaxRetriesForLocalSiteShadow", "int", "2013", true, all("2")},
	{"MaxRetriesForRemoteSiteShadow", "int", "2013", true, all("4")},
	{"ShadowMessagePreferenceSetting", "enum", "2013", true, all("PreferRemote")},
	{"RejectMessageOnShadowFailure", "bool", "2013", true, all("False")},
	{"MaxDumpsterTime", "timespan", "2010", true, all("7.00:00:00")},
	{"MaxDumpsterSizePerDatabase", "size", "2010", true, all("18 MB (18,874,368 bytes)")},
	{"ShadowHeartbeatTimeoutInterval", "timespan", "2010", true, map[string]string{"Exchange2010": "00:05:00", "": "00:15:00"}},
	{"ShadowHeartbeatRetryCount", "int", "2010", true, map[string]string{"Exchange2010": "3", "": "12"}},
	{"MaxAcknowledgementDelay", "timespan", "2010", true, all("00:00:30")},
	{"ExternalDelayDsnEnabled", "bool", "", true, all("True")},
	{"InternalDelayDsnEnabled", "bool", "", true, all("True")},
}

var transportServiceDefaults = []transportDefault{
	{"MessageExpirationTimeout", "timespan", "", true, all("2.00:00:00")},
	// The documents disagree (exchange-transport.md section 9, conflict 3); exsim
	// takes 1 minute for 2010 and 15 for 2013 and later.
	{"MessageRetryInterval", "timespan", "", true, map[string]string{"2010": "00:01:00", "": "00:15:00"}},
	{"TransientFailureRetryCount", "int", "", true, all("6")},
	{"TransientFailureRetryInterval", "timespan", "", true, all("00:05:00")},
	{"OutboundConnectionFailureRetryInterval", "timespan", "", true, all("00:10:00")},
	{"DelayNotificationTimeout", "timespan", "", true, all("04:00:00")},
	{"QueueMaxIdleTime", "timespan", "", true, all("00:03:00")},
	{"MessageTrackingLogEnabled", "bool", "", true, all("True")},
	{"MaxPerDomainOutboundConnections", "int", "", false, all("40")},
	{"MaxOutboundConnections", "int", "", false, all("1000")},
}

// differs compares a property with its default; it returns the value as a
// cmdlet argument, and whether it differs. ok is false when the value cannot be
// read as its kind.
func differs(d transportDefault, version string, v clixml.Value) (arg string, diff, ok bool) {
	def := clixml.Value{Tag: "S", Text: d.of(version)}
	switch d.Kind {
	case "timespan":
		a, aok := timeSpanOf(v)
		b, _ := timeSpanOf(def)
		return formatTimeSpan(a), a != b, aok
	case "int":
		if strings.EqualFold(v.String(), "Unlimited") {
			return "Unlimited", true, true
		}
		a, aok := intOf(v)
		b, _ := intOf(def)
		return fmt.Sprint(a), a != b, aok
	case "bool":
		a, aok := boolOf(v)
		b, _ := boolOf(def)
		return map[bool]string{true: "$true", false: "$false"}[a], a != b, aok
	case "size":
		a, aok := bytesOf(v)
		b, _ := bytesOf(def)
		arg := fmt.Sprint(a)
		if a%(1<<20) == 0 {
			arg = fmt.Sprintf("%dMB", a>>20)
		} else if a%(1<<10) == 0 {
			arg = fmt.Sprintf("%dKB", a>>10)
		}
		return arg, a != b, aok
	}
	s := v.String()
	if d.Kind == "enum" { // untrusted: only the values the cmdlet takes
		i := slices.IndexFunc(enumValues[d.Property], func(e string) bool { return strings.EqualFold(e, s) })
		if i < 0 {
			return s, false, false
		}
		s = enumValues[d.Property][i]
	}
	return s, !strings.EqualFold(s, d.of(version)), s != ""
}

// enumValues are the values of the enumeration properties of transportConfigDefaults
// (Set-TransportConfig); an imported file may hold anything, and a value outside them
// would write a line the loader refuses (found by the soak of FuzzImportEveryFile).
var enumValues = map[string][]string{
	"ShadowMessagePreferenceSetting": {"PreferRemote", "LocalOnly", "RemoteOnly"},
}

func (im *importer) hasVersion(scope string) bool {
	for _, s := range im.servers {
		if scope == "" || (scope == "2010") == is2010(s.Version) {
			return true
		}
	}
	return false
}

func (im *importer) readTransportConfig() {
	const file = "GetTransportConfig.xml"
	im.each(file, func(v clixml.Value) {
		for _, d := range transportConfigDefaults {
			p, present := v.Obj.Prop(d.Property)
			if !present || p.IsNil() || !im.hasVersion(d.Scope) {
				continue
			}
			arg, diff, ok := differs(d, im.mainVersion, p)
			if !ok {
				im.warn(Warning{File: file, Property: d.Property, Msg: fmt.Sprintf("%q is not a %s; not imported", p.String(), d.Kind)})
				continue
			}
			if diff {
				im.config = append(im.config, configLine{
					fmt.Sprintf("Set-TransportConfig -%s %s", d.Property, arg),
					fmt.Sprintf("Get-TransportConfig %s %s (%s default %s)", d.Property, p.String(), im.mainVersion, d.of(im.mainVersion))})
			}
		}
	})
}

func (im *importer) readTransportServices() {
	for _, file := range []string{"GetTransportService.xml", "GetTransportServer.xml"} {
		im.each(file, func(v clixml.Value) {
			name := v.Get("Name").String()
			if name == "" {
				name = hostPart(v.String())
			}
			s := im.server(name)
			if s == nil || !s.runsTransport() {
				im.warn(Warning{File: file, Object: name, Msg: "not an imported server running the Transport service; not read"})
				return
			}
			cmd := "Set-TransportService"
			if is2010(s.Version) {
				cmd = "Set-TransportServer"
			}
			for _, d := range transportServiceDefaults {
				p, present := v.Obj.Prop(d.Property)
				if !present || p.IsNil() {
					continue
				}
				arg, diff, ok := differs(d, s.Version, p)
				switch {
				case !ok:
					im.warn(Warning{File: file, Object: s.Name, Property: d.Property, Msg: fmt.Sprintf("%q is not a %s; not imported", p.String(), d.Kind)})
				case diff && d.Settable:
					im.config = append(im.config, configLine{
						fmt.Sprintf("%s %s -%s %s", cmd, s.Name, d.Property, arg),
						fmt.Sprintf("%s %s %s (%s default %s)", strings.Replace(cmd, "Set-", "Get-", 1), d.Property, p.String(), s.Version, d.of(s.Version))})
				case diff:
					im.warn(Warning{File: file, Object: s.Name, Property: d.Property, Msg: fmt.Sprintf("%s (default %s): connection limits are not modelled", p.String(), d.of(s.Version))})
				}
			}
		})
	}
}

func (im *importer) readFrontend() {
	const file = "GetFrontendTransportService.xml"
	if doc := im.docs[file]; doc != nil && len(doc.Values) > 0 {
		im.warn(Warning{File: file, Msg: fmt.Sprintf("%d object(s) read; no Front End Transport setting is modelled, so none is imported", len(doc.Values))})
	}
}

// components and requesters the scenario's Set-ServerComponentState takes
// (reference exchange-dag-components.md 1.2, as scenarios/cmdlet lists them).
var components = []string{
	"ServerWideOffline", "HubTransport", "FrontendTransport", "Monitoring",
	"RecoveryActionsEnabled", "AutoDiscoverProxy", "ActiveSyncProxy", "EcpProxy",
	"EwsProxy", "ImapProxy", "OabProxy", "OwaProxy", "PopProxy",
	"PushNotificationsProxy", "RpsProxy", "RwsProxy", "RpcProxy", "UMCallRouter",
	"XropProxy", "HttpProxyAvailabilityGroup", "ForwardSyncDaemon", "ProvisioningRps",
	"MapiProxy", "EdgeTransport", "HighAvailability", "SharedCache",
	"MailboxDeliveryProxy", "RoutingUpdates", "RestProxy", "DefaultProxy", "Lsass",
	"RoutingService", "E4EProxy", "CafeLAMv2", "LogExportProvider",
}

var requesters = []string{"HealthApi", "Maintenance", "Sidelined", "Functional", "Deployment"}

// byDesign are Inactive on every server (import-shapes.md 1.9: "ForwardSyncDaemon
// and ProvisioningRps are Inactive by design").
var byDesign = []string{"ForwardSyncDaemon", "ProvisioningRps"}

func canonical(list []string, s string) string {
	for _, c := range list {
		if strings.EqualFold(c, s) {
			return c
		}
	}
	return ""
}

// readComponentStates imports each component that is not Active as it is now:
// per requester, the newer of its local (registry) and remote (AD) entries, as
// HealthChecker computes it (import-shapes.md 1.9); one Set-ServerComponentState
// per requester that holds the component down.
func (im *importer) readComponentStates() {
	const file = "GetServerComponentState.xml"
	im.each(file, func(v clixml.Value) {
		fqdn := v.Get("ServerFqdn").String()
		s := im.server(fqdn)
		if s == nil {
			s = im.server(hostPart(fqdn))
		}
		comp := v.Get("Component").String()
		state := v.Get("State").String()
		if s == nil {
			im.warn(Warning{File: file, Object: fqdn, Property: comp, Msg: "not an imported server; not read"})
			return
		}
		if strings.EqualFold(state, "Active") || (strings.EqualFold(state, "Inactive") && canonical(byDesign, comp) != "") {
			return
		}
		if is2010(s.Version) {
			im.warn(Warning{File: file, Object: s.Name, Property: comp, Msg: "server component states exist from Exchange 2013; not imported"})
			return
		}
		c := canonical(components, comp)
		if c == "" {
			im.warn(Warning{File: file, Object: s.Name, Property: comp, Msg: fmt.Sprintf("%s: a component exsim does not know; not imported", state)})
			return
		}
		type entry struct{ state, stamp string }
		newest := map[string]entry{}
		var order []string
		for _, set := range []string{"LocalStates", "RemoteStates"} {
			for _, r := range v.Get(set).Items() {
				req := canonical(requesters, r.Get("Requester").String())
				if req == "" {
					continue
				}
				e := entry{r.Get("State").String(), r.Get("Timestamp").Text}
				old, seen := newest[req]
				if !seen {
					order = append(order, req)
				}
				if !seen || e.stamp > old.stamp {
					newest[req] = e
				}
			}
		}
		n := 0
		for _, req := range order {
			e := newest[req]
			st := canonical([]string{"Inactive", "Draining"}, e.state)
			if st == "" {
				continue
			}
			n++
			im.config = append(im.config, configLine{
				fmt.Sprintf("Set-ServerComponentState %s -Component %s -State %s -Requester %s", s.Name, c, st, req),
				fmt.Sprintf("Get-ServerComponentState %s: %s (requester %s)", c, state, req)})
		}
		if n == 0 {
			st := canonical([]string{"Inactive", "Draining"}, state)
			if st == "" {
				im.warn(Warning{File: file, Object: s.Name, Property: comp, Msg: fmt.Sprintf("state %q is not Active, Inactive or Draining; not imported", state)})
				return
			}
			im.config = append(im.config, configLine{
				fmt.Sprintf("Set-ServerComponentState %s -Component %s -State %s -Requester Maintenance", s.Name, c, st),
				fmt.Sprintf("Get-ServerComponentState %s: %s (no requester recorded)", c, state)})
			im.warn(Warning{File: file, Object: s.Name, Property: comp, Msg: state + " with no requester entry saying why; imported as requester Maintenance"})
		}
	})
}
