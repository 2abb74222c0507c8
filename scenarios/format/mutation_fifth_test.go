package format

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Mutation testing of load.go past line 1473 (issue 24, the fifth session's second
// loader run).

// A traffic line's size list draws each message's size from it: an empty list has
// nothing to draw and is refused where it stands.
func TestTrafficSizeListNeedsAtLeastOneSize(t *testing.T) {
	refused(t, orgFor("1h")+"traffic:\n  - {from: a@f.net, to: u1@contoso.com, size: []}\n",
		"b.yaml:10:47: size needs at least one size")
	s := loads(t, orgFor("1h")+"traffic:\n  - {from: a@f.net, to: u1@contoso.com, size: [3KB]}\n")
	require.Equal(t, []int64{3072}, s.Traffic[0].Sizes)
}

// A step's id is lowercase letters, digits and hyphens (it names the step in plans
// and in exsim check's permutations).
func TestStepIDIsLowercaseLettersDigitsAndHyphens(t *testing.T) {
	s := loads(t, orgFor("1h")+"steps:\n  - {at: 1m, id: ex1-drain, run: Get-Queue}\n")
	require.Equal(t, "ex1-drain", s.Steps[0].ID)
	refused(t, orgFor("1h")+"steps:\n  - {at: 1m, id: EX1_drain, run: Get-Queue}\n",
		`b.yaml:10:18: step id "EX1_drain": want lowercase letters, digits and hyphens, such as ex1-drain`)
}

// The cluster cmdlets work on a DAG member, whichever parameter names the server:
// Suspend-ClusterNode's -Name, Move-ClusterGroup's -Node.
func TestClusterCmdletsNameADAGMemberByTheirNameAndNodeParameters(t *testing.T) {
	refused(t, orgFor("1h")+"steps:\n  - {at: 1m, run: Suspend-ClusterNode -Name EX1}\n",
		"b.yaml:10:19: Suspend-ClusterNode works on a DAG member, and EX1 is in no DAG")
	refused(t, orgFor("1h")+"steps:\n  - {at: 1m, run: \"Move-ClusterGroup -Name 'Cluster Group' -Node EX2\"}\n",
		"b.yaml:10:20: Move-ClusterGroup works on a DAG member, and EX2 is in no DAG")
}

// A parameter that takes one database or one queue refuses a list, naming what it
// takes.
func TestDatabaseAndQueueParametersTakeOneValue(t *testing.T) {
	_, err := Parse("b.yaml", []byte(orgFor("1h")+"steps:\n  - {at: 1m, run: \"Mount-Database -Identity DB1,DB2\"}\n"))
	require.ErrorContains(t, err, "Mount-Database -Identity takes")
	_, err = Parse("b.yaml", []byte(orgFor("1h")+"steps:\n  - at: 1m\n    run: Retry-Queue -Identity EX1\\Submission,EX2\\Submission\n"))
	require.ErrorContains(t, err, "Retry-Queue -Identity takes")
}

// A heartbeat monitor watches at least one server, each a server of the topology
// (the closest name suggested).
func TestHeartbeatMonitorNeedsKnownServers(t *testing.T) {
	_, err := Parse("b.yaml", []byte(orgFor("1h")+"monitors:\n  - {kind: heartbeat, servers: []}\n"))
	require.ErrorContains(t, err, "a heartbeat monitor needs at least one server")
	_, err = Parse("b.yaml", []byte(orgFor("1h")+"monitors:\n  - {kind: heartbeat, servers: [EX1, EX3]}\n"))
	require.ErrorContains(t, err, "EX3")
	s := loads(t, orgFor("1h")+"monitors:\n  - {kind: heartbeat, servers: [ex1]}\n")
	require.Equal(t, []string{"EX1"}, s.Monitors[0].Servers, "the name as the topology writes it")
}

// expect: spof and alerts read their counts and durations, and refuse a bad one.
func TestSPOFAndAlertExpectationsReadTheirValues(t *testing.T) {
	s := loads(t, orgFor("1h")+"monitors:\n  - {kind: heartbeat, servers: [EX1]}\nexpect:\n  spof: {windows: 0, maxExposure: 2m}\n  alerts:\n    - {monitor: heartbeat, count: 2}\n")
	require.Equal(t, 2.0, s.Expect.Alerts[0].Count.Value)
	require.NotNil(t, s.Expect.SPOF.MaxExposure)
	_, err := Parse("b.yaml", []byte(orgFor("1h")+"expect:\n  spof: {windows: many}\n"))
	require.Error(t, err)
	_, err = Parse("b.yaml", []byte(orgFor("1h")+"expect:\n  spof: {maxExposure: soon}\n"))
	require.Error(t, err)
	_, err = Parse("b.yaml", []byte(orgFor("1h")+"monitors:\n  - {kind: heartbeat, servers: [EX1]}\nexpect:\n  alerts:\n    - {monitor: heartbeat, count: lots}\n"))
	require.Error(t, err)
}

// expect: queues name a queue SERVER\QUEUE as Get-Queue shows it, the server as the
// topology writes it; an unknown server is refused.
func TestQueueExpectationNamesItsServerAsTheTopologyWritesIt(t *testing.T) {
	s := loads(t, orgFor("1h")+"expect:\n  queues: [{at: 1h, queue: 'ex1\\Submission', status: active}]\n")
	require.Equal(t, `EX1\Submission`, s.Expect.Queues[0].Queue)
	_, err := Parse("b.yaml", []byte(orgFor("1h")+"expect:\n  queues: [{at: 1h, queue: 'EX9\\Submission', status: active}]\n"))
	require.ErrorContains(t, err, "EX9")
}

// expect: states name a component as Get-ServerComponentState does, whatever its case.
func TestStateExpectationNamesItsComponentAsExchangeDoes(t *testing.T) {
	s := loads(t, orgFor("1h")+"expect:\n  states: [{at: 1h, server: EX1, component: hubtransport, state: Active}]\n")
	require.Equal(t, "HubTransport", s.Expect.States[0].Component)
}

// A witness given as a plain name is a computer name too: NetBIOS names are at most
// 15 characters.
func TestPlainWitnessNameIsAComputerName(t *testing.T) {
	_, err := Parse("b.yaml", []byte(orgFor("1h")+"  dags: [{name: DAG1, members: [EX1, EX2], witness: WITNESSSERVER1234}]\n"))
	require.ErrorContains(t, err, "WITNESSSERVER1234")
}

// A queue identity names a server of the topology; a time span parameter takes one
// value.
func TestCmdletQueueServerIsKnownAndATimeSpanIsOneValue(t *testing.T) {
	_, err := Parse("b.yaml", []byte(orgFor("1h")+"steps:\n  - at: 1m\n    run: Retry-Queue -Identity EX9\\Submission\n"))
	require.ErrorContains(t, err, "EX9")
	_, err = Parse("b.yaml", []byte(orgFor("1h")+"steps:\n  - at: 1m\n    run: Set-MailboxDatabaseCopy -Identity DB1\\EX1 -ReplayLagTime 1.00:00:00,2.00:00:00\n"))
	require.ErrorContains(t, err, "-ReplayLagTime takes")
}
