package schema

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/exsim/exsim/scenarios/cmdlet"
	"github.com/exsim/exsim/scenarios/fault"
	"github.com/exsim/exsim/transport"
)

// scenariosDir is the scenarios package, whose loader the schema describes.
const scenariosDir = ".."

func decodeFile(t *testing.T, path string) (any, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	err = yaml.Unmarshal(data, &doc)
	return doc, err
}

func glob(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(scenariosDir, pattern))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestGoodScenariosValidate: everything the repository ships or loads in its tests
// as valid must be valid for an editor too, or the schema flags working files.
func TestGoodScenariosValidate(t *testing.T) {
	var files []string
	for _, p := range []string{"*.yaml", "format/testdata/good/*.yaml", "explore/testdata/*.yaml"} {
		files = append(files, glob(t, p)...)
	}
	if len(files) < 10 {
		t.Fatalf("found only %d scenario files: has the layout changed?", len(files))
	}
	for _, f := range files {
		doc, err := decodeFile(t, f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		for _, e := range Validate(doc) {
			t.Errorf("%s: %v", f, e)
		}
	}
}

// badFiles classifies every file of testdata/bad by its .golden (the loader's
// error). path is where the schema must report the error; "" with a reason means
// the schema cannot see the mistake and must accept the file.
var badFiles = map[string]struct{ path, why string }{
	// Rejected by the schema.
	"bad-comparison":           {path: "/expect/lost"},
	"bad-mx-record":            {path: "/topology/internet/domains/fabrikam.net/mx/0"},
	"bad-a-record":             {path: "/topology/internet/domains/tailspin.net/a"},
	"domain-without-records":   {path: "/topology/internet/domains/tailspin.net"},
	"bad-duration":             {path: "/duration"},
	"bad-name":                 {path: "/name"},
	"missing-description":      {path: ""},
	"poisson-with-at":          {path: "/traffic/0/at"},
	"run-and-fault":            {path: "/steps/0/fault"},
	"scalar-for-list":          {path: "/topology/servers/0/roles"},
	"unknown-event-id":         {path: "/expect/tracking/0/events/0"},
	"unknown-fault":            {path: "/steps/0/fault"},
	"unknown-monitor-key":      {path: "/monitors/0/latencyThreshold"},
	"unknown-server-key":       {path: "/topology/servers/1/rolse"},
	"unknown-top-key":          {path: "/durration"},
	"unknown-version":          {path: "/version"},
	"dac-mode-unknown":         {path: "/topology/dags/0/datacenterActivationMode"},
	"witness-unknown-key":      {path: "/topology/dags/0/witness/sitee"},
	"site-bad-bool":            {path: "/topology/sites/1"},
	"site-link-cost-range":     {path: "/topology/siteLinks/0/cost"},
	"site-link-one-site":       {path: "/topology/siteLinks/0/sites"},
	"site-unknown-key":         {path: "/topology/sites/1"},
	"unknown-ehlo-capability":  {path: "/topology/internet/hosts/relay.contoso.net/capabilities/1"},
	"unplayed-smart-host-auth": {path: "/topology/sendConnectors/0/smartHostAuthMechanism"},

	// Not YAML the decoder accepts: the schema never sees a document.
	"duplicate-key": {why: "yaml: duplicate mapping key"},
	"yaml-syntax":   {why: "yaml: syntax error"},

	// Accepted by the schema: what is wrong is beyond JSON Schema.
	"alert-without-monitor":              {why: "cross-reference: the alert names a monitor kind not in monitors"},
	"ambiguous-parameter":                {why: "cmdlet syntax inside run"},
	"bad-pipe":                           {why: "cmdlet syntax inside run"},
	"cmdlet-bad-value":                   {why: "cmdlet parameter value inside run"},
	"cmdlet-not-in-version":              {why: "cmdlet against the server's version"},
	"cmdlet-syntax":                      {why: "cmdlet syntax inside run"},
	"cmdlet-unknown-server":              {why: "cross-reference inside a cmdlet: unknown server"},
	"tracking-bad-start":                 {why: "cmdlet parameter value inside run: a date that is no date"},
	"monitor-every-nanosecond":           {why: "the event budget over the duration is arithmetic, not a pattern"},
	"traffic-every-zero":                 {why: "a duration more than 0 is not a pattern the schema keeps"},
	"after-unknown-id":                   {why: "cross-reference: after names a step id"},
	"long-name":                          {path: "/topology/servers/0/name"},
	"config-missing-required":            {why: "cmdlet parameters inside config"},
	"copy-outside-dag":                   {why: "cross-reference: database copies against DAG membership"},
	"duplicate-server":                   {why: "uniqueness of names across list items, case-insensitive"},
	"duration-over-limit":                {why: "a duration's value (30 days at most) is not a pattern"},
	"even-dag-without-witness":           {why: "witness required by the parity of the member count"},
	"fault-copy-not-there":               {why: "cross-reference inside a fault: no such database copy"},
	"fault-unknown-server":               {why: "cross-reference inside a fault: unknown server"},
	"fault-unknown-host":                 {why: "cross-reference inside a fault: unknown smart host or MX host"},
	"format-without-input":               {why: "cmdlet pipeline inside run"},
	"mailbox-on-missing-database":        {why: "cross-reference: unknown database"},
	"maintenance-script-not-in-dag":      {why: "cmdlet against DAG membership"},
	"partition-unknown":                  {why: "cross-reference inside a fault: unknown server or site"},
	"pipe-into-unrelated":                {why: "cmdlet pipeline inside run"},
	"role-not-in-version":                {why: "roles depend on the server's (or scenario's) version"},
	"sender-not-a-mailbox":               {why: "cross-reference: an address in an organization domain must be a mailbox"},
	"service-without-on":                 {why: "which cmdlets need on: is cmdlet knowledge"},
	"state-on-2010":                      {why: "component states against the server's version"},
	"step-after-duration":                {why: "a step's time against the scenario's duration"},
	"too-many-messages":                  {why: "the message total depends on perHour times the duration"},
	"traffic-after-duration":             {why: "traffic times against the scenario's duration"},
	"unknown-cmdlet":                     {why: "cmdlet names inside run"},
	"unknown-dag-member":                 {why: "cross-reference: unknown server"},
	"unknown-parameter":                  {why: "cmdlet parameters inside run"},
	"unknown-recipient":                  {why: "cross-reference: an address in an organization domain must be a mailbox"},
	"unknown-server-in-step":             {why: "cross-reference: unknown server"},
	"unknown-site":                       {why: "cross-reference: unknown site"},
	"site-link-unknown-site":             {why: "cross-reference: unknown site"},
	"site-link-twice":                    {why: "uniqueness of names across list items, case-insensitive"},
	"witness-unknown-site":               {why: "cross-reference: unknown site"},
	"witness-site-mismatch":              {why: "cross-reference: a declared witness server's own site"},
	"alternate-witness-member":           {why: "cross-reference: DAG membership"},
	"require-and-ignore-tls":             {why: "cross-reference: two keys of one connector"},
	"require-tls-without-starttls":       {why: "cross-reference: a connector's setting against its smart host's capabilities"},
	"smart-host-auth-without-auth-login": {why: "cross-reference: a connector's setting against its smart host's capabilities"},
	"unknown-external-host":              {why: "cross-reference: unknown smart host or MX host"},
}

func TestBadScenarios(t *testing.T) {
	files := glob(t, "format/testdata/bad/*.yaml")
	seen := map[string]bool{}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		seen[name] = true
		want, ok := badFiles[name]
		if !ok {
			golden, _ := os.ReadFile(strings.TrimSuffix(f, ".yaml") + ".golden")
			t.Errorf("%s is not in badFiles: classify it by its golden (%s)", name, strings.TrimSpace(string(golden)))
			continue
		}
		doc, err := decodeFile(t, f)
		if strings.HasPrefix(want.why, "yaml:") {
			if err == nil {
				t.Errorf("%s: decodes, but badFiles says %q", name, want.why)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		errs := Validate(doc)
		if want.why != "" {
			for _, e := range errs {
				t.Errorf("%s: the schema rejects it (%v), but badFiles says it cannot (%s)", name, e, want.why)
			}
			continue
		}
		if len(errs) == 0 {
			t.Errorf("%s: the schema accepts it; want an error at %q", name, want.path)
			continue
		}
		if !slices.ContainsFunc(errs, func(e error) bool { return e.(*Error).Path == want.path }) {
			t.Errorf("%s: errors %v; want one at %q", name, errs, want.path)
		}
	}
	for name := range badFiles {
		if !seen[name] {
			t.Errorf("badFiles lists %s, which is not in testdata/bad", name)
		}
	}
}

// TestMessages pins how errors read: the JSON pointer, then what was expected.
func TestMessages(t *testing.T) {
	doc := map[string]any{
		"name": "x", "description": "d", "duration": "2 hours", "seed": -1,
		"topology": map[string]any{"servers": []any{
			map[string]any{"name": "EX1", "roles": []any{"Mailbox"}},
			map[string]any{"name": "EX2", "roles": []any{"Mailbox"}, "version": "Exchange2010SP4"},
		}},
		"traffic": []any{map[string]any{"from": "a@b.c", "to": "d@e.f", "perHour": 5, "at": "1m"}},
		"a/b":     1,
	}
	want := []string{
		`/a~1b: unknown key "a/b" (want one of config, description, duration, edgeTransportConfig, expect, monitors, name, seed, start, steps, topology, traffic, version)`,
		`/duration: expected a duration like 90s, 1h30m, 2d, hh:mm:ss or 0, found "2 hours"`,
		`/seed: expected at least 0, found -1`,
		`/topology/servers/1/version: expected one of "Exchange2010", "Exchange2010SP1", "Exchange2010SP2", "Exchange2010SP3", "Exchange2013", "Exchange2016", "Exchange2019", "ExchangeSE", found "Exchange2010SP4"`,
		`/traffic/0/at: unknown key "at" (want one of from, perHour, size, start, subject, to, until)`,
	}
	var got []string
	for _, e := range Validate(doc) {
		got = append(got, e.Error())
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if errs := Validate(map[string]any{}); len(errs) != 4 || errs[0].Error() != `(document): missing required key "description"` {
		t.Errorf("empty document: %v", errs)
	}
}

// TestValues checks the scalar forms one at a time through small documents.
func TestValues(t *testing.T) {
	base := func(dur any) map[string]any {
		return map[string]any{"name": "x", "description": "d", "duration": dur,
			"topology": map[string]any{"servers": []any{map[string]any{"name": "EX1", "roles": []any{"Mailbox"}}}}}
	}
	for _, tc := range []struct {
		dur any
		ok  bool
	}{
		{"90s", true}, {"1h30m", true}, {"2d", true}, {"1.5h", true}, {"250ms", true}, {".5h", true},
		{"00:00:30", true}, {"2.00:00:00", true}, {"23:59", true}, {"1:2:3.1234567", true}, {"0", true},
		{0, true}, {uint64(0), true}, {int64(0), true}, {0.0, true},
		{"2 hours", false}, {"-5m", false}, {"5", false}, {"24:00:00", false}, {"1:60", false},
		{"1hm", false}, {"", false}, {1, false}, {true, false}, {nil, false}, {"1:2:3:4", false},
	} {
		errs := Validate(base(tc.dur))
		if (len(errs) == 0) != tc.ok {
			t.Errorf("duration %#v: errors %v, want ok=%v", tc.dur, errs, tc.ok)
		}
	}
	fault := func(f string) map[string]any {
		d := base("1h")
		d["steps"] = []any{map[string]any{"at": "1m", "fault": f}}
		return d
	}
	for f, ok := range map[string]bool{
		"crash EX1": true, "crash EX1 lose-queue": true, "stop EX1": true, "start EX1": true,
		`fail-copy DB1\EX1`: true, "heal": true, "partition EX1 from EX2": true,
		"partition EX1, EX2 from internet": true, "partition A ,B from C,D": true,
		"crsh EX1": false, "crash": false, "crash EX1 now": false, "heal all": false,
		"fail-copy DB1": false, "partition EX1": false, "partition EX1 EX2 from EX3": false,
		"partition EX1,,EX2 from EX3": false, "Crash EX1": false,
	} {
		if errs := Validate(fault(f)); (len(errs) == 0) != ok {
			t.Errorf("fault %q: errors %v, want ok=%v", f, errs, ok)
		}
	}
	cmp := func(c any) map[string]any {
		d := base("1h")
		d["expect"] = map[string]any{"lost": c}
		return d
	}
	for _, tc := range []struct {
		c  any
		ok bool
	}{
		{0, true}, {2.5, true}, {-1, true}, {">0", true}, {"<= 5", true}, {"=3", true}, {"!=0", true},
		{"1e3", true}, {"about 2", false}, {">", false}, {"=>1", false}, {true, false}, {"NaN", false},
	} {
		if errs := Validate(cmp(tc.c)); (len(errs) == 0) != tc.ok {
			t.Errorf("comparison %#v: errors %v, want ok=%v", tc.c, errs, tc.ok)
		}
	}
}

// subschemas calls f on every schema object of a schema document, with its
// path and whether it is an alternative (inside anyOf or oneOf) or part of one.
func subschemas(v any, path string, alt bool, f func(m map[string]any, path string, alt bool)) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	f(m, path, alt)
	for _, k := range sortedKeys(m) {
		switch k {
		case "properties", "$defs":
			sub, _ := m[k].(map[string]any)
			for _, name := range sortedKeys(sub) {
				subschemas(sub[name], path+"/"+k+"/"+name, alt, f)
			}
		case "items", "additionalProperties":
			subschemas(m[k], path+"/"+k, alt, f)
		case "prefixItems", "allOf", "anyOf", "oneOf":
			sub, _ := m[k].([]any)
			for i, x := range sub {
				subschemas(x, path+"/"+k+"/"+strconv.Itoa(i), alt || k == "anyOf" || k == "oneOf", f)
			}
		}
	}
}

// keywords are the ones Validate implements or that only annotate; a keyword
// outside them would be silently ignored here and obeyed by an editor.
var keywords = map[string]bool{
	"$schema": true, "$id": true, "$comment": true, "$defs": true, "$ref": true,
	"title": true, "description": true,
	"type": true, "enum": true, "const": true, "pattern": true, "minLength": true,
	"minimum": true, "maximum": true, "exclusiveMinimum": true,
	"properties": true, "additionalProperties": true, "required": true,
	"items": true, "prefixItems": true, "minItems": true, "maxItems": true, "uniqueItems": true,
	"anyOf": true, "oneOf": true, "allOf": true,
}

// TestSchemaIsWellFormed: the file is one JSON value in draft 2020-12, uses only
// keywords Validate knows, every $ref resolves and every definition is used, every
// pattern compiles, and every property tells an editor what it is.
func TestSchemaIsWellFormed(t *testing.T) {
	var raw any
	if err := json.Unmarshal(JSON, &raw); err != nil {
		t.Fatalf("scenario.schema.json is not JSON: %v", err)
	}
	s, err := Compile(JSON) // compiles every pattern
	if err != nil {
		t.Fatal(err)
	}
	root := raw.(map[string]any)
	if root["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %v, want draft 2020-12", root["$schema"])
	}
	used := map[string]bool{}
	describes := func(p map[string]any) bool {
		if p["description"] != nil {
			return true
		}
		ref, _ := p["$ref"].(string)
		target, _ := s.Resolve(ref)
		tm, _ := target.(map[string]any)
		return tm["description"] != nil
	}
	subschemas(raw, "#", false, func(m map[string]any, path string, alt bool) {
		for k := range m {
			if !keywords[k] {
				t.Errorf("%s: unknown keyword %q", path, k)
			}
		}
		if ref, ok := m["$ref"].(string); ok {
			used[ref] = true
			if _, ok := s.Resolve(ref); !ok {
				t.Errorf("%s: $ref %q does not resolve", path, ref)
			}
		}
		// An alternative's properties only narrow the keys its object describes.
		props, _ := m["properties"].(map[string]any)
		for _, k := range sortedKeys(props) {
			if p, ok := props[k].(map[string]any); !alt && (!ok || !describes(p)) {
				t.Errorf("%s/properties/%s has no description", path, k)
			}
		}
	})
	for _, name := range sortedKeys(root["$defs"].(map[string]any)) {
		if !used["#/$defs/"+name] {
			t.Errorf("$defs/%s is never used", name)
		}
	}
}

// keyTables reads the key lists of the loader's mapping calls,
//
//	l.mapping(n, "a server", "name", "site", "roles", "version")
//
// from the scenarios package source: what → keys.
func keyTables(t *testing.T) map[string][]string {
	t.Helper()
	out := parseKeyTables(loaderSources(t))
	if len(out) == 0 {
		t.Fatal("found no l.mapping(n, what, keys...) calls under scenarios/: the loader changed form; teach keyTables to read it")
	}
	return out
}

var mappingCall = regexp.MustCompile(`\.mapping\(\s*[^,()]+,\s*"([^"]+)"((?:\s*,\s*"[^"]*")*)\s*,?\s*\)`)

func parseKeyTables(srcs []string) map[string][]string {
	out := map[string][]string{}
	for _, src := range srcs {
		for _, m := range mappingCall.FindAllStringSubmatch(src, -1) {
			for _, k := range literals(m[2]) {
				if !slices.Contains(out[m[1]], k) {
					out[m[1]] = append(out[m[1]], k)
				}
			}
		}
	}
	return out
}

func TestParseKeyTables(t *testing.T) {
	got := parseKeyTables([]string{`es, err := l.mapping(it, "a server", "name", "site",
		"roles", "version")
	es, err := l.mapping(r, "inbound", "loadBalancer", "policy",
	)
	x := mapping(n, "not a loader call", "a")`})
	want := map[string][]string{"a server": {"name", "site", "roles", "version"}, "inbound": {"loadBalancer", "policy"}}
	if len(got) != len(want) || !slices.Equal(got["a server"], want["a server"]) || !slices.Equal(got["inbound"], want["inbound"]) {
		t.Errorf("parseKeyTables = %v, want %v", got, want)
	}
}

// loaderSources are the non-test Go files of scenarios/ and its subpackages
// (the loader may move into one), except this package.
func loaderSources(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(scenariosDir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "schema" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out = append(out, string(b))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// where maps the loader's name for a mapping to the schema object for it.
var where = map[string]string{
	"the scenario":           "#",
	"topology":               "#/$defs/topology",
	"a server":               "#/$defs/server",
	"a site":                 "#/$defs/site",
	"a site link":            "#/$defs/siteLink",
	"a DAG":                  "#/$defs/dag",
	"a database":             "#/$defs/database",
	"a mailbox":              "#/$defs/mailbox",
	"a send connector":       "#/$defs/sendConnector",
	"internet":               "#/$defs/internet",
	"an external domain":     "#/$defs/externalDomain",
	"an external host":       "#/$defs/externalHost",
	"inbound":                "#/$defs/loadBalancer",
	"a traffic entry":        "#/$defs/traffic",
	"a step":                 "#/$defs/step",
	"a monitor":              "#/$defs/monitor",
	"expect":                 "#/$defs/expect",
	"spof":                   "#/$defs/expect/properties/spof",
	"an alert expectation":   "#/$defs/expect/properties/alerts/items",
	"a tracking expectation": "#/$defs/expect/properties/tracking/items",
	"a queue expectation":    "#/$defs/expect/properties/queues/items",
	"a state expectation":    "#/$defs/expect/properties/states/items",
}

func propertyNames(t *testing.T, s *Schema, ptr string) []string {
	t.Helper()
	v, ok := s.Resolve(ptr)
	if !ok {
		t.Fatalf("schema has no %s", ptr)
	}
	props, _ := v.(map[string]any)["properties"].(map[string]any)
	return sortedKeys(props)
}

// TestLoaderKeysInSchema fails when a loader key is missing from the schema (or the
// schema has a key the loader refuses), so neither can change alone.
func TestLoaderKeysInSchema(t *testing.T) {
	s, err := Compile(JSON)
	if err != nil {
		t.Fatal(err)
	}
	tables := keyTables(t)
	for _, what := range sortedKeys(tables) {
		ptr, ok := where[what]
		if !ok {
			t.Errorf("the loader has a new mapping %q (keys %v): describe it in the schema and add it to where", what, tables[what])
			continue
		}
		keys := slices.Clone(tables[what])
		sort.Strings(keys)
		if got := propertyNames(t, s, ptr); !slices.Equal(got, keys) {
			t.Errorf("%s: schema %s has keys %v, the loader %v", what, ptr, got, keys)
		}
	}
	for what := range where {
		if _, ok := tables[what]; !ok {
			t.Errorf("where lists %q, which the loader no longer reads", what)
		}
	}
	// The alternatives of an object use only keys the object describes.
	walk(s.root, func(m map[string]any) {
		props, _ := m["properties"].(map[string]any)
		for _, kw := range []string{"oneOf", "anyOf"} {
			alts, _ := m[kw].([]any)
			for _, a := range alts {
				am, _ := a.(map[string]any)
				bp, _ := am["properties"].(map[string]any)
				for k := range bp {
					if _, ok := props[k]; !ok && props != nil {
						t.Errorf("an alternative of %v uses key %q its object does not describe", sortedKeys(props), k)
					}
				}
			}
		}
	})
}

// listLiteral returns the string literals of the composite literal assigned to
// name (var name = []string{...} or a map of lists) in the loader's source.
func listLiteral(t *testing.T, name string) string {
	t.Helper()
	re := regexp.MustCompile(`\b` + name + `\s*=\s*[^{\n]*\{`)
	for _, src := range loaderSources(t) {
		loc := re.FindStringIndex(src)
		if loc == nil {
			continue
		}
		depth := 0
		for i := loc[1] - 1; i < len(src); i++ {
			switch src[i] {
			case '{':
				depth++
			case '}':
				depth--
				if depth == 0 {
					return src[loc[1]:i]
				}
			}
		}
	}
	t.Fatalf("found no %s = ...{...} under scenarios/", name)
	return ""
}

func literals(s string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`"([^"]*)"`).FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

func enumAt(t *testing.T, s *Schema, ptr string) []string {
	t.Helper()
	v, ok := s.Resolve(ptr)
	if !ok {
		t.Fatalf("schema has no %s", ptr)
	}
	var out []string
	for _, x := range v.(map[string]any)["enum"].([]any) {
		out = append(out, x.(string))
	}
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// TestEnumsMatchLoader: each enumeration equals the list the loader checks against.
func TestEnumsMatchLoader(t *testing.T) {
	s, err := Compile(JSON)
	if err != nil {
		t.Fatal(err)
	}
	var roles []string
	for _, m := range regexp.MustCompile(`:\s*\{([^}]*)\}`).FindAllStringSubmatch(listLiteral(t, "rolesByVersion"), -1) {
		roles = append(roles, literals(m[1])...)
	}
	_, _, edge := transport.Settings()
	for _, c := range []struct {
		what   string
		loader []string
		ptr    string
	}{
		{"Versions", literals(listLiteral(t, "Versions")), "#/$defs/version"},
		{"rolesByVersion", roles, "#/$defs/server/properties/roles/items"},
		{"monitorKinds", literals(listLiteral(t, "monitorKinds")), "#/$defs/monitor/properties/kind"},
		{"monitorKinds (alerts)", literals(listLiteral(t, "monitorKinds")), "#/$defs/expect/properties/alerts/items/properties/monitor"},
		{"QueueStatuses", literals(listLiteral(t, "QueueStatuses")), "#/$defs/expect/properties/queues/items/properties/status"},
		{"componentStates", literals(listLiteral(t, "componentStates")), "#/$defs/expect/properties/states/items/properties/state"},
		{"cmdlet.Components", cmdlet.Components, "#/$defs/component"},
	} {
		if got := enumAt(t, s, c.ptr); !sameSet(got, c.loader) {
			t.Errorf("%s: schema %s has %v, the loader %v", c.what, c.ptr, got, c.loader)
		}
	}
	if got := propertyNames(t, s, "#/$defs/edgeTransportConfig"); !sameSet(got, edge) {
		t.Errorf("edgeTransportConfig: schema has keys %v, transport.Settings %v", got, edge)
	}
	// Kinds the loader dispatches on, per monitor kind: the oneOf alternatives.
	allowed := map[string][]string{}
	for _, m := range regexp.MustCompile(`"(mailflow|heartbeat)":\s*\{([^}]*)\}`).FindAllStringSubmatch(strings.Join(loaderSources(t), "\n"), -1) {
		allowed[m[1]] = literals(m[2])
	}
	mon, _ := s.Resolve("#/$defs/monitor")
	for _, a := range mon.(map[string]any)["oneOf"].([]any) {
		props := a.(map[string]any)["properties"].(map[string]any)
		kind := props["kind"].(map[string]any)["const"].(string)
		if !sameSet(sortedKeys(props), allowed[kind]) {
			t.Errorf("%s monitor: schema allows %v, the loader %v", kind, sortedKeys(props), allowed[kind])
		}
	}
	// Words inside string patterns: every tracking EventId and fault verb.
	alternation := func(ptr string) []string {
		v, _ := s.Resolve(ptr)
		p := v.(map[string]any)["pattern"].(string)
		return regexp.MustCompile(`[A-Za-z-]+`).FindAllString(p, -1)
	}
	words := alternation("#/$defs/trackingEvent")
	for _, id := range literals(listLiteral(t, "EventIDs")) {
		if !slices.Contains(words, id) {
			t.Errorf("EventId %s is not in the trackingEvent pattern", id)
		}
	}
	words = alternation("#/$defs/fault")
	for _, verb := range fault.Verbs() {
		if !slices.Contains(words, verb) {
			t.Errorf("fault verb %s is not in the fault pattern", verb)
		}
	}
}

// TestValidatorKeywords covers the keywords the scenario schema does not use yet.
func TestValidatorKeywords(t *testing.T) {
	s, err := Compile([]byte(`{
		"$defs": {"pair": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}], "items": false}},
		"type": "object",
		"properties": {
			"p": {"$ref": "#/$defs/pair"},
			"n": {"type": "string", "minLength": 2},
			"all": {"allOf": [{"minimum": 1}, {"maximum": 3}]},
			"one": {"oneOf": [{"type": "number"}, {"type": "integer"}]},
			"big": {"maximum": 9223372036854775807},
			"extra": {"type": "object", "additionalProperties": {"type": "boolean"}}
		}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal([]byte(`{"p": ["a", 1, 2], "n": "é", "all": 4, "one": 1, "big": 9223372036854775808, "extra": {"x": 1}}`), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range s.Validate(doc) {
		got = append(got, e.Error())
	}
	want := []string{
		"/all: expected at most 3, found 4",
		"/big: expected at most 9223372036854775807, found 9223372036854775808",
		"/extra/x: expected boolean, found 1",
		"/n: expected at least 2 characters, found \"é\"",
		"/one: matches 2 alternatives of oneOf, want exactly one",
		"/p/2: no value is allowed here",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := Compile([]byte(`{"pattern": "("}`)); err == nil {
		t.Error("a bad pattern compiles")
	}
	if errs := Validate(map[string]any{"name": make(chan int)}); len(errs) == 0 {
		t.Error("a channel validates")
	}
}
