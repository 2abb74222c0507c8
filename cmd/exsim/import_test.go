package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const e15Captures = "../../../shared/reference/captures/e15"

// Done-when of issue 18: exsim import ../shared/reference/captures/e15 -o
// org.yaml && exsim run org.yaml works.
func TestImportRealE15CaptureThenRun(t *testing.T) {
	org := filepath.Join(t.TempDir(), "org.yaml")
	code, _, errOut := exsim("import", e15Captures, "-o", org)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, errOut, "exsim import: warning: GetMailboxDatabase.xml: missing")
	require.Contains(t, errOut, "wrote "+org)
	code, out, errOut := exsim("run", org)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "Expectations: all held.")
}

func TestImportToStandardOutputIsDeterministic(t *testing.T) {
	_, a, _ := exsim("import", e15Captures)
	_, b, _ := exsim("import", e15Captures)
	require.Equal(t, a, b)
	require.Contains(t, a, "name: imported-solo-net")
}

// trackingLog writes one raw log of a day: perHour submissions from a contoso.com
// mailbox in DB2 to the internet, logged on two hops each.
func trackingLog(t *testing.T, dir string, perHour int) {
	var b strings.Builder
	b.WriteString("#Software: Microsoft Exchange Server\r\n#Version: 15.01.2507.035\r\n#Log-type: Message Tracking Log\r\n#Date: 2024-06-10T00:00:00.000Z\r\n")
	b.WriteString("#Fields: date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,event-id,internal-message-id,message-id,network-message-id,recipient-address,recipient-status,total-bytes,recipient-count,related-recipient-address,reference,message-subject,sender-address,return-path,message-info,directionality,tenant-id,original-client-ip,original-server-ip,custom-data,transport-traffic-type,log-id,schema-version\r\n")
	n := 0
	for h := range 24 {
		for i := range perHour {
			n++
			at := fmt.Sprintf("2024-06-10T%02d:%02d:00.000Z", h, i*59/perHour)
			for _, hop := range []string{"STOREDRIVER", "SMTP"} {
				custom := ""
				if hop == "STOREDRIVER" {
					custom = "S:MailboxDatabaseName=DB2"
				}
				fmt.Fprintf(&b, "%s,,,,EX1.contoso.com,,,%s,RECEIVE,%d,<%d@contoso.com>,,partner@fabrikam.net,,2000,1,,,,alan@contoso.com,,,Originating,,,,%s,Email,,15.01.2507.035\r\n", at, hop, n, n, custom)
			}
		}
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "MSGTRK2024061000-1.LOG"), []byte(b.String()), 0o644))
}

// The README's path: an inventory and a day of tracking logs import to one
// scenario that runs the day's load against the imported organization.
func TestImportInventoryWithTrackingLogsRuns(t *testing.T) {
	logs := t.TempDir()
	trackingLog(t, logs, 2)
	org := filepath.Join(t.TempDir(), "org.yaml")
	code, _, errOut := exsim("import", "../../import/inventory/testdata/two-site-dag", "--tracking-logs", logs, "-o", org)
	require.Equal(t, 0, code, errOut)
	data, err := os.ReadFile(org)
	require.NoError(t, err)
	require.Contains(t, string(data), "start: 2024-06-10T00:00:00Z")
	require.Contains(t, string(data), "duration: 24h")
	require.Contains(t, string(data), `- {from: "user4@contoso.com", to: "*@fabrikam.net", perHour: 2, start: 5h, until: 6h}`, "DB2's submissions come from a mailbox in DB2")
	code, out, errOut := exsim("run", org, "--quiet")
	require.Equal(t, 0, code, out+errOut)
}

func TestImportTrackingLogsAloneWritesTheTrafficSection(t *testing.T) {
	logs := t.TempDir()
	trackingLog(t, logs, 3)
	code, out, errOut := exsim("import", "--tracking-logs", logs, "--scale", "2", "--day", "2024-06-10")
	require.Equal(t, 0, code, errOut)
	require.True(t, strings.HasPrefix(out, "# Traffic from 1 message tracking log file(s): 72 messages on 2024-06-10"), out)
	require.Contains(t, out, "perHour: 6, start: 0s, until: 1h")
}

func TestImportUsageErrors(t *testing.T) {
	code, _, errOut := exsim("import")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "expected an inventory folder, --tracking-logs DIR, or both")
	code, _, errOut = exsim("import", t.TempDir())
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "no GetExchangeServer.xml")
	code, _, errOut = exsim("import", "--tracking-logs", t.TempDir())
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "no message tracking log")
	code, _, _ = exsim("import", e15Captures, "--mailboxes", "0")
	require.Equal(t, 2, code)
}

func TestImportMailboxesFlag(t *testing.T) {
	code, out, errOut := exsim("import", "../../import/inventory/testdata/two-site-dag", "--mailboxes", "1,DB2=2")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "{address: user3@contoso.com, database: DB2}")
	require.NotContains(t, out, "user4@")
	for _, bad := range []string{"0", "x", "DB1=", "2000"} {
		code, _, errOut = exsim("import", e15Captures, "--mailboxes", bad)
		require.Equal(t, 2, code, bad)
		require.Contains(t, errOut, "want N or DATABASE=N")
	}
}

func TestImportOverTheMessageLimitSuggestsScale(t *testing.T) {
	logs := t.TempDir()
	trackingLog(t, logs, 3)
	code, _, errOut := exsim("import", "../../import/inventory/testdata/two-site-dag", "--tracking-logs", logs, "--scale", "20000")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "the limit: take a share of the day with --scale")
}
