package scenarios

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/exsim/exsim/components"
	"github.com/exsim/exsim/dag"
	"github.com/exsim/exsim/scenarios/fault"
	"github.com/exsim/exsim/scenarios/format"
)

// siteState is where each node of the world sits and which sites a fail-site fault
// took out (issue 17). A node of a failed site is unreachable from everywhere: its
// servers are down, its witness shares gone, its links with them.
type siteState struct {
	of      map[string]string   // node (server, witness) -> its site
	down    map[string]bool     // failed sites
	crashed map[string][]string // site -> the servers fail-site crashed (restore-site boots them)
	witness map[string]bool     // declared servers that hold a witness share
}

func newSiteState(sc *Scenario) *siteState {
	st := &siteState{of: map[string]string{}, down: map[string]bool{}, crashed: map[string][]string{}, witness: map[string]bool{}}
	for _, sv := range sc.Topology.Servers {
		st.of[sv.Name] = sv.Site
	}
	for _, d := range sc.Topology.DAGs {
		for _, wn := range []string{d.Witness, d.AlternateWitness} {
			if _, declared := st.of[wn]; declared && wn != "" {
				st.witness[wn] = true
			}
		}
		if d.Witness != "" && st.of[d.Witness] == "" {
			st.of[d.Witness] = d.WitnessSite
		}
		if d.AlternateWitness != "" && st.of[d.AlternateWitness] == "" {
			st.of[d.AlternateWitness] = d.AlternateWitnessSite
		}
	}
	return st
}

func (st *siteState) isDown(node string) bool {
	return st != nil && len(st.down) > 0 && st.down[st.of[node]]
}

// witnessDown reports whether node is a declared server holding a witness share that
// is down: a witness that is down is unreachable (dag.Env.Reachable).
func (w *world) witnessDown(node string) bool {
	return w.mon != nil && w.sites.witness[node] && !w.mon.Up(node)
}

// witnessChanged tells the DAG model that a witness server went down or came up.
func (w *world) witnessChanged(server string) {
	if w.sites.witness[server] {
		if w.mon.Up(server) {
			w.dag.WitnessBooted(server)
		}
		w.dag.NetworkChanged()
	}
}

// nodes lists the nodes of the sites, in a fixed order (servers as declared, then
// witnesses).
func (w *world) siteNodes(sites []string) map[string]bool {
	m := map[string]bool{}
	for n, s := range w.sites.of {
		for _, x := range sites {
			if strings.EqualFold(s, x) {
				m[n] = true
			}
		}
	}
	return m
}

func siteOptions(d format.DAGSpec) dag.SiteOptions {
	mode := dag.DACOff
	if d.DatacenterActivationMode == "DagOnly" {
		mode = dag.DACDagOnly
	}
	return dag.SiteOptions{WitnessSite: d.WitnessSite, AlternateWitness: d.AlternateWitness, AlternateWitnessSite: d.AlternateWitnessSite, DAC: mode}
}

// siteFault applies fail-site, restore-site and partition-sites.
func (w *world) siteFault(f *fault.Fault) {
	switch f.Kind {
	case fault.FailSite:
		if w.sites.down[f.Site] {
			return
		}
		// A power loss: the servers stop at once (their queue databases survive on
		// disk), and the witness and the links go with them. The site is cut off
		// first, so no model sees its servers fall one by one.
		w.sites.down[f.Site] = true
		var crashed []string
		for _, sv := range w.sc.Topology.Servers {
			if sv.Site != f.Site || !w.tr.Up(sv.Name) {
				continue
			}
			crashed = append(crashed, sv.Name)
			w.servicesStopped(sv.Name)
			w.tr.Crash(sv.Name, false)
			if w.isMailbox(sv.Name) {
				w.dag.ServerDown(sv.Name)
			}
			w.mon.ServerDown(sv.Name)
		}
		w.sites.crashed[f.Site] = crashed
	case fault.RestoreSite:
		if !w.sites.down[f.Site] {
			return
		}
		delete(w.sites.down, f.Site)
		// the site's witness shares boot with it (declared witness servers boot below)
		for _, n := range sortedNames(w.sites.of) {
			if w.sites.of[n] == f.Site && !w.sites.witness[n] && w.isWitness(n) {
				w.dag.WitnessBooted(n)
			}
		}
		for _, n := range w.sites.crashed[f.Site] {
			if w.isMailbox(n) {
				w.dag.ServerUp(n)
			}
			w.tr.Start(n)
			w.mon.ServerUp(n)
			w.witnessChanged(n)
		}
		delete(w.sites.crashed, f.Site)
	case fault.PartitionSites:
		w.parts = append(w.parts, partition{a: w.siteNodes(f.A), b: w.siteNodes(f.B)})
	}
	w.dag.NetworkChanged()
	w.tr.NetworkChanged()
}

