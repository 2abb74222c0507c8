// Package transport models Exchange mail transport on the servers of one organization:
// receiving, categorizing, routing, queueing and delivering messages; SMTP between
// servers with per-hop latency; the retry ladder and expiry; Exchange 2010 delayed
// acknowledgement, DelayedAckSkipping, shadow redundancy (XSHADOW, heartbeat, takeover)
// and Shadow Redundancy Promotion; and the ledger of every durable copy of every
// message, from which the verdict (delivered, bounced, lost, stuck, duplicates, single
// points of failure) is judged. Facts: shared/reference/exchange-transport.md (cited by
// section below). The world (databases, component states, the network) reaches it
// through [Env]; it never imports components or dag.
//
// # Copies and the ledger
//
// A copy is a durable instance of a message: with an internet sender that has no 250
// yet, in a mailbox's Outbox, in a server's queue database (a primary in Submission, a
// delivery queue or Unreachable; a shadow in a shadow queue), or delivered into a
// mailbox database. Every change of copies goes through the ledger; [Org.Check]
// verifies after any event that each (message, recipient) is exactly one of in flight
// (with a copy), delivered, bounced or lost (no copy left, naming the fault and the
// server that destroyed the last copy). A single point of failure (SPOF) window is an
// interval in which an acknowledged, undelivered message has copies on exactly one
// server.
//
// # Exchange 2010 (sections 1, 3.6, 6.1)
//
//   - Hub Transport servers queue mailbox mail in MapiDelivery queues whose
//     NextHopDomain is the database. A dismounted database sends the queue to Retry with
//     LastError "432 4.3.2 STOREDRV; mailbox database is offline" (the store driver's
//     MDBOffline response in the decompiled code; no 2010 document quotes a LastError);
//     an unreachable or stopped mailbox server gives "432 4.3.2 STOREDRV; mailbox server
//     is offline".
//   - Delayed acknowledgement: a message from a sender without XSHADOW (the internet)
//     has its 250 held until it reaches its next hop or MaxAcknowledgementDelay (30 s)
//     runs out. DelayedAckSkipping (EdgeTransport.exe.config, default on, queue length
//     100) acknowledges at once when the message goes to Unreachable, to a Suspended
//     queue, to a delivery queue in Retry or to one at or over the length; the reason is
//     journaled with the code's names (Unreachable, QueueIsSuspended, QueueInRetry,
//     QueueLength=n>=limit), and when its next hop defers the message (per-message
//     deferral, below): ItemDeferred=<the time it may go again>, written as en-US
//     DateTime.ToString() ("3/1/2011 9:11:00 AM"). A dismounted database is a
//     queue-level retry, not a deferral, so there the first copy waits out
//     MaxAcknowledgementDelay and the next finds QueueInRetry, as the issue's
//     two-message test expects.
//   - Mixed versions: a 2010 hub cannot deliver into a database mounted on a 2013+
//     server, so it relays over SMTP to the 2013+ servers of that database's DAG (else
//     of its site). The queue's DeliveryType SmtpRelayToMailboxDeliveryGroup and
//     NextHopDomain "Site:<site>;Version:15" are exsim's choice: the reference (3.2)
//     documents that type and form for the 2013+ side of coexistence only.
//   - Between two 2010 hubs XSHADOW is negotiated: the receiver acknowledges at once and
//     the sender keeps the message in a shadow queue (<Server>\Shadow\<n>, DeliveryType
//     ShadowRedundancy, NextHopDomain the primary server) until a heartbeat finds it
//     delivered. Heartbeat every ShadowHeartbeatTimeoutInterval (RTM 5 min, SP1+ 15
//     min); after ShadowHeartbeatRetryCount silent heartbeats (RTM 3, SP1+ 12) or on a
//     new queue database ID the shadow server takes the message over and resubmits it
//     (the 2010 takeover table, 1.3; a primary that returns with the same database after
//     a takeover delivers too: duplicates, detected by mailboxes, seen by external
//     recipients).
//   - Shadow Redundancy Promotion (SP1+, ShadowRedundancyPromotionEnabled, default
//     false): a message received without XSHADOW is routed to another hub of the local
//     site (SmtpRelayWithinAdSite; exsim names the site as its NextHopDomain), stamped
//     X-MS-Exchange-Forest-RoutedForHighAvailability so it is not redirected again, with
//     a HAREDIRECT (ROUTING, NoShadowServer) tracking event. When no other hub can take
//     it, it is resubmitted straight to its destination (HAREDIRECT, QUEUE,
//     ResubmitForDirectDelivery) at the first failed connection. Section 9 conflict 5:
//     exsim redirects at routing time, as the code does (the more precise source); the
//     exsim-only appSettings key ExsimPromotionTrigger=AckTimeout gives the prose reading
//     (redirect when the acknowledgement delay runs out).
//   - DAG rules (6.1): a hub that is a DAG member relays mail for a database mounted on
//     its own server to another hub of the site; Mail Submission on a DAG member submits
//     to the other hubs of its site round robin, the local hub only when no other is
//     available. Mail Submission logs NOTIFYMAPI and SUBMIT on the mailbox server, the
//     hub logs RECEIVE (STOREDRIVER).
//   - A started transport service reloads its queue database and routes what it holds
//     again, so queued mail follows configuration changed before the restart (as in
//     seed 002, where promotion is enabled and the services restarted).
//
// # Exchange 2013+ (sections 2.1-2.5, 3.7)
//
//   - The Mailbox role runs transport. Mail for a mailbox goes to a SmtpDeliveryToMailbox
//     queue (NextHopDomain the database) and over SMTP to the Mailbox Transport Delivery
//     service of the server with the active copy (DELIVER logged there).
//   - Shadow before ack: a server that receives a message (from the internet, from
//     Mailbox Transport Submission, or relayed by another server) opens a second SMTP
//     session to another server of its boundary (the DAG, else the AD site), remote-site
//     members first under PreferRemote (MaxRetriesForRemoteSiteShadow 4, then
//     MaxRetriesForLocalSiteShadow 2), logs HAREDIRECT / HARECEIVE, and only then
//     acknowledges. When no shadow can be made: HAREDIRECTFAIL, then
//     RejectMessageOnShadowFailure $false accepts unprotected (a SPOF window) and $true
//     answers "451 4.4.0 Message failed to be made redundant" (section 9 conflict 1:
//     451 4.4.0, as SR-2013, SR-2016 and the code say, not STC's 450 4.5.1).
//   - The shadow server asks the primary for discard status every
//     ShadowHeartbeatFrequency (2 min); a delivered primary's shadow moves to Shadow Safety
//     Net (HADISCARD). Silent for ShadowResubmitTimeSpan (3 h), or back with a new queue
//     database ID: the shadows are promoted and resubmitted (and shadowed again: exsim's
//     choice, the sources are silent). A primary whose shadow server lost its queue
//     database makes a new shadow at its next heartbeat exchange (exsim's choice too).
//   - Safety Net: processed messages with mailbox recipients stay in the primary's Safety
//     Net and the shadow's Shadow Safety Net for SafetyNetHoldTime (2 days; the
//     SafetyNetHoldTimeInterval appSetting overrides it per server). After a lossy
//     failover ([Org.LossyFailover]) the primary Safety Net resubmits at once (RESUBMIT,
//     SAFETYNET); if its server is down the Shadow Safety Net does after 12 hours. DSNs
//     are suppressed for resubmitted messages; a recipient already holding the message is
//     a duplicate the mailbox detects; an external one sees it. Of several copies that
//     could answer, the first made does (exsim's choice; the sources do not say). A kept
//     copy is a 40-byte record in its server's Safety Net (safetynet.go), not the queue
//     copy it was made from: a day's Safety Net holds two for every message.
//   - Redirect-Message drains the delivery queues to the target (a SmtpRelayToServers
//     queue, exsim's choice of DeliveryType), which shadows them again; shadow queues stay;
//     the source takes no new messages until its transport service next starts.
//   - Component states: a service picks up its state when it starts (Env.ServiceStarted);
//     a transport service whose HubTransport is Draining answers MAIL FROM with 421
//     4.3.2 Service not active after an accepted EHLO (section 9 conflict 4: 421, not
//     the KB's 412).
//   - Three services (exchange-2013-pipeline.md 1.1-1.2): Front End Transport on port
//     25 of every 2016+ Mailbox server and 2013 Client Access server (frontend.go: the
//     proxy choice, its replies per state, PRXn, and its logs), the Transport service
//     on 2525 beside it (25 on a 2013 Mailbox server without ClientAccess), and
//     Mailbox Transport Submission and Delivery (475), which read no component state
//     and run on while MSExchangeTransport alone is stopped. Restart-Service
//     MSExchangeFrontEndTransport restarts the front end alone. A HubTransport Inactive
//     behind an Active front end gives 451 4.7.0 ... PRX1 after the headers when no
//     other Transport service can take the mail (seed 004). Not modelled: the outbound
//     proxy through the front end (FrontendProxyEnabled, port 717), client submission
//     (587/465), Edge.
//
// # Transport dumpster (2010, section 1.7)
//
// A hub that delivers into a replicated database (exsim: its active copy's server is a
// DAG member) keeps a copy per database up to MaxDumpsterSizePerDatabase (18 MB, oldest
// evicted first; a message without a size counts 75 KB) for MaxDumpsterTime (7 days).
// Truncation once the delivery is replicated is not visible through Env, so exsim keeps
// by size and time only. After a lossy failover every hub holding copies redelivers.
//
// # DEFER (section 4.1)
//
// The reference lists DEFER ("message delivery was delayed") without its Source or
// recipient-status; exsim's choice: when the store driver (2010, on the hub) or
// Mailbox Transport Delivery (2013+, on the server with the active copy) reaches the
// server but the database is not mounted, that server writes DEFER with Source
// STOREDRIVER and recipient-status "432 4.3.2 STOREDRV; mailbox database is offline"
// for each copy in the queue, once per copy per queue (later retries show only in the
// queue's RetryCount and LastError; no source says whether every retry writes a row).
// A connection that fails (server down or cut off) offered no message: the queue goes
// to Retry with its LastError and no DEFER is written.
//
// # Per-message deferral (sections 5, 3.6, 4.1, 1.5)
//
// A 4xx for one message in a session that otherwise went well defers that message
// alone: it stays in its delivery queue, which stays Active (no queue Retry, RetryCount
// 0, no LastError), and is offered again after MessageRetryInterval (1 min for 2010,
// 15 min for 2013+: section 9 conflict 3, exsim follows the 2010 reference and the
// 2013/2016 documents and CSS, not the current page's 5 min; Set-TransportService
// changes it). The sender logs DEFER with Source SMTP, the next hop as server-hostname
// and the reply as recipient-status, once per copy per queue (as for the store
// driver's DEFER); the delay DSN and expiry apply at each deferral as at each queue
// retry. Get-Queue's DeferredMessageCount (shown by the 2013+ Format-List) counts the
// copies still waiting; Get-Message shows such a copy with Status Retry (a message
// status of 3.3) and the reply as its LastError (exsim's choice: no source shows a
// deferred message's row).
//
// The one per-message 4xx exsim produces: a 2013+ server that receives a message
// relayed by another Exchange server, cannot make a shadow and has
// RejectMessageOnShadowFailure $true answers the data with "451 4.4.0 Message failed to
// be made redundant" and drops its copy (before, such relays were accepted
// unprotected). The sender logs SEND only when a 2013+ receiver's 250 comes, so a
// refused offer shows RECEIVE and HAREDIRECTFAIL on the receiver and DEFER, not SEND, on
// the sender. When the receiver can have no shadow server at all, the relay's protocol
// logs show the 451; when its shadow servers exist but fail, they show the 250 (the
// sessions are logged when they start, and the wait for the shadow is not in their
// timing either). A copy refused and dropped at the same instant does not split the
// sender's single-point-of-failure window. A deferred copy enqueued again (its
// restarted service reloads and routes it) while its defer time is still ahead also
// skips a held acknowledgement with ItemDeferred; 1.5 requires the future time only for
// the Submission queue, exsim asks it everywhere (a past defer time is no deferral).
//
// # Poison, Unreachable and Safety Net in Get-Queue (sections 3.1-3.3)
//
// Every server has a Submission, an Unreachable (<Server>\Unreachable, DeliveryType
// Unreachable, NextHopDomain "Unreachable Domain") and a Poison queue
// (<Server>\Poison, DeliveryType Undefined, NextHopDomain "Poison Message"); Get-Queue
// lists Unreachable and Poison only while they hold messages, after Submission.
// Message.Poison makes a message crash MSExchangeTransport on every server whose
// categorizer processes it; the queue database survives and service recovery starts
// the service again after 5 s (exsim's choice). After PoisonThreshold crashes
// (Set-TransportService, default 2, range 1-10: the cmdlet reference; the SDK class
// page says 1) the restarted service puts the message in Poison (POISONMESSAGE,
// source POISONMESSAGE) instead of processing it; PoisonMessageDetectionEnabled
// $false makes it crash the service at every start. Poison messages are Suspended,
// never expire and stay until the horizon (stuck, with the reason); Suspend-Queue and
// Resume-Queue refuse the Poison queue. Safety Net is kept in the queue database but
// is no queue: Get-Queue and Get-Message do not show it.
//
// # SMTP and logs
//
// Sessions between servers and from the internet are played line by line by
// transport/smtp (one latency per crossing), which also words the replies and LastError
// texts; their protocol log rows and the message tracking rows (transport/logs) go to
// the journal. A server that is down or cut off times out the connection; a queue
// whose next hop fails shows the failover LastError. With the journal off (benchmarks)
// no text is built and session timings are cached per session shape.
//
// A session's protocol rows are journaled only for the side whose connector's
// ProtocolLoggingLevel is Verbose (protolevel.go: the product defaults, changed by
// Set-ReceiveConnector, Set-SendConnector and -IntraOrgConnectorProtocolLoggingLevel).
// Tracking rows (track.go) fill the columns Exchange fills per event, with synthetic
// identifiers derived from the seed (ids.go), and name the SMTP session of their
// protocol log in source-context (trackctx.go).
//
// # Retry and expiry (3.6)
//
// A queue whose next hop fails goes to Retry: QueueGlitchRetryCount (4) retries
// QueueGlitchRetryInterval (1 min) apart, then TransientFailureRetryCount (6) at
// TransientFailureRetryInterval (5 min), then every OutboundConnectionFailureRetryInterval
// (10 min); 2013+ mailbox delivery queues retry every MailboxDeliveryQueueRetryInterval
// (5 min). At each failed retry (and each per-message deferral) a message older than
// DelayNotificationTimeout (4 h) gets one delay DSN, and one older than
// MessageExpirationTimeout (2 days) is returned with an NDR "550 4.4.7 QUEUE.Expired;
// message expired" (ages count from when the organization accepted the message).
// MessageRetryInterval (section 9 conflict 3: 1 min for 2010, 15 min for 2013+) times
// per-message deferrals.
//
// # Senders
//
// A mailbox's message waits in its Outbox (a copy in the mailbox database, not on a
// transport server) until a hub takes it; Mail Submission tries again every minute when
// none can (exsim's choice), and the Outbox copy goes when the hub has it (2013+: once
// the hub has made its shadow). Probes (Message.Origin) are submitted the same way on
// their server.
//
// An internet sender tries the inbound servers in order (MX preference) or, with a load
// balancer, the next server of a round robin whose health probe skips servers that are
// down; a refused connection or a 421 sends it to the next; when none accepts it retries
// after SenderRetry for up to 5 days. A session that dies before the 250 leaves the
// message with the sender, which retries.
//
// # Back pressure (exchange-stress.md section 1)
//
// pressure.go: per server, the queue drive (DatabaseUsedSpace), EdgeTransport.exe's
// memory (PrivateBytes), SystemMemory, version buckets and the Submission queue, with
// each version's thresholds and hysteresis; at Medium and High the server answers
// MAIL FROM from the internet, then from other Exchange servers, with 452 4.3.1
// Insufficient system resources, refuses the mailbox submission service, and (2016+)
// refuses to hold shadows. Events 15004-15007 are journaled. [Org.SetResourceUse] and
// [Org.ReleaseResources] are the disk and memory faults; [Org.ResourceThrottling]
// prints Get-ExchangeDiagnosticInfo -Process EdgeTransport -Component
// ResourceThrottling. Tarpitting (the delayed MAIL FROM answer) is not modelled: a
// tarpitting resource accepts until its history depth has passed, then refuses.
//
// # Smart hosts and MX (exchange-stress.md section 2)
//
// smarthost.go: a connector's several smart hosts in rotation, MX records per external
// domain (lower preference first, equal ones balanced), failover to the next host on
// a connection failure or a 4xx within one attempt, Exchange's "Attempted failover to
// alternate host, but that did not succeed" LastError when all fail, and the faults
// of external hosts ([Org.HostDown], [Org.HostRefuse], [Org.HostUp]).
//
// # Message size limits (exchange-stress.md section 3)
//
// size.go: the receive connector's MaxMessageSize at MAIL FROM (552 5.3.4), the
// organization's MaxReceiveSize and MaxSendSize in the categorizer (RESOLVER.RST
// NDRs), and the send connector's MaxMessageSize in connector selection
// (ROUTING.SizeLimit), with each version's defaults.
//
// # Queue recovery (exchange-stress.md section 4)
//
// queueops.go: Retry-Queue -Resubmit $true (a delivery queue in Retry or the
// Unreachable queue back to the categorizer), MaxIdleTimeBeforeResubmit (12 h), which
// back pressure's "resubmission paused" holds, Suspend-Message, Resume-Message (a
// poison message is resubmitted) and Remove-Message -WithNDR (default $true; $false
// loses the message to the removal), by <Server>\<Queue>\<MessageInteger>;
// Add-ResubmitRequest -Destination DB -StartTime -EndTime (primary Safety Net copies
// of that window resubmitted) and Get-ResubmitRequest.
//
// # Not modelled
//
// Per-recipient 4xx answers (RCPT TO) and 4xx answers from internet hosts (the only
// per-message 4xx is the 2013+ 451 4.4.0 above), PendingSuspend and PendingRemove (a
// message on the wire is refused), Add-ResubmitRequest's ConditionalResubmit set, message priorities, Edge servers, TLS, XQDISCARD on sessions
// other than the heartbeat, the expiry of unacknowledged shadows, and 2013+ Front End
// Transport as a separate proxy hop (its component state is honoured at MAIL FROM).
//
// Get-Queue's IncomingRate, OutgoingRate and Velocity are always 0: the reference
// gives Velocity = OutgoingRate - IncomingRate in messages per second "averaged over
// 1 minute" but neither the averaging Exchange uses nor how it rounds what it prints,
// so a computed figure would look precise and be unsourced.
//
// # Performance
//
// The anchors workload (BENCHMARKS.md at the repository root) keeps every delivered
// message's copies for SafetyNetHoldTime, so allocation and the garbage collector set
// the pace: copies, ledger entries, recipient lists and sessions come from slabs (one
// allocation per chunk of over 32 KB, see slab.go), copies are packed, the queues
// looked up per message are reached through pointers kept on the server rather than
// by hashing two-string keys, and heartbeats are typed handlers. What a held message
// rarely needs is apart (msgExt, a recipient's reason), a recipient's fate is a byte,
// a front end's destinations are picked with site numbers and a mark, and whether
// protocol or tracking rows are journaled is remembered per journal setting
// (logwants.go).
//
// # Journal events
//
// Every journal record transport writes carries one of these payloads (events.go;
// their Kind and narration in narrate.go). Per-message events embed [Msg], so writers
// find the message with [MessageOf]; none needs the sentence.
//
//   - transport.submit: [OutboxWaiting], [InternetSubmitted], [SubmitInterrupted], [NoHubForSubmission]
//   - transport.sender: [SenderRetry] (Why: NoServerAccepted, SessionBroke, SessionDied)
//   - transport.session: [ConnectFailed], [MailFromRefused]
//   - transport.proxy: [Proxied], [ProxyAttemptFailed], [ProxyRefused], [FrontEndRelayed]
//   - transport.delayedack: [AckDelayed]; transport.ack: [Acknowledged] (Why: an [AckReason])
//   - transport.shadow: [ShadowMade] (XShadow for 2010), [ShadowFailed], [ShadowRemade],
//     [ShadowDiscarded], [ShadowTakeover]; transport.heartbeat: [HeartbeatMissed]
//   - transport.promotion: [Promoted], [DirectDelivery]
//   - transport.queue: [QueueEvent] (Op: a [QueueOp]); transport.redirect: [Redirected]
//   - transport.defer: [MessageDeferred], [DeliveryDeferred]; transport.deliver: [QueueDelivered]
//   - transport.dsn: [DelayDSN]; transport.ndr: [Expired]
//   - transport.lost: [MessageLost]; transport.duplicate: [Duplicate]; transport.spof: [SPOFOpened], [SPOFClosed]
//   - transport.lossy: [LossyFailover]; transport.resubmit: [Resubmitted]
//   - transport.crash: [Crashed], [ServiceCrashed]; transport.poison: [Poisoned]
//   - transport.stop: [Stopped]; transport.start: [Started]; transport.service:
//     [ServiceStopped], [ServiceStarted]; transport.network: [NetworkChanged]
//   - transport.config: [ConfigSet], [SiteChanged] (Set-AdSite, Set-AdSiteLink)
//   - transport.route: [HubSiteRelay], [SiteBackOff] (routing between AD sites, adsites.go)
//   - transport.pressure: [PressureChanged] (events 15004/15005), [PressureRejecting]
//     (15006/15007), [PressureActions], [Tarpitted] (pressure_tarpit.go); transport.submit:
//     [SubmissionRefused]
//   - transport.host: [HostChanged]; transport.failover: [SmartHostFailover]; transport.ndr:
//     [DomainNotFound] (smarthost.go)
//   - transport.queue: [QueueResubmitted] (Retry-Queue -Resubmit, MaxIdleTimeBeforeResubmit),
//     [MessageRemoved], [MessageSuspended] (with Pending: PendingRemove, PendingSuspend);
//     transport.resubmit: [ResubmitRequested] (queueops.go)
//   - transport.track and transport.smtp: the log rows [logs.TrackingEvent] and
//     [logs.ProtocolEvent], not narrated
//
// # Configuration
//
// [Org.SetTransportConfig], [Org.SetTransportService] and [Org.SetEdgeTransportConfig]
// take Exchange's names and text values; unknown names are errors suggesting the
// closest valid name. MaxAcknowledgementDelay (a receive connector parameter) is
// accepted on Set-TransportConfig for every connector.
package transport
