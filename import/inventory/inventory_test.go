package inventory

import (
	"fmt"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/exsim/exsim/import/clixml"
	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/sim/simtest"
)

const e15 = "../../../shared/reference/captures/e15"

func importDir(t *testing.T, dir string, o Options) *Result {
	t.Helper()
	if o.Versions == nil {
		o.Versions = scenarios.Versions
	}
	r, err := Import(dir, o)
	require.NoError(t, err)
	return r
}

func load(t *testing.T, name string, yaml []byte) *scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.Parse(name, yaml)
	require.NoError(t, err, "the generated YAML must load:\n%s", yaml)
	return sc
}

// The real Exchange 2013 capture imports to the server, version, roles and site
// it holds, and the scenario runs.
func TestRealE15CaptureImportsAndRuns(t *testing.T) {
	r := importDir(t, e15, Options{})
	sc := load(t, "org.yaml", r.YAML)
	require.Len(t, sc.Topology.Servers, 1)
	s := sc.Topology.Servers[0]
	require.Equal(t, "SOLO-E15A", s.Name)
	require.Equal(t, "Exchange2013", s.Version, "Version 15.0 (Build 1497.2)")
	require.Equal(t, []string{"Mailbox", "ClientAccess"}, s.Roles, "ServerRole Mailbox, ClientAccess")
	require.Equal(t, "Default-First-Site-Name", s.Site)
	require.Empty(t, sc.Config, "every component is Active but the two Inactive by design")
	res, err := scenarios.Run(sc, scenarios.Options{})
	require.NoError(t, err)
	require.True(t, res.Passed())
	simtest.Golden(t, "e15.yaml", string(r.YAML))
}

func TestImportIsDeterministic(t *testing.T) {
	a := importDir(t, "testdata/two-site-dag", Options{})
	b := importDir(t, "testdata/two-site-dag", Options{})
	require.Equal(t, string(a.YAML), string(b.YAML))
}

// org is what a scenario says about the organization, without positions.
type org struct {
	Name, Version string
	Sites         []string
	SiteSettings  []string
	SiteLinks     []string
	Servers       []string
	DAGs          []string
	Databases     []string
	Mailboxes     []string
	Connectors    []string
	Inbound       []string
	Config        []string
}

func orgOf(sc *scenarios.Scenario) org {
	var o org
	o.Name, o.Version = sc.Name, sc.Version
	o.Sites = slices.Sorted(slices.Values(sc.Topology.Sites))
	for _, s := range sc.Topology.Servers {
		o.Servers = append(o.Servers, strings.Join([]string{s.Name, s.Site, s.Version, strings.Join(s.Roles, ",")}, " "))
	}
	for _, s := range sc.Topology.ADSites {
		o.SiteSettings = append(o.SiteSettings, fmt.Sprintf("%s hub=%v inbound=%v", s.Name, s.HubSiteEnabled, s.InboundMailEnabled))
	}
	slices.Sort(o.SiteSettings)
	for _, l := range sc.Topology.SiteLinks {
		o.SiteLinks = append(o.SiteLinks, fmt.Sprintf("%s %s cost=%d exchangeCost=%d max=%d", l.Name, strings.Join(l.Sites, ","), l.Cost, l.ExchangeCost, l.MaxMessageSize))
	}
	for _, d := range sc.Topology.DAGs {
		o.DAGs = append(o.DAGs, d.Name+" "+strings.Join(d.Members, ",")+" "+d.Witness)
	}
	for _, d := range sc.Topology.Databases {
		o.Databases = append(o.Databases, d.Name+" "+strings.Join(d.Copies, ","))
	}
	for _, m := range sc.Topology.Mailboxes {
		o.Mailboxes = append(o.Mailboxes, m.Address+" "+m.Database)
	}
	for _, c := range sc.Topology.SendConnectors {
		o.Connectors = append(o.Connectors, strings.Join([]string{c.Name, strings.Join(c.AddressSpaces, ","), strings.Join(c.SourceServers, ","), c.SmartHost}, " "))
	}
	o.Inbound = sc.Topology.Internet.Inbound.Servers
	for _, c := range sc.Config {
		o.Config = append(o.Config, c.Text)
	}
	return o
}

