package transport

import (
	"fmt"
	"strings"
)

// Kind and Narrate of every transport journal event. The sentences are written for a
// person learning transport: what happened and why.

func (ConfigSet) Kind() string { return "transport.config" }
func (e ConfigSet) Narrate() string {
	return fmt.Sprintf("%s: %s = %s.", e.Where, e.Name, e.Value)
}

func (OutboxWaiting) Kind() string { return "transport.submit" }
func (e OutboxWaiting) Narrate() string {
	return fmt.Sprintf("Message #%d from %s waits in the Outbox for the %s.", e.Message, e.From, e.Service)
}

func (InternetSubmitted) Kind() string { return "transport.submit" }
func (e InternetSubmitted) Narrate() string {
	return fmt.Sprintf("Message #%d from internet sender %s: the sender holds it until an Exchange server answers 250.", e.Message, e.From)
}

func (SubmitInterrupted) Kind() string { return "transport.submit" }
func (e SubmitInterrupted) Narrate() string {
	return fmt.Sprintf("%s went away (%s) before it took message #%d: it stays in the Outbox and is submitted again in %v.", e.Hub, e.Fault, e.Message, e.Retry)
}

func (NoHubForSubmission) Kind() string { return "transport.submit" }
func (e NoHubForSubmission) Narrate() string {
	return fmt.Sprintf("No Hub Transport server can take message #%d now; it stays in the Outbox and Mail Submission tries again in %v.", e.Message, e.Retry)
}

func (SenderRetry) Kind() string { return "transport.sender" }
func (e SenderRetry) Narrate() string {
	switch e.Why {
	case SessionBroke:
		return fmt.Sprintf("The SMTP session for message #%d to %s broke before the data was complete: the internet sender still has it and retries in %v.", e.Message, e.Server, e.Retry)
	case SessionDied:
		return fmt.Sprintf("The SMTP session for message #%d died (%s) before %s sent 250: the internet sender still has it and retries in %v.", e.Message, e.Fault, e.Server, e.Retry)
	}
	return fmt.Sprintf("No inbound server accepted message #%d; the internet sender keeps it and retries in %v.", e.Message, e.Retry)
}

func (ConnectFailed) Kind() string { return "transport.session" }
func (e ConnectFailed) Narrate() string {
	return fmt.Sprintf("The internet sender of message #%d cannot connect to %s (%s).", e.Message, e.Server, e.Why)
}

func (MailFromRefused) Kind() string { return "transport.session" }
func (e MailFromRefused) Narrate() string {
	reply := e.Reply
	if reply == "" {
		reply = "421 4.3.2 Service not active"
	}
	return fmt.Sprintf("%s answers MAIL FROM for message #%d with %s: %s; the sender tries elsewhere.", e.Server, e.Message, strings.TrimSpace(reply), e.Why)
}

func (AckDelayed) Kind() string { return "transport.delayedack" }
func (e AckDelayed) Narrate() string {
	return fmt.Sprintf("%s holds the 250 for message #%d up to MaxAcknowledgementDelay (%v): the internet sender does not speak XSHADOW, so until the message reaches its next hop the sender's copy is the only other copy.", e.Server, e.Message, e.Delay)
}

func (Acknowledged) Kind() string { return "transport.ack" }
func (e Acknowledged) Narrate() string {
	return fmt.Sprintf("%s sends 250 2.6.0 Queued mail for delivery for message #%d: %s.", e.Server, e.Message, e.why())
}

// why is the reason clause of the 250's sentence.
func (e Acknowledged) why() string {
	switch e.Why {
	case AckShadowRedundancyDisabled:
		return "shadow redundancy is disabled (ShadowRedundancyDisabled), so there is nothing to wait for"
	case AckDelayZero:
		return "MaxAcknowledgementDelay is 0, which turns delayed acknowledgement off"
	case AckPromotedOnTimeout:
		return "MaxAcknowledgementDelay ran out, so the message was routed to another hub of the site (Shadow Redundancy Promotion) and acknowledged"
	case AckDelayExpired:
		return fmt.Sprintf("MaxAcknowledgementDelay (%v) ran out before the message reached its next hop; from now on the sender no longer holds a copy", e.Delay)
	case AckReachedNextHop:
		return "the message reached its next hop, so another copy exists"
	case AckSkipped:
		return fmt.Sprintf("DelayedAckSkipping (%s): the message went to %s, whose delivery cannot be confirmed within MaxAcknowledgementDelay, so holding the sender is pointless; the message now has no other copy", e.Skip, e.Queue)
	case AckSkippedDeferred:
		return fmt.Sprintf("DelayedAckSkipping (%s): its next hop deferred the message in %s, so it cannot reach it within MaxAcknowledgementDelay, so holding the sender is pointless; the message now has no other copy", e.Skip, e.Queue)
	case AckUnprotected:
		return "no shadow could be made and RejectMessageOnShadowFailure is $false: the message is accepted unprotected"
	}
	return "acknowledged"
}

