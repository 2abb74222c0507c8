package transport

import (
	"strconv"
	"strings"
	"time"

	"github.com/exsim/exsim/transport/smtp"
)

// TransportServiceSettings are the Set-TransportService (2010: Set-TransportServer)
// values exsim models on server, by parameter name, as the shell prints them: a
// TimeSpan as [d.]hh:mm:ss, a number in digits, a Boolean True or False, and
// IntraOrgConnectorProtocolLoggingLevel None or Verbose. A value a step changed shows
// the change. Get-TransportService prints them.
func (o *Org) TransportServiceSettings(server string) (map[string]string, error) {
	srv, err := o.server(server)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for i := range settings {
		st := &settings[i]
		if st.scope != scopeService {
			continue
		}
		v := o.cfg.get(st, srv)
		switch st.kind {
		case kBool:
			out[st.name] = "False"
			if v != 0 {
				out[st.name] = "True"
			}
		case kDur:
			out[st.name] = timeSpan(time.Duration(v))
		default:
			out[st.name] = strconv.FormatInt(v, 10)
		}
	}
	level := defaultProtocolLogging(srv.version, smtp.IntraOrgSendConnector)
	if lv, ok := o.plog.levels["intraorg\\"+strings.ToLower(srv.name)]; ok {
		level = lv
	}
	out["IntraOrgConnectorProtocolLoggingLevel"] = level
	return out, nil
}
