package powershell

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// fakeHost is a tiny simulated organization for tests: two servers with queues
// that drain as simulated time passes, a component state store, and a console
// transcript that marks each stream.
type fakeHost struct {
	now      time.Time
	start    time.Time
	answers  []string
	out      strings.Builder
	files    map[string]string
	calls    []string
	states   map[string]string // server\component -> state
	drainPer time.Duration     // one message leaves each queue per drainPer
	stamp    bool              // prefix each Write with the simulated time
}

func newFakeHost(answers ...string) *fakeHost {
	t := time.Date(2026, 3, 14, 20, 0, 0, 0, time.UTC)
	return &fakeHost{now: t, start: t, answers: answers, files: map[string]string{}, states: map[string]string{}, drainPer: 10 * time.Second}
}

func (h *fakeHost) Now() time.Time { return h.now }

func (h *fakeHost) Sleep(d time.Duration) error {
	if d > 24*time.Hour {
		return errors.New("the scenario's horizon is reached")
	}
	h.now = h.now.Add(d)
	return nil
}

func (h *fakeHost) ReadHost(prompt string) (string, error) {
	if len(h.answers) == 0 {
		return "", fmt.Errorf("Read-Host %q has no answer left (give one with --answer)", prompt)
	}
	a := h.answers[0]
	h.answers = h.answers[1:]
	return a, nil
}

var streamMark = map[Stream]string{StreamOutput: "", StreamError: "[err] ", StreamWarning: "[warn] ", StreamVerbose: "[verbose] ", StreamDebug: "[debug] ", StreamInformation: ""}

func (h *fakeHost) Write(s Stream, text string) {
	if h.stamp {
		h.out.WriteString(h.now.Format("[15:04:05] "))
	}
	if s == StreamError || s == StreamWarning || s == StreamVerbose {
		for _, l := range strings.SplitAfter(text, "\n") {
			if l != "" {
				h.out.WriteString(streamMark[s] + l)
			}
		}
		return
	}
	h.out.WriteString(text)
}

func (h *fakeHost) WriteFile(path, text string, append bool) error {
	if strings.Contains(path, "forbidden") {
		return errors.New("access to the path is denied")
	}
	if append {
		h.files[path] += text
	} else {
		h.files[path] = text
	}
	return nil
}

func (h *fakeHost) transcript() string {
	var b strings.Builder
	b.WriteString(h.out.String())
	names := make([]string, 0, len(h.files))
	for n := range h.files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "--- file %s ---\n%s", n, h.files[n])
	}
	return b.String()
}

// bind is the host's parameter binder for the fake cmdlets: -Name value pairs,
// switches listed in sw, positional values in order.
func bind(c *Call, sw ...string) (map[string]Value, []Value) {
	named := map[string]Value{}
	var pos []Value
	isSw := func(n string) bool {
		for _, s := range sw {
			if strings.EqualFold(s, n) {
				return true
			}
		}
		return false
	}
	for i := 0; i < len(c.Args); i++ {
		a := c.Args[i]
		switch {
		case a.Param == "":
			pos = append(pos, a.Value)
		case a.Colon:
			named[strings.ToLower(a.Param)] = a.Value
		case isSw(a.Param):
			named[strings.ToLower(a.Param)] = true
		case i+1 < len(c.Args) && c.Args[i+1].Param == "":
			named[strings.ToLower(a.Param)] = c.Args[i+1].Value
			i++
		default:
			named[strings.ToLower(a.Param)] = true
		}
	}
	return named, pos
}

var fakeServers = []string{"EX1", "EX2"}

func (h *fakeHost) queueCount(server string, initial int) int {
	left := initial - int(h.now.Sub(h.start)/h.drainPer)
	if h.states[server+`\HubTransport`] != "Draining" && server == "EX1" {
		left = initial // EX1 keeps receiving until it drains
	}
	return max(0, left)
}

