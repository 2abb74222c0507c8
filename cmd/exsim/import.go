package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/exsim/exsim/import/inventory"
	"github.com/exsim/exsim/import/tracking"
	"github.com/exsim/exsim/scenarios"
)

// importUsage is the usage line of `exsim import`.
const importUsage = "exsim import [DIR] [-o FILE] [--mailboxes N|DB=N,...] [--tracking-logs DIR|FILE] [--day YYYY-MM-DD] [--scale F] [--accepted-domains a.com,b.com]"

// cmdImport writes a scenario from an organization's Export-Clixml inventory
// (collect/Export-ExsimInventory.ps1), with traffic from its message tracking
// logs when --tracking-logs is given; with only --tracking-logs it writes the
// traffic: section alone. The scenario is loaded before it is written, so what
// exsim import writes, exsim run reads.
func cmdImport(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("import", stderr)
	out := fs.String("o", "", "write the scenario to `FILE` (default: standard output)")
	mailboxes := fs.String("mailboxes", "", "mailboxes to make per database: `N`, or DB=N,... for some (default 3)")
	logs := fs.String("tracking-logs", "", "read message tracking logs (a folder of MSGTRK*.LOG, or an Export-Csv file) from `DIR`")
	day := fs.String("day", "", "the UTC day of the logs to take, `YYYY-MM-DD` (default: the busiest)")
	scale := fs.Float64("scale", 1, "multiply the logs' rates by `F`")
	domains := fs.String("accepted-domains", "", "the organization's domains, `a.com,b.com` (default: the inventory's authoritative accepted domains, else the logs' mailbox senders)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) > 1 || len(pos) == 0 && *logs == "" {
		fmt.Fprintln(stderr, "exsim import: expected an inventory folder, --tracking-logs DIR, or both")
		fmt.Fprintln(stderr, "usage: "+importUsage)
		return 2
	}
	perDB, counts, err := parseMailboxes(*mailboxes)
	if err != nil {
		fmt.Fprintf(stderr, "exsim import: --mailboxes: %v\n", err)
		return 2
	}
	topt := tracking.Options{Day: *day, Scale: *scale}
	if *domains != "" {
		topt.InternalDomains = strings.Split(*domains, ",")
	}
	warn := func(w string) { fmt.Fprintf(stderr, "exsim import: warning: %s\n", w) }

	if len(pos) == 0 {
		tr, err := tracking.Import(*logs, topt)
		if err != nil {
			fmt.Fprintf(stderr, "exsim import: %v\n", err)
			return 2
		}
		for _, w := range tr.Warnings {
			warn(w)
		}
		return write(*out, []byte(tr.YAML), stdout, stderr)
	}

	iopt := inventory.Options{Versions: scenarios.Versions, MailboxesPerDatabase: perDB, Mailboxes: counts}
	res, err := inventory.Import(pos[0], iopt)
	if err != nil {
		fmt.Fprintf(stderr, "exsim import: %v\n", err)
		return 2
	}
	if *logs != "" {
		// The logs' internal wildcards name the inventory's domain, so traffic
		// reaches the imported mailboxes.
		topt.InternalDomain = res.Domain
		topt.Senders = res.Senders
		if len(topt.InternalDomains) == 0 {
			topt.InternalDomains = res.AcceptedDomains // issue 18: internal vs external by the accepted domains
		}
		tr, err := tracking.Import(*logs, topt)
		if err != nil {
			fmt.Fprintf(stderr, "exsim import: %v\n", err)
			return 2
		}
		for _, w := range tr.Warnings {
			warn(w)
		}
		iopt.Traffic = tr.YAML
		iopt.EntryServers = tr.EntryServers
		iopt.Start = tr.Day.Format("2006-01-02T15:04:05Z07:00")
		iopt.Duration = "24h"
		if res, err = inventory.Import(pos[0], iopt); err != nil {
			fmt.Fprintf(stderr, "exsim import: %v\n", err)
			return 2
		}
	}
	for _, w := range res.Warnings {
		warn(w.String())
	}
	name := "org.yaml"
	if *out != "" {
		name = filepath.Base(*out)
	}
	if _, err := scenarios.Parse(name, res.YAML); err != nil {
		if *logs != "" && strings.Contains(err.Error(), "messages, the limit") {
			fmt.Fprintf(stderr, "exsim import: %v: take a share of the day with --scale (e.g. --scale 0.1)\n", err)
			return 2
		}
		fmt.Fprintf(stderr, "exsim import: the scenario written does not load, a bug in exsim import: %v\n", err)
		return 2
	}
	return write(*out, res.YAML, stdout, stderr)
}

// maxMailboxesPerDatabase keeps a scenario within the loader's file size: a
// mailbox line is about 50 bytes.
const maxMailboxesPerDatabase = 1000

// parseMailboxes reads --mailboxes: "N" for every database, or "DB1=50,DB2=20"
// for some (the rest get the default), or both ("5,DB1=50").
func parseMailboxes(s string) (int, map[string]int, error) {
	per, counts := inventory.DefaultMailboxesPerDatabase, map[string]int{}
	if s == "" {
		return per, counts, nil
	}
	for _, part := range strings.Split(s, ",") {
		name, num, named := strings.Cut(strings.TrimSpace(part), "=")
		if !named {
			num = name
		}
		n, err := strconv.Atoi(strings.TrimSpace(num))
		if err != nil || n < 1 || n > maxMailboxesPerDatabase {
			return 0, nil, fmt.Errorf("%q: want N or DATABASE=N with N from 1 to %d", part, maxMailboxesPerDatabase)
		}
		if named {
			counts[strings.ToLower(strings.TrimSpace(name))] = n
		} else {
			per = n
		}
	}
	return per, counts, nil
}

func write(path string, data []byte, stdout, stderr io.Writer) int {
	if path == "" {
		if _, err := stdout.Write(data); err != nil {
			fmt.Fprintf(stderr, "exsim: %v\n", err)
			return 2
		}
		return 0
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		fmt.Fprintf(stderr, "exsim: %v\n", err)
		return 2
	}
	fmt.Fprintf(stderr, "exsim import: wrote %s\n", path)
	return 0
}
