package main

import "syscall"

// fdTableSize is how many file descriptors a node's table is sized for at
// startup (growFDTable): the connections a busy node holds, with room to
// spare. The table takes 8 bytes of kernel memory per entry (512 KiB here).
const fdTableSize = 1 << 16

// growFDTable sizes this process's file descriptor table for want
// descriptors (at most RLIMIT_NOFILE) now, at startup, rather than while a
// crowd connects, and reports the size it asked for.
//
// The kernel doubles the table as descriptors are opened, and in a
// multi-threaded process every doubling waits for an RCU grace period
// (synchronize_rcu in expand_fdtable): 7-22 ms each on the benchmark VM
// (docs/benchmarks.md, session 8). A node taking over 10,000 reconnecting
// clients doubled it four times, each time inside the accept(2) that needed
// the room, holding its Go P meanwhile: on a one-CPU node nothing else ran,
// deliveries included, until the runtime's monitor took the P back.
//
// F_DUPFD opens the lowest free descriptor at or above its argument, so no
// descriptor in use is touched; the copy is closed at once and the table
// never shrinks.
func growFDTable(want int) (int, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, err
	}
	n := int(min(uint64(want), lim.Cur))
	if n < 2 {
		return 0, nil
	}
	fd, err := syscall.Open("/dev/null", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return 0, err
	}
	defer syscall.Close(fd)
	dup, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_DUPFD_CLOEXEC, uintptr(n-1))
	if errno != 0 {
		return 0, errno
	}
	return n, syscall.Close(int(dup))
}
