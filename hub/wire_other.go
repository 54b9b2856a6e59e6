//go:build !unix

package hub

import "errors"

// canTryWrite reports whether tryWriteMessage writes through the socket's
// RawConn. Not here (Windows sockets are not written with write(2)): every
// write goes through the connection's writer goroutine, as on a connection
// that is not plain TCP.
const canTryWrite = false

// writeFD is never called here (canTryWrite is false).
func (w *corkWriter) writeFD(uintptr) bool {
	w.tryE = errors.ErrUnsupported
	return true
}
