package cmdlet

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/exsim/exsim/transport"
)

// Components are the server components Set-ServerComponentState accepts: the
// Exchange 2013 settable set plus the 2016 additions (reference
// exchange-dag-components.md §1.2). The 2019 list is not sourced; we accept the
// 2016 one for 2019 too.
var Components = []string{
	"ServerWideOffline", "HubTransport", "FrontendTransport", "Monitoring",
	"RecoveryActionsEnabled", "AutoDiscoverProxy", "ActiveSyncProxy", "EcpProxy",
	"EwsProxy", "ImapProxy", "OabProxy", "OwaProxy", "PopProxy",
	"PushNotificationsProxy", "RpsProxy", "RwsProxy", "RpcProxy", "UMCallRouter",
	"XropProxy", "HttpProxyAvailabilityGroup", "ForwardSyncDaemon", "ProvisioningRps",
	"MapiProxy", "EdgeTransport", "HighAvailability", "SharedCache",
	"MailboxDeliveryProxy", "RoutingUpdates", "RestProxy", "DefaultProxy", "Lsass",
	"RoutingService", "E4EProxy", "CafeLAMv2", "LogExportProvider",
}

// Requesters are the five -Requester values (SET-SCS).
var Requesters = []string{"HealthApi", "Maintenance", "Sidelined", "Functional", "Deployment"}

// MaintenanceModeReasons are the values of OpsMgr's MaintenanceModeReason.
var MaintenanceModeReasons = []string{
	"PlannedOther", "UnplannedOther", "PlannedHardwareMaintenance", "UnplannedHardwareMaintenance",
	"PlannedHardwareInstallation", "UnplannedHardwareInstallation", "PlannedOperatingSystemReconfiguration",
	"UnplannedOperatingSystemReconfiguration", "PlannedApplicationMaintenance", "ApplicationInstallation",
	"ApplicationUnresponsive", "ApplicationUnstable", "SecurityIssue", "LossOfNetworkConnectivity",
}

// Services are the Windows services a step may restart.
var Services = []string{"MSExchangeTransport", "MSExchangeFrontEndTransport", "MSExchangeDelivery", "MSExchangeSubmission"}

var services = ParamSpec{Name: "Name", Position: 1, Required: true, Type: EnumType, Enum: Services}

