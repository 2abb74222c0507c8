// Package factstable generates TESTING-FACTS.md: each section heading of the reference
// files (../shared/reference/*.md beside the repository) and the tests that cite it,
// with the sections no test cites (issue 24).
//
// The convention: a test cites a section in its doc comment or in a comment inside its
// body, by the reference file's name and the section's number, e.g.
//
//	// fact: exchange-transport.md §2.5: SafetyNetHoldTime defaults to 2 days.
//
// Accepted forms: "FILE.md §2.5", "FILE.md 2.5", "FILE.md section 2.5", several numbers
// after one file ("FILE.md §2.1 and §2.2", "FILE.md 2.1-2.4", "sections 3.6, 3.8"),
// and the short names dag-components, site-resilience and 2013-pipeline for the
// exchange-*.md files. A number with no heading of its own counts for its nearest
// numbered parent (§2.3.1 -> §2.3); an unnumbered heading ("Conflicts", "Gaps") is cited
// by its first word (§Conflicts). Test is any Test, Fuzz or Example function of a
// _test.go file of the repository.
//
// Regenerate with: go test ./scripts/factstable -run TestFactsTableIsCurrent -update
package factstable

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Section is one heading of a reference file.
type Section struct {
	File, Num, Title string
	Level            int
}

// Cite is one test's citation of a section.
type Cite struct {
	Test string // pkg/dir.TestName
	File string
	Ref  string // the number or word cited
}

var heading = regexp.MustCompile(`^(#{1,4}) +(\S.*)$`)
var numbered = regexp.MustCompile(`^(\d+(?:\.\d+)*)\.? +(.*)$`)

// Sections reads the headings of every *.md file of dir (not in code fences), in order.
// The H1 title of each file is left out.
func Sections(dir string) ([]Section, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []Section
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		fence := false
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimRight(line, "\r")
			if strings.HasPrefix(line, "```") {
				fence = !fence
				continue
			}
			m := heading.FindStringSubmatch(line)
			if fence || m == nil || len(m[1]) == 1 {
				continue
			}
			s := Section{File: filepath.Base(f), Level: len(m[1]), Title: strings.TrimSpace(m[2])}
			if n := numbered.FindStringSubmatch(s.Title); n != nil {
				s.Num, s.Title = n[1], n[2]
			}
			out = append(out, s)
		}
	}
	return out, nil
}

var short = map[string]string{
	"dag-components":  "exchange-dag-components.md",
	"site-resilience": "exchange-site-resilience.md",
	"2013-pipeline":   "exchange-2013-pipeline.md",
}

// cite matches a file name and the run of section references after it.
var cite = regexp.MustCompile(`\b((?:[a-z0-9]+-)*[a-z0-9]+\.md|dag-components|site-resilience|2013-pipeline)((?:(?:,|;|/|-|–| and| or)? *(?:§ ?|sections? )?(?:\d+(?:\.\d+)*|§[A-Z][a-z]+)\b)+)`)
var ref = regexp.MustCompile(`§ ?([A-Z][a-z]+)|(\d+(?:\.\d+)*)`)

// Citations finds the citations in the comments of every test function of the Go test
// files under root (skipping testdata and hidden directories).
func Citations(root string, files map[string]bool) ([]Cite, error) {
	var out []Cite
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !isTest(fn.Name.Name) {
				continue
			}
			var text strings.Builder
			if fn.Doc != nil {
				text.WriteString(fn.Doc.Text())
			}
			for _, cg := range f.Comments {
				if cg.Pos() > fn.Pos() && cg.End() < fn.End() {
					text.WriteString(cg.Text())
				}
			}
			name := fn.Name.Name
			if rel != "." {
				name = filepath.ToSlash(rel) + "." + name
			}
			body := strings.Join(strings.Fields(text.String()), " ")
			for _, m := range cite.FindAllStringSubmatch(body, -1) {
				file := m[1]
				if s, ok := short[file]; ok {
					file = s
				}
				if !files[file] {
					continue
				}
				for _, r := range ref.FindAllStringSubmatch(m[2], -1) {
					out = append(out, Cite{Test: name, File: file, Ref: r[1] + r[2]})
				}
			}
		}
		return nil
	})
	return out, err
}

