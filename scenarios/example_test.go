package scenarios_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/exsim/exsim/scenarios"
)

// A test author loads a built-in scenario, runs it, and reads the verdict.
func ExampleRun() {
	sc, err := scenarios.Open("hub-failure")
	if err != nil {
		panic(err)
	}
	res, err := scenarios.Run(sc, scenarios.Options{})
	if err != nil {
		panic(err)
	}
	v := res.Verdict
	fmt.Println("lost:", v.Lost, "delivered:", v.Delivered, "passed:", res.Passed())
	for _, f := range v.Fates {
		fmt.Printf("#%d %s on %s by %s\n", f.Message, f.Fate, f.Server, f.Reason)
	}
	// Output:
	// lost: 2 delivered: 0 passed: true
	// #1 Lost on FAB-RED-HUB1 by crash FAB-RED-HUB1 lose-queue
	// #2 Lost on FAB-RED-HUB1 by crash FAB-RED-HUB1 lose-queue
}

// Extra steps (here a fault) are merged into a scenario's own without editing it:
// the shadow-promotion scenario survives a crash of FAB-RED-HUB1, but not one of
// FAB-RED-HUB2 as well while the database is still dismounted.
func ExampleOptions_steps() {
	sc, err := scenarios.Parse("inline.yaml", []byte(strings.TrimSpace(`
name: two-hubs
description: Two Exchange 2010 SP1 hubs with Shadow Redundancy Promotion.
version: Exchange2010SP1
duration: 1h
topology:
  servers:
    - {name: HUB1, roles: [HubTransport]}
    - {name: HUB2, roles: [HubTransport]}
    - {name: MBX1, roles: [Mailbox]}
  databases:
    - {name: DB1, copies: [MBX1]}
  mailboxes:
    - {address: user1@contoso.com, database: DB1}
  internet:
    inbound: [HUB1]
edgeTransportConfig:
  ShadowRedundancyPromotionEnabled: true
traffic:
  - {at: 10m, from: sender@fabrikam.net, to: user1@contoso.com}
steps:
  - {at: 5m, run: "Dismount-Database DB1"}
  - {at: 40m, run: "Mount-Database DB1"}
`)))
	if err != nil {
		panic(err)
	}
	crash := func(at time.Duration, server string) scenarios.Step {
		st, err := scenarios.FaultAt(at, "crash "+server+" lose-queue")
		if err != nil {
			panic(err)
		}
		return st
	}
	one, _ := scenarios.Run(sc, scenarios.Options{Steps: []scenarios.Step{crash(20*time.Minute, "HUB1")}})
	both, _ := scenarios.Run(sc, scenarios.Options{Steps: []scenarios.Step{crash(20*time.Minute, "HUB1"), crash(25*time.Minute, "HUB2")}})
	fmt.Println("one hub lost:", one.Verdict.Lost, "both hubs lost:", both.Verdict.Lost)
	// Output:
	// one hub lost: 0 both hubs lost: 1
}
