package format

import (
	"errors"
	"fmt"

	"github.com/exsim/exsim/scenarios/cmdlet"
)

// Command parses and checks one cmdlet line against the scenario, as a `run:` step
// on server on is checked at load: the cmdlet exists, its parameters bind, the
// servers, databases and queues it names are the organization's. An admin's script
// calls it for every Exchange cmdlet it runs; the error is the message alone (the
// caller knows where in the script the line came from).
func (s *Scenario) Command(line, on string) (cmdlet.Pipeline, error) {
	if s.names == nil {
		return nil, fmt.Errorf("the scenario was not loaded by Parse or Load")
	}
	l := *s.names // a copy: errors name this file, nothing of the load changes
	l.file = "command"
	st := &Step{On: on, Text: line}
	pl, err := l.pipeline(line, Pos{Line: 1, Col: 1}, st)
	var e *Error
	if errors.As(err, &e) {
		return nil, errors.New(e.Msg)
	}
	return pl, err
}