// Done-when of issue 18: a hand-written two-site DAG inventory imports to the
// same organization as a hand-written YAML of it.
func TestTwoSiteDAGImportEqualsTheHandWrittenScenario(t *testing.T) {
	r := importDir(t, "testdata/two-site-dag", Options{})
	got := load(t, "org.yaml", r.YAML)
	want, err := scenarios.Load("testdata/two-site-dag.expected.yaml")
	require.NoError(t, err)
	require.Equal(t, orgOf(want), orgOf(got))
	simtest.Golden(t, "two-site-dag.yaml", string(r.YAML))
	var ws []string
	for _, w := range r.Warnings {
		ws = append(ws, w.String())
	}
	simtest.Golden(t, "two-site-dag.warnings.txt", strings.Join(ws, "\n")+"\n")
}

// The imported organization runs, with the states it was exported in: EX2 is
// in maintenance from t=0 and DB2 is active on EX4.
func TestTwoSiteDAGRunsInTheStateItWasExportedIn(t *testing.T) {
	traffic := "traffic:\n" +
		"  - {from: \"*@fabrikam.net\", to: \"*@contoso.com\", perHour: 120, start: 0s, until: 30m}\n" +
		"  - {from: \"*@contoso.com\", to: \"*@contoso.com\", perHour: 60, start: 0s, until: 30m}\n" +
		"expect:\n  lost: 0\n  states:\n    - {at: 1m, server: EX2, component: ServerWideOffline, state: Inactive}\n"
	r := importDir(t, "testdata/two-site-dag", Options{Traffic: traffic})
	sc := load(t, "org.yaml", r.YAML)
	res, err := scenarios.Run(sc, scenarios.Options{})
	require.NoError(t, err)
	require.True(t, res.Passed(), "%v", res.Failures)
}

func TestWarningsNameFilePropertyAndWhy(t *testing.T) {
	r := importDir(t, "testdata/two-site-dag", Options{})
	want := map[string]string{
		"DatacenterActivationMode": "DAC mode is not in today's scenario format",
		"ReplayLagTimes":           "lagged copies are not modelled",
		"AlternateWitnessServer":   "the alternate witness is not in today's format",
		"FrontendProxyEnabled":     "not in today's format",
		"SmartHosts":               "the first is used",
		"Recovery":                 "not imported",
	}
	for prop, msg := range want {
		i := slices.IndexFunc(r.Warnings, func(w Warning) bool { return w.Property == prop })
		require.GreaterOrEqual(t, i, 0, "no warning for %s", prop)
		require.Contains(t, r.Warnings[i].Msg, msg)
		require.NotEmpty(t, r.Warnings[i].File)
	}
	for _, w := range r.Warnings {
		require.Contains(t, string(r.YAML), w.String(), "every warning is also a comment in the YAML")
	}
}

