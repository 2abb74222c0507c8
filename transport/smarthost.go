package transport

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/exsim/exsim/transport/smtp"
)

// Send connectors with several smart hosts, DNS routing with MX records per external
// domain, and the faults of external hosts (exchange-stress.md section 2).
//
//   - A connector's smart hosts (SmartHosts, or a comma list in SmartHost) make one
//     SmartHostConnectorDelivery queue whose NextHopDomain is the list as configured,
//     "smarthost01.contoso.com,smarthost02.fabrikam.com" (2.2). The hosts are used in
//     rotation, each connection starting one further down the list, as the 2007
//     round robin describes ({HT1, HT2, HT3}, then {HT2, HT3, HT1}); Microsoft's
//     documents for 2010-SE state no order (2.2, Gaps), so exsim takes that one.
//   - A DnsConnectorDelivery queue (NextHopDomain the recipient's domain, as a live
//     "*" connector shows) resolves the domain's MX records (Topology.MX): lower
//     preference first; equal preferences are load balanced, rotating per connection
//     (2.3). A domain the scenario does not list is a host "mx.<domain>" that always
//     answers (no fault can name it).
//   - A listed domain without MX records (Topology.ARecord): no source states
//     Exchange's behaviour (2.3 Gaps), so exsim follows RFC 5321 section 5.1's
//     implicit MX, which every MTA implements: when the domain name has an A record
//     that host (the domain name itself, a host the faults can name) is the only
//     target. When it has neither, the domain does not resolve: with the connector's
//     ErrorPolicies at Default (NDR for communication errors, 2.3) every message of
//     the queue is returned with "550 5.4.4 SMTPSEND.DNS.NonExistentDomain;
//     nonexistent domain" (2.3's NDR; the 550 and the text's layout are exsim's, as
//     the other RESOLVER/ROUTING statuses are written).
//   - Failover: a host that cannot be connected to (down) or answers 4xx at MAIL FROM
//     (refuse) is skipped for the next in the same attempt, "as the LastError text
//     shows Exchange tries alternate hosts after both a reply and a connection
//     failure" (2.2). When every host fails the queue goes to Retry with the
//     primary's error in Exchange's form: "451 4.4.0 Primary target IP address
//     responded with: "<reply>." Attempted failover to alternate host, but that did
//     not succeed. ..." or, for a connection failure on 2013+, "441 4.4.1 Error
//     encountered while communicating with primary target IP address: "Failed to
//     connect. Winsock error code: 10060, ..."", followed on 2013+ by "The last
//     endpoint attempted was <ip>:25" (2.4). The failed attempts are not played as
//     sessions: they cost no simulated time (exsim's choice; a real attempt waits
//     for a connection timeout) and write no protocol log rows.
//   - External hosts get synthetic addresses 203.0.113.<n> (TEST-NET-3) from .25 on,
//     numbered in the order the topology names them (connectors, then MX records by
//     domain); a host the topology does not name (mx.<domain>) is 203.0.113.25.
//   - With the organization's internet link cut every host times out: the attempt is
//     played as one failed session to the first host, as without several hosts.

// MX is one MX record of an external domain.
type MX struct {
	Host       string
	Preference int
}

// extHost is the state of one external SMTP host the faults can reach.
type extHost struct {
	ip     string
	caps   []string // EHLO capabilities (Topology.HostCapabilities)
	down   bool
	refuse smtp.Reply // Code 0: accepts
}

// hostsOf lists connector c's smart hosts in their configured order.
func hostsOf(c *Connector) []string {
	if len(c.SmartHosts) > 0 {
		return c.SmartHosts
	}
	if c.SmartHost == "" {
		return nil
	}
	var out []string
	for _, h := range strings.Split(c.SmartHost, ",") {
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, h)
		}
	}
	return out
}

// smartHostList is the NextHopDomain of c's SmartHostConnectorDelivery queue.
func smartHostList(c *Connector) string { return strings.Join(hostsOf(c), ",") }