func isTest(name string) bool {
	for _, p := range []string{"Test", "Fuzz", "Example"} {
		if strings.HasPrefix(name, p) && name != "TestMain" {
			return true
		}
	}
	return false
}

// resolve finds the section a citation names: the numbered heading with the longest
// prefix of the number, or the unnumbered heading starting with the word.
func resolve(secs []Section, c Cite) int {
	for num := c.Ref; num != ""; {
		for i, s := range secs {
			if s.File == c.File && (s.Num == num || s.Num == "" && strings.HasPrefix(strings.ToLower(s.Title), strings.ToLower(num))) {
				return i
			}
		}
		k := strings.LastIndex(num, ".")
		if k < 0 {
			break
		}
		num = num[:k]
	}
	return -1
}

// Generate renders TESTING-FACTS.md for the repository at root and the reference
// files in refDir.
func Generate(root, refDir string) (string, error) {
	secs, err := Sections(refDir)
	if err != nil {
		return "", err
	}
	files := map[string]bool{}
	for _, s := range secs {
		files[s.File] = true
	}
	cites, err := Citations(root, files)
	if err != nil {
		return "", err
	}
	tests := make([]map[string]bool, len(secs))
	var stale []string
	for _, c := range cites {
		i := resolve(secs, c)
		if i < 0 {
			stale = append(stale, fmt.Sprintf("%s cites %s §%s", c.Test, c.File, c.Ref))
			continue
		}
		if tests[i] == nil {
			tests[i] = map[string]bool{}
		}
		tests[i][c.Test] = true
	}
	var b strings.Builder
	b.WriteString(`# Sourced facts and the tests that pin them

Generated by scripts/factstable (go test ./scripts/factstable -run TestFactsTableIsCurrent
-update); TestFactsTableIsCurrent fails when this file is not what the tests and the
reference files give, so it cannot drift. Do not edit by hand.

Convention: a test cites a section of ../shared/reference/*.md in its doc comment or a
comment in its body, by the file's name and the section's number:

    // fact: exchange-transport.md §2.5: SafetyNetHoldTime defaults to 2 days.

("FILE.md 2.5" and "FILE.md section 2.5" work too, several numbers may follow one file
name, and dag-components, site-resilience, 2013-pipeline stand for the exchange-*.md
files; an unnumbered heading is cited by its first word, §Conflicts.) A number with no
heading of its own counts for its parent section. A test pins a section's facts only if
it fails when the code behind them is broken; citing is the author's claim of that.

`)
	var none []string
	file := ""
	for i, s := range secs {
		if s.File != file {
			file = s.File
			fmt.Fprintf(&b, "## %s\n\n| Section | Tests |\n|---|---|\n", file)
		}
		id := s.Num
		if id == "" {
			id = "—"
		}
		var ts []string
		for t := range tests[i] {
			ts = append(ts, "`"+t+"`")
		}
		sort.Strings(ts)
		cell := strings.Join(ts, "<br>")
		if cell == "" {
			cell = "**none**"
			none = append(none, fmt.Sprintf("%s §%s %s", s.File, id, s.Title))
		}
		fmt.Fprintf(&b, "| %s %s | %s |\n", id, strings.ReplaceAll(s.Title, "|", `\|`), cell)
		if i+1 == len(secs) || secs[i+1].File != file {
			b.WriteString("\n")
		}
	}
	fmt.Fprintf(&b, "## Sections no test cites (%d of %d)\n\n", len(none), len(secs))
	for _, n := range none {
		fmt.Fprintf(&b, "- %s\n", n)
	}
	if len(stale) > 0 {
		sort.Strings(stale)
		b.WriteString("\n## Citations of no section\n\n")
		for _, s := range stale {
			fmt.Fprintf(&b, "- %s\n", s)
		}
	}
	return b.String(), nil
}
