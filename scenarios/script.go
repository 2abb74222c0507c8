package scenarios

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/exsim/exsim/powershell"
	"github.com/exsim/exsim/scenarios/cmdlet"
	"github.com/exsim/exsim/transport/logs"
)

// Script is an admin's PowerShell maintenance script run against the simulated
// organization (`exsim run org.yaml --script maint.ps1`): it starts at At on server
// On, and the world runs while it waits, so a loop that waits for queues to drain
// sees them drain.
type Script struct {
	File    string        // the script's path, for positions and $PSCommandPath
	Source  string        // its text
	On      string        // the server it runs on ($env:COMPUTERNAME); "" = the first server
	At      time.Duration // when it starts, from the scenario's start
	Args    []string      // Name=Value, as -Name Value
	Answers []string      // Read-Host and -Confirm answers, in order
	// OutDir receives what the script writes with Out-File and Start-Transcript;
	// "" refuses those writes (a script never writes outside its run's folder).
	OutDir string
}

// CommandTime is the simulated time one Exchange cmdlet of a script takes: one round
// trip of the Exchange Management Shell (its remote session to the server), chosen
// as a second; the models' own durations (a database move, a maintenance script's
// stages) come on top, as the world runs on.
const CommandTime = time.Second

// ScriptOutput is what a script wrote to the console, at the instant it wrote it.
type ScriptOutput struct {
	Server, File string
	Stream       string // Output, Error, Warning, Verbose, Information
	Text         string
}

// ScriptCommand is an Exchange cmdlet a script ran, with the script position.
type ScriptCommand struct {
	Server, File string
	Line, Col    int
	Command      string
}

// ScriptEnded is the end of a script: its exit code, and the error that stopped it.
type ScriptEnded struct {
	Server, File string
	ExitCode     int
	Err          string
}

func (ScriptOutput) Kind() string      { return "script.output" }
func (e ScriptOutput) Narrate() string { return "[" + e.File + " on " + e.Server + "] " + e.Text }
func (ScriptCommand) Kind() string     { return "script.command" }
func (e ScriptCommand) Narrate() string {
	return fmt.Sprintf("[%s:%d on %s] PS> %s", e.File, e.Line, e.Server, e.Command)
}
func (ScriptEnded) Kind() string { return "script.end" }
func (e ScriptEnded) Narrate() string {
	if e.Err != "" {
		return fmt.Sprintf("%s on %s stopped (exit code %d): %s", e.File, e.Server, e.ExitCode, e.Err)
	}
	return fmt.Sprintf("%s on %s finished (exit code %d).", e.File, e.Server, e.ExitCode)
}

// errScriptHorizon stops a script that is still waiting when the scenario ends.
var errScriptHorizon = errors.New("the scenario's duration ran out while the script was still running")

// scriptHost is the world as a script sees it.
type scriptHost struct {
	w       *world
	sc      *Script
	name    string // the file's base name, for the narration
	answers []string
	line    strings.Builder // console text not yet ended by a newline
	stream  powershell.Stream
}

// runScript runs sc's parsed script at the current instant; it returns when the
// script ends or the scenario's duration runs out.
func (w *world) runScript(sc *Script, ps *powershell.Script) error {
	on := sc.On
	if on == "" && len(w.sc.Topology.Servers) > 0 {
		on = w.sc.Topology.Servers[0].Name
	}
	h := &scriptHost{w: w, sc: sc, name: filepath.Base(sc.File), answers: sc.Answers}
	sc.On = on
	opts := powershell.Options{
		Path: sc.File,
		Env:  []powershell.NamedValue{{Name: "COMPUTERNAME", Value: on}, {Name: "USERNAME", Value: "Administrator"}},
		Variables: []powershell.NamedValue{
			{Name: "ExScripts", Value: `C:\Program Files\Microsoft\Exchange Server\V15\scripts`},
		},
	}
	for _, a := range sc.Args {
		name, value, _ := strings.Cut(a, "=")
		opts.Args = append(opts.Args, powershell.Arg{Param: name, Value: value, Colon: true})
	}
	res, err := powershell.Run(ps, h, opts)
	h.flush()
	end := ScriptEnded{Server: on, File: h.name, ExitCode: res.ExitCode}
	switch {
	case errors.Is(err, errScriptHorizon):
		end.Err = err.Error()
		err = nil
	case err != nil:
		return err // unsupported construct, limit or host failure: a scenario error
	case res.Error != nil:
		end.Err = res.Error.Message
	}
	w.s.Journal().Emit(w.s.Now(), on, h.name, end)
	return nil
}

func (h *scriptHost) Now() time.Time { return h.w.s.Wall(h.w.s.Now()) }

// Sleep lets the world run for d.
func (h *scriptHost) Sleep(d time.Duration) error {
	h.flush()
	end := h.w.s.Now() + d
	if end > h.w.sc.Duration {
		_ = h.w.s.RunUntil(h.w.sc.Duration)
		return errScriptHorizon
	}
	return h.w.s.RunUntil(end)
}

