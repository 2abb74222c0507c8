// Package report writes what a run produced for a person or a program: the narrated
// report `exsim run` prints ([Write]: timeline, cmdlet output, verdict, hash and the
// command that reproduces it), the stable JSON result ([JSON], [WriteJSON]; its shape
// is documented in the README) and the self-contained HTML teaching view ([WriteHTML]; [HTMLStream] draws
// the same page as the run goes, keeping only what the page shows).
//
// Every writer reads the run's journal and verdict and switches on the journal
// records' typed payloads; none decides anything from a narration sentence. The
// same result gives byte-identical output.
package report