func (Promoted) Kind() string { return "transport.promotion" }
func (e Promoted) Narrate() string {
	return fmt.Sprintf("Shadow Redundancy Promotion: %s routes message #%d to another hub of site %s instead of delivering it itself, so that it keeps a shadow copy (it came from a sender without XSHADOW).", e.Server, e.Message, e.Site)
}

func (DirectDelivery) Kind() string { return "transport.promotion" }
func (e DirectDelivery) Narrate() string {
	return fmt.Sprintf("No other hub of site %s can take message #%d (%s); %s routes it straight to its destination.", e.Site, e.Message, strings.TrimSuffix(e.Why, "."), e.Server)
}

func (ShadowMade) Kind() string { return "transport.shadow" }
func (e ShadowMade) Narrate() string {
	if e.XShadow {
		return fmt.Sprintf("%s relayed message #%d to %s with XSHADOW and keeps a shadow copy in %s until %s reports it delivered.", e.Server, e.Message, e.On, e.Queue, e.On)
	}
	return fmt.Sprintf("%s made a shadow copy of message #%d on %s before acknowledging it (Exchange 2013+ shadow redundancy).", e.Server, e.Message, e.On)
}

func (ShadowFailed) Kind() string { return "transport.shadow" }
func (e ShadowFailed) Narrate() string {
	if e.Rejected {
		return fmt.Sprintf("%s could not make a shadow of message #%d and RejectMessageOnShadowFailure is $true: it answers 451 4.4.0 Message failed to be made redundant and drops its copy; the sender keeps the message and retries.", e.Server, e.Message)
	}
	return fmt.Sprintf("%s could not make a shadow of message #%d; RejectMessageOnShadowFailure is $false, so it accepts the message unprotected.", e.Server, e.Message)
}

func (ShadowRemade) Kind() string { return "transport.shadow" }
func (e ShadowRemade) Narrate() string {
	return fmt.Sprintf("%s learns that the shadow of message #%d on %s is gone and makes a new one.", e.Server, e.Message, e.Lost)
}

func (ShadowDiscarded) Kind() string { return "transport.shadow" }
func (e ShadowDiscarded) Narrate() string {
	return fmt.Sprintf("%s learns from %s that message #%d went on, and discards its shadow copy.", e.Server, e.Primary, e.Message)
}

func (ShadowTakeover) Kind() string { return "transport.shadow" }
func (e ShadowTakeover) Narrate() string {
	return fmt.Sprintf("%s takes ownership of its shadow of message #%d and resubmits it: %s.", e.Server, e.Message, e.Why)
}

func (HeartbeatMissed) Kind() string { return "transport.heartbeat" }
func (e HeartbeatMissed) Narrate() string {
	return fmt.Sprintf("%s cannot reach %s for the discard status of %d shadow message(s) (heartbeat %d of %d).", e.Server, e.Primary, e.Shadows, e.Attempt, e.Attempts)
}

func (LossyFailover) Kind() string { return "transport.lossy" }
func (e LossyFailover) Narrate() string {
	return fmt.Sprintf("Database %s failed over and lost what was delivered into it between %s and %s: transport must deliver it again.", e.Database, e.From.Format("15:04:05"), e.To.Format("15:04:05"))
}

func (MessageLost) Kind() string { return "transport.lost" }
func (e MessageLost) Narrate() string {
	if e.Undone {
		return fmt.Sprintf("Message #%d to %s is lost: %s undid its delivery and no Safety Net or dumpster copy is left.", e.Message, e.Recipient, e.Fault)
	}
	return fmt.Sprintf("Message #%d to %s is lost: %s destroyed its last copy.", e.Message, e.Recipient, e.Fault)
}