// supported is the cmdlet table of scenario-format.md. MinVersion gates cmdlets
// that do not exist before Exchange 2013 (server component states,
// Redirect-Message, Set-TransportService, which replaced Set-TransportServer).
var supported = []Spec{
	{Name: "Get-ServerComponentState", MinVersion: "Exchange2013", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Required: true, Type: Server},
		{Name: "Component", Type: EnumType, Enum: Components},
	}},
	{Name: "Set-ServerComponentState", MinVersion: "Exchange2013", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Required: true, Type: Server},
		// -Component <String> [SET-SCS]: the shell binds any name and the cmdlet refuses
		// an unknown one when it runs (seed 001's "-Component MailboxDelivery").
		{Name: "Component", Required: true, Type: EnumType, Enum: Components, CheckedByCmdlet: true},
		{Name: "State", Required: true, Type: EnumType, Enum: []string{"Active", "Inactive", "Draining"}},
		{Name: "Requester", Required: true, Type: EnumType, Enum: Requesters},
		{Name: "LocalOnly", Switch: true},
		{Name: "RemoteOnly", Switch: true},
	}},
	{Name: "Restart-Service", Params: []ParamSpec{services, {Name: "Force", Switch: true}}},
	{Name: "Stop-Service", Params: []ParamSpec{services, {Name: "Force", Switch: true}}},
	{Name: "Start-Service", Params: []ParamSpec{services}},
	{Name: "Redirect-Message", MinVersion: "Exchange2013", Params: []ParamSpec{
		{Name: "Server", Required: true, Type: Server},
		{Name: "Target", Required: true, Type: Text},
	}},
	{Name: "Set-MailboxServer", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Required: true, Type: Server},
		{Name: "DatabaseCopyAutoActivationPolicy", Type: EnumType, Enum: []string{"Unrestricted", "IntrasiteOnly", "Blocked"}},
		{Name: "DatabaseCopyActivationDisabledAndMoveNow", Type: Boolean},
		// $null (no limit) or a whole number (exchange-site-resilience.md 6.1).
		{Name: "MaximumActiveDatabases", Type: Text},
		{Name: "MaximumPreferredActiveDatabases", Type: Text}, // 2013+
	}},
	// Get-ClusterNode / Get-Cluster (FailoverClusters): the DAG's cluster, named by
	// -Cluster (the DAG name; optional with one DAG); the quorum properties of
	// exchange-site-resilience.md 2.8.
	{Name: "Get-ClusterNode", Params: []ParamSpec{
		{Name: "Name", Position: 1, Type: Server},
		{Name: "Cluster", Type: Text},
	}},
	{Name: "Get-Cluster", Params: []ParamSpec{
		{Name: "Name", Position: 1, Type: Text},
	}},
	{Name: "Suspend-ClusterNode", Params: []ParamSpec{{Name: "Name", Position: 1, Required: true, Type: Server}}},
	{Name: "Resume-ClusterNode", Params: []ParamSpec{{Name: "Name", Position: 1, Required: true, Type: Server}}},
	// Move-ClusterGroup [-Name] <String> [[-Node] <String>] (FailoverClusters): only the
	// cluster core group exists here, and moving it moves the PAM.
	{Name: "Move-ClusterGroup", Params: []ParamSpec{
		{Name: "Name", Position: 1, Required: true, Type: EnumType, Enum: []string{"Cluster Group"}},
		{Name: "Node", Position: 2, Required: true, Type: Server},
	}},
	{Name: "Mount-Database", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Required: true, Type: Database},
		{Name: "Force", Switch: true},
	}},
	{Name: "Dismount-Database", Params: []ParamSpec{{Name: "Identity", Position: 1, Required: true, Type: Database}}},
	{Name: "Move-ActiveMailboxDatabase", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Type: Database},
		{Name: "Server", Type: Server},
		{Name: "ActivateOnServer", Type: Server},
		{Name: "MountDialOverride", Type: EnumType, Enum: []string{"None", "Lossless", "GoodAvailability", "BestAvailability", "BestEffort"}},
		{Name: "SkipMoveSuppressionChecks", Switch: true},
		{Name: "SkipClientExperienceChecks", Switch: true},
		{Name: "SkipHealthChecks", Switch: true},
		{Name: "SkipLagChecks", Switch: true},
		{Name: "SkipActiveCopyChecks", Switch: true},
	}},
	// The copy lifecycle (exchange-site-resilience.md 4.2, 4.3).
	{Name: "Add-MailboxDatabaseCopy", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Required: true, Type: Database},
		{Name: "MailboxServer", Position: 2, Required: true, Type: Server},
		{Name: "ActivationPreference", Type: Integer},
		{Name: "ReplayLagTime", Type: Duration},
		{Name: "TruncationLagTime", Type: Duration},
		{Name: "SeedingPostponed", Switch: true},
		{Name: "ConfigurationOnly", Switch: true},
	}},
	{Name: "Remove-MailboxDatabaseCopy", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Required: true, Type: Copy},
	}},
	{Name: "Update-MailboxDatabaseCopy", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Required: true, Type: Copy},
		{Name: "SourceServer", Type: Server},
		{Name: "DeleteExistingFiles", Switch: true},
		{Name: "Force", Switch: true},
		{Name: "DatabaseOnly", Switch: true},
	}},
	// Set-MailboxDatabaseCopy -ReplayLagTime / -TruncationLagTime (lagged copies,
	// exchange-site-resilience.md 3.1); dd.hh:mm:ss, at most 14.00:00:00.
	{Name: "Set-MailboxDatabaseCopy", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Required: true, Type: Copy},
		{Name: "ReplayLagTime", Type: Duration},
		{Name: "TruncationLagTime", Type: Duration},
		{Name: "ReplayLagMaxDelay", Type: Duration},
	}},
	{Name: "Suspend-MailboxDatabaseCopy", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Required: true, Type: Copy},
		{Name: "ActivationOnly", Switch: true},
		{Name: "SuspendComment", Type: Text},
	}},
	{Name: "Resume-MailboxDatabaseCopy", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Required: true, Type: Copy},
		{Name: "ReplicationOnly", Switch: true},
	}},
	{Name: "Get-MailboxDatabaseCopyStatus", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Type: Text},
		{Name: "Server", Type: Server},
		{Name: "Active", Switch: true},
	}},
	{Name: "Get-MailboxDatabase", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Type: Database},
		{Name: "Server", Type: Server},
		{Name: "Status", Switch: true},
	}},
	{Name: "Get-DatabaseAvailabilityGroup", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Type: Text},
		{Name: "Status", Switch: true},
	}},
	// Site resilience (exchange-site-resilience.md 1.1, 2.4): the DAG is named by
	// Identity; sites and witness servers are text (a witness need not be declared).
	{Name: "Set-DatabaseAvailabilityGroup", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Required: true, Type: Text},
		{Name: "DatacenterActivationMode", Type: EnumType, Enum: []string{"Off", "DagOnly"}},
		{Name: "WitnessServer", Type: Text},
		{Name: "WitnessDirectory", Type: Text},
		{Name: "AlternateWitnessServer", Type: Text},
		{Name: "AlternateWitnessDirectory", Type: Text},
		// Replay Lag Manager (2013+, exchange-site-resilience.md 3.1).
		{Name: "ReplayLagManagerEnabled", Type: Boolean},
	}},
	{Name: "Stop-DatabaseAvailabilityGroup", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Required: true, Type: Text},
		{Name: "ActiveDirectorySite", Type: Text},
		{Name: "MailboxServer", Type: Server},
		{Name: "ConfigurationOnly", Switch: true},
	}},
	{Name: "Restore-DatabaseAvailabilityGroup", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Required: true, Type: Text},
		{Name: "ActiveDirectorySite", Type: Text},
		{Name: "AlternateWitnessServer", Type: Text},
		{Name: "AlternateWitnessDirectory", Type: Text},
		{Name: "UsePrimaryWitnessServer", Switch: true},
	}},
	{Name: "Start-DatabaseAvailabilityGroup", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Required: true, Type: Text},
		{Name: "ActiveDirectorySite", Type: Text},
		{Name: "MailboxServer", Type: Server},
		{Name: "ConfigurationOnly", Switch: true},
	}},
	// Routing between AD sites (exchange-site-resilience.md 7.3): -Identity names a
	// site or site link; -ExchangeCost and -MaxMessageSize take $null to revert.
	{Name: "Get-AdSite", Params: []ParamSpec{{Name: "Identity", Position: 1, Type: Text}}},
	{Name: "Set-AdSite", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Required: true, Type: Text},
		{Name: "HubSiteEnabled", Type: Boolean},
		{Name: "InboundMailEnabled", Type: Boolean, MinVersion: "Exchange2013"},
	}},
	{Name: "Get-AdSiteLink", Params: []ParamSpec{{Name: "Identity", Position: 1, Type: Text}}},
	{Name: "Set-AdSiteLink", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Required: true, Type: Text},
		{Name: "ExchangeCost", Type: Text},
		{Name: "MaxMessageSize", Type: Text},
	}},
	{Name: "Get-Queue", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Type: Queue},
		{Name: "Server", Type: Server},
		{Name: "Filter", Type: Filter},
		{Name: "Include", Type: Texts},
		{Name: "Exclude", Type: Texts},
	}},
	{Name: "Get-Message", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Type: Text},
		{Name: "Server", Type: Server},
		{Name: "Queue", Type: Queue},
		{Name: "Filter", Type: Filter},
		{Name: "IncludeRecipientInfo", Switch: true},
	}},
	// Get-MessageTrackingLog: every parameter of the cmdlet (exchange-transport.md
	// 4.2); -NetworkMessageId, -Source and -TransportTrafficType came with Exchange
	// 2016. -DomainController is bound and changes nothing (one directory here).
	{Name: "Get-MessageTrackingLog", Params: []ParamSpec{
		{Name: "Server", Type: Server},
		{Name: "Start", Type: DateTime},
		{Name: "End", Type: DateTime},
		{Name: "EventId", Type: Text},
		{Name: "MessageSubject", Type: Text},
		{Name: "MessageId", Type: Text},
		{Name: "InternalMessageId", Type: Text},
		{Name: "Reference", Type: Text},
		{Name: "Sender", Type: Text},
		{Name: "Recipients", Type: Texts},
		{Name: "ResultSize", Type: Text},
		{Name: "DomainController", Type: Text},
		{Name: "NetworkMessageId", Type: Text, MinVersion: "Exchange2016"},
		{Name: "Source", Type: Text, MinVersion: "Exchange2016"},
		{Name: "TransportTrafficType", Type: Text, MinVersion: "Exchange2016"},
	}},
	// Get-ReceiveConnector [[-Identity] SERVER\NAME] [-Server S] and
	// Get-SendConnector [[-Identity] NAME]: read-only views of the default receive
	// connectors and the topology's send connectors.
	{Name: "Get-ReceiveConnector", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Type: Text},
		{Name: "Server", Type: Server},
	}},
	{Name: "Get-SendConnector", Params: []ParamSpec{{Name: "Identity", Position: 1, Type: Text}}},
	// Get-TransportService [[-Identity] SERVER] (2013+) and Get-TransportServer, its
	// 2010 name, which 2013+ shells still run: the transport service settings.
	{Name: "Get-TransportService", MinVersion: "Exchange2013", Params: []ParamSpec{{Name: "Identity", Position: 1, Type: Server}}},
	{Name: "Get-TransportServer", Params: []ParamSpec{{Name: "Identity", Position: 1, Type: Server}}},
	{Name: "Set-TransportConfig", Params: []ParamSpec{
		{Name: "ShadowRedundancyEnabled", Type: Boolean},
		{Name: "MaxAcknowledgementDelay", Type: Duration},
		{Name: "ShadowHeartbeatFrequency", Type: Duration},
		{Name: "ShadowHeartbeatTimeoutInterval", Type: Duration},
		{Name: "ShadowHeartbeatRetryCount", Type: Integer},
		{Name: "ShadowResubmitTimeSpan", Type: Duration},
		{Name: "ShadowMessageAutoDiscardInterval", Type: Duration},
		{Name: "ShadowMessagePreferenceSetting", Type: EnumType, Enum: []string{"PreferRemote", "LocalOnly", "RemoteOnly"}},
		{Name: "MaxRetriesForLocalSiteShadow", Type: Integer},
		{Name: "MaxRetriesForRemoteSiteShadow", Type: Integer},
		{Name: "RejectMessageOnShadowFailure", Type: Boolean},
		{Name: "SafetyNetHoldTime", Type: Duration},
		{Name: "MaxDumpsterTime", Type: Duration},
		{Name: "MaxDumpsterSizePerDatabase", Type: Text},
		{Name: "MaxSendSize", Type: Text},
		{Name: "MaxReceiveSize", Type: Text},
		{Name: "ExternalDelayDsnEnabled", Type: Boolean},
		{Name: "InternalDelayDsnEnabled", Type: Boolean},
	}},
	// Edit-EdgeTransportConfig is exsim's notation, not a cmdlet: the admin opens
	// EdgeTransport.exe.config (in \Program Files\Microsoft\Exchange Server\V14\bin,
	// seed 002) in an editor, sets an appSettings key and saves the file, on -Server
	// (or the step's on), or on every transport server when neither is given. The
	// running service does not see it; it reads the file at its next start.
	{Name: "Edit-EdgeTransportConfig", Params: []ParamSpec{
		{Name: "Server", Type: Server},
		{Name: "Key", Position: 1, Required: true, Type: EnumType, Enum: edgeTransportKeys()},
		{Name: "Value", Position: 2, Required: true, Type: Text},
	}},
	// Set-ReceiveConnector / Set-SendConnector -ProtocolLoggingLevel None|Verbose (seed
	// 003: "None and Verbose are the only choices"); Identity is "<server>\<name>" or
	// a name, checked against the organization's connectors when the cmdlet runs.
	// Set-ReceiveConnector -MaxMessageSize (exchange-stress.md 3.1: 65536 to
	// 2147483647 bytes, "25MB" or a byte count) on the connector internet mail reaches;
	// one of the two parameters is needed (checked when it runs).
	{Name: "Set-ReceiveConnector", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Required: true, Type: Text},
		{Name: "ProtocolLoggingLevel", Type: EnumType, Enum: protocolLoggingLevels},
		{Name: "MaxMessageSize", Type: Text},
	}},
	// Set-SendConnector: -ProtocolLoggingLevel, and for a smart-host connector
	// -RequireTLS, -SmartHostAuthMechanism (the ones transport/smtp plays) and
	// -IgnoreSTARTTLS; at least one of them.
	{Name: "Set-SendConnector", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Required: true, Type: Text},
		{Name: "ProtocolLoggingLevel", Type: EnumType, Enum: protocolLoggingLevels},
		{Name: "RequireTLS", Type: Boolean},
		{Name: "SmartHostAuthMechanism", Type: EnumType, Enum: []string{"None", "BasicAuth", "BasicAuthRequireTLS"}},
		{Name: "IgnoreSTARTTLS", Type: Boolean},
	}},
	// Get-ExchangeDiagnosticInfo [-Server] -Process -Component [-Argument]
	// (exchange-stress.md 1.7): only the back pressure view, EdgeTransport's
	// ResourceThrottling component, is modelled.
	{Name: "Get-ExchangeDiagnosticInfo", MinVersion: "Exchange2013", Params: []ParamSpec{
		{Name: "Server", Type: Server},
		{Name: "Process", Required: true, Type: EnumType, Enum: []string{"EdgeTransport"}},
		{Name: "Component", Required: true, Type: EnumType, Enum: []string{"ResourceThrottling"}},
		{Name: "Argument", Type: Text},
	}},
	transportServer("Set-TransportService", "Exchange2013"),
	transportServer("Set-TransportServer", ""),
	queueOp("Retry-Queue", ParamSpec{Name: "Resubmit", Type: Boolean}),
	queueOp("Suspend-Queue"),
	// Message recovery (exchange-stress.md 4.2): -Identity Server\Queue\MessageInteger.
	{Name: "Suspend-Message", Params: []ParamSpec{{Name: "Identity", Position: 1, Required: true, Type: Text}}},
	{Name: "Resume-Message", Params: []ParamSpec{{Name: "Identity", Position: 1, Required: true, Type: Text}}},
	// Add-ResubmitRequest's MDBResubmit and ConditionalResubmit sets and Get-ResubmitRequest (4.5, 2013+);
	// -Destination names the mailbox database (the product takes its GUID).
	// -Destination (MDBResubmit) or -Recipient/-Sender/-MessageId (ConditionalResubmit;
	// -ResubmitTo is not modelled), -UnresponsivePrimaryServers; the sets are checked
	// when it runs.
	{Name: "Add-ResubmitRequest", MinVersion: "Exchange2013", Params: []ParamSpec{
		{Name: "Destination", Type: Database},
		{Name: "Recipient", Type: Text},
		{Name: "Sender", Type: Text},
		{Name: "MessageId", Type: Text},
		{Name: "UnresponsivePrimaryServers", Type: Texts},
		{Name: "StartTime", Required: true, Type: DateTime},
		{Name: "EndTime", Required: true, Type: DateTime},
		{Name: "Server", Type: Server},
	}},
	{Name: "Get-ResubmitRequest", MinVersion: "Exchange2013", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Type: Integer},
		{Name: "Server", Type: Server},
	}},
	{Name: "Remove-Message", Params: []ParamSpec{
		{Name: "Identity", Position: 1, Required: true, Type: Text},
		{Name: "WithNDR", Type: Boolean},
	}},
	queueOp("Resume-Queue"),
	// Microsoft's DAG maintenance scripts, run from $exscripts
	// (reference exchange-dag-components.md, [START-OLD]/[START-NEW]).
	{Name: "StartDagServerMaintenance.ps1", Params: []ParamSpec{
		{Name: "ServerName", Position: 1, Required: true, Type: Server},
		{Name: "OverrideMinimumTwoCopies", Switch: true},
		{Name: "Force", Type: Text},
		// The comment the script gives Move-ActiveMailboxDatabase (MANAGE-DAG-16's
		// example passes -MoveComment Maintenance); it changes nothing simulated.
		{Name: "MoveComment", Type: Text},
		{Name: "PauseClusterNode", Switch: true},
	}},
	// RedistributeActiveDatabases.ps1 (exchange-site-resilience.md 6.3).
	{Name: "RedistributeActiveDatabases.ps1", Params: []ParamSpec{
		{Name: "DagName", Required: true, Type: Text},
		{Name: "BalanceDbsByActivationPreference", Switch: true},
		{Name: "BalanceDbsBySiteAndActivationPreference", Switch: true},
		{Name: "ShowFinalDatabaseDistribution", Switch: true},
	}},
	{Name: "StopDagServerMaintenance.ps1", Params: []ParamSpec{
		{Name: "ServerName", Position: 1, Required: true, Type: Server},
		{Name: "SetDatabaseCopyActivationDisabledAndMoveNow", Switch: true},
	}},
	// Start-SCOMMaintenanceMode [-Instance] <MonitoringObject[]> [-EndTime] <DateTime>
	// [[-Comment] <String>] [[-Reason] <MaintenanceModeReason>] (OpsMgr 2012; 2007 R2's
	// New-MaintenanceWindow also takes an -EndTime, and no version has -Duration).
	{Name: "Start-SCOMMaintenanceMode", Params: []ParamSpec{
		{Name: "Instance", Position: 1, Required: true, Type: Server},
		{Name: "EndTime", Position: 2, Required: true, Type: DateTime},
		{Name: "Comment", Position: 3, Type: Text},
		{Name: "Reason", Position: 4, Type: EnumType, Enum: MaintenanceModeReasons},
	}},
	{Name: "Stop-SCOMMaintenanceMode", Params: []ParamSpec{{Name: "Instance", Required: true, Type: Server}}},
	{Name: "Format-List", Params: []ParamSpec{{Name: "Property", Position: 1, Type: Texts}}},
	{Name: "Format-Table", Params: []ParamSpec{
		{Name: "Property", Position: 1, Type: Texts},
		{Name: "AutoSize", Switch: true},
		{Name: "Wrap", Switch: true},
	}},
	// Select-Object and Where-Object shape a Get- cmdlet's objects before they are
	// printed (Shapes); their syntax is powershell-and-clixml.md A.8's.
	{Name: "Select-Object", Params: []ParamSpec{
		{Name: "Property", Position: 1, Type: Texts},
		{Name: "ExpandProperty", Type: Text},
		{Name: "First", Type: Integer},
		{Name: "Last", Type: Integer},
		{Name: "Skip", Type: Integer},
		{Name: "Unique", Switch: true},
	}},
	{Name: "Where-Object", Params: whereParams()},
}

