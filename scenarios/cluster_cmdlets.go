package scenarios

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/exsim/exsim/sim/psfmt"
)

// Get-ClusterNode and Get-Cluster: the failover cluster under a DAG, with the
// dynamic quorum properties (exchange-site-resilience.md 2.8; dag/quorum_dynamic.go).
// The cluster is named by the DAG's name; without one, the scenario's only DAG.

func (c *call) clusterName(param string) (string, error) {
	if c.has(param) {
		return c.str(param), nil
	}
	dags := c.w.sc.Topology.DAGs
	if len(dags) == 1 {
		return dags[0].Name, nil
	}
	names := make([]string, len(dags))
	for i, d := range dags {
		names[i] = d.Name
	}
	return "", fmt.Errorf("%s: name the cluster with -%s (one of %s)", c.name, param, strings.Join(names, ", "))
}

// clusterNodes prints the captured columns Name, DynamicWeight, State, NodeWeight, Id.
func (c *call) clusterNodes() (string, error) {
	cl, err := c.clusterName("Cluster")
	if err != nil {
		return "", err
	}
	rows, err := c.w.dag.ClusterNodes(cl)
	if err != nil {
		return "", err
	}
	var objs [][]psfmt.Field
	for _, r := range rows {
		if c.has("Name") && !strings.EqualFold(c.str("Name"), r.Name) {
			continue
		}
		objs = append(objs, []psfmt.Field{
			{Name: "Name", Value: r.Name},
			{Name: "DynamicWeight", Value: strconv.Itoa(r.DynamicWeight)},
			{Name: "State", Value: r.State},
			{Name: "NodeWeight", Value: strconv.Itoa(r.NodeWeight)},
			{Name: "Id", Value: strconv.Itoa(r.ID)},
		})
	}
	return c.objects(objs, c.version(""))
}

func (c *call) cluster() (string, error) {
	cl, err := c.clusterName("Name")
	if err != nil {
		return "", err
	}
	r, err := c.w.dag.Cluster(cl)
	if err != nil {
		return "", err
	}
	return c.objects([][]psfmt.Field{{
		{Name: "Name", Value: r.Name},
		{Name: "DynamicQuorum", Value: strconv.Itoa(r.DynamicQuorum)},
		{Name: "WitnessDynamicWeight", Value: strconv.Itoa(r.WitnessDynamicWeight)},
	}}, c.version(""))
}
