package transport

import (
	"fmt"
	"strings"

	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport/logs"
	"github.com/exsim/exsim/transport/smtp"
)

// ip gives every server a stable private address and the internet a documentation one.
func (o *Org) ip(name string) string {
	for k, s := range o.servers {
		if strings.EqualFold(s.name, name) {
			return fmt.Sprintf("10.0.0.%d", 11+k)
		}
	}
	return "203.0.113.25"
}

// track journals a message tracking row on srv for copy it. peer is the other side
// (the sending host for RECEIVE, the next hop for SEND/DELIVER/SUBMIT).
func (o *Org) track(srv *server, ev, src string, it *item, peer, ctx string) {
	o.trackRaw(srv, ev, src, it.m, it.rcpts, it.intID, peer, ctx)
}

func (o *Org) trackRaw(srv *server, ev, src string, m *message, rcpts []int, intID int, peer, ctx string) {
	j := o.s.Journal()
	if !j.Wants(logs.KindTracking) { // building a row is most of a message's cost
		return
	}
	e := logs.TrackingEvent{At: o.now(), Server: srv.name, EventID: logs.EventID(ev), Source: logs.Source(src),
		InternalMessageID: int64(intID), MessageID: m.messageID(), MessageSubject: m.m.Subject, Sender: m.m.From,
		ReturnPath: m.m.From, TotalBytes: m.m.Size, SourceContext: ctx}
	if ev != "NOTIFYMAPI" {
		for _, r := range rcpts {
			e.Recipients = append(e.Recipients, m.rcpts[r].addr)
		}
		e.RecipientCount = len(e.Recipients)
	}
	if m.fromOrg {
		e.Directionality = logs.Originating
	} else {
		e.Directionality = logs.Incoming
	}
	if !srv.version.Is2010() {
		e.NetworkMessageID = fmt.Sprintf("%08x-0000-4000-8000-%012x", m.id, m.id)
	}
	switch ev {
	case "RECEIVE":
		e.ServerIP, e.ServerHostname = o.ip(srv.name), srv.name
		if src == "SMTP" {
			if peer == "" {
				e.ClientIP, e.ClientHostname = o.ip(internet), "mail."+senderDomain(m)
				e.ConnectorID = srv.name + `\Default ` + srv.name
			} else {
				e.ClientIP, e.ClientHostname = o.ip(peer), peer
				e.ConnectorID = srv.name + `\Default ` + srv.name
			}
			for range e.Recipients {
				e.RecipientStatus = append(e.RecipientStatus, "250 2.1.5 Recipient OK")
			}
		} else {
			e.ClientHostname = srv.name
		}
	case "SEND":
		e.ClientIP, e.ClientHostname = o.ip(srv.name), srv.name
		e.ServerHostname = peer
		if _, ok := o.byName[strings.ToLower(peer)]; ok {
			e.ServerIP = o.ip(peer)
			e.ConnectorID = "Intra-Organization SMTP Send Connector"
		} else {
			e.ServerIP = o.ip(internet)
			if c := o.connectorFor(recipientDomain(m, rcpts)); c != nil {
				e.ConnectorID = c.Name
			}
		}
		for range e.Recipients {
			e.RecipientStatus = append(e.RecipientStatus, "250 2.1.5 Recipient OK")
		}
		e.MessageInfo = o.s.Wall(m.submitted).UTC().Format("2006-01-02T15:04:05.000Z") + ";" + "SRV=" + srv.name
	case "DELIVER":
		e.ClientHostname, e.ServerHostname = srv.name, peer
		for range e.Recipients {
			e.RecipientStatus = append(e.RecipientStatus, smtp.Delivered.String())
		}
		e.MessageInfo = o.s.Wall(m.submitted).UTC().Format("2006-01-02T15:04:05.000Z")
	case "DEFER":
		e.ClientHostname, e.ServerHostname = srv.name, peer
		if src == "SMTP" { // the next hop's reply to this message, as for SEND
			e.ClientIP, e.ServerIP = o.ip(srv.name), o.ip(peer)
			e.ConnectorID = "Intra-Organization SMTP Send Connector"
		}
		for range e.Recipients {
			e.RecipientStatus = append(e.RecipientStatus, ctx)
		}
		e.SourceContext = ""
	case "SUBMIT":
		e.ClientHostname, e.ServerHostname = srv.name, peer
		db := m.senderDB
		e.SourceContext = "MDB:" + db + ", Mailbox:" + m.m.From + ", Event:" + fmt.Sprint(1000+m.id) + ", MessageClass:IPM.Note"
	case "NOTIFYMAPI":
		e.ServerHostname = srv.name
		e.MessageID, e.Sender, e.ReturnPath, e.MessageSubject, e.TotalBytes = "", "", "", "", 0
	case "FAIL", "DSN", "HAREDIRECT", "TRANSFER":
		e.ServerHostname = srv.name
		if ev == "FAIL" && ctx != "" {
			for range e.Recipients {
				e.RecipientStatus = append(e.RecipientStatus, ctx)
			}
			e.SourceContext = ""
		}
		if ev == "TRANSFER" {
			e.Reference, e.SourceContext = ctx, ""
		}
	}
	j.Add(simRecord(o, srv.name, m, ev, e))
}

func senderDomain(m *message) string { return m.m.From[strings.LastIndex(m.m.From, "@")+1:] }

func recipientDomain(m *message, rcpts []int) string {
	if len(rcpts) == 0 {
		return ""
	}
	a := m.rcpts[rcpts[0]].addr
	return strings.ToLower(a[strings.LastIndex(a, "@")+1:])
}

func simRecord(o *Org, server string, m *message, ev string, e logs.TrackingEvent) sim.Record {
	e.Message = m.id
	return sim.Record{At: o.now(), Kind: logs.KindTracking, Server: server, Data: e}
}