func (h *fakeHost) Invoke(c *Call) ([]Value, error) {
	named, pos := bind(c, "Confirm", "WhatIf", "Force")
	h.calls = append(h.calls, c.Name)
	h.now = h.now.Add(time.Second) // every cmdlet takes a second
	switch strings.ToLower(c.Name) {
	case "get-queue":
		var out []Value
		server := toString(named["server"])
		for _, s := range fakeServers {
			if server != "" && !strings.EqualFold(server, s) {
				continue
			}
			for i, q := range []struct {
				id, typ string
				n       int
			}{{"Submission", "Undefined", 0}, {"3", "SmtpRelayToMailboxDeliveryGroup", 12}, {"Shadow\\4", "ShadowRedundancy", 3}} {
				o := NewPSObject("Microsoft.Exchange.Data.QueueViewer.ExtensibleQueueInfo", "System.Object")
				n := q.n
				if n > 0 {
					n = h.queueCount(s, q.n+i)
				}
				o.Set("Identity", s+`\`+q.id).Set("DeliveryType", q.typ).Set("Status", "Ready").Set("MessageCount", n).Set("NextHopDomain", "site-b")
				o.SetToString(s+`\`+q.id).SetDefaultDisplay("Identity", "DeliveryType", "Status", "MessageCount")
				out = append(out, o)
			}
		}
		if server != "" && len(out) == 0 {
			c.WriteError(&ErrorRecord{Message: fmt.Sprintf("The operation couldn't be performed because object '%s' couldn't be found on 'DC1.contoso.com'.", server),
				ExceptionType: "Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException", Category: "NotSpecified",
				ErrorID:      "[Server=EX1,RequestId=1,TimeStamp=3/14/2026 8:00:00 PM] [FailureCategory=Cmdlet-ManagementObjectNotFoundException] B06714DB,Microsoft.Exchange.Management.QueueViewerTasks.GetQueue",
				ComputerName: "ex1.contoso.com"})
		}
		return out, nil
	case "set-servercomponentstate":
		id := toString(named["identity"])
		if id == "" && len(pos) > 0 {
			id = toString(pos[0])
		}
		if id == "" && c.HasInput {
			id = toString(c.Input)
		}
		h.states[id+`\`+toString(named["component"])] = toString(named["state"])
		return nil, nil
	case "get-servercomponentstate":
		id := toString(pos[0])
		var out []Value
		for _, comp := range []string{"ServerWideOffline", "HubTransport"} {
			st := h.states[id+`\`+comp]
			if st == "" {
				st = "Active"
			}
			out = append(out, NewPSObject("Microsoft.Exchange.Data.Directory.Management.ServerComponentStatePresentationObject").
				Set("Component", comp).Set("State", st).SetDefaultDisplay("Component", "State"))
		}
		return out, nil
	case "redirect-message":
		if named["confirm"] != false {
			ok, err := c.Confirm("Redirect-Message", toString(named["server"]))
			if err != nil || !ok {
				return nil, err
			}
		}
		target := toString(named["target"])
		if !strings.Contains(target, ".") {
			return nil, &ErrorRecord{Message: fmt.Sprintf("The target '%s' isn't a valid FQDN.", target), ExceptionType: "System.ArgumentException", Category: "InvalidArgument", ErrorID: "RedirectMessage"}
		}
		return nil, nil
	case `.\startdagservermaintenance.ps1`, "restart-service", "add-pssnapin":
		return nil, nil
	case "get-mailboxdatabasecopystatus":
		var out []Value
		for i, db := range []string{"DB1", "DB2"} {
			status := "Mounted"
			if i == 1 {
				status = "Healthy"
			}
			out = append(out, NewPSObject("Microsoft.Exchange.Management.SystemConfigurationTasks.DatabaseCopyStatusEntry").
				Set("Name", db+`\EX1`).Set("DatabaseName", db).Set("Status", status).Set("CopyQueueLength", i*3))
		}
		return out, nil
	case "get-explodingcmdlet":
		return nil, errors.New("the host broke")
	}
	return nil, Unsupported("%s is not a cmdlet exsim models", c.Name)
}
