// Package input reads untrusted files cheaply and refuses hostile ones before any
// parser sees them: scenario YAML, and the streamed inputs (tracking logs) of the
// importers.
//
//   - [ReadFile] and [Open] accept regular files only (a FIFO, a device such as
//     /dev/zero or a directory is refused by name, and never blocks), and never
//     read more than the size limit plus one byte.
//   - [LineReader] reads a stream line by line with a bound on the line length.
//   - [Scan] is a linear pre-scan of YAML bytes: nesting depth (flow and block),
//     anchors, aliases, entries, lines, line and string length, and the characters
//     YAML forbids (invalid UTF-8, NUL and other control characters, tabs as
//     indentation). The YAML parser's cost grows much faster than the file (a file
//     of 40,000 '[' costs it gigabytes), so the bytes must be measured first.
//   - [Quote] and [ValidString] are for error messages and decoded string values.
//
// Every refusal is an [*Error] that says file:line:col, what was found and the limit.
//
// Scan tokenizes as github.com/goccy/go-yaml's scanner does (when a quote opens a
// string, when '#' opens a comment, where a block scalar ends), because a pre-scan
// that reads a bracket as text where the parser reads structure could be walked
// around. FuzzScan checks that against the parser's own tokens and tree.
package input