func (Resubmitted) Kind() string { return "transport.resubmit" }
func (e Resubmitted) Narrate() string {
	text := fmt.Sprintf("%s resubmits message #%d for %s from its Safety Net.", e.Server, e.Message, e.Recipient)
	if e.Dumpster {
		text = fmt.Sprintf("%s redelivers message #%d for %s from its transport dumpster.", e.Server, e.Message, e.Recipient)
	}
	if e.Why != "" {
		text = text[:len(text)-1] + ": " + e.Why + "."
	}
	return text
}

func (Duplicate) Kind() string { return "transport.duplicate" }
func (e Duplicate) Narrate() string {
	if e.Detected {
		return fmt.Sprintf("Message #%d reached %s again; the mailbox's duplicate detection drops the second copy.", e.Message, e.Recipient)
	}
	return fmt.Sprintf("Message #%d was sent to the external recipient %s a second time: the recipient sees a duplicate.", e.Message, e.Recipient)
}

func (SPOFOpened) Kind() string { return "transport.spof" }
func (e SPOFOpened) Narrate() string {
	return fmt.Sprintf("Message #%d is acknowledged but exists only on %s: a single point of failure until a second copy exists or it is delivered.", e.Message, e.Server)
}

func (SPOFClosed) Kind() string { return "transport.spof" }
func (e SPOFClosed) Narrate() string {
	return fmt.Sprintf("The single point of failure of message #%d on %s ends after %s.", e.Message, e.Server, e.Lasted)
}

func (Crashed) Kind() string { return "transport.crash" }
func (e Crashed) Narrate() string {
	if e.QueueLost {
		return fmt.Sprintf("%s crashed and its queue database (mail.que) is lost: every message copy it held is gone.", e.Server)
	}
	return fmt.Sprintf("%s crashed; its queue database survives, so its queued messages wait for it to start again.", e.Server)
}

func (ServiceCrashed) Kind() string { return "transport.crash" }
func (e ServiceCrashed) Narrate() string {
	return fmt.Sprintf("MSExchangeTransport on %s crashed while processing message #%d (crash %d of PoisonThreshold %d); its queue database survives and the service is restarted in %v.", e.Server, e.Message, e.Crash, e.Limit, e.Restart)
}

func (Poisoned) Kind() string { return "transport.poison" }
func (e Poisoned) Narrate() string {
	return fmt.Sprintf("Message #%d crashed MSExchangeTransport on %s %d time(s) (PoisonThreshold %d): it is put in %s, suspended; it never expires and waits for an administrator.", e.Message, e.Server, e.Crashes, e.Limit, e.Queue)
}

func (Stopped) Kind() string { return "transport.stop" }
func (e Stopped) Narrate() string {
	return fmt.Sprintf("%s shut down cleanly; its queue database is kept.", e.Server)
}

func (ServiceStopped) Kind() string { return "transport.service" }
func (e ServiceStopped) Narrate() string {
	switch {
	case strings.EqualFold(e.Service, "MSExchangeFrontEndTransport"):
		return fmt.Sprintf("%s stopped on %s: it no longer accepts SMTP on port 25.", e.Service, e.Server)
	case strings.EqualFold(e.Service, "MSExchangeDelivery"):
		return fmt.Sprintf("MSExchangeDelivery (Mailbox Transport Delivery) stopped on %s: nothing is delivered into its databases until it starts.", e.Server)
	case strings.EqualFold(e.Service, "MSExchangeSubmission"):
		return fmt.Sprintf("MSExchangeSubmission (Mailbox Transport Submission) stopped on %s: its mailboxes' Outboxes wait until it starts.", e.Server)
	}
	return fmt.Sprintf("MSExchangeTransport stopped on %s; its queue database is kept.", e.Server)
}

func (ServiceStarted) Kind() string { return "transport.service" }
func (e ServiceStarted) Narrate() string {
	if e.State == "" {
		return fmt.Sprintf("%s started on %s (it reads no component state).", e.Service, e.Server)
	}
	return fmt.Sprintf("MSExchangeFrontEndTransport started on %s and picked up FrontendTransport = %s.", e.Server, e.State)
}

func (Started) Kind() string { return "transport.start" }
func (e Started) Narrate() string {
	switch {
	case !e.Transport:
		return fmt.Sprintf("%s started.", e.Server)
	case e.NewQueueDB:
		return fmt.Sprintf("MSExchangeTransport started on %s with a new, empty queue database (database ID %d); HubTransport is %s.", e.Server, e.DatabaseID, e.State)
	}
	return fmt.Sprintf("MSExchangeTransport started on %s (queue database ID %d kept, %d queued message(s) reloaded); HubTransport is %s.", e.Server, e.DatabaseID, e.Reloaded, e.State)
}

