package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/scenarios/report"
	"github.com/exsim/exsim/sim"
)

// version is set at build time with -ldflags "-X main.version=..."; the default
// names the development line.
var version = "0.1.0-dev"

// run is the whole CLI, testable in-process: it starts no goroutines and touches no
// global state except through the writers it is given.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	names := make([]string, 0, len(commands()))
	for _, c := range commands() {
		names = append(names, c.name)
	}
	fmt.Fprintf(stderr, "exsim: unknown command %q%s\n", args[0], didYouMean(args[0], names))
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "exsim replays Microsoft Exchange mail transport in simulated time.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %s\n", c.usage)
	}
}

func didYouMean(word string, candidates []string) string {
	if s := scenarios.Closest(word, candidates); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}

// parseInterleaved parses flags that may come before or after the positional
// arguments, as the README promises ("exsim run FILE --seed 3" and
// "exsim run --seed 3 FILE" are the same).
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("exsim "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func cmdRun(args []string, stdout, stderr io.Writer) int {
	defer runGC(os.LookupEnv)()
	fs := newFlagSet("run", stderr)
	seed := fs.Uint64("seed", 0, "override the scenario's seed")
	asJSON := fs.Bool("json", false, "print the result as JSON instead of the narration")
	quiet := fs.Bool("quiet", false, "print only the verdict")
	trackingDir := fs.String("tracking-logs", "", "write message tracking logs (one per server) to `DIR`")
	protocolDir := fs.String("protocol-logs", "", "write to `DIR` the SMTP protocol logs of connectors whose ProtocolLoggingLevel is Verbose")
	htmlFile := fs.String("html", "", "write a self-contained HTML timeline of the run to `FILE`")
	scriptFile := fs.String("script", "", "run an admin's PowerShell `SCRIPT` during the scenario")
	scriptOn := fs.String("on", "", "the server the script runs on (default: the first server)")
	scriptAt := fs.String("at", "0s", "when the script starts, from the scenario's start")
	scriptOut := fs.String("script-out", "", "the folder the script's Out-File and Start-Transcript write to")
	var scriptArgs, answers each
	fs.Var(&scriptArgs, "arg", "a script parameter `Name=Value` (repeatable)")
	fs.Var(&answers, "answer", "the answer to the script's next Read-Host or -Confirm prompt (repeatable)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "exsim run: expected one scenario file or built-in name")
		return 2
	}
	sc, err := scenarios.Open(pos[0])
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	opts := scenarios.Options{Outputs: scenarios.VerdictOutput}
	if isSet(fs, "seed") {
		opts.Seed = seed
	}
	// journal only what the chosen outputs read: a day of mail is over a hundred SMTP
	// protocol rows per message, and a verdict needs none of them
	if !*asJSON && !*quiet {
		opts.Outputs |= scenarios.NarrationOutput
	}
	opts.TrackingLogDir = *trackingDir // written as the run goes
	if *scriptFile != "" {
		src, err := os.ReadFile(*scriptFile)
		if err != nil {
			fmt.Fprintf(stderr, "exsim run: --script: %v\n", err)
			return 2
		}
		at, err := scenarios.ParseDuration(*scriptAt)
		if err != nil {
			fmt.Fprintf(stderr, "exsim run: --at: %v\n", err)
			return 2
		}
		opts.Script = &scenarios.Script{File: *scriptFile, Source: string(src), On: *scriptOn, At: at,
			Args: scriptArgs, Answers: answers, OutDir: *scriptOut}
	} else if isSet(fs, "on") || isSet(fs, "at") || len(scriptArgs)+len(answers) > 0 || *scriptOut != "" {
		fmt.Fprintln(stderr, "exsim run: --on, --at, --arg, --answer and --script-out go with --script")
		return 2
	}
	if *protocolDir != "" {
		opts.Outputs |= scenarios.ProtocolLogOutput
	}
	var htmlStream *report.HTMLStream
	pageOpts := opts // the page's pass replays the run without the other outputs
	if *htmlFile != "" {
		htmlStream = report.NewHTMLStream(sc) // the page keeps only what it shows
		opts.Taps = append(opts.Taps, htmlStream.Tap())
	}
	res, err := scenarios.Run(sc, opts)
	if err != nil {
		fmt.Fprintf(stderr, "exsim: %v\n", err)
		return 2
	}
	for _, w := range []struct {
		dir   string
		write func(string) error
	}{{*protocolDir, res.WriteProtocolLogs}} {
		if w.dir == "" {
			continue
		}
		if err := os.MkdirAll(w.dir, 0o755); err != nil {
			fmt.Fprintf(stderr, "exsim: %v\n", err)
			return 2
		}
		if err := w.write(w.dir); err != nil {
			fmt.Fprintf(stderr, "exsim: %v\n", err)
			return 2
		}
	}
	switch {
	case *asJSON:
		err = report.WriteJSON(stdout, res)
	default:
		err = report.Write(stdout, res, report.Options{Quiet: *quiet, Command: reproduce(pos[0], res.Seed)})
	}
	if err != nil {
		fmt.Fprintf(stderr, "exsim: %v\n", err)
		return 2
	}
	passed := res.Passed()
	if *htmlFile != "" {
		// last, so that nothing else holds the run's result while the page's pass
		// replays it (at a million messages its verdict alone is 100 MB)
		rerun := func(tap sim.Tap) (*scenarios.Result, error) {
			o := pageOpts
			o.Outputs, o.TrackingLogDir, o.Taps = scenarios.VerdictOutput, "", []sim.Tap{tap}
			return scenarios.Run(sc, o)
		}
		first := res // the stream takes the only reference
		if err := writeFile(*htmlFile, func(w io.Writer) error {
			r := first
			first = nil
			return htmlStream.Write(w, r, rerun)
		}); err != nil {
			fmt.Fprintf(stderr, "exsim: %v\n", err)
			return 2
		}
	}
	if !passed {
		return 1
	}
	return 0
}

func reproduce(file string, seed uint64) string {
	return fmt.Sprintf("exsim run %s --seed %d", file, seed)
}

func writeFile(path string, write func(io.Writer) error) error {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

func cmdValidate(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("validate", stderr)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) == 0 {
		fmt.Fprintln(stderr, "exsim validate: expected at least one scenario file")
		return 2
	}
	code := 0
	for _, p := range pos {
		if _, err := scenarios.Open(p); err != nil {
			fmt.Fprintln(stderr, err)
			code = 2
			continue
		}
		fmt.Fprintf(stdout, "%s: ok\n", p)
	}
	return code
}

func cmdList(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "exsim list: takes no arguments")
		return 2
	}
	list, err := scenarios.Builtins()
	if err != nil {
		fmt.Fprintf(stderr, "exsim: %v\n", err)
		return 2
	}
	w := 0
	for _, b := range list {
		w = max(w, len(b.Name))
	}
	for _, b := range list {
		fmt.Fprintf(stdout, "%-*s  %s\n", w, b.Name, firstSentence(b.Description))
	}
	return 0
}

func firstSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

func cmdVersion(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintf(stdout, "exsim %s\n", version)
	return 0
}

// each is a flag that may be given several times, each value as written.
type each []string

func (e *each) String() string { return strings.Join(*e, ", ") }

func (e *each) Set(v string) error { *e = append(*e, v); return nil }