// AdminDisplayVersion arrives as an object or as its string (import-shapes.md
// 1.1); both map to the version's profile, and a build newer than the profiles
// the loader knows maps to the nearest with a warning.
func TestAdminDisplayVersionBothFormsMapToProfiles(t *testing.T) {
	tests := []struct {
		text, want, warn string
		versions         []string
	}{
		{"Version 14.0 (Build 639.21)", "Exchange2010", "", nil},
		{"Version 14.1 (Build 218.15)", "Exchange2010SP1", "", nil},
		{"Version 14.3 (Build 123.4)", "Exchange2010SP1", "Exchange 2010 SP3; imported as Exchange2010SP1", nil},
		{"Version 14.3 (Build 123.4)", "Exchange2010SP3", "", append(slices.Clone(defaultVersions), "Exchange2010SP3")},
		{"Version 14.2 (Build 247.5)", "Exchange2010SP1", "imported as Exchange2010SP1", nil},
		{"Version 15.0 (Build 1497.2)", "Exchange2013", "", nil},
		{"Version 15.1 (Build 2507.6)", "Exchange2016", "", nil},
		{"Version 15.2 (Build 986.5)", "Exchange2019", "", nil},
		{"Version 15.2 (Build 2562.17)", "Exchange2019", "Subscription Edition; imported as Exchange2019", nil},
		{"Version 15.2 (Build 2562.17)", "ExchangeSE", "", append(slices.Clone(defaultVersions), "ExchangeSE")},
		{"Version 8.3 (Build 83.6)", "", "not a version exsim models", nil},
	}
	for _, tt := range tests {
		t.Run(tt.text+" "+tt.want, func(t *testing.T) {
			for _, form := range []string{"string", "object"} {
				v := clixml.Value{Tag: "S", Text: tt.text}
				if form == "object" {
					m := versionRE.FindStringSubmatch(tt.text)
					v = clixml.Value{Tag: "Obj", Obj: &clixml.Object{Props: []clixml.Value{
						{Tag: "I32", Name: "Major", Text: m[1]}, {Tag: "I32", Name: "Minor", Text: m[2]},
						{Tag: "I32", Name: "Build", Text: m[3]}, {Tag: "I32", Name: "Revision", Text: m[4]}}}}
				}
				ver, ok := parseVersion(v)
				require.True(t, ok, form)
				vs := tt.versions
				if vs == nil {
					vs = defaultVersions
				}
				im := &importer{o: Options{Versions: vs}}
				require.Equal(t, tt.want, im.profile("GetExchangeServer.xml", "EX1", ver), form)
				if tt.warn == "" {
					require.Empty(t, im.warnings, form)
				} else {
					require.Len(t, im.warnings, 1, form)
					require.Contains(t, im.warnings[0].Msg, tt.warn, form)
				}
			}
		})
	}
}

// The server in the two-site inventory whose AdminDisplayVersion is a bare
// string (EX4) imports like the others, whose version is an object.
func TestAdminDisplayVersionStringFormInAFile(t *testing.T) {
	doc, err := clixml.ReadFile("testdata/two-site-dag/GetExchangeServer.xml")
	require.NoError(t, err)
	require.Equal(t, "S", doc.Values[3].Get("AdminDisplayVersion").Tag)
	require.Equal(t, "Obj", doc.Values[0].Get("AdminDisplayVersion").Tag)
}

// import-shapes.md 1.9: a component is held down by each requester whose newest
// entry (local or remote, by timestamp) is not Active; ForwardSyncDaemon and
// ProvisioningRps are Inactive by design and are not imported as maintenance.
func TestComponentStatesNewestOfLocalAndRemotePerRequester(t *testing.T) {
	r := importDir(t, "testdata/two-site-dag", Options{})
	sc := load(t, "org.yaml", r.YAML)
	var states []string
	for _, c := range sc.Config {
		if strings.HasPrefix(c.Text, "Set-ServerComponentState") {
			states = append(states, c.Text)
		}
	}
	require.Equal(t, []string{
		"Set-ServerComponentState EX2 -Component ServerWideOffline -State Inactive -Requester Maintenance",
		"Set-ServerComponentState EX2 -Component HubTransport -State Draining -Requester Maintenance",
	}, states)
}

