//go:build unix

package cookiesession

import "syscall"

// processCPU returns the CPU time (user + system) the test process has
// used so far, in nanoseconds, or -1 if it cannot be read.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
