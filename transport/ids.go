package transport

import (
	"fmt"
	"strings"
	"time"

	"github.com/exsim/exsim/transport/smtp"
)

// Synthetic identifiers of the tracking and protocol logs. None is real: each is
// derived from the scenario seed and what it names (a database, a mailbox, a
// message, a row), never from the clock of the machine running exsim, so a run is
// reproduced byte for byte. The shapes are Exchange's:
//
//   - GUIDs (mailbox database, mailbox, network-message-id, log-id) have the
//     version-4 layout of .NET's Guid.NewGuid, lower case, dashed. A
//     network-message-id and a log-id end in 12 hex digits that are the top 48 bits
//     of the .NET UTC ticks of their creation, as unanonymised real rows do
//     (exchange-2013-pipeline.md 5.1, derived).
//   - message-id of a message a mailbox sends is <32 hex digits@FQDN of the mailbox
//     server that created it> (MT-2016's example is lower case; the 2010 seed's is
//     upper case); a message from the internet gets one from its sending host.
//   - IPs: servers 10.0.0.11, .12, ... in topology order, the internet
//     203.0.113.25 (a documentation address); a mailbox's Outlook client (the
//     original-client-ip of its submissions) 192.168.x.y from the seed.

// mix is the splitmix64 finalizer: a fast bijective scramble of 64 bits.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// hashOf names one synthetic value: the seed, what kind of thing it is, and which one.
func (o *Org) hashOf(kind, name string, n uint64) uint64 {
	return o.hashOfKind(fnv(fnvOffset, kind), name, n)
}

// hashOfKind is hashOf(kind, name, n) with kind's bytes already hashed into h
// (fnv from fnvOffset).
func (o *Org) hashOfKind(h uint64, name string, n uint64) uint64 {
	h = (h ^ 0xff) * fnvPrime // FNV-1a over kind, 0xff, name, 0xff
	h = (fnv(h, name) ^ 0xff) * fnvPrime
	return mix(o.s.Seed() ^ mix(h^mix(n)))
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// fnv folds s's bytes into the FNV-1a hash h.
func fnv(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

// guid is a version-4 GUID for (kind, name, n): "%08x-%04x-4%03x-%04x-%012x" of
// two hashes, written by hand (fmt was a sixth of a run with tracking logs).
func (o *Org) guid(kind, name string, n uint64) string {
	g := o.guidBytes(kind, name, n)
	return string(g[:])
}

// guidBytes is guid's text in an array, for a caller that changes it before making
// the string (tickGUID: one allocation instead of three).
func (o *Org) guidBytes(kind, name string, n uint64) (g [36]byte) {
	// the second hash is hashOf(kind+"/2", name, n), its kind's bytes not copied
	// into a new string (an allocation per row of the tracking logs)
	k := fnv(fnvOffset, kind)
	a, b := o.hashOfKind(k, name, n), o.hashOfKind(fnv(k, "/2"), name, n)
	hexTo(g[0:8], a>>32)
	g[8] = '-'
	hexTo(g[9:13], a>>16&0xffff)
	g[13] = '-'
	g[14] = '4'
	hexTo(g[15:18], a&0xfff)
	g[18] = '-'
	hexTo(g[19:23], 0x8000|b>>48&0x3fff)
	g[23] = '-'
	hexTo(g[24:36], b&0xffffffffffff)
	return g
}

// hexTo writes v as len(dst) lower-case hex digits, zero-padded, two digits a
// lookup.
func hexTo(dst []byte, v uint64) {
	i := len(dst) - 1
	for ; i > 0; i -= 2 {
		dst[i-1], dst[i] = hexPairs[2*(v&0xff)], hexPairs[2*(v&0xff)+1]
		v >>= 8
	}
	if i == 0 {
		dst[0] = hexPairs[2*(v&0xf)+1]
	}
}

// hexPairs is "000102...ff": byte b's two lower-case hex digits at 2b.
const hexPairs = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f" +
	"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f" +
	"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f" +
	"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f" +
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f" +
	"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf" +
	"c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf" +
	"e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"

// dotNetTicks are 100 ns intervals since 0001-01-01 UTC.
func dotNetTicks(t time.Time) uint64 {
	return uint64(t.UTC().UnixNano()/100) + 621355968000000000
}

// tickGUID is a GUID whose last 12 hex digits are the top 48 bits of the ticks of at
// (network-message-id, log-id).
func (o *Org) tickGUID(kind string, n uint64, at time.Time) string {
	g := o.guidBytes(kind, "", n)
	hexTo(g[24:36], dotNetTicks(at)>>16&0xffffffffffff)
	return string(g[:])
}

// msgID is the Message-Id header of m, made once by the host that wrote m's Message-Id: the mailbox server that held the
// sender's database when it was submitted, or the internet sender's host.
func (o *Org) msgID(m *message, origin *server) string {
	if id := m.r().msgID; id != "" {
		return id
	}
	if m.fromOrg {
		if origin == nil {
			origin = m.r().origin
		}
		if origin == nil {
			origin, _ = o.activeCopy(m.r().senderDB)
		}
	}
	g := strings.ReplaceAll(o.guid("message-id", "", uint64(m.id)), "-", "")
	host := "mail." + senderDomain(m)
	if origin != nil {
		host = o.fqdn(origin)
		if origin.version.Is2010() {
			g = strings.ToUpper(g)
		}
	}
	x := m.x()
	x.msgID = "<" + g + "@" + host + ">"
	return x.msgID
}

// networkMessageID is constant across every copy and hop of m (2013+): stamped with
// the time m was sent.
func (o *Org) networkMessageID(m *message) string {
	if m.r().netID == "" {
		m.x().netID = o.tickGUID("network-message-id", uint64(m.id), o.s.Wall(m.submitted))
	}
	return m.ext.netID
}

// clientIP is the address of the Outlook client of a mailbox (original-client-ip of
// what it submits).
func (o *Org) clientIP(mailbox string) string {
	h := o.hashOf("client-ip", strings.ToLower(mailbox), 0)
	return fmt.Sprintf("192.168.%d.%d", h>>8&0xff, 1+h%254)
}

// submissionID is the record id Mailbox Transport Submission on srv gives m (its
// internal-message-id in MSGTRKMS), apart from the Transport service's queue ids.
func (o *Org) submissionID(srv *server, m *message) int64 {
	return int64(o.hashOf("submission", srv.name, 0)%900000+100000) + int64(m.id)
}

// submissionSession is the session id of the SMTP hand-off from Mailbox Transport
// Submission on mbx to a Transport service: another process, so its own counter
// (above the Transport service's).
func submissionSession(m *message) string { return smtp.SessionID(1<<32 + uint64(m.id)) }

// itemEntryID is the store entry id of the sent item (S:ItemEntryId): 70 bytes, as
// real rows print them.
func (o *Org) itemEntryID(m *message) string {
	var b strings.Builder
	for i := uint64(0); i < 70; i += 8 {
		h := o.hashOf("item-entry-id", "", uint64(m.id)<<8|i)
		for k := uint64(0); k < 8 && i+k < 70; k++ {
			if b.Len() > 0 {
				b.WriteByte('-')
			}
			fmt.Fprintf(&b, "%02X", byte(h>>(8*k)))
		}
	}
	return b.String()
}
