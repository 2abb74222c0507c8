package powershell

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Host is what a script reaches outside the language: the commands the
// interpreter does not implement (Exchange cmdlets, Exchange's own scripts, native
// programs), the clock, the console and files. The simulator implements it; every
// call is synchronous, so the host may advance simulated time inside Invoke or
// Sleep and the world runs meanwhile, on the simulator's one thread.
type Host interface {
	// Invoke runs a command. It returns the output objects; non-terminating
	// errors are reported with call.WriteError. A returned *ErrorRecord is a
	// terminating error of the command (catchable with try/catch); a returned
	// *UnsupportedError stops the script with its position; any other error stops
	// the run as a host failure.
	Invoke(call *Call) ([]Value, error)
	// Now is the simulated wall-clock time (Get-Date, [datetime]::Now).
	Now() time.Time
	// Sleep advances the world by d (Start-Sleep, timeout.exe).
	Sleep(d time.Duration) error
	// ReadHost answers a prompt (Read-Host, -Confirm, a missing mandatory
	// parameter). The interpreter has already written the prompt text.
	ReadHost(prompt string) (string, error)
	// Write receives console text on a stream, newline-terminated lines included.
	Write(stream Stream, text string)
	// WriteFile writes or appends text to a file (Out-File, >, Start-Transcript);
	// the host decides where path lands and refuses what it must.
	WriteFile(path, text string, append bool) error
}

// Arg is one element of a command line as PowerShell's tokenizer sees it: a
// parameter token (-Server, or -Confirm:$false with its value) or a value. The
// host binds them to its cmdlet's parameters (prefix matching, switches), because
// only it knows whether -Force takes a value.
type Arg struct {
	Param string // parameter name without the dash; "" for a value
	Value Value  // the value of a positional argument or of -Param:value
	Colon bool   // -Param:value, or an entry of a splatted hashtable
	Pos   Position
}

// Call is one invocation of a host command.
type Call struct {
	Name      string // as written: Get-Queue, .\StartDagServerMaintenance.ps1, timeout.exe
	Args      []Arg  // common parameters (-ErrorAction, -Verbose, ...) already removed
	Input     Value  // the piped object, when HasInput
	HasInput  bool
	DotSource bool   // run with '. '
	Location  string // the current location (Set-Location), for relative paths
	Pos       Position
	// WarningAction is the -WarningAction given to this command, "" if none; a
	// host that writes warnings honours it, else $WarningPreference (Variable).
	WarningAction string

	in      *interp
	cmd     *command
	out     *callState
	ea      string
	noteErr func(*ErrorRecord)
}

type callState struct {
	failed bool
	err    error // an escalated error (-ErrorAction Stop)
}

// WriteError reports a non-terminating error, as a cmdlet's WriteError does: it is
// printed (or not) per -ErrorAction and $ErrorActionPreference, added to $Error,
// and makes $? False; with Stop it becomes terminating.
func (c *Call) WriteError(rec *ErrorRecord) {
	if c.out.err != nil {
		return
	}
	c.out.failed = true
	if rec.Command == "" {
		rec.Command = c.Name
	}
	if c.noteErr != nil {
		c.noteErr(rec)
	}
	if err := c.in.nonTerminating(rec, c.cmd, c.ea); err != nil {
		c.out.err = err
	}
}

// Confirm asks the shell's confirmation question (a -Confirm prompt) and reads the
// answer with ReadHost: Y, A (yes to all), N, L (no to all); empty means Yes.
func (c *Call) Confirm(action, target string) (bool, error) {
	h := c.in.host
	c.in.write(StreamInformation, "\nConfirm\nAre you sure you want to perform this action?\n"+
		fmt.Sprintf("Performing the operation \"%s\" on target \"%s\".\n", action, target)+
		"[Y] Yes  [A] Yes to All  [N] No  [L] No to All  [?] Help (default is \"Y\"): ")
	ans, err := h.ReadHost("Confirm")
	if err != nil {
		return false, err
	}
	c.in.write(StreamInformation, ans+"\n")
	switch strings.ToLower(strings.TrimSpace(ans)) {
	case "", "y", "yes", "a":
		return true, nil
	}
	return false, nil
}

// SetExitCode sets $LASTEXITCODE, as a native program's exit does.
func (c *Call) SetExitCode(code int) { c.in.global.set("LASTEXITCODE", code) }

// Variable reads a variable visible to the command, e.g. $ConfirmPreference.
func (c *Call) Variable(name string) (Value, bool) {
	v := c.in.lookup(name, "")
	if v == nil {
		return nil, false
	}
	return v.value, true
}

// Env reads an environment variable ($env:COMPUTERNAME).
func (c *Call) Env(name string) string {
	v, _ := c.in.env.get(name)
	return toString(v)
}

