// Package localnet has what the tests that run servers and proxies as
// child processes on 127.0.0.1 need: a free address to give them, and a
// wait until they accept connections.
package localnet

import (
	"net"
	"testing"
	"time"
)

// FreeAddr returns a 127.0.0.1 address with a port that was free a
// moment ago, for a child process to listen on.
func FreeAddr(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// WaitListening waits up to 10 s for name to accept connections on addr;
// on timeout it fails the test with what logs returns.
func WaitListening(tb testing.TB, name, addr string, logs func() string) {
	tb.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; {
		conn, err := net.Dial("tcp", addr)
		if err == nil {
			conn.Close()
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s did not listen on %s: %v\n%s", name, addr, err, logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