// Shapes reports whether a cmdlet only selects or filters the objects piped into it
// (Select-Object, Where-Object): it may follow a Get- or another of them, and be
// followed only by another of them or a Format- cmdlet.
func Shapes(name string) bool { return name == "Select-Object" || name == "Where-Object" }

// ParseResultSize reads a -ResultSize value: a positive whole number or Unlimited
// (returned as -1).
func ParseResultSize(s string) (int, error) {
	if strings.EqualFold(s, "Unlimited") {
		return -1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("-ResultSize takes a positive whole number or Unlimited, not %q", s)
	}
	return n, nil
}

func queueOp(name string, extra ...ParamSpec) Spec {
	return Spec{Name: name, Params: append([]ParamSpec{
		{Name: "Identity", Position: 1, Type: Queue},
		{Name: "Server", Type: Server},
		{Name: "Filter", Type: Filter},
	}, extra...)}
}

func transportServer(name, minVersion string) Spec {
	return Spec{Name: name, MinVersion: minVersion, Params: []ParamSpec{
		{Name: "Identity", Position: 1, Required: true, Type: Server},
		{Name: "MessageExpirationTimeout", Type: Duration},
		{Name: "MessageRetryInterval", Type: Duration},
		{Name: "TransientFailureRetryCount", Type: Integer},
		{Name: "TransientFailureRetryInterval", Type: Duration},
		{Name: "OutboundConnectionFailureRetryInterval", Type: Duration},
		{Name: "DelayNotificationTimeout", Type: Duration},
		{Name: "QueueMaxIdleTime", Type: Duration},
		{Name: "MessageTrackingLogEnabled", Type: Boolean},
		{Name: "IntraOrgConnectorProtocolLoggingLevel", Type: EnumType, Enum: protocolLoggingLevels},
	}}
}

