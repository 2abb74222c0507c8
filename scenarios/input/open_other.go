//go:build !unix

package input

import "os"

func openNonBlocking(path string) (*os.File, error) { return os.Open(path) }
