package format

import (
	"fmt"
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