// protocolLoggingLevels are the values of -ProtocolLoggingLevel and
// -IntraOrgConnectorProtocolLoggingLevel.
var protocolLoggingLevels = []string{transport.ProtocolLoggingNone, transport.ProtocolLoggingVerbose}

func edgeTransportKeys() []string {
	_, _, app := transport.Settings()
	return app
}

// Pipes says which cmdlets a Get- cmdlet may be piped into besides Format-List
// and Format-Table: the ones that take the piped objects' Identity, where
// Exchange allows it.
var Pipes = map[string][]string{
	"Get-Queue":                     {"Retry-Queue", "Suspend-Queue", "Resume-Queue"},
	"Get-MailboxDatabaseCopyStatus": {"Suspend-MailboxDatabaseCopy", "Resume-MailboxDatabaseCopy"},
	// Get-MailboxDatabase | Get-MailboxDatabaseCopyStatus: the copies of each database
	// (the seed 003 author's form).
	"Get-MailboxDatabase": {"Get-MailboxDatabaseCopyStatus"},
}

// Aliases are the built-in PowerShell aliases a step may use for a supported
// cmdlet (Get-Alias in Windows PowerShell 2.0 and 5.1: fl, ft, select, where, ?;
// powershell-and-clixml.md A.8).
var Aliases = map[string]string{"fl": "Format-List", "ft": "Format-Table", "select": "Select-Object", "where": "Where-Object", "?": "Where-Object"}

// Lookup finds a supported cmdlet by name, case-insensitively; a script may be
// written .\Name.ps1.
func Lookup(name string) (Spec, bool) {
	name = strings.TrimPrefix(strings.TrimPrefix(name, `.\`), "./")
	if full, ok := Aliases[strings.ToLower(name)]; ok {
		name = full
	}
	for _, s := range supported {
		if strings.EqualFold(s.Name, name) {
			return s, true
		}
	}
	return Spec{}, false
}

// Names lists the supported cmdlets, sorted.
func Names() []string {
	out := make([]string, len(supported))
	for i, s := range supported {
		out[i] = s.Name
	}
	sort.Strings(out)
	return out
}