// Receive connectors: a server takes internet mail when an enabled connector
// lets AnonymousUsers in on port 25 (the 2019 capture's Default Frontend).
func TestRealConnectorCapturesImport(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"GetSendConnector.xml", "GetReceiveConnector.xml"} {
		data, err := os.ReadFile(filepath.Join("../../../shared/reference/captures/connectors", f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), data, 0o644))
	}
	// The captures' server, written by hand as Get-ExchangeServer shows a 2019 server.
	server := `<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><Obj RefId="0">
<TN RefId="0"><T>Microsoft.Exchange.Data.Directory.Management.ExchangeServer</T><T>System.Object</T></TN><ToString>WIN-CTD3L0RGEN4</ToString>
<Props><S N="Name">WIN-CTD3L0RGEN4</S><S N="Fqdn">WIN-CTD3L0RGEN4.exlab.dom</S><S N="Domain">exlab.dom</S><B N="IsMailboxServer">true</B><B N="IsEdgeServer">false</B>
<Obj N="AdminDisplayVersion" RefId="1"><TN RefId="1"><T>Microsoft.Exchange.Data.ServerVersion</T><T>System.Object</T></TN><ToString>Version 15.2 (Build 986.5)</ToString></Obj>
<S N="Site">exlab.dom/Configuration/Sites/Default-First-Site-Name</S></Props></Obj></Objs>`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "GetExchangeServer.xml"), []byte(server), 0o644))
	r := importDir(t, dir, Options{})
	sc := load(t, "org.yaml", r.YAML)
	require.Len(t, sc.Topology.SendConnectors, 1)
	c := sc.Topology.SendConnectors[0]
	require.Equal(t, "Mail to O365", c.Name)
	require.Equal(t, []string{"*"}, c.AddressSpaces)
	require.Equal(t, []string{"WIN-CTD3L0RGEN4"}, c.SourceServers)
	require.Equal(t, "microsoft-com.mail.protection.outlook.com", c.SmartHost)
	require.Equal(t, []string{"WIN-CTD3L0RGEN4"}, sc.Topology.Internet.Inbound.Servers)
	_, err := scenarios.Run(sc, scenarios.Options{})
	require.NoError(t, err)
}

func TestBadInventoriesAreRefusedOrWarned(t *testing.T) {
	dir := t.TempDir()
	_, err := Import(dir, Options{})
	require.ErrorContains(t, err, "no GetExchangeServer.xml")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "GetExchangeServer.xml"), []byte("<Objs><S>"), 0o644))
	_, err = Import(dir, Options{})
	require.ErrorContains(t, err, "GetExchangeServer.xml:1:")
	edge := `<Objs xmlns="http://schemas.microsoft.com/powershell/2004/04"><Obj><Props><S N="Name">EDGE1</S><B N="IsEdgeServer">true</B></Props></Obj></Objs>`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "GetExchangeServer.xml"), []byte(edge), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644))
	_, err = Import(dir, Options{})
	require.ErrorContains(t, err, "no server exsim can model")
}

// Whatever GetExchangeServer.xml holds, the import refuses it with an error or
// writes YAML that loads.
func FuzzImportServers(f *testing.F) {
	for _, p := range []string{e15 + "/GetExchangeServer.xml", "testdata/two-site-dag/GetExchangeServer.xml"} {
		data, err := os.ReadFile(p)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "GetExchangeServer.xml"), data, 0o644))
		r, err := Import(dir, Options{Versions: scenarios.Versions})
		if err != nil {
			return
		}
		_, err = scenarios.Parse("org.yaml", r.YAML)
		require.NoError(t, err, "%s", r.YAML)
	})
}

func TestAcceptedDomainsAreTheAuthoritativeOnes(t *testing.T) {
	r := importDir(t, "testdata/two-site-dag", Options{})
	require.Equal(t, "contoso.com", r.Domain)
	require.Equal(t, []string{"contoso.com"}, r.AcceptedDomains, "fabrikam.com is InternalRelay")
}

