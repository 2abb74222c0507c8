package input

import "fmt"

// Error is a refusal of untrusted input: "file:line:col: message", or "file: message"
// when there is no position (Line 0). Line and Col are 1-based; Col counts characters
// (runes), as the scenario loader's positions do. The loader can turn it into its own
// error type with errors.As.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return e.File + ": " + e.Msg
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}