func (NetworkChanged) Kind() string { return "transport.network" }
func (NetworkChanged) Narrate() string {
	return "The network changed: SMTP sessions follow the new reachability from their next connection attempt."
}

func (QueueEvent) Kind() string { return "transport.queue" }
func (e QueueEvent) Narrate() string {
	switch e.Op {
	case QueueRetried:
		return fmt.Sprintf("Retry-Queue %s: a connection attempt now instead of at the next retry time.", e.Identity)
	case QueueSuspended:
		return fmt.Sprintf("Suspend-Queue %s: messages stay queued until Resume-Queue.", e.Identity)
	case QueueResumed:
		return fmt.Sprintf("Resume-Queue %s.", e.Identity)
	}
	return fmt.Sprintf("Queue %s (%s, NextHopDomain %s) goes to Retry: %s.", e.Identity, e.DeliveryType, e.Next, strings.TrimSuffix(e.LastError, "."))
}

func (MessageDeferred) Kind() string { return "transport.defer" }
func (e MessageDeferred) Narrate() string {
	return fmt.Sprintf("%s answered message #%d with %s: the session itself went well, so only this message is deferred; it stays in %s and is offered again after MessageRetryInterval (%v).", e.Peer, e.Message, e.Status, e.Queue, e.Wait)
}

func (DeliveryDeferred) Kind() string { return "transport.defer" }
func (e DeliveryDeferred) Narrate() string {
	return fmt.Sprintf("Delivery of message #%d into database %s is deferred (%s): the copy stays in %s and is tried again with the queue.", e.Message, e.Database, e.Status, e.Queue)
}

func (DelayDSN) Kind() string { return "transport.dsn" }
func (e DelayDSN) Narrate() string {
	return fmt.Sprintf("Message #%d has waited longer than DelayNotificationTimeout (%v): %s sends its sender a delay DSN; it keeps trying.", e.Message, e.Delay, e.Server)
}

func (Expired) Kind() string { return "transport.ndr" }
func (e Expired) Narrate() string {
	return fmt.Sprintf("Message #%d expired in %s after MessageExpirationTimeout (%v): %s sends the sender an NDR (%s).", e.Message, e.Queue, e.Timeout, e.Server, e.Status)
}

func (QueueDelivered) Kind() string { return "transport.deliver" }
func (e QueueDelivered) Narrate() string {
	return fmt.Sprintf("%s delivered %d message(s) from %s into database %s on %s.", e.Server, e.Count, e.Queue, e.Database, e.Active)
}

func (Redirected) Kind() string { return "transport.redirect" }
func (e Redirected) Narrate() string {
	return fmt.Sprintf("Redirect-Message: %s hands its %d queued message(s) to %s and takes no new ones; its shadow queues stay.", e.Server, e.Count, e.Target)
}

func (Proxied) Kind() string { return "transport.proxy" }

// Narrate is empty: FrontEndRelayed tells both hops in one line (a page of a busy
// run stays small), and ProxyAttemptFailed / ProxyRefused tell the failures.
func (e Proxied) Narrate() string { return "" }

func (ProxyAttemptFailed) Kind() string { return "transport.proxy" }
func (e ProxyAttemptFailed) Narrate() string {
	return fmt.Sprintf("%s's Front End Transport service cannot proxy message #%d to %s (%s); it tries its next destination.", e.FrontEnd, e.Message, e.BackEnd, e.Why)
}

func (ProxyRefused) Kind() string { return "transport.proxy" }
func (e ProxyRefused) Narrate() string {
	return fmt.Sprintf("%s's Front End Transport service answers message #%d with %s: %s; the sender tries elsewhere.", e.FrontEnd, e.Message, strings.TrimSpace(e.Reply), e.Why)
}

func (FrontEndRelayed) Kind() string { return "transport.proxy" }
func (e FrontEndRelayed) Narrate() string {
	if e.Detour == "" {
		return ""
	}
	return fmt.Sprintf("%s's Front End Transport proxied message #%d to %s's Transport service (port 2525; %s), which accepted it; %s passes the 250 on to the sender.", e.FrontEnd, e.Message, e.BackEnd, e.Detour, e.FrontEnd)
}