// Exchange 2010 SP3: roles on separate servers, an Edge server left out, the
// nearest profile while the loader has no Exchange2010SP3, Set-TransportServer
// rather than Set-TransportService, and the 2010-only transport settings.
func TestExchange2010Inventory(t *testing.T) {
	r := importDir(t, "testdata/exchange-2010", Options{MailboxesPerDatabase: 1})
	sc := load(t, "org.yaml", r.YAML)
	res, err := scenarios.Run(sc, scenarios.Options{})
	require.NoError(t, err)
	require.True(t, res.Passed())
	o := orgOf(sc)
	want := "Exchange2010SP1"
	if slices.Contains(scenarios.Versions, "Exchange2010SP3") {
		want = "Exchange2010SP3"
	}
	require.Equal(t, []string{"HUB1 Main " + want + " HubTransport,ClientAccess", "MBX1 Main " + want + " Mailbox", "MBX2 Main " + want + " Mailbox"}, o.Servers)
	require.Equal(t, []string{"DAG2010 MBX1,MBX2 HUB1"}, o.DAGs, "a Hub Transport server holds the witness share")
	require.Equal(t, []string{"Mailbox Database 0123456789 MBX2,MBX1"}, o.Databases, "activation preference order, Key as a whole ADObjectId")
	require.Equal(t, []string{"user1@fabrikam.com Mailbox Database 0123456789"}, o.Mailboxes)
	require.Equal(t, []string{"Internet * HUB1 "}, o.Connectors, "the Edge source server is left out")
	require.Equal(t, []string{"HUB1"}, o.Inbound)
	require.Equal(t, []string{
		"Set-TransportConfig -MaxDumpsterTime 14.00:00:00",
		"Set-TransportServer HUB1 -TransientFailureRetryCount 4",
	}, o.Config)
	// The golden file is of today's five profiles, so it holds when the loader
	// learns Exchange2010SP3 (the checks above follow the loader).
	golden := importDir(t, "testdata/exchange-2010", Options{MailboxesPerDatabase: 1, Versions: defaultVersions})
	simtest.Golden(t, "exchange-2010.yaml", string(golden.YAML))
}

func TestPsArgQuotesWhatPowerShellWouldSplit(t *testing.T) {
	require.Equal(t, "DB1", psArg("DB1"))
	require.Equal(t, `DB1\EX1`, psArg(`DB1\EX1`))
	require.Equal(t, `'Mailbox Database 01\MBX1'`, psArg(`Mailbox Database 01\MBX1`))
	require.Equal(t, `'it''s'`, psArg("it's"))
}

// design.md: import/ produces scenarios and imports nothing of the models; only
// tests may load what it writes.
func TestImportPackagesImportNoModelPackage(t *testing.T) {
	for _, dir := range []string{".", "../clixml", "../tracking"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		require.NoError(t, err)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			pf, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			require.NoError(t, err)
			for _, imp := range pf.Imports {
				path := strings.Trim(imp.Path.Value, `"`)
				for _, model := range []string{"sim", "components", "dag", "transport", "scenarios"} {
					m := "github.com/exsim/exsim/" + model
					require.False(t, path == m || strings.HasPrefix(path, m+"/"), "%s imports %s", f, path)
				}
			}
		}
	}
}

func TestMailboxCountsPerDatabase(t *testing.T) {
	r := importDir(t, "testdata/two-site-dag", Options{MailboxesPerDatabase: 2, Mailboxes: map[string]int{"db2": 4, "db9": 1}})
	o := orgOf(load(t, "org.yaml", r.YAML))
	require.Equal(t, []string{"user1@contoso.com DB1", "user2@contoso.com DB1", "user3@contoso.com DB2", "user4@contoso.com DB2", "user5@contoso.com DB2", "user6@contoso.com DB2"}, o.Mailboxes)
	require.Equal(t, "user3@contoso.com", r.Senders["db2"])
	require.Contains(t, string(r.YAML), "db9: a mailbox count was given for it, but it is not an imported database")
}

// Whatever the other files hold, next to a good server list, the import refuses
// them with an error or writes YAML that loads.
func FuzzImportEveryFile(f *testing.F) {
	servers, err := os.ReadFile("testdata/two-site-dag/GetExchangeServer.xml")
	require.NoError(f, err)
	others := slices.DeleteFunc(slices.Clone(Files), func(n string) bool { return n == "GetExchangeServer.xml" })
	for _, name := range others {
		if data, err := os.ReadFile(filepath.Join("testdata/two-site-dag", name)); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "GetExchangeServer.xml"), servers, 0o644))
		for _, name := range others {
			require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
		}
		r, err := Import(dir, Options{Versions: scenarios.Versions})
		if err != nil {
			return
		}
		_, err = scenarios.Parse("org.yaml", r.YAML)
		require.NoError(t, err, "%s", r.YAML)
	})
}

