//go:build unix

package hub

import "syscall"

// canTryWrite reports whether tryWriteMessage writes through the socket's
// RawConn (a write(2) on the non-blocking descriptor).
const canTryWrite = true

// writeFD is tryWriteMessage's system call, run by the socket's RawConn with
// its write lock held; it never asks to wait for the socket.
func (w *corkWriter) writeFD(fd uintptr) bool {
	for {
		n, err := syscall.Write(int(fd), w.tryP)
		if err == syscall.EINTR {
			continue
		}
		w.tryN, w.tryE = max(n, 0), err
		return true
	}
}
