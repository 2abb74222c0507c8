package sim

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// An omitted kind is neither recorded nor wanted; other kinds are; a disabled journal
// wants nothing.
func TestJournalOmit(t *testing.T) {
	var j Journal
	j.Omit("transport.smtp")
	require.False(t, j.Wants("transport.smtp"))
	require.True(t, j.Wants("transport.track"))
	j.Add(Record{Kind: "transport.smtp"})
	j.Add(Record{Kind: "transport.track"})
	require.Equal(t, 1, j.Len())
	require.Equal(t, "transport.track", j.Records()[0].Kind)
	require.Equal(t, 0, j.Records()[0].Seq)
	j.Disable()
	require.False(t, j.Wants("transport.track"))
}

func TestJournalKeepRecordsOnlyTheListedKinds(t *testing.T) {
	var j Journal
	j.Keep("step.output", "transport.track")
	j.Omit("transport.track")
	require.True(t, j.Wants("step.output"))
	require.False(t, j.Wants("transport.track"), "Omit wins over Keep")
	require.False(t, j.Wants("transport.shadow"))
	j.Add(Record{Kind: "transport.shadow"})
	j.Add(Record{Kind: "step.output"})
	require.Equal(t, 1, j.Len())
	var none Journal
	none.Keep()
	require.True(t, none.Enabled())
	require.False(t, none.Wants("step.output"), "Keep() with no kinds keeps nothing")
}

func TestJournalTapSeesRecordsItDoesNotKeep(t *testing.T) {
	var j Journal
	var seen []string
	j.Keep("step.output")
	j.Tap(Tap{Kind: "transport.track", Fn: func(r *Record) { seen = append(seen, r.Server) }})
	require.True(t, j.Wants("transport.track"), "a tapped kind is built")
	j.Add(Record{Kind: "transport.track", Server: "EX1"})
	j.Add(Record{Kind: "transport.shadow", Server: "EX2"})
	j.Add(Record{Kind: "step.output", Server: "EX3"})
	require.Equal(t, []string{"EX1"}, seen)
	require.Equal(t, 1, j.Len(), "the tapped record is not kept")
	j.Omit("transport.track")
	require.False(t, j.Wants("transport.track"), "Omit wins over a tap")

	var all Journal
	all.Tap(Tap{Kind: "transport.track", Fn: func(*Record) {}, Consume: true})
	all.Add(Record{Kind: "transport.track"})
	all.Add(Record{Kind: "transport.shadow"})
	require.Equal(t, 1, all.Len(), "a consuming tap takes its records from a journal that keeps everything")
}

// A tap may add records while it is tapped: each Add hands its taps its own record,
// and what a tap leaves in the record is what the journal keeps.
func TestJournalTapsMayAddRecordsWhileTapped(t *testing.T) {
	var j Journal
	var seen []string
	j.Tap(Tap{Kind: "outer", Fn: func(r *Record) {
		j.Add(Record{Kind: "inner", Subject: "from the tap"})
		seen = append(seen, r.Kind+":"+r.Subject)
		r.Server = "EX1"
	}})
	j.Tap(Tap{Kind: "inner", Fn: func(r *Record) { seen = append(seen, r.Kind+":"+r.Subject) }})
	j.Add(Record{Kind: "outer", Subject: "first"})
	j.Add(Record{Kind: "outer", Subject: "second"})
	if want := []string{"inner:from the tap", "outer:first", "inner:from the tap", "outer:second"}; !slices.Equal(seen, want) {
		t.Fatalf("taps saw %q, want %q", seen, want)
	}
	var kept []string
	for _, r := range j.Records() {
		kept = append(kept, r.Kind+":"+r.Subject+"@"+r.Server)
	}
	if want := []string{"inner:from the tap@", "outer:first@EX1", "inner:from the tap@", "outer:second@EX1"}; !slices.Equal(kept, want) {
		t.Fatalf("journal kept %q, want %q", kept, want)
	}
}

// Settings changes with every change of what Wants answers, so a model may remember
// Wants's answers while it stays the same.
func TestJournalSettingsChangeWhenWantsMayAnswerOtherwise(t *testing.T) {
	var j Journal
	seen := map[uint64]bool{j.Settings(): true}
	for _, change := range []func(){
		func() { j.Omit("a") }, func() { j.Keep("b") }, func() { j.Tap(Tap{Kind: "c", Fn: func(*Record) {}}) },
		func() { j.Disable() }, func() { j.Enable() },
	} {
		change()
		require.False(t, seen[j.Settings()])
		seen[j.Settings()] = true
	}
	before := j.Settings()
	j.Wants("a")
	j.Add(Record{Kind: "b"})
	require.Equal(t, before, j.Settings(), "asking and adding change nothing")
}

// A tap of AllKinds sees every record that is built, kept or not, and never an
// omitted kind; it takes nothing from the journal.
func TestJournalTapOfAllKindsSeesEveryBuiltRecord(t *testing.T) {
	var j Journal
	var seen []string
	j.Tap(Tap{Kind: AllKinds, Fn: func(r *Record) { seen = append(seen, r.Kind) }, Consume: true})
	j.Omit("protocol")
	j.Keep("output")
	require.True(t, j.Wants("transport.shadow"))
	require.False(t, j.Wants("protocol"))
	j.Add(Record{Kind: "transport.shadow"})
	j.Add(Record{Kind: "protocol"})
	j.Add(Record{Kind: "output"})
	require.Equal(t, []string{"transport.shadow", "output"}, seen)
	require.Equal(t, 1, j.Len(), "the journal keeps what Keep lists")
}
