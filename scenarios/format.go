package scenarios

import (
	"time"

	"github.com/exsim/exsim/scenarios/format"
	"github.com/exsim/exsim/scenarios/scom"
)

// The scenario format lives in scenarios/format (the YAML loader and the types it
// fills); these names keep the API a test author uses where it always was.
type (
	Scenario       = format.Scenario
	Step           = format.Step
	Command        = format.Command
	Traffic        = format.Traffic
	Expect         = format.Expect
	AlertExpect    = format.AlertExpect
	QueueExpect    = format.QueueExpect
	SPOFExpect     = format.SPOFExpect
	StateExpect    = format.StateExpect
	TrackingExpect = format.TrackingExpect
	Compare        = format.Compare
	Topology       = format.Topology
	ServerSpec     = format.ServerSpec
	DAGSpec        = format.DAGSpec
	DatabaseSpec   = format.DatabaseSpec
	Mailbox        = format.Mailbox
	Monitor        = format.Monitor
	Inbound        = format.Inbound
	Internet       = format.Internet
	SendConnector  = format.SendConnector
	Pos            = format.Pos
	Error          = format.Error
)

// Alert is a SCOM alert; the monitors live in scenarios/scom.
type Alert = scom.Alert

// Limits and defaults of the format.
const (
	MaxDuration        = format.MaxDuration
	MaxMessages        = format.MaxMessages
	MaxEvents          = format.MaxEvents
	MaxFileSize        = format.MaxFileSize
	DefaultSeed        = format.DefaultSeed
	DefaultLatency     = format.DefaultLatency
	DefaultSenderRetry = format.DefaultSenderRetry
	DefaultSite        = format.DefaultSite
	DefaultMessageSize = format.DefaultMessageSize
)

// DefaultStart is the simulated wall clock at t=0 when the scenario sets no start.
var DefaultStart = format.DefaultStart

// Versions are the version profiles a scenario may name.
var Versions = format.Versions

// Load reads and validates a scenario file.
func Load(path string) (*Scenario, error) { return format.Load(path) }

// Parse validates a scenario from data; filename is used in error positions.
func Parse(filename string, data []byte) (*Scenario, error) { return format.Parse(filename, data) }

// ParseDuration reads a scenario duration ("90s", "1h30m", "2d").
func ParseDuration(s string) (time.Duration, error) { return format.ParseDuration(s) }

// ParseCompare reads an expectation's comparison ("<= 5", "== 0").
func ParseCompare(s string) (Compare, error) { return format.ParseCompare(s) }
