// Package components models Exchange 2013+ server component states: the switches an
// admin, Exchange setup or Managed Availability uses to take a server, or part of it,
// out of service while its Windows services keep running.
//
// # What is modelled (shared/reference/exchange-dag-components.md section 1)
//
//   - Components per version ([Components]): the 26 settable components of 2013, the
//     nine 2016 adds, and 2019 (see Components for the uncertainty). Every component
//     defaults to Active except ForwardSyncDaemon and ProvisioningRps (Inactive).
//     Exchange 2010 servers have no component states.
//   - States Active, Inactive, Draining; requesters HealthAPI, Maintenance, Sidelined,
//     Functional, Deployment. Each requester's entry is kept on its own, in two
//     stores per server: the registry (local) and AD msExchComponentStates (remote).
//     [Store.Set] writes both unless -LocalOnly or -RemoteOnly (both together is an
//     error; -LocalOnly is refused for Monitoring and RecoveryActionsEnabled).
//   - Reconciliation per (component, requester): the newer entry wins; an entry in one
//     store only is kept. Across requesters Inactive beats Draining beats Active; no
//     entry gives the default. So only the requester that set a state can clear it:
//     Active from Maintenance does not undo Inactive from Functional.
//   - ServerWideOffline other than Active (Draining included) makes every component
//     except Monitoring and RecoveryActionsEnabled read Inactive.
//   - MSExchangeTransport (HubTransport) and MSExchangeFrontEndTransport
//     (FrontendTransport) read their component only when they start
//     ([Store.ServiceStarted], event 7009). Until the next start a changed state is
//     only an inconsistency, journaled as warning 7011 / 7012.
//   - HighAvailability effectively Inactive blocks activation of database copies on
//     the server ([Store.ActivationBlocked], [Store.CheckActivation]).
//   - Exchange setup's early step ([Store.SetupBegin]): Monitoring,
//     RecoveryActionsEnabled and ServerWideOffline Inactive as Functional, left in
//     place when setup fails.
//   - Optional Managed Availability restart responders ([Store.EnableResponder]).
//   - Get-ServerComponentState ([Store.Get], [FormatTable], [FormatList]).
//
// # Choices where sources are silent or disagree
//
//   - Draining is accepted for every component: the cmdlet has no per-component list
//     (decompiled code), although only HubTransport, FrontendTransport and
//     UMCallRouter are documented to act on it.
//   - Timestamps are the simulated clock; two writes at one instant are ordered by
//     write order, as Exchange's 100 ns UTC ticks would order them. On an exact tie
//     Exchange keeps the registry value; with this ordering a tie cannot happen.
//   - Exchange's processes cache the AD states and copy newer AD entries into the
//     registry at an undocumented interval (SyncAdState). Not modelled: the effective
//     state always merges both stores, as Get-ServerComponentState does.
//   - The requester is printed as documented ("HealthAPI"); names are matched
//     case-insensitively, so Exchange's own "HealthApi" is accepted.
//   - The Server column shows the name the server was added with (Exchange prints the
//     FQDN; give the FQDN to AddServer to get it).
//   - Warning 7011 / 7012 is journaled once when the set and running states start to
//     differ (and again if the expected state changes), not at Exchange's
//     undocumented repeat interval.
//   - LocalStates / RemoteStates items print as "[Requester: R] [State: S]
//     [Timestamp: M/d/yyyy h:mm:ss AM]" (the form seen in admins' posts; no
//     Microsoft page shows it), at most four then "..." ($FormatEnumerationLimit).
//
// # Journal events
//
// Every record's Data is one of these (events.go; narration in narrate.go):
//
//   - "component.set": [StateSet], a Set-ServerComponentState write (setup's too):
//     server, component, requester, state written, stores written, effective state
//     Before and After, whether ServerWideOffline overrides it, the requesters
//     still holding it when the write did not take effect.
//   - "component.event": [ServiceReadState], event 7009, a transport service
//     started and picked up its component's state; [StateInconsistent], warning
//     7011 (transport) or 7012 (front end), the component changed under a running
//     service (Running, Expected). Both are [ApplicationEvent]s (ID, level, source).
//   - "component.responder": the Managed Availability responder
//     [ResponderRestarted] the service, was [ResponderThrottled] by its daily limit
//     (Limit, RetryIn), or [ResponderSkipped] because Monitoring or
//     RecoveryActionsEnabled is not Active (Blocker).
//
// Not modelled: the ADAccess events 4109/4110, -TimeoutInSeconds, the HTTP proxy
// health check and the POP/IMAP service stops.
package components
