package logs

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"
)

// csvLine is what encoding/csv's Writer writes for fields (Comma ',', UseCRLF).
func csvLine(t testing.TB, fields ...string) string {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	if err := w.Write(fields); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	return b.String()
}

// FuzzCSVFieldMatchesEncodingCSV: the row encoder quotes and escapes a field byte for
// byte as encoding/csv does, for any bytes (the files the tests compare were written by
// it before).
func FuzzCSVFieldMatchesEncodingCSV(f *testing.F) {
	for _, s := range []string{"", `\.`, " x", "\u2003x", "a,b", `say "hi"`, "a\r\nb", "a\rb", "a\nb",
		"<ABCDEF0123456789@ex1.contoso.com>", "S:DeliveryPriority=Normal;S:AccountForest=contoso.com", "\xff", "é,", "12345678\"9"} {
		f.Add(s, "next")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		want := csvLine(t, a, b)
		got := string(append(append(appendCSVField(nil, a), ','), appendCSVField(nil, bytesView([]byte(b)))...)) + "\r\n"
		if got != want {
			t.Fatalf("fields %q, %q: encoded %q, encoding/csv writes %q", a, b, got, want)
		}
	})
}

func TestStamperMatchesStamp(t *testing.T) {
	start := time.Date(2026, 3, 1, 23, 59, 58, 123456789, time.FixedZone("x", 3600))
	st := newStamper(start)
	for _, at := range []time.Duration{0, 1, time.Millisecond - 1, 876543211, time.Second, 2 * time.Second, 90 * time.Minute, 25 * time.Hour, time.Second, 0} {
		if got, want := string(st.append(nil, at)), Stamp(start, at); got != want {
			t.Errorf("at %v: %s, Stamp says %s", at, got, want)
		}
	}
}

func TestTrackingRowMatchesEncodingCSV(t *testing.T) {
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	e := TrackingEvent{At: 1500 * time.Millisecond, ClientIP: "10.0.0.11", SourceContext: "08DC;250 2.0.0 OK, queued",
		EventID: EventReceive, Source: SourceSMTP, InternalMessageID: 42, Recipients: []string{"a@x", " b@y"},
		RecipientStatus: []string{`"quoted"`}, TotalBytes: 0, RecipientCount: 2, MessageSubject: "line\nbreak", CustomData: `\.`}
	for _, fields := range [][]string{fields2010, fields2013, fields2016, {"date-time", "no-such-field", "source"}} {
		want := make([]string, len(fields))
		for i, f := range fields {
			want[i] = trackingValue(start, &e, f)
		}
		got, _ := appendTrackingRow(nil, nil, newStamper(start), &e, columnsOf(fields))
		if string(got) != csvLine(t, want...) {
			t.Errorf("%d fields:\n got %q\nwant %q", len(fields), got, csvLine(t, want...))
		}
	}
}
