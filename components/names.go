package components

import (
	"fmt"
	"github.com/exsim/exsim/sim/suggest"
	"slices"
	"strings"
)

// State is a server component state, spelled as Exchange prints it.
type State string

// The three states Set-ServerComponentState accepts.
const (
	Active   State = "Active"
	Inactive State = "Inactive"
	Draining State = "Draining"
)

var states = []string{string(Active), string(Inactive), string(Draining)}

// Requester labels why a state was set. Each requester's entry is kept on its own.
type Requester string

// The five requesters Set-ServerComponentState accepts. HealthAPI is what Managed
// Availability uses, Maintenance what admins use, Functional what Exchange setup uses.
const (
	HealthAPI   Requester = "HealthAPI"
	Maintenance Requester = "Maintenance"
	Sidelined   Requester = "Sidelined"
	Functional  Requester = "Functional"
	Deployment  Requester = "Deployment"
)

// Requesters lists every valid requester in the documented order.
var Requesters = []Requester{HealthAPI, Maintenance, Sidelined, Functional, Deployment}

// Version is a server's behaviour profile.
type Version string

// The behaviour profiles. Server component states exist from Exchange2013 on.
const (
	Exchange2010    Version = "Exchange2010"
	Exchange2010SP1 Version = "Exchange2010SP1"
	Exchange2013    Version = "Exchange2013"
	Exchange2016    Version = "Exchange2016"
	Exchange2019    Version = "Exchange2019"
)

var versions = []string{string(Exchange2010), string(Exchange2010SP1), string(Exchange2013), string(Exchange2016), string(Exchange2019)}

// HasComponentStates reports whether servers of version v keep component states.
func (v Version) HasComponentStates() bool {
	return v == Exchange2013 || v == Exchange2016 || v == Exchange2019
}

// Component names that rules refer to.
const (
	ServerWideOffline      = "ServerWideOffline"
	HubTransport           = "HubTransport"
	FrontendTransport      = "FrontendTransport"
	Monitoring             = "Monitoring"
	RecoveryActionsEnabled = "RecoveryActionsEnabled"
	UMCallRouter           = "UMCallRouter"
	HighAvailability       = "HighAvailability"
	ForwardSyncDaemon      = "ForwardSyncDaemon"
	ProvisioningRps        = "ProvisioningRps"
)

// components2013 is the 2013 ServerComponentEnum in enum order (the order
// Get-ServerComponentState prints), without None, TestComponent and
// ServerWideSettings, which the validity check rejects: 26 settable components.
var components2013 = []string{
	ServerWideOffline, HubTransport, FrontendTransport, Monitoring, RecoveryActionsEnabled,
	"AutoDiscoverProxy", "ActiveSyncProxy", "EcpProxy", "EwsProxy", "ImapProxy", "OabProxy",
	"OwaProxy", "PopProxy", "PushNotificationsProxy", "RpsProxy", "RwsProxy", "RpcProxy",
	UMCallRouter, "XropProxy", "HttpProxyAvailabilityGroup", ForwardSyncDaemon, ProvisioningRps,
	"MapiProxy", "EdgeTransport", HighAvailability, "SharedCache",
}

// added2016 are the components a real 2016 Get-ServerComponentState prints after
// the 2013 set, in that order.
var added2016 = []string{
	"MailboxDeliveryProxy", "RoutingUpdates", "RestProxy", "DefaultProxy", "Lsass",
	"RoutingService", "E4EProxy", "CafeLAMv2", "LogExportProvider",
}

var components2016 = slices.Concat(components2013, added2016)

// Components returns the settable components of version v in the order
// Get-ServerComponentState prints them, or nil when v has no component states.
//
// Exchange 2019: no source gives its exact list. Unified Messaging was removed and
// the documented procedure drains UMCallRouter "in Exchange 2016 only", but the
// component enum is shared code and nothing says the UMCallRouter value was deleted.
// We chose the 2016 list unchanged (UMCallRouter included, settable, acted on by
// nothing) because removing a row we cannot show was removed would make valid
// scripts fail here.
func Components(v Version) []string {
	switch v {
	case Exchange2013:
		return slices.Clone(components2013)
	case Exchange2016, Exchange2019:
		return slices.Clone(components2016)
	}
	return nil
}

// Default is a component's state when no requester has an entry for it. On-premises
// every component defaults to Active except ForwardSyncDaemon and ProvisioningRps,
// which are datacenter-only and default to Inactive.
func Default(component string) State {
	if component == ForwardSyncDaemon || component == ProvisioningRps {
		return Inactive
	}
	return Active
}

// ParseState returns the state named s (case-insensitive, as PowerShell binds enum
// parameters) or an error suggesting the closest valid state.
func ParseState(s string) (State, error) {
	if c, ok := fold(s, states); ok {
		return State(c), nil
	}
	return "", unknown("state", s, states)
}

// ParseRequester returns the requester named s (case-insensitive, so Exchange's own
// spelling "HealthApi" is accepted too) or an error suggesting the closest one.
func ParseRequester(s string) (Requester, error) {
	names := make([]string, len(Requesters))
	for i, r := range Requesters {
		names[i] = string(r)
	}
	if c, ok := fold(s, names); ok {
		return Requester(c), nil
	}
	return "", unknown("requester", s, names)
}

// ParseVersion returns the version named s (case-insensitive).
func ParseVersion(s string) (Version, error) {
	if c, ok := fold(s, versions); ok {
		return Version(c), nil
	}
	return "", unknown("version", s, versions)
}

// component returns the canonical spelling of name among v's components.
func component(v Version, name string) (string, error) {
	list := components2016
	if v == Exchange2013 {
		list = components2013
	}
	if c, ok := fold(name, list); ok && v.HasComponentStates() {
		return c, nil
	}
	list = Components(v)
	if c, ok := fold(name, list); ok {
		return c, nil
	}
	if c, ok := fold(name, []string{"None", "TestComponent", "ServerWideSettings"}); ok {
		return "", fmt.Errorf("component %q is not valid to set or read: Exchange's validity check rejects None, TestComponent and ServerWideSettings", c)
	}
	if v == Exchange2013 {
		if c, ok := fold(name, added2016); ok {
			return "", fmt.Errorf("component %q does not exist on %s servers (it was added in Exchange2016)", c, v)
		}
	}
	return "", unknown("component", name, list)
}

func fold(s string, list []string) (string, bool) {
	for _, c := range list {
		if strings.EqualFold(s, c) {
			return c, true
		}
	}
	return "", false
}

func unknown(what, s string, list []string) error {
	if c := closest(s, list); c != "" {
		return fmt.Errorf("unknown %s %q (did you mean %q?)", what, s, c)
	}
	if len(list) == 0 {
		return fmt.Errorf("unknown %s %q", what, s)
	}
	return fmt.Errorf("unknown %s %q (valid: %s)", what, s, strings.Join(list, ", "))
}

// closest returns the candidate nearest to s by case-insensitive Levenshtein
// distance, or "" when none is near enough to be a plausible typo (distance at
// most max(2, len/3) of the candidate, or a prefix of it). Ties go to the earlier
// candidate.
func closest(s string, candidates []string) string {
	c, _ := suggest.Closest(s, candidates)
	return c
}
