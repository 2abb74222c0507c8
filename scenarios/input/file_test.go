package input

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

func TestReadFile(t *testing.T) {
	small := write(t, "a.yaml", "name: x\n")
	over := write(t, "b.yaml", "ab\ncdé\nfg\n")
	tests := []struct {
		name, path string
		limit      int64
		want       string // content, or the error's text after the path
	}{
		{"fits", small, 8, "name: x\n"},
		{"empty file", write(t, "e.yaml", ""), 8, ""},
		{"one byte over: the position of the byte past the limit", over, 6, ":2:3: the file is 11 bytes; the limit is 6 bytes"},
		{"limit 0", small, 0, ":1:1: the file is 8 bytes; the limit is 0 bytes"},
		{"directory", t.TempDir(), 8, ": a directory, not a regular file; only regular files are read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := ReadFile(tt.path, tt.limit)
			if strings.HasPrefix(tt.want, ":") {
				require.EqualError(t, err, tt.path+tt.want)
				var e *Error
				require.True(t, errors.As(err, &e))
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, string(data))
		})
	}
}

func TestReadFileMissing(t *testing.T) {
	_, err := ReadFile(filepath.Join(t.TempDir(), "nope.yaml"), 10)
	require.ErrorIs(t, err, os.ErrNotExist)
}

// Finding: "a 50 MB file costs 59 MB to refuse". Now it costs the limit: ReadFile
// reads at most limit+1 bytes whatever the file's size.
func TestFinding50MBFileCostsTheLimitToRefuse(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.yaml")
	f, err := os.Create(p)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(50<<20)) // sparse: 50 MB of NUL bytes
	require.NoError(t, f.Close())

	const limit = 1 << 20
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = ReadFile(p, limit)
	runtime.ReadMemStats(&after)
	require.EqualError(t, err, p+":1:1048577: the file is 52428800 bytes; the limit is 1048576 bytes")
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(2*limit), "bytes allocated to refuse a 50 MB file")
}

// Finding: "exsim validate /dev/zero dies with fatal error: out of memory".
func TestFindingDevZeroIsRefusedWithoutReading(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero here")
	}
	_, err := ReadFile("/dev/zero", 1<<20)
	require.EqualError(t, err, "/dev/zero: a character device, not a regular file; only regular files are read")
	_, err = Open("/dev/zero", 1<<20)
	require.Error(t, err)
}

func TestOpenLimitsReads(t *testing.T) {
	p := write(t, "log.csv", strings.Repeat("x", 100))
	r, err := Open(p, 40)
	require.NoError(t, err)
	defer r.Close()
	b, err := io.ReadAll(r)
	require.EqualError(t, err, p+": the file is longer than 40 bytes; the limit is 40 bytes")
	require.Len(t, b, 40)

	r2, err := Open(p, 100)
	require.NoError(t, err)
	defer r2.Close()
	b, err = io.ReadAll(r2)
	require.NoError(t, err)
	require.Len(t, b, 100)
}

func TestLineReader(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     []string
		err      string
	}{
		{"LF and CR LF, last line without a break", "a\r\nbb\nccc", 3, []string{"a", "bb", "ccc"}, ""},
		{"empty lines", "\n\n", 3, []string{"", ""}, ""},
		{"empty input", "", 3, nil, ""},
		{"a line of exactly the limit with CR LF", "abc\r\nd\n", 3, []string{"abc", "d"}, ""},
		{"too long: the column past the limit", "ab\nabcdefghijklmnopqrstuvwxyz\n", 20, []string{"ab"}, "log:2:21: a line longer than 20 bytes; the limit is 20 bytes"},
		{"too long on the last line", "abcdefghijklmnopqrstu", 20, nil, "log:1:21: a line longer than 20 bytes; the limit is 20 bytes"},
		{"too long below bufio's minimum buffer", "abcd\n", 2, nil, "log:1:3: a line longer than 2 bytes; the limit is 2 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lr := NewLineReader(strings.NewReader(tt.in), "log", tt.max)
			var got []string
			for {
				b, err := lr.Next()
				if err == io.EOF {
					require.Empty(t, tt.err)
					break
				}
				if err != nil {
					require.EqualError(t, err, tt.err)
					_, again := lr.Next()
					require.Equal(t, err, again, "an error is final")
					break
				}
				got = append(got, string(b))
				require.Equal(t, len(got), lr.Line())
			}
			require.Equal(t, tt.want, got)
		})
	}
}

func TestLineReaderOverOpensLimit(t *testing.T) {
	p := write(t, "log.csv", "one\ntwo\nthree\n")
	r, err := Open(p, 10)
	require.NoError(t, err)
	defer r.Close()
	lr := NewLineReader(r, "log.csv", 100)
	for _, want := range []string{"one", "two"} {
		b, err := lr.Next()
		require.NoError(t, err)
		require.Equal(t, want, string(b))
	}
	_, err = lr.Next()
	require.EqualError(t, err, p+":3:3: the file is longer than 10 bytes; the limit is 10 bytes")
}
