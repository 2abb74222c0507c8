package smtp

import "fmt"

// RemoteQueued is the final reply of a host outside the organization (a smart host, an
// MX) to message data it queued as queueID: "250 2.0.0 Ok: queued as 1E53E4005DE", as
// the seed's smart host (Postfix) answers, in upper-case hex.
func RemoteQueued(queueID uint64) Reply {
	return Reply{250, "2.0.0", fmt.Sprintf("Ok: queued as %X", queueID)}
}

// RemoteQueueID is the queue id a host outside the organization gives the message
// Exchange sent with record id recordID: 11 hex digits derived from it (a synthetic
// value; the same in the protocol log and the SEND row).
func RemoteQueueID(recordID int64) uint64 {
	return (uint64(recordID)*0x9E3779B97F4A7C15)&0xFFFFFFFFFFF | 0x10000000000
}

// InternetHostCaps are the EHLO capabilities exsim gives a host outside the
// organization (a smart host, an MX): the seed's smart host answers "250-SIZE
// 36700160" and takes MAIL FROM and RCPT TO before answering either (PIPELINING).
// It offers neither STARTTLS nor AUTH; a scenario gives a host that does its own
// list (internet.hosts), and the Send side then plays them (tls.go).
var InternetHostCaps = []string{"SIZE 36700160", "PIPELINING"}
