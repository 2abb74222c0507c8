// Package tracking turns an organization's message tracking logs into scenario
// traffic: hourly Poisson rates per direction (inbound from the internet,
// outbound to it, internal), each message counted once however many servers
// logged it, written as `traffic:` lines the scenario loader accepts.
//
// It reads raw MSGTRK*.LOG files of any Exchange version (each file's #Fields
// header decides the columns) and `Get-MessageTrackingLog | Export-Csv` files
// (their header row does; reference import-shapes.md 2.1 and 2.3). Files are
// streamed line by line with a bounded line length, so a month of a large
// server's logs costs memory per distinct message, not per byte of log.
//
// A message enters the organization at its first RECEIVE (source SMTP from the
// internet, or STOREDRIVER for a mailbox submission, import-shapes.md 2.4); later
// hops log the same message-id (else network-message-id, else the internal id on
// one server) and are not counted again. Internal and external addresses are told
// apart by the accepted domains given, or else by the domains of the senders of
// mailbox submissions (STOREDRIVER RECEIVE, Originating).
//
// What the format's traffic cannot say (which server or database mail enters by,
// message sizes, recipient counts) is written as comments and warnings.
package tracking
