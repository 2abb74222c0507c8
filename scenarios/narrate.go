package scenarios

// Kind and Narrate of the runner's journal events.

func (StepRun) Kind() string      { return "step.run" }
func (e StepRun) Narrate() string { return "[PS] " + e.Step }

func (StepError) Kind() string      { return "step.error" }
func (e StepError) Narrate() string { return e.Err }

func (Output) Kind() string    { return "step.output" }
func (Output) Narrate() string { return "" } // printed beneath its step by the report

func (FaultInjected) Kind() string      { return "fault" }
func (e FaultInjected) Narrate() string { return "FAULT: " + e.Fault }

func (TrafficError) Kind() string      { return "traffic.error" }
func (e TrafficError) Narrate() string { return "message not submitted: " + e.Err }

func (LivenessStarted) Kind() string { return "liveness" }
func (LivenessStarted) Narrate() string {
	return "Every fault is healed; the run goes on to see whether all mail gets through."
}
