package scenarios

import (
	"strconv"
	"testing"

	"pgregory.net/rapid"

	"github.com/exsim/exsim/scenarios/cmdlet"
	"github.com/exsim/exsim/sim/psfmt"
)

// Select-Object and Where-Object only ever keep objects, in their order:
// -First n keeps at most n, -Skip drops from the front, Where-Object keeps exactly
// the objects whose property passes.
func TestSelectAndWhereKeepObjectsInOrderProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 12).Draw(t, "n")
		objs := make([][]psfmt.Field, n)
		for i := range objs {
			objs[i] = []psfmt.Field{{Name: "Id", Value: strconv.Itoa(i)}, {Name: "State", Value: rapid.SampledFrom([]string{"Active", "Inactive"}).Draw(t, "state")}}
		}
		first, skip := rapid.IntRange(0, 15).Draw(t, "first"), rapid.IntRange(0, 15).Draw(t, "skip")
		st, err := selectStage(map[string]cmdlet.Value{
			"First": {Kind: cmdlet.String, Str: strconv.Itoa(first)},
			"Skip":  {Kind: cmdlet.String, Str: strconv.Itoa(skip)},
		})
		if err != nil {
			t.Fatal(err)
		}
		out, err := st(objs)
		if err != nil {
			t.Fatal(err)
		}
		if want := min(first, max(0, n-skip)); len(out) != want {
			t.Fatalf("Select-Object -Skip %d -First %d of %d kept %d", skip, first, n, len(out))
		}
		for i, o := range out {
			if o[0].Value != strconv.Itoa(skip+i) {
				t.Fatalf("object %d is %s", i, o[0].Value)
			}
		}
		pl, err := cmdlet.Parse("Get-Queue | ? {$_.State -eq 'Active'}")
		if err != nil {
			t.Fatal(err)
		}
		spec, _ := cmdlet.Lookup(pl[1].Name)
		f := pipeFormat{}
		if ok, err := f.add(spec, pl[1]); !ok || err != nil {
			t.Fatal(ok, err)
		}
		kept, _ := f.shape(objs)
		j := 0
		for _, o := range objs {
			if o[1].Value == "Active" {
				if j >= len(kept) || kept[j][0].Value != o[0].Value {
					t.Fatalf("Where-Object lost or reordered %s", o[0].Value)
				}
				j++
			}
		}
		if j != len(kept) {
			t.Fatalf("Where-Object kept %d, want %d", len(kept), j)
		}
	})
}