func (h *scriptHost) ReadHost(prompt string) (string, error) {
	if len(h.answers) == 0 {
		return "", fmt.Errorf("the script asks %q and no answer is left (give one with --answer)", prompt)
	}
	a := h.answers[0]
	h.answers = h.answers[1:]
	return a, nil
}

// Write journals console text line by line, at the instant it was written.
func (h *scriptHost) Write(s powershell.Stream, text string) {
	if s != h.stream {
		h.flush()
		h.stream = s
	}
	for {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			h.line.WriteString(text)
			return
		}
		h.line.WriteString(text[:i])
		h.emitLine()
		text = text[i+1:]
	}
}

func (h *scriptHost) flush() {
	if h.line.Len() > 0 {
		h.emitLine()
	}
}

func (h *scriptHost) emitLine() {
	h.w.s.Journal().Emit(h.w.s.Now(), h.sc.On, h.name, ScriptOutput{Server: h.sc.On, File: h.name, Stream: h.stream.String(), Text: h.line.String()})
	h.line.Reset()
}

// WriteFile writes under the run's output folder only.
func (h *scriptHost) WriteFile(path, text string, appendTo bool) error {
	if h.sc.OutDir == "" {
		return fmt.Errorf("%s: exsim writes a script's files only under an output folder (exsim run --script-out DIR)", path)
	}
	rel := filepath.Clean(filepath.FromSlash(strings.ReplaceAll(path, `\`, "/")))
	if vol := filepath.VolumeName(rel); vol != "" || strings.HasPrefix(rel, "C:") {
		rel = strings.TrimPrefix(rel[len(vol):], "C:")
	}
	rel = strings.TrimLeft(rel, `/\`)
	if rel == "" || rel == "." || strings.HasPrefix(rel, "..") {
		return fmt.Errorf("%s: not a file under the output folder", path)
	}
	full := filepath.Join(h.sc.OutDir, rel)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return err
	}
	flag := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
	if appendTo {
		flag = os.O_CREATE | os.O_WRONLY | os.O_APPEND
	}
	f, err := os.OpenFile(full, flag, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Invoke runs an Exchange cmdlet (or Exchange's own maintenance script) through the
// same cmdlet layer as `run:` steps. Get-Queue, Get-ServerComponentState,
// Get-MailboxDatabaseCopyStatus and Get-MessageTrackingLog return objects with the
// shell's properties, so
// `(Get-Queue -Server EX1).MessageCount` and `Where {$_.Status -eq "Mounted"}` work;
// other cmdlets return what they print.
func (h *scriptHost) Invoke(c *powershell.Call) ([]powershell.Value, error) {
	h.flush()
	if out, ok := h.shellCommand(c); ok {
		return out, nil
	}
	line := c.CommandLine()
	if c.HasInput {
		if id := identityOf(c.Input); id != "" && !hasParam(c, "Identity") {
			line += " -Identity '" + strings.ReplaceAll(id, "'", "''") + "'"
		}
	}
	pl, err := h.w.sc.Command(line, h.sc.On)
	if err != nil {
		if _, ok := cmdlet.Lookup(c.Name); !ok {
			return nil, powershell.Unsupported("%s is not a cmdlet exsim models; supported: %s", c.Name, strings.Join(cmdlet.Names(), ", "))
		}
		c.WriteError(&powershell.ErrorRecord{Message: err.Error(), Category: "InvalidArgument", ComputerName: h.sc.On})
		return nil, nil
	}
	h.w.s.Journal().Emit(h.w.s.Now(), h.sc.On, h.name, ScriptCommand{Server: h.sc.On, File: h.name, Line: c.Pos.Line, Col: c.Pos.Col, Command: line})
	out, err := h.objects(pl)
	if err == nil && out == nil {
		var text string
		text, err = h.w.runPipeline(pl, h.sc.On)
		if text = strings.TrimRight(text, "\n"); text != "" {
			out = []powershell.Value{text}
		}
	}
	if err != nil {
		c.WriteError(&powershell.ErrorRecord{Message: err.Error(), Category: "NotSpecified", ComputerName: h.sc.On})
		out = nil
	}
	if serr := h.Sleep(CommandTime); serr != nil {
		return out, serr
	}
	return out, nil
}

func hasParam(c *powershell.Call, name string) bool {
	for _, a := range c.Args {
		if strings.EqualFold(a.Param, name) {
			return true
		}
	}
	return false
}

// identityOf is a piped object's Identity (Get-Queue | Retry-Queue).
func identityOf(v powershell.Value) string {
	if o, ok := v.(*powershell.PSObject); ok {
		if id, ok := o.Get("Identity"); ok {
			return powershell.String(id)
		}
	}
	return ""
}

// objects returns the rows of the Get- cmdlets a script reads as objects, nil for
// any other pipeline.
func (h *scriptHost) objects(pl cmdlet.Pipeline) ([]powershell.Value, error) {
	if len(pl) != 1 {
		return nil, nil
	}
	spec, _ := cmdlet.Lookup(pl[0].Name)
	args, err := spec.Check(pl[0], false)
	if err != nil {
		return nil, err
	}
	c := &call{w: h.w, name: spec.Name, on: h.sc.On, args: args}
	var out []powershell.Value
	switch spec.Name {
	case "Get-Queue":
		rows, v, err := c.queues()
		if err != nil {
			return nil, err
		}
		for _, q := range rows {
			o := powershell.NewPSObject("Microsoft.Exchange.Data.QueueViewer.ExtensibleQueueInfo")
			o.Set("Identity", q.Identity).Set("DeliveryType", q.DeliveryType).Set("Status", q.Status).
				Set("MessageCount", q.MessageCount).Set("Velocity", q.Velocity).Set("NextHopDomain", q.NextHopDomain).
				Set("NextHopCategory", q.NextHopCategory).Set("LastError", q.LastError).Set("RetryCount", q.RetryCount).
				Set("DeferredMessageCount", q.DeferredMessageCount).
				SetToString(q.Identity).SetDefaultDisplay("Identity", "DeliveryType", "Status", "MessageCount", "Velocity", "RiskLevel", "OutboundIPPool", "NextHopDomain")
			if !v.Is2010() {
				o.Set("RiskLevel", "Normal").Set("OutboundIPPool", 0)
			}
			o.SetTableView(scriptView("Get-Queue", string(v)))
			out = append(out, o)
		}
	case "Get-ServerComponentState":
		rows, err := h.w.comp.Get(c.str("Identity"), c.str("Component"))
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			o := powershell.NewPSObject("Microsoft.Exchange.Data.Directory.Management.ServerComponentStatePresentationObject")
			o.Set("Identity", r.Server).Set("ServerFqdn", h.w.tr.ServerFQDN(r.Server)).Set("Component", r.Component).Set("State", string(r.State)).
				SetToString(r.Server).SetDefaultDisplay("Server", "Component", "State")
			o.Set("Server", r.Server).SetTableView(scriptView("Get-ServerComponentState", c.version("")))
			out = append(out, o)
		}
	case "Get-MailboxDatabaseCopyStatus":
		rows, err := c.copyStatus()
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			o := powershell.NewPSObject("Microsoft.Exchange.Management.SystemConfigurationTasks.DatabaseCopyStatusEntry")
			o.Set("Name", r.Name).Set("Identity", r.Name).Set("DatabaseName", r.DatabaseName).Set("MailboxServer", r.MailboxServer).
				Set("Status", string(r.Status)).Set("CopyQueueLength", r.CopyQueueLength).Set("ReplayQueueLength", r.ReplayQueueLength).
				Set("ContentIndexState", r.ContentIndexState).Set("ActivationPreference", r.ActivationPreference).
				Set("ActivationSuspended", r.ActivationSuspended).Set("ActiveCopy", r.ActiveCopy).
				SetToString(r.Name).SetDefaultDisplay("Name", "Status", "CopyQueueLength", "ReplayQueueLength", "LastInspectedLogTime", "ContentIndexState").
				SetTableView(scriptView("Get-MailboxDatabaseCopyStatus", c.version("")))
			out = append(out, o)
		}
	case "Get-MessageTrackingLog":
		_, rows, err := c.trackingRows()
		if err != nil {
			return nil, err
		}
		for _, e := range rows {
			o := powershell.NewPSObject("Microsoft.Exchange.Management.TransportLogSearchTasks.MessageTrackingEvent")
			list := func(ss []string) []powershell.Value {
				l := make([]powershell.Value, len(ss))
				for i, r := range ss {
					l[i] = r
				}
				return l
			}
			// Every property the cmdlet returns, in its order (logs.EventProperties),
			// typed where scripts compute with them.
			fs, err := logs.EventProperties(versionOf(h.w.spec[e.Server].Version), &e, h.w.s.Start(), logs.RunspaceID(h.w.s.Seed()))
			if err != nil {
				return nil, err
			}
			for _, f := range fs {
				switch f.Name {
				case "Timestamp":
					o.Set(f.Name, h.w.s.Wall(e.At))
				case "Recipients":
					o.Set(f.Name, list(e.Recipients))
				case "RecipientStatus":
					o.Set(f.Name, list(e.RecipientStatus))
				case "TotalBytes":
					o.Set(f.Name, e.TotalBytes)
				case "RecipientCount":
					o.Set(f.Name, e.RecipientCount)
				case "InternalMessageId":
					o.Set(f.Name, e.InternalMessageID)
				default:
					o.Set(f.Name, f.Value)
				}
			}
			o.SetToString("Microsoft.Exchange.Management.TransportLogSearchTasks.MessageTrackingEvent").
				SetDefaultDisplay("EventId", "Source", "Sender", "Recipients", "MessageSubject").
				SetTableView(scriptView("Get-MessageTrackingLog", c.version("")))
			out = append(out, o)
		}
	default:
		return nil, nil
	}
	if out == nil {
		out = []powershell.Value{}
	}
	return out, nil
}