// initHosts numbers the external hosts the topology names.
func (o *Org) initHosts() {
	o.ext = map[string]*extHost{}
	add := func(h string) {
		k := strings.ToLower(h)
		if _, ok := o.ext[k]; !ok {
			o.ext[k] = &extHost{ip: "203.0.113." + strconv.Itoa(25+len(o.ext)), caps: o.top.HostCapabilities[k]}
		}
	}
	for i := range o.top.Connectors {
		for _, h := range hostsOf(&o.top.Connectors[i]) {
			add(h)
		}
	}
	for _, d := range sortedKeys(o.top.MX) {
		for _, r := range o.top.MX[d] {
			add(r.Host)
		}
	}
	for _, d := range sortedKeys(o.top.ARecord) {
		if o.top.ARecord[d] && len(o.top.MX[d]) == 0 {
			add(d) // the implicit MX
		}
	}
}

// Hosts lists the external hosts the faults may name (smart hosts and MX hosts),
// sorted.
func (o *Org) Hosts() []string { return sortedKeys(o.ext) }

func (o *Org) host(name string) (*extHost, error) {
	if h, ok := o.ext[strings.ToLower(name)]; ok {
		return h, nil
	}
	return nil, fmt.Errorf("transport: %q is not a smart host or MX host of the organization%s", name, suggest(name, o.Hosts()))
}

func suggest(word string, cands []string) string {
	if c := closest(strings.ToLower(word), cands); c != "" {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}

// HostDown makes an external host stop answering (connections time out).
func (o *Org) HostDown(name string) error {
	h, err := o.host(name)
	if err != nil {
		return err
	}
	h.down = true
	o.journalHost(name, "down", "")
	return nil
}

// HostRefuse makes an external host answer MAIL FROM with a 4xx reply.
func (o *Org) HostRefuse(name string, code int) error {
	h, err := o.host(name)
	if err != nil {
		return err
	}
	if code < 400 || code > 499 {
		return fmt.Errorf("transport: refuse %s %d: only a 4xx reply is modelled (a 5xx would bounce the message)", name, code)
	}
	h.refuse = refusal(code)
	o.journalHost(name, "refuse", h.refuse.String())
	return nil
}

// HostUp ends an external host's fault.
func (o *Org) HostUp(name string) error {
	h, err := o.host(name)
	if err != nil {
		return err
	}
	if !h.down && h.refuse.Code == 0 {
		return nil // nothing to end
	}
	h.down, h.refuse = false, smtp.Reply{}
	o.journalHost(name, "up", "")
	return nil
}

// refusal is the reply a refusing host gives: 421 4.3.2 Service not available (the
// form a DAG member's 4.3.2 takes in a live LastError, 1.6); other 4xx codes with
// exsim's generic text (no source quotes a third-party host's).
func refusal(code int) smtp.Reply {
	if code == 421 {
		return smtp.Reply{Code: 421, Enhanced: "4.3.2", Text: "Service not available"}
	}
	return smtp.Reply{Code: code, Enhanced: "4.0.0", Text: "Temporary failure, try again later"}
}

func (o *Org) journalHost(name, state, reply string) {
	if o.s.Journal().Enabled() {
		emit(o, internet, name, HostChanged{Host: name, State: state, Reply: reply})
	}
}

// candidates lists the hosts an attempt of q tries, in order: the rotation of the
// smart hosts, or the domain's MX records by preference.
func (o *Org) candidates(q *queue) []string {
	key := q.srv.name + "\x00" + q.dtype + "\x00" + q.nextHop
	turn := o.extRR[key]
	o.extRR[key] = turn + 1
	if q.dtype == "SmartHostConnectorDelivery" {
		var hosts []string
		for i := range o.top.Connectors {
			if c := &o.top.Connectors[i]; smartHostList(c) == q.nextHop {
				hosts = hostsOf(c)
				break
			}
		}
		if len(hosts) == 0 {
			hosts = []string{q.nextHop}
		}
		out := make([]string, 0, len(hosts))
		for k := range hosts {
			out = append(out, hosts[(turn+k)%len(hosts)])
		}
		return out
	}
	dom := strings.ToLower(q.nextHop)
	recs := o.top.MX[dom]
	if len(recs) == 0 {
		if a, listed := o.top.ARecord[dom]; listed {
			if a {
				return []string{dom} // the implicit MX
			}
			return nil // the domain does not resolve
		}
		return []string{"mx." + q.nextHop}
	}
	sorted := append([]MX(nil), recs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Preference < sorted[j].Preference })
	var out []string
	for i := 0; i < len(sorted); {
		j := i
		for j < len(sorted) && sorted[j].Preference == sorted[i].Preference {
			j++
		}
		n := j - i
		for k := 0; k < n; k++ {
			out = append(out, sorted[i+(turn+k)%n].Host)
		}
		i = j
	}
	return out
}

