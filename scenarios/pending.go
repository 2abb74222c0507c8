package scenarios

import (
	"fmt"
	"time"
)

// Temporary bridges to transport methods still being written; removed when they land.

func (w *world) trRedirect(server, target string) error {
	if t, ok := any(w.tr).(interface{ RedirectMessage(string, string) error }); ok {
		return t.RedirectMessage(server, target)
	}
	return fmt.Errorf("Redirect-Message is not modelled yet")
}

func (w *world) trGetMessage(server, queue string, list bool) (string, error) {
	if t, ok := any(w.tr).(interface {
		GetMessage(string, string, bool) (string, error)
	}); ok {
		return t.GetMessage(server, queue, list)
	}
	return "", fmt.Errorf("Get-Message is not modelled yet")
}

func (w *world) trQueueOp(op, id string) error {
	var f func(string) error
	switch op {
	case "retry":
		if t, ok := any(w.tr).(interface{ RetryQueue(string) error }); ok {
			f = t.RetryQueue
		}
	case "suspend":
		if t, ok := any(w.tr).(interface{ SuspendQueue(string) error }); ok {
			f = t.SuspendQueue
		}
	case "resume":
		if t, ok := any(w.tr).(interface{ ResumeQueue(string) error }); ok {
			f = t.ResumeQueue
		}
	}
	if f == nil {
		return fmt.Errorf("%s-Queue is not modelled yet", op)
	}
	return f(id)
}

func (w *world) trLossyFailover(db string, from, to time.Duration) {
	if t, ok := any(w.tr).(interface {
		LossyFailover(string, time.Duration, time.Duration)
	}); ok {
		t.LossyFailover(db, from, to)
	}
}