// A deterministic stand-in for the fuzz targets on a busy machine: every file of
// the two-site inventory cut short and with a byte changed, at many places; the
// import never panics, and what it writes loads.
func TestDamagedInventoriesAreRefusedOrLoad(t *testing.T) {
	src := "testdata/two-site-dag"
	names, err := os.ReadDir(src)
	require.NoError(t, err)
	files := map[string][]byte{}
	for _, e := range names {
		files[e.Name()], err = os.ReadFile(filepath.Join(src, e.Name()))
		require.NoError(t, err)
	}
	for _, victim := range slices.Sorted(maps.Keys(files)) {
		data := files[victim]
		for i := 1; i < 7; i++ {
			at := len(data) * i / 7
			for _, damaged := range [][]byte{data[:at], append(append(slices.Clone(data[:at]), 'X'), data[at+1:]...)} {
				dir := t.TempDir()
				for n, d := range files {
					if n == victim {
						d = damaged
					}
					require.NoError(t, os.WriteFile(filepath.Join(dir, n), d, 0o644))
				}
				r, err := Import(dir, Options{Versions: scenarios.Versions})
				if err != nil {
					require.Contains(t, err.Error(), victim, "errors name the file")
					continue
				}
				_, err = scenarios.Parse("org.yaml", r.YAML)
				require.NoError(t, err, "%s at %d:\n%s", victim, at, r.YAML)
			}
		}
	}
}

// copyInventory copies the two-site inventory to a temporary folder, with edit
// applied to one file's text.
func copyInventory(t *testing.T, file string, edit func(string) string) string {
	t.Helper()
	dir := t.TempDir()
	es, err := os.ReadDir("testdata/two-site-dag")
	require.NoError(t, err)
	for _, e := range es {
		data, err := os.ReadFile(filepath.Join("testdata/two-site-dag", e.Name()))
		require.NoError(t, err)
		if e.Name() == file {
			data = []byte(edit(string(data)))
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644))
	}
	return dir
}

// A database Get-MailboxDatabase -Status shows dismounted is imported dismounted,
// once even when the copy status says so too.
func TestDismountedDatabaseIsImportedDismounted(t *testing.T) {
	dir := copyInventory(t, "GetMailboxDatabase.xml", func(s string) string {
		return strings.Replace(s, `<B N="Recovery">false</B>`, `<B N="Recovery">false</B><B N="Mounted">false</B>`, 1)
	})
	data, err := os.ReadFile(filepath.Join(dir, "GetMailboxDatabaseCopyStatus.xml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "GetMailboxDatabaseCopyStatus.xml"), []byte(strings.Replace(string(data), "<ToString>Mounted</ToString>", "<ToString>Dismounted</ToString>", 1)), 0o644))
	r := importDir(t, dir, Options{})
	sc := load(t, "org.yaml", r.YAML)
	o := orgOf(sc)
	require.Equal(t, 1, strings.Count(strings.Join(o.Config, "\n"), "Dismount-Database DB1"))
	res, err := scenarios.Run(sc, scenarios.Options{})
	require.NoError(t, err)
	require.True(t, res.Passed())
}

// Where no receive connector says which servers take internet mail, the servers
// the tracking logs saw it enter by do; where both say, a difference is a warning.
func TestInboundServersFromTheTrackingLogs(t *testing.T) {
	r := importDir(t, e15, Options{EntryServers: []string{"SOLO-E15A", "ELSEWHERE"}})
	sc := load(t, "org.yaml", r.YAML)
	require.Equal(t, []string{"SOLO-E15A"}, sc.Topology.Internet.Inbound.Servers)
	require.Contains(t, string(r.YAML), "inbound: [SOLO-E15A]   # servers the tracking logs saw internet mail enter by")
	r = importDir(t, "testdata/two-site-dag", Options{EntryServers: []string{"EX2"}})
	require.Equal(t, []string{"EX1", "EX3"}, orgOf(load(t, "org.yaml", r.YAML)).Inbound)
	require.Contains(t, string(r.YAML), "the receive connectors open to the internet are on EX1, EX3, but the tracking logs saw internet mail enter by EX2")
}