// externalTarget picks the external host of an attempt of q and sets c's server. It
// reports false when every host failed: q has then gone to Retry with Exchange's
// failover LastError.
func (o *Org) externalTarget(q *queue, c *smtp.Conversation) bool {
	srv := q.srv
	hosts := o.candidates(q)
	if len(hosts) == 0 {
		o.nonexistentDomain(q)
		return false
	}
	if !o.reachable(srv.name, internet) {
		c.Server = o.externalPeer(hosts[0], 25)
		if h := o.ext[strings.ToLower(hosts[0])]; h != nil {
			c.Server.IP = h.ip
		}
		c.ConnectFailure = smtp.WinsockTimedOut
		return true
	}
	var primary smtp.Reply
	primaryConnect := false
	lastEndpoint := ""
	for k, name := range hosts {
		peer := o.externalPeer(name, 25)
		h := o.ext[strings.ToLower(name)]
		if h != nil {
			peer.IP = h.ip
		}
		var fail smtp.Reply
		connect := false
		switch {
		case h != nil && h.down:
			connect = true
		case h != nil && h.refuse.Code != 0:
			fail = h.refuse
		default:
			c.Server = peer
			if k > 0 && o.s.Journal().Enabled() {
				emit(o, srv.name, q.identity(), SmartHostFailover{Queue: q.identity(), Tried: hosts[:k], Host: name})
			}
			return true
		}
		if k == 0 {
			primary, primaryConnect = fail, connect
		}
		lastEndpoint = peer.IP + ":25"
	}
	var lastErr string
	if primaryConnect {
		lastErr, _ = smtp.ConnectFailureError(string(srv.version), smtp.WinsockTimedOut, lastEndpoint)
	} else {
		lastErr, _ = smtp.FailoverError(string(srv.version), primary, lastEndpoint)
	}
	o.busyFail(q, lastErr)
	return false
}

// nonExistentDomain is the NDR status of mail for a domain that does not resolve (2.3).
const nonExistentDomain = "550 5.4.4 SMTPSEND.DNS.NonExistentDomain; nonexistent domain"

// DomainNotFound: DNS found neither MX nor A records for a queue's domain; its
// messages are returned to their senders.
type DomainNotFound struct {
	Queue, Domain string
	Messages      int
	Status        string
}

func (DomainNotFound) Kind() string { return "transport.ndr" }
func (e DomainNotFound) Narrate() string {
	return fmt.Sprintf("%s: %s has no MX and no A record; %d message(s) are returned to their senders (%s).", e.Queue, e.Domain, e.Messages, e.Status)
}

// nonexistentDomain returns every message of q that is not on the wire with the
// NonExistentDomain NDR.
func (o *Org) nonexistentDomain(q *queue) {
	q.busy = false
	var items []*item
	for _, it := range q.items {
		if !it.sending && !it.dead {
			items = append(items, it)
		}
	}
	if o.s.Journal().Enabled() {
		emit(o, q.srv.name, q.identity(), DomainNotFound{Queue: q.identity(), Domain: q.nextHop, Messages: len(items), Status: nonExistentDomain})
	}
	for _, it := range items {
		o.trackRaw(q.srv, "FAIL", "SMTP", it.m, it.rcpts, it.intID, "", nonExistentDomain)
		o.trackRaw(q.srv, "DSN", "DSN", it.m, it.rcpts, it.intID, "", "")
		o.led.dsns++
		for _, r := range it.rcpts {
			o.bounceRcpt(it.m, r, nonExistentDomain)
		}
		o.takeFromQueue(it)
		o.finish(it)
		o.release(it)
	}
}
