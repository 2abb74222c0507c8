package input

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"slices"
	"unicode/utf8"
)

// Open opens path for reading if it is a regular file. It stats the path before
// opening it and the open file after (opening non-blocking where the system has it),
// so a FIFO, a device such as /dev/zero, a socket or a directory is refused by name
// and never blocks. Reading more than limit bytes from the result fails with an
// [*Error] that gives the limit.
func Open(path string, limit int64) (io.ReadCloser, error) {
	f, _, err := open(path)
	if err != nil {
		return nil, err
	}
	return &limited{f: f, path: path, limit: limit, left: limit}, nil
}

// ReadFile reads a regular file (as [Open]) of at most limit bytes. It reads at most
// limit+1 bytes whatever the file's size, so refusing a huge file costs at most the
// limit; the error then names the line and column where the limit is crossed.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, size, err := open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	limit = min(max(limit, 0), math.MaxInt64-1)
	data := make([]byte, 0, max(min(size, limit)+1, 512))
	for int64(len(data)) <= limit {
		if len(data) == cap(data) { // the file grew since its size was read
			data = slices.Grow(data, len(data))
		}
		n, err := f.Read(data[len(data):min(int64(cap(data)), limit+1)])
		data = data[:len(data)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if int64(len(data)) > limit {
		line, col := position(data, int(limit))
		msg := fmt.Sprintf("the file is longer than %d bytes", limit)
		if size > limit {
			msg = fmt.Sprintf("the file is %d bytes", size)
		}
		return nil, &Error{File: path, Line: line, Col: col, Msg: fmt.Sprintf("%s; the limit is %d bytes", msg, limit)}
	}
	return data, nil
}

// open opens path if it is a regular file and returns its size.
func open(path string) (*os.File, int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, 0, err
	}
	if !st.Mode().IsRegular() {
		return nil, 0, notRegular(path, st.Mode())
	}
	f, err := openNonBlocking(path)
	if err != nil {
		return nil, 0, err
	}
	st, err = f.Stat() // the path may have been replaced since
	if err == nil && !st.Mode().IsRegular() {
		err = notRegular(path, st.Mode())
	}
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

func notRegular(path string, m fs.FileMode) error {
	what := "not a regular file"
	switch {
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeCharDevice != 0:
		what = "a character device"
	case m&fs.ModeDevice != 0:
		what = "a device"
	}
	return &Error{File: path, Msg: what + ", not a regular file; only regular files are read"}
}

// limited is an open file that fails once more than limit bytes were read.
type limited struct {
	f           *os.File
	path        string
	limit, left int64
}

func (l *limited) Read(p []byte) (int, error) {
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.f.Read(p)
	if int64(n) > l.left {
		return int(l.left), &Error{File: l.path, Msg: fmt.Sprintf("the file is longer than %d bytes; the limit is %d bytes", l.limit, l.limit)}
	}
	l.left -= int64(n)
	return n, err
}

func (l *limited) Close() error { return l.f.Close() }

// position returns the 1-based line and column (in characters) of byte off.
func position(data []byte, off int) (line, col int) {
	line, start := 1, 0
	for i := 0; i < off && i < len(data); i++ {
		if data[i] == '\n' || data[i] == '\r' && (i+1 >= len(data) || data[i+1] != '\n') {
			line, start = line+1, i+1
		}
	}
	off = min(off, len(data))
	for off > start && off < len(data) && !utf8.RuneStart(data[off]) {
		off-- // the character that byte is part of
	}
	return line, utf8.RuneCount(data[start:off]) + 1
}

// LineReader reads a stream (a tracking log) line by line, never holding more than
// one line of at most max bytes.
type LineReader struct {
	r    *bufio.Reader
	name string
	max  int
	line int
	err  error // the first error, returned again: the stream is not resumed mid-line
}

// NewLineReader reads r, named name in errors, with lines of at most limit bytes
// (without the line break).
func NewLineReader(r io.Reader, name string, limit int) *LineReader {
	limit = max(limit, 1)
	return &LineReader{r: bufio.NewReaderSize(r, limit+2), name: name, max: limit}
}

// Next returns the next line without its line break (LF or CR LF), valid until
// the next call, or io.EOF after the last line. A line longer than the limit is an
// [*Error] at the first character past it; a read error that is an [*Error]
// without a position (Open's size limit) gets the position reached.
func (l *LineReader) Next() ([]byte, error) {
	if l.err != nil {
		return nil, l.err
	}
	b, err := l.next()
	if err != nil {
		l.err = err
	}
	return b, err
}

func (l *LineReader) next() ([]byte, error) {
	b, err := l.r.ReadSlice('\n')
	if len(b) > 0 || err == nil {
		l.line++
	}
	switch {
	case errors.Is(err, bufio.ErrBufferFull) || len(bytesTrimEOL(b)) > l.max:
		return nil, &Error{File: l.name, Line: l.line, Col: utf8.RuneCount(b[:min(l.max, len(b))]) + 1,
			Msg: fmt.Sprintf("a line longer than %d bytes; the limit is %d bytes", l.max, l.max)}
	case err == io.EOF && len(b) > 0:
		return bytesTrimEOL(b), nil
	case err != nil:
		var e *Error
		if errors.As(err, &e) && e.Line == 0 {
			return nil, &Error{File: e.File, Line: max(l.line, 1), Col: utf8.RuneCount(b) + 1, Msg: e.Msg}
		}
		return nil, err
	}
	return bytesTrimEOL(b), nil
}

// Line is the number of the line Next returned last (1-based).
func (l *LineReader) Line() int { return l.line }

func bytesTrimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}
