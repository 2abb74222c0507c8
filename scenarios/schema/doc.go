// Package schema publishes the scenario format (version 1) as a JSON Schema,
// draft 2020-12, and checks YAML documents against it.
//
// scenario.schema.json is for editors: with the first line
//
//	# yaml-language-server: $schema=<path to scenarios/schema/scenario.schema.json>
//
// a YAML language server completes keys, shows each key's description, and flags
// unknown keys, wrong types, bad enum values and malformed durations as the admin
// types. Its $id (https://exsim.dev/schema/scenario.schema.json) is a name only:
// nothing fetches the file from there.
//
// The loader (package scenarios) stays the authority: it also checks what a schema
// cannot say, such as whether a server a step names is declared, and it reads some
// things more leniently than the schema (enum values in any case, quoted numbers).
// The tests keep the two in step: every scenario in the repository validates, the
// broken testdata scenarios that fail for a schema reason are rejected, and every key
// the loader accepts appears in the schema.
//
// [Validate] implements the part of JSON Schema the file uses (type, enum, const,
// pattern, minLength, minimum, maximum, exclusiveMinimum, properties,
// additionalProperties, required, items, prefixItems, minItems, maxItems,
// uniqueItems, anyOf, oneOf, allOf and $ref into the same document), so tests and
// tools need no JSON Schema library.
package schema
