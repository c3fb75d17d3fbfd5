//go:build !linux && !darwin && !dragonfly && !freebsd && !netbsd && !openbsd

package main

import "os"

// isTerminalFile reports false on systems without a termios ioctl here
// (Windows, Plan 9, WebAssembly, ...): no colours, no progress line
// rewritten in place and no "end it with Ctrl-D" hint, which is the safe
// side for output that may be a file or a pipe.
func isTerminalFile(*os.File) bool { return false }