// ErrorRecord is an error as the shell holds it ($Error[0], $_ in catch).
type ErrorRecord struct {
	Message       string // the exception's Message
	ExceptionType string // e.g. Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException
	Category      string // CategoryInfo's category: NotSpecified, ObjectNotFound, InvalidArgument, ...
	ErrorID       string // FullyQualifiedErrorId
	TargetName    string // CategoryInfo's target, as in "(EX9:String)"
	TargetType    string
	TargetObject  Value
	Command       string // the command that failed, shown before the message
	// ComputerName is PSComputerName of an error that came back over remoting,
	// as the Exchange Management Shell's do. Such an error prints without the
	// "Command : " prefix and the "At line" position, and with a PSComputerName
	// line (dpaulson45/ExchangeLogCollector#78); a local one prints with both
	// (dpaulson45/HealthChecker#213).
	ComputerName string

	pos        Position
	line       string
	under      string
	script     bool   // from throw or escalation: stops the script unless caught
	noActivity bool   // CategoryInfo shows [] (CommandNotFound)
	thrown     bool   // raised by throw
	reason     string // CategoryInfo's reason, if not the exception's short type name
	activity   string // CategoryInfo's [activity], if not the command
}

func (e *ErrorRecord) Error() string { return e.Message }

// render prints the record as Windows PowerShell 5.1's console does.
func (e *ErrorRecord) render() string {
	var b strings.Builder
	if e.Command != "" && e.ComputerName == "" {
		b.WriteString(e.Command + " : ")
	}
	b.WriteString(e.Message + "\n")
	if e.ComputerName == "" && e.pos.Line > 0 {
		fmt.Fprintf(&b, "At %s:%d char:%d\n+ %s\n+ %s\n", e.pos.File, e.pos.Line, e.pos.Col, e.line, e.under)
	}
	exc := shortType(e.exceptionType())
	if e.reason != "" {
		exc = e.reason
	}
	cat := e.Category
	if cat == "" {
		cat = "NotSpecified"
	}
	cmd := ""
	if e.Command != "" && !strings.ContainsAny(e.Command, `\/`) && !e.noActivity {
		cmd = e.Command
	}
	if e.activity != "" {
		cmd = e.activity
	}
	fmt.Fprintf(&b, "    + CategoryInfo          : %s: (%s:%s) [%s], %s\n", cat, e.TargetName, e.TargetType, cmd, exc)
	fmt.Fprintf(&b, "    + FullyQualifiedErrorId : %s\n", e.errorID())
	if e.ComputerName != "" {
		fmt.Fprintf(&b, "    + PSComputerName        : %s\n", e.ComputerName)
	}
	b.WriteString(" \n")
	return b.String()
}

func (e *ErrorRecord) exceptionType() string {
	if e.ExceptionType == "" {
		return "System.Management.Automation.RuntimeException"
	}
	return e.ExceptionType
}

func (e *ErrorRecord) errorID() string {
	if e.ErrorID == "" {
		return shortType(e.exceptionType())
	}
	return e.ErrorID
}

// UnsupportedError is a construct or command exsim does not model. It stops the
// script: a simulation that silently skipped it would answer the wrong question.
type UnsupportedError struct {
	Pos Position
	Msg string
}

func (e *UnsupportedError) Error() string { return e.Pos.String() + ": " + e.Msg }

// Unsupported is what a host returns from Invoke for a command it does not model;
// the interpreter adds the position.
func Unsupported(format string, args ...any) error {
	return &UnsupportedError{Msg: fmt.Sprintf(format, args...)}
}

// LimitError is a script that ran into a bound (steps, call depth, sizes).
type LimitError struct {
	Pos Position
	Msg string
}

func (e *LimitError) Error() string { return e.Pos.String() + ": " + e.Msg }

// HostError wraps an error a host returned that is not a PowerShell error.
type HostError struct {
	Pos Position
	Err error
}

func (e *HostError) Error() string { return e.Pos.String() + ": " + e.Err.Error() }
func (e *HostError) Unwrap() error { return e.Err }

// isFatal reports errors that stop the run rather than being PowerShell errors.
func isFatal(err error) bool {
	var u *UnsupportedError
	var l *LimitError
	var h *HostError
	var s *SyntaxError
	return errors.As(err, &u) || errors.As(err, &l) || errors.As(err, &h) || errors.As(err, &s)
}

// CommandLine renders the call as a PowerShell command line of literal values
// (strings single-quoted, $true/$false/$null, a,b lists, {script blocks}), so a
// host that already parses cmdlet lines (exsim's run: steps) can reuse its
// parser and binder. Pipeline input is not part of the line; see Input.
func (c *Call) CommandLine() string {
	var b strings.Builder
	b.WriteString(c.Name)
	for _, a := range c.Args {
		b.WriteByte(' ')
		if a.Param != "" {
			b.WriteString("-" + a.Param)
			if !a.Colon {
				continue
			}
			b.WriteByte(':')
		}
		b.WriteString(literal(a.Value))
	}
	return b.String()
}

// literal writes a value as PowerShell source that evaluates to it.
func literal(v Value) string {
	switch x := v.(type) {
	case nil:
		return "$null"
	case bool:
		if x {
			return "$true"
		}
		return "$false"
	case int, float64:
		return toString(x)
	case []Value:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = literal(e)
		}
		if len(parts) == 0 {
			return "@()"
		}
		return strings.Join(parts, ",")
	case *ArrayList:
		return literal(x.items)
	case *ScriptBlock:
		return "{" + x.text + "}"
	}
	return "'" + strings.ReplaceAll(toString(v), "'", "''") + "'"
}
