#!/usr/bin/env python3
"""Writes the user-path benchmark scenarios under scenarios/testdata/bench/: the
anchors workload (../shared/anchors: Exchange 2016 DAG members, internet mail through
a round-robin load balancer over one day) as a scenario `exsim run` reads, in the
sizes BENCHMARKS.md measures. Run from the repository root; the output is committed."""
import os

def scenario(name, servers, dags, messages, mailboxes):
    per_dag = servers // dags
    dbs = servers * 2
    lines = [
        f"# Benchmark workload (scripts/bench-scenarios.py): {servers} Exchange 2016 servers in {dags} DAG(s),",
        f"# {dbs} databases, {mailboxes} mailboxes, {messages} internet messages over one day",
        "# through a round-robin load balancer. Not a built-in: BENCHMARKS.md times it.",
        f"name: {name}",
        "description: >",
        f"  The anchors workload as a user runs it: {messages} internet messages over a day",
        f"  into {servers} Exchange 2016 Mailbox servers.",
        "version: Exchange2016",
        "start: 2026-03-02T00:00:00Z",
        "duration: 1d",
        "topology:",
        "  sites: [Site1]",
        "  servers:",
    ]
    names = [f"EX{i+1}" for i in range(servers)]
    for n in names:
        lines.append(f"    - {{name: {n}, site: Site1, roles: [Mailbox]}}")
    lines.append("  dags:")
    for d in range(dags):
        members = names[d*per_dag:(d+1)*per_dag]
        w = f", witness: FS{d+1}" if len(members) % 2 == 0 else ""
        lines.append(f"    - {{name: DAG{d+1}, members: [{', '.join(members)}]{w}}}")
    lines.append("  databases:")
    for i in range(dbs):
        d = (i % servers) // per_dag
        members = names[d*per_dag:(d+1)*per_dag]
        k = i % per_dag
        copies = [members[k], members[(k+1) % per_dag]]
        lines.append(f"    - {{name: DB{i+1}, copies: [{', '.join(copies)}]}}")
    lines.append("  mailboxes:")
    for i in range(mailboxes):
        lines.append(f"    - {{address: user{i+1}@contoso.com, database: DB{i % dbs + 1}}}")
    lines += [
        "  internet:",
        f"    inbound: {{loadBalancer: [{', '.join(names)}], policy: roundRobin}}",
        "traffic:",
        f"  - {{from: \"*@fabrikam.net\", to: \"*@contoso.com\", perHour: {messages // 24}, start: 0s, until: 24h}}",
        "expect:",
        "  lost: 0",
    ]
    return "\n".join(lines) + "\n"

out = "scenarios/testdata/bench"
os.makedirs(out, exist_ok=True)
for name, servers, dags, messages, mailboxes in [
    ("day-100k", 8, 1, 100_000, 16),
    ("day-100k-16servers", 16, 1, 100_000, 32),
    ("day-100k-32servers", 32, 2, 100_000, 64),
    ("day-100k-1600mailboxes", 8, 1, 100_000, 1600),
    ("day-1m", 8, 1, 1_000_000, 16),
]:
    with open(os.path.join(out, name + ".yaml"), "w") as f:
        f.write(scenario(name, servers, dags, messages, mailboxes))
