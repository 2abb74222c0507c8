package powershell_test

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/exsim/exsim/powershell"
)

// queueHost is the smallest useful Host: one queue that drains as simulated time
// passes, a clock that Start-Sleep advances, and the console on stdout.
type queueHost struct {
	now      time.Time
	messages int
}

func (h *queueHost) Invoke(c *powershell.Call) ([]powershell.Value, error) {
	if !strings.EqualFold(c.Name, "Get-Queue") {
		return nil, powershell.Unsupported("%s is not a cmdlet this host models", c.Name)
	}
	q := powershell.NewPSObject("Microsoft.Exchange.Data.QueueViewer.ExtensibleQueueInfo")
	q.Set("Identity", `EX1\3`).Set("MessageCount", h.messages).SetToString(`EX1\3`)
	return []powershell.Value{q}, nil
}

func (h *queueHost) Now() time.Time { return h.now }

func (h *queueHost) Sleep(d time.Duration) error {
	h.now = h.now.Add(d)
	h.messages = max(0, h.messages-int(d/time.Second)) // one message a second drains
	return nil
}

func (h *queueHost) ReadHost(prompt string) (string, error) {
	return "", fmt.Errorf("no answer for %q", prompt)
}

func (h *queueHost) Write(s powershell.Stream, text string) { fmt.Fprint(os.Stdout, text) }

func (h *queueHost) WriteFile(path, text string, append bool) error {
	return fmt.Errorf("no files here")
}

func Example() {
	script, err := powershell.Parse("drain.ps1", `
while ((Get-Queue).MessageCount -gt 0) {
    Write-Host "$(Get-Date -Format HH:mm:ss) $((Get-Queue).MessageCount) left"
    Start-Sleep -Seconds 20
}
"drained"`)
	if err != nil {
		fmt.Println(err)
		return
	}
	h := &queueHost{now: time.Date(2026, 3, 14, 20, 0, 0, 0, time.UTC), messages: 45}
	res, err := powershell.Run(script, h, powershell.Options{})
	fmt.Println(res.ExitCode, err)
	// Output:
	// 20:00:00 45 left
	// 20:00:20 25 left
	// 20:00:40 5 left
	// drained
	// 0 <nil>
}