// witnessSite is the site of a witness named in a cmdlet: a declared server's own
// site, or the one the topology placed it in ("" unknown: such a witness is lost with
// no fail-site).
func (w *world) witnessSite(name string) string {
	for n, s := range w.sites.of {
		if strings.EqualFold(n, name) {
			return s
		}
	}
	return ""
}

// site resolves an -ActiveDirectorySite value to the declared spelling.
func (c *call) site() (string, error) {
	if !c.has("ActiveDirectorySite") {
		return "", nil
	}
	v := c.str("ActiveDirectorySite")
	for _, s := range c.w.sc.Topology.Sites {
		if strings.EqualFold(s, v) {
			return s, nil
		}
	}
	return "", fmt.Errorf("The Active Directory site '%s' couldn't be found.", v)
}

func (c *call) targets() (string, []string, error) {
	site, err := c.site()
	if err != nil {
		return "", nil, err
	}
	var servers []string
	if c.has("MailboxServer") {
		servers = []string{c.str("MailboxServer")}
	}
	if site == "" && len(servers) == 0 {
		return "", nil, fmt.Errorf("Specify -ActiveDirectorySite or -MailboxServer.")
	}
	return site, servers, nil
}

func (c *call) setDAG() (string, error) {
	opt := dag.SetDAGOptions{WitnessServer: c.str("WitnessServer"), AlternateWitness: c.str("AlternateWitnessServer"),
		WitnessDirectory: c.str("WitnessDirectory"), AlternateWitnessDirectory: c.str("AlternateWitnessDirectory")}
	if c.has("DatacenterActivationMode") {
		m, err := dag.ParseDACMode(c.str("DatacenterActivationMode"))
		if err != nil {
			return "", err
		}
		opt.DAC = m
		if m == dag.DACDagOnly {
			if err := c.w.dacAllowed(c.str("Identity")); err != nil {
				return "", err
			}
		}
	}
	if opt.AlternateWitness != "" {
		opt.AlternateWitnessSite = c.w.witnessSite(opt.AlternateWitness)
	}
	if c.has("ReplayLagManagerEnabled") {
		if err := c.w.dag.SetReplayLagManager(c.str("Identity"), c.flag("ReplayLagManagerEnabled")); err != nil {
			return "", err
		}
		if opt == (dag.SetDAGOptions{}) {
			return "", nil // not the bare Set-DatabaseAvailabilityGroup
		}
	}
	return "", c.w.dag.SetDAG(c.str("Identity"), opt)
}

func (c *call) stopDAG() (string, error) {
	site, servers, err := c.targets()
	if err != nil {
		return "", err
	}
	return "", c.w.dag.StopDAG(c.str("Identity"), site, servers, c.flag("ConfigurationOnly"))
}

func (c *call) restoreDAG() (string, error) {
	site, err := c.site()
	if err != nil {
		return "", err
	}
	opt := dag.RestoreOptions{Site: site, AlternateWitness: c.str("AlternateWitnessServer"), UsePrimaryWitnessServer: c.flag("UsePrimaryWitnessServer"),
		AlternateWitnessDirectory: c.str("AlternateWitnessDirectory")}
	if opt.AlternateWitness != "" {
		opt.AlternateWitnessSite = c.w.witnessSite(opt.AlternateWitness)
	}
	return "", c.w.dag.RestoreDAG(c.str("Identity"), opt)
}

