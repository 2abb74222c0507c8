package inventory

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const collectScript = "../../collect/Export-ExsimInventory.ps1"

// readOnly are the commands the collection script may call: Get- cmdlets, and
// the PowerShell plumbing that writes the files on the admin's own machine.
var readOnly = []string{
	"Export-Clixml", "Export-Inventory", "Select-Object", "Where-Object", "ForEach-Object",
	"Write-Host", "Write-Warning", "New-Item", "Join-Path", "Test-Path", "Out-Null",
}

// scriptCode is the script without comments (# to the end of a line and <# #>
// blocks), which is all a simple token scan needs: the script keeps # out of
// its strings.
func scriptCode(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(collectScript)
	require.NoError(t, err)
	s := regexp.MustCompile(`(?s)<#.*?#>`).ReplaceAllString(string(data), "")
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if i := strings.IndexByte(l, '#'); i >= 0 {
			l = l[:i]
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n")
}

var commandRE = regexp.MustCompile(`(?:^|[^-\w$.])([A-Za-z]+-[A-Za-z]+)\b`)

// Issue 18: the collection script changes nothing: every command it calls is a
// Get- cmdlet or one of the file-writing helpers above.
func TestCollectScriptCallsOnlyReadOnlyCmdlets(t *testing.T) {
	code := scriptCode(t)
	// Commands are outside string literals ('.\exsim-inventory' is a path).
	bare := regexp.MustCompile(`'[^']*'|"[^"]*"`).ReplaceAllString(code, "''")
	var seen []string
	for _, m := range commandRE.FindAllStringSubmatch(bare, -1) {
		cmd := m[1]
		if !slices.Contains(seen, cmd) {
			seen = append(seen, cmd)
		}
		if strings.HasPrefix(cmd, "Get-") || slices.ContainsFunc(readOnly, func(r string) bool { return strings.EqualFold(r, cmd) }) {
			continue
		}
		t.Errorf("the script calls %s, which is not a Get- cmdlet or a read-only helper", cmd)
	}
	for _, want := range []string{
		"Get-ExchangeServer", "Get-MailboxServer", "Get-DatabaseAvailabilityGroup", "Get-MailboxDatabase",
		"Get-MailboxDatabaseCopyStatus", "Get-SendConnector", "Get-ReceiveConnector", "Get-TransportConfig",
		"Get-TransportService", "Get-TransportServer", "Get-FrontendTransportService", "Get-ServerComponentState",
		"Get-AcceptedDomain", "Get-ADSite", "Get-AdSiteLink",
	} {
		require.Contains(t, seen, want, "issue 18 asks the script to export %s", want)
	}
	require.Contains(t, code, "Get-DatabaseAvailabilityGroup -Identity $dag.Identity -Status")
	require.Contains(t, code, "Get-MailboxDatabase -Status")
}

// The files the script writes are the ones the importer reads, and the reverse.
func TestCollectScriptWritesTheFilesImportReads(t *testing.T) {
	var written []string
	for _, m := range regexp.MustCompile(`Export-Inventory '([A-Za-z]+\.xml)'`).FindAllStringSubmatch(scriptCode(t), -1) {
		written = append(written, m[1])
	}
	slices.Sort(written)
	want := slices.Clone(Files)
	slices.Sort(want)
	require.Equal(t, want, written)
}

// A check of the check: the scan finds a state-changing cmdlet.
func TestCollectScanCatchesASetCmdlet(t *testing.T) {
	var found []string
	for _, m := range commandRE.FindAllStringSubmatch("Get-Queue | Set-ServerComponentState EX1\n$x = Remove-Item -Path a", -1) {
		found = append(found, m[1])
	}
	require.Equal(t, []string{"Get-Queue", "Set-ServerComponentState", "Remove-Item"}, found)
}
