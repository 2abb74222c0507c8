// Package input reads untrusted files cheaply and refuses hostile ones before any
// parser sees them: scenario YAML, and the streamed inputs (tracking logs) of the
// importers.
//
//   - [ReadFile] and [Open] accept regular files only (a FIFO, a device such as
//     /dev/zero or a directory is refused by name, and never blocks), and never
//     read more than the size limit plus one byte.
//   - [LineReader] reads a stream line by line with a bound on the line length.
//   - [Scan] is a linear pre-scan of YAML bytes: nesting depth (flow and block),
//     entries, keys per mapping, documents, anchors, aliases, lines, line and
//     string length, and the characters YAML forbids (invalid UTF-8, NUL and
//     other control characters, tabs as indentation). go-yaml's cost grows much
//     faster than the file (40,000 '[' cost it gigabytes, 8,000 keys in one
//     mapping 300 MB), so the bytes are measured first.
//   - [Quote] and [ValidString] are for error messages and decoded string values.
//
// Every refusal is an [*Error] that says file:line:col, what was found and the
// limit.
//
// Scan tokenizes as github.com/goccy/go-yaml v1.19's scanner does, quirks
// included (where a quote opens a string, where a block or plain scalar ends,
// which '-' or tag nests what follows), because a pre-scan that reads a bracket
// as text where the parser reads structure can be walked around. Where Scan
// cannot follow go-yaml it refuses (a tab between tokens, a plain key over two
// lines, both forbidden by YAML) or counts more. FuzzScan checks it against
// go-yaml's own tokens and tree, on its inputs and on them repeated; a go-yaml
// upgrade must pass it again.
package input
