package format

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseDuration parses a scenario or cmdlet duration. It accepts:
//
//   - Go syntax plus days: "90s", "1h30m", "2d", "1.5h", "250ms" (units ns, us, µs,
//     ms, s, m, h, d; a day is 24h: simulated time has no daylight saving);
//   - Exchange's TimeSpan syntax: "hh:mm:ss", "hh:mm", "d.hh:mm:ss" and any of
//     them with ".fffffff" seconds, e.g. "00:00:30", "2.00:00:00" (as
//     Set-TransportConfig -MaxAcknowledgementDelay 00:00:30 writes);
//   - "0".
//
// Negative durations are rejected: nothing in a scenario runs backwards. In the
// TimeSpan form hours must be 0-23 and minutes and seconds 0-59: .NET reads
// "25:00:00" as 25 days, a trap we refuse instead of copying.
func ParseDuration(s string) (time.Duration, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return 0, errors.New("empty duration")
	}
	if in == "0" {
		return 0, nil
	}
	if strings.HasPrefix(in, "-") {
		return 0, fmt.Errorf("negative duration %q", s)
	}
	if strings.Contains(in, ":") {
		return parseTimeSpan(in)
	}
	return parseGoDays(in)
}

var units = map[string]float64{
	"ns": float64(time.Nanosecond),
	"us": float64(time.Microsecond),
	"µs": float64(time.Microsecond),
	"μs": float64(time.Microsecond),
	"ms": float64(time.Millisecond),
	"s":  float64(time.Second),
	"m":  float64(time.Minute),
	"h":  float64(time.Hour),
	"d":  float64(24 * time.Hour),
}

func parseGoDays(in string) (time.Duration, error) {
	bad := func() (time.Duration, error) {
		return 0, fmt.Errorf("invalid duration %q (want e.g. 90s, 30m, 2h, 2d or hh:mm:ss)", in)
	}
	var total float64
	rest := in
	for rest != "" {
		i := 0
		for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.') {
			i++
		}
		if i == 0 {
			return bad()
		}
		num, err := strconv.ParseFloat(rest[:i], 64)
		if err != nil {
			return bad()
		}
		rest = rest[i:]
		j := 0
		for j < len(rest) && !(rest[j] >= '0' && rest[j] <= '9' || rest[j] == '.') {
			j++
		}
		u, ok := units[rest[:j]]
		if !ok && strings.ContainsAny(rest[:j], " \t") {
			return bad()
		}
		if !ok {
			if j == 0 {
				return 0, fmt.Errorf("duration %q needs a unit (ns, us, ms, s, m, h, d)", in)
			}
			return 0, fmt.Errorf("unknown unit %q in duration %q (want ns, us, ms, s, m, h or d)", rest[:j], in)
		}
		rest = rest[j:]
		total += num * u
		// float64(math.MaxInt64) is 2^63, one past the largest Duration: converting
		// it wraps to a negative duration, so it is too long as well.
		if total >= math.MaxInt64 {
			return 0, fmt.Errorf("duration %q is too long", in)
		}
	}
	return time.Duration(math.Round(total)), nil
}

func parseTimeSpan(in string) (time.Duration, error) {
	bad := func(why string) (time.Duration, error) {
		return 0, fmt.Errorf("invalid duration %q (%s; want hh:mm:ss or d.hh:mm:ss)", in, why)
	}
	var days int64
	body := in
	if dot := strings.IndexByte(in, '.'); dot >= 0 && dot < strings.IndexByte(in, ':') {
		d, err := strconv.ParseInt(in[:dot], 10, 64)
		if err != nil || !digits(in[:dot]) {
			return bad("bad day count")
		}
		days, body = d, in[dot+1:]
	}
	parts := strings.Split(body, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return bad("too many or too few fields")
	}
	var frac time.Duration
	if len(parts) == 3 {
		if dot := strings.IndexByte(parts[2], '.'); dot >= 0 {
			f := parts[2][dot+1:]
			if f == "" || len(f) > 9 || !digits(f) {
				return bad("bad fraction of a second")
			}
			n, _ := strconv.ParseInt(f+strings.Repeat("0", 9-len(f)), 10, 64)
			frac = time.Duration(n)
			parts[2] = parts[2][:dot]
		}
	}
	limits := []int64{23, 59, 59}
	names := []string{"hours", "minutes", "seconds"}
	var v [3]int64
	for i, p := range parts {
		if p == "" || len(p) > 2 || !digits(p) {
			return bad("each field is one or two digits")
		}
		n, _ := strconv.ParseInt(p, 10, 64)
		if n > limits[i] {
			return bad(fmt.Sprintf("%s must be 0-%d", names[i], limits[i]))
		}
		v[i] = n
	}
	if days > int64(math.MaxInt64/(24*time.Hour))-1 {
		return bad("too many days")
	}
	return time.Duration(days)*24*time.Hour + time.Duration(v[0])*time.Hour +
		time.Duration(v[1])*time.Minute + time.Duration(v[2])*time.Second + frac, nil
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
