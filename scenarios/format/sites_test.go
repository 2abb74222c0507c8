package format

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// fact: exchange-site-resilience.md §2.7 (witness placement: the primary site, a
// third site, or Azure) and the form: `witness: {server, site}` places the
// witness; the plain `witness: FS1` is in the site of the DAG's first member; a
// declared server is in its own site; the alternate witness is placed the same way.
func TestWitnessAndAlternateWitnessHaveSites(t *testing.T) {
	base := "name: w\ndescription: d\nversion: Exchange2019\nduration: 1h\ntopology:\n  sites: [Red, Blue, Green]\n  servers:\n    - {name: EX1, site: Red, roles: [Mailbox]}\n    - {name: EX2, site: Blue, roles: [Mailbox]}\n    - {name: HUB, site: Blue, roles: [Mailbox]}\n  dags:\n    - {name: DAG1, members: [EX1, EX2], %s}\n"
	for _, c := range []struct {
		dag                         string
		witness, site, alt, altSite string
		dac                         string
	}{
		{"witness: FS1", "FS1", "Red", "", "", ""},
		{"witness: {server: FS1, site: Green}", "FS1", "Green", "", "", ""},
		{"witness: hub", "HUB", "Blue", "", "", ""},
		{"witness: FS1, alternateWitness: {server: FS2, site: blue}, datacenterActivationMode: dagonly", "FS1", "Red", "FS2", "Blue", "DagOnly"},
	} {
		s, err := Parse("w.yaml", []byte(fmt.Sprintf(base, c.dag)))
		require.NoError(t, err, c.dag)
		d := s.Topology.DAGs[0]
		require.Equal(t, []string{c.witness, c.site, c.alt, c.altSite, c.dac}, []string{d.Witness, d.WitnessSite, d.AlternateWitness, d.AlternateWitnessSite, d.DatacenterActivationMode}, c.dag)
	}
}

// fact: the faults: fail-site and restore-site name a site, partition-sites
// only sites (a server there is an error naming the sites).
func TestSiteFaultsNameSites(t *testing.T) {
	base := "name: f\ndescription: d\nversion: Exchange2019\nduration: 1h\ntopology:\n  sites: [Red, Blue]\n  servers:\n    - {name: EX1, site: Red, roles: [Mailbox]}\n    - {name: EX2, site: Blue, roles: [Mailbox]}\nsteps:\n  - {at: 1m, fault: \"%s\"}\n"
	for _, c := range []struct{ fault, err string }{
		{"fail-site red", ""},
		{"restore-site Blue", ""},
		{"partition-sites Red from blue", ""},
		{"fail-site Green", `unknown site "Green"`},
		{"partition-sites EX1 from Blue", `unknown site "EX1"`},
	} {
		s, err := Parse("f.yaml", []byte(fmt.Sprintf(base, c.fault)))
		if c.err != "" {
			require.ErrorContains(t, err, c.err, c.fault)
			continue
		}
		require.NoError(t, err, c.fault)
		f := s.Steps[0].Fault
		for _, n := range append(append([]string{f.Site}, f.A...), f.B...) {
			require.Contains(t, []string{"", "Red", "Blue"}, n, "resolved to the declared spelling")
		}
	}
}

// fact: exchange-site-resilience.md §1.4 and Conflicts 1 (per-version DAC
// eligibility): Exchange 2010 RTM allowed DAC mode only for DAGs of three or more
// members across two AD sites; SP1 and later allow a two-member single-site DAG.
func TestDACModeEligibilityPerVersion(t *testing.T) {
	base := "name: d\ndescription: d\nversion: %s\nduration: 1h\ntopology:\n  sites: [Red, Blue]\n  servers:\n    - {name: EX1, site: Red, roles: [Mailbox, HubTransport]}\n    - {name: EX2, site: %s, roles: [Mailbox, HubTransport]}\n    - {name: EX3, site: Blue, roles: [Mailbox, HubTransport]}\n  dags:\n    - {name: DAG1, members: [%s], witness: FS1, datacenterActivationMode: DagOnly}\n"
	for _, c := range []struct {
		version, site2, members string
		ok                      bool
	}{
		{"Exchange2010", "Red", "EX1, EX2", false},
		{"Exchange2010", "Red", "EX1, EX2, EX3", true},
		{"Exchange2010SP1", "Red", "EX1, EX2", true},
		{"Exchange2013", "Red", "EX1, EX2", true},
	} {
		doc := fmt.Sprintf(base, c.version, c.site2, c.members)
		if c.version == "Exchange2013" {
			doc = strings.ReplaceAll(doc, "HubTransport", "ClientAccess")
		}
		_, err := Parse("d.yaml", []byte(doc))
		if c.ok {
			require.NoError(t, err, c)
		} else {
			require.ErrorContains(t, err, "Exchange 2010 RTM needs a DAG of at least three members", c)
		}
	}
}