func (c *call) startDAG() (string, error) {
	site, servers, err := c.targets()
	if err != nil {
		return "", err
	}
	return "", c.w.dag.StartDAG(c.str("Identity"), site, servers, c.flag("ConfigurationOnly"))
}

func (c *call) moveOptions() dag.MoveOptions {
	o := dag.MoveOptions{SkipLagChecks: c.flag("SkipLagChecks")}
	if d := c.str("MountDialOverride"); d != "" && !strings.EqualFold(d, "None") {
		o.MountDialOverride = dag.MountDial(d)
		for _, v := range []dag.MountDial{dag.BestAvailability, dag.GoodAvailability, dag.Lossless, dag.BestEffort} {
			if strings.EqualFold(d, string(v)) {
				o.MountDialOverride = v
			}
		}
	}
	return o
}

func (c *call) setCopy() (string, error) {
	db, server, err := splitCopy(c.str("Identity"))
	if err != nil {
		return "", err
	}
	var lag, trunc *time.Duration
	for _, p := range []struct {
		name string
		to   **time.Duration
	}{{"ReplayLagTime", &lag}, {"TruncationLagTime", &trunc}} {
		if !c.has(p.name) {
			continue
		}
		d, err := ParseDuration(c.str(p.name))
		if err != nil {
			return "", fmt.Errorf("Cannot bind parameter '%s'. Cannot convert value \"%s\" to type \"System.TimeSpan\".", p.name, c.str(p.name))
		}
		*p.to = &d
	}
	if c.has("ReplayLagMaxDelay") {
		// -ReplayLagMaxDelay (2016+, exchange-site-resilience.md 3.1).
		if v := componentsVersion(c.w.spec[server].Version); v != components.Exchange2016 && v != components.Exchange2019 {
			return "", fmt.Errorf("A parameter cannot be found that matches parameter name 'ReplayLagMaxDelay'. (It exists from Exchange 2016 on; %s runs %s.)", server, v)
		}
		d, err := ParseDuration(c.str("ReplayLagMaxDelay"))
		if err != nil {
			return "", fmt.Errorf("Cannot bind parameter 'ReplayLagMaxDelay'. Cannot convert value \"%s\" to type \"System.TimeSpan\".", c.str("ReplayLagMaxDelay"))
		}
		if err := c.w.dag.SetReplayLagMaxDelay(db, server, d); err != nil {
			return "", err
		}
	}
	if lag == nil && trunc == nil {
		return "", nil
	}
	if err := c.w.dag.SetCopyLag(db, server, lag, trunc); err != nil {
		return "", err
	}
	c.w.checkLagAgainstSafetyNet()
	return "", nil
}

