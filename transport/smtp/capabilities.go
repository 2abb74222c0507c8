package smtp

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Versions are the behaviour profiles this package knows.
var Versions = []string{
	"Exchange2010", "Exchange2010SP1", "Exchange2010SP2", "Exchange2010SP3",
	"Exchange2013", "Exchange2016", "Exchange2019", "ExchangeSE",
}

// majorOf is 14 for the 2010 profiles and 15 for 2013+.
func majorOf(version string) (int, error) {
	switch version {
	case "Exchange2010", "Exchange2010SP1", "Exchange2010SP2", "Exchange2010SP3":
		return 14, nil
	case "Exchange2013", "Exchange2016", "Exchange2019", "ExchangeSE":
		return 15, nil
	}
	return 0, fmt.Errorf("unknown Exchange version %q (want one of %s)", version, strings.Join(Versions, ", "))
}

// Capabilities returns the ESMTP extensions an Exchange server of version advertises
// after "250-<fqdn> Hello [<ip>]" on its default Receive connector, in order.
//
//   - 2013+: the list of a 2013 EHLO transcript in KB 2866822, ending in XRDST and
//     XSHADOWREQUEST.
//   - 2010: the same list ending in XSHADOW (section 1.1: only 2010 speaks XSHADOW), as
//     a 2010 server answers in a real 2013 SMTP Send log of 2019. XRDST is there; an
//     internet-facing 2010 server of 2016 did not show it, and RTM behaviour is unknown,
//     so the choice is: XRDST from SP1 on, none in RTM.
//
// SIZE is bare, as both real lists show it (no size limit advertised).
func Capabilities(version string) ([]string, error) {
	caps, err := capsOf(version)
	return slices.Clone(caps), err
}

var (
	caps2010    = append(slices.Clone(capsCommon), "XSHADOW")
	caps2010SP1 = append(slices.Clone(capsCommon), "XRDST", "XSHADOW")
	caps2013    = append(slices.Clone(capsCommon), "XRDST", "XSHADOWREQUEST")
)

var capsCommon = []string{
	"SIZE", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "STARTTLS", "X-ANONYMOUSTLS",
	"AUTH NTLM", "X-EXPS GSSAPI NTLM", "8BITMIME", "BINARYMIME", "CHUNKING", "XEXCH50",
}

// FrontendCapabilities is what the Default Frontend Receive connector of a 2013+
// server (Front End Transport on port 25) advertises after "Hello [<ip>]": SIZE with
// the connector's MaxMessageSize in bytes, then the internet-facing list, without the
// Exchange-to-Exchange verbs (XEXCH50, XSHADOWREQUEST) the Transport service offers on
// 2525. Two real Default Frontend sessions agree, word for word: a 2023 one in a
// public hunting guide ("250  SERVER-HOSTNAME.DOMAIN.TEST Hello [95.10.20.33] SIZE
// 37748736 PIPELINING DSN ENHANCEDSTATUSCODES STARTTLS X-ANONYMOUSTLS AUTH NTLM
// X-EXPS GSSAPI NTLM 8BITMIME BINARYMIME CHUNKING XRDST") and the 2024 one of
// pipeline 6.4.
func FrontendCapabilities(maxMessageSize int64) []string {
	return []string{
		"SIZE " + strconv.FormatInt(maxMessageSize, 10), "PIPELINING", "DSN", "ENHANCEDSTATUSCODES",
		"STARTTLS", "X-ANONYMOUSTLS", "AUTH NTLM", "X-EXPS GSSAPI NTLM", "8BITMIME", "BINARYMIME",
		"CHUNKING", "XRDST",
	}
}

// capsOf is Capabilities without the copy, for this package's read-only use.
func capsOf(version string) ([]string, error) {
	if _, err := majorOf(version); err != nil {
		return nil, err
	}
	switch version {
	case "Exchange2010":
		return caps2010, nil
	case "Exchange2010SP1", "Exchange2010SP2", "Exchange2010SP3":
		return caps2010SP1, nil
	}
	return caps2013, nil
}

// Has reports whether caps advertises the extension verb (the first word of an entry).
func Has(caps []string, verb string) bool {
	for _, c := range caps {
		w, _, _ := strings.Cut(c, " ")
		if strings.EqualFold(w, verb) {
			return true
		}
	}
	return false
}

// EHLOLines is the multi-line EHLO reply: "250-<fqdn> Hello [<ip>]", one "250-" line
// per capability, the last one "250 ".
func EHLOLines(serverFQDN, clientIP string, caps []string) []string {
	lines := make([]string, 0, len(caps)+1)
	all := append([]string{serverFQDN + " Hello [" + clientIP + "]"}, caps...)
	for i, c := range all {
		sep := "-"
		if i == len(all)-1 {
			sep = " "
		}
		lines = append(lines, "250"+sep+c)
	}
	return lines
}
