// Package clixml reads the CLIXML documents PowerShell's Export-Clixml writes:
// the serialized objects an Exchange admin exports from the Exchange Management
// Shell (reference powershell-and-clixml.md, Part B).
//
// A document is a list of values. A value is a primitive (S, I32, B, DT, TS, G,
// Db, BA, Nil, ...) or an Obj: type names (TN, or TNRef to a list read before),
// its ToString, an optional value of its own (an enum's integer, an extended
// primitive), a container (LST, IE, STK, QUE, DCT) and its properties (Props
// adapted, MS extended). Ref back-references are resolved to the object they name,
// which may sit in an earlier top-level object (RefIds are scoped to the file);
// a Ref shares that object, it does not copy it.
//
// The reader is for untrusted files. It refuses, with file:line:col and the bound
// that was hit: files over MaxFileSize, nesting deeper than MaxDepth, strings over
// MaxString, more than MaxValues values, a graph whose expansion through Refs
// exceeds MaxExpanded values (the billion-laughs shape made of Refs), a Ref to an
// object still being read (a cycle), DOCTYPE declarations (so no entity can be
// declared; encoding/xml does not expand custom entities anyway, and refuses
// undeclared ones), and any element or primitive text PowerShell would not write.
// SerializationData blobs are kept as bytes and never deserialized.
package clixml
