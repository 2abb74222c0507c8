package logs

import (
	"strconv"
	"time"
)

// MailboxSourceContext is the source-context of a NOTIFYMAPI (and store driver SUBMIT)
// row: where in the store the message was found, as a real 2010 row writes it:
// "MDB:<guid>, Mailbox:<guid>, Event:<n>, MessageClass:IPM.Note, CreationTime:<utc>, ClientType:<type>".
func MailboxSourceContext(mdb, mailbox string, event int64, messageClass string, created time.Time, clientType string) string {
	return "MDB:" + mdb + ", Mailbox:" + mailbox + ", Event:" + strconv.FormatInt(event, 10) +
		", MessageClass:" + messageClass + ", CreationTime:" + FormatTime(created) +
		", ClientType:" + clientType
}

// SubmitMessageInfo is the message-info of a 2010 SUBMIT row, as the seed shows it:
// "<origination time>;LSRV=<submitting server FQDN>:TOTAL=<recipients submitted to>".
func SubmitMessageInfo(origin time.Time, serverFQDN string, total int) string {
	return FormatTime(origin) + ";LSRV=" + serverFQDN + ":TOTAL=" + strconv.Itoa(total)
}

// SMTPSourceContext is the source-context of a RECEIVE row with source SMTP: the
// Receive protocol log's session id, the time the message started and its number in
// the session (the same triple the Receive log's "receiving message" row carries, so
// an admin can jump from one log to the other).
func SMTPSourceContext(sessionID string, started time.Time, n int) string {
	var stamp [len(TimeLayout) + 8]byte // formatted in place: no string of its own
	return sessionID + ";" + string(AppendTime(stamp[:0], started)) + ";" + strconv.Itoa(n)
}
