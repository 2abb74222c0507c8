package schema

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// FuzzValidate: whatever YAML decodes, Validate returns errors and never panics,
// and gives the same errors twice (map order must not leak into the output).
func FuzzValidate(f *testing.F) {
	for _, p := range []string{"*.yaml", "format/testdata/good/*.yaml", "format/testdata/bad/*.yaml", "explore/testdata/*.yaml"} {
		files, _ := filepath.Glob(filepath.Join(scenariosDir, p))
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("duration: .nan\nseed: 18446744073709551616\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 64<<10 {
			return // aliases of aliases: the decoder, not Validate, is what grows
		}
		var doc any
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return
		}
		a, b := Validate(doc), Validate(doc)
		if !slices.EqualFunc(a, b, func(x, y error) bool { return x.Error() == y.Error() }) {
			t.Fatalf("two runs differ:\n%v\n%v", a, b)
		}
		for _, e := range a {
			if p := e.(*Error).Path; p != "" && !strings.HasPrefix(p, "/") {
				t.Fatalf("error path %q is not a JSON pointer", p)
			}
		}
	})
}