// checkLagAgainstSafetyNet warns once per copy and setting when a lagged copy's
// ReplayLagTime is longer than SafetyNetHoldTime.
func (w *world) checkLagAgainstSafetyNet() {
	hold := w.tr.SafetyNetHoldTime()
	for _, l := range w.dag.LaggedCopies() {
		if l.ReplayLagTime > hold {
			w.s.Journal().Emit(w.s.Now(), l.Server, l.Database+`\`+l.Server, LagBeyondSafetyNet{Database: l.Database, Server: l.Server, ReplayLagTime: l.ReplayLagTime, SafetyNetHold: hold})
		}
	}
}

func (LagBeyondSafetyNet) Kind() string { return "scenario.warning" }
func (e LagBeyondSafetyNet) Narrate() string {
	return fmt.Sprintf("WARNING: %s\\%s lags %s, but Safety Net holds mail for only %s (SafetyNetHoldTime): activating this lagged copy would need mail Safety Net no longer has. Set SafetyNetHoldTime to at least the ReplayLagTime.", e.Database, e.Server, dag.FormatTimeSpan(e.ReplayLagTime), dag.FormatTimeSpan(e.SafetyNetHold))
}

func (c *call) lag(name string) (time.Duration, error) {
	if !c.has(name) {
		return 0, nil
	}
	d, err := ParseDuration(c.str(name))
	if err != nil {
		return 0, fmt.Errorf("Cannot bind parameter '%s'. Cannot convert value \"%s\" to type \"System.TimeSpan\".", name, c.str(name))
	}
	return d, nil
}

func (c *call) addCopy() (string, error) {
	opt := dag.AddCopyOptions{SeedingPostponed: c.flag("SeedingPostponed"), ConfigurationOnly: c.flag("ConfigurationOnly")}
	var err error
	if opt.ReplayLagTime, err = c.lag("ReplayLagTime"); err != nil {
		return "", err
	}
	if opt.TruncationLagTime, err = c.lag("TruncationLagTime"); err != nil {
		return "", err
	}
	if c.has("ActivationPreference") {
		n, err := strconv.Atoi(c.str("ActivationPreference"))
		if err != nil || n < 1 {
			return "", fmt.Errorf("Cannot bind parameter 'ActivationPreference': %q is not a number of at least 1.", c.str("ActivationPreference"))
		}
		opt.ActivationPreference = n
	}
	if err := c.w.dag.AddCopy(c.str("Identity"), c.str("MailboxServer"), opt); err != nil {
		return "", err
	}
	if opt.ReplayLagTime > 0 {
		c.w.checkLagAgainstSafetyNet()
	}
	return "", nil
}

func (c *call) removeCopy() (string, error) {
	db, server, err := splitCopy(c.str("Identity"))
	if err != nil {
		return "", err
	}
	return "", c.w.dag.RemoveCopy(db, server)
}

func (c *call) updateCopy() (string, error) {
	db, server, err := splitCopy(c.str("Identity"))
	if err != nil {
		return "", err
	}
	return "", c.w.dag.UpdateCopy(db, server, dag.UpdateCopyOptions{SourceServer: c.str("SourceServer"), DeleteExistingFiles: c.flag("DeleteExistingFiles")})
}

func (c *call) maximumActive(server string) error {
	n, err := c.nullableCount("MaximumActiveDatabases")
	if err != nil {
		return err
	}
	return c.w.dag.SetMaximumActiveDatabases(server, n)
}

// maximumPreferred is -MaximumPreferredActiveDatabases (2013+, exchange-site-resilience.md 6.1).
func (c *call) maximumPreferred(server string) error {
	if v := componentsVersion(c.w.spec[server].Version); !v.HasComponentStates() {
		return fmt.Errorf("A parameter cannot be found that matches parameter name 'MaximumPreferredActiveDatabases'. (It exists from Exchange 2013 on; %s runs %s.)", server, v)
	}
	n, err := c.nullableCount("MaximumPreferredActiveDatabases")
	if err != nil {
		return err
	}
	return c.w.dag.SetMaximumPreferredActiveDatabases(server, n)
}

// nullableCount reads $null (0) or a whole number.
func (c *call) nullableCount(param string) (int, error) {
	v := c.str(param)
	if v == "" || strings.EqualFold(v, "$null") { // the shell binds $null as empty
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("Cannot bind parameter '%s'. Cannot convert value \"%s\" to type \"System.Int32\".", param, v)
	}
	return n, nil
}

// redistribute runs RedistributeActiveDatabases.ps1 and prints the final
// distribution (what -ShowFinalDatabaseDistribution shows; the script's other console
// text is not captured anywhere, see dag/doc.go).
func (c *call) redistribute() (string, error) {
	byPref, bySite := c.flag("BalanceDbsByActivationPreference"), c.flag("BalanceDbsBySiteAndActivationPreference")
	if byPref == bySite {
		return "", fmt.Errorf("Specify exactly one of -BalanceDbsByActivationPreference and -BalanceDbsBySiteAndActivationPreference.")
	}
	rows, err := c.w.dag.Redistribute(c.str("DagName"), bySite)
	if rows == nil {
		return "", err
	}
	return dag.FormatDistribution(rows), err
}

func (w *world) dacAllowed(dagName string) error {
	for _, d := range w.sc.Topology.DAGs {
		if strings.EqualFold(d.Name, dagName) {
			var ms []format.ServerSpec
			for _, m := range d.Members {
				ms = append(ms, w.spec[m])
			}
			return format.DACAllowed(ms)
		}
	}
	return nil
}

func (w *world) isWitness(name string) bool {
	for _, d := range w.sc.Topology.DAGs {
		if name != "" && (name == d.Witness || name == d.AlternateWitness) {
			return true
		}
	}
	return false
}
