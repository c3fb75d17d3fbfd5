// Package localnet has what the tests that run servers and proxies as
// child processes on 127.0.0.1 need: a free address to give them, and a
// wait until they accept connections.
package localnet

import (
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// FreeAddr returns a 127.0.0.1 address with a port that was free a
// moment ago, for a child process to listen on.
//
// Between this check and the child's bind, another process may take the
// port. When the kernel picks it (port 0), it comes from the ephemeral
// range that every outgoing connection of every test process also draws
// from, so a connection may take it and the child then fails to bind. The
// port is therefore drawn at random from [lowestPort, start of the
// ephemeral range) as the kernel reports it, never twice in one process,
// and only when that range cannot be read or leaves no room does the
// kernel pick it.
func FreeAddr(tb testing.TB) string {
	tb.Helper()
	if start, ok := ephemeralStart(); ok && start > lowestPort+1000 {
		handedMu.Lock()
		defer handedMu.Unlock()
		for range 200 {
			port := lowestPort + rand.IntN(start-lowestPort)
			if handed[port] {
				continue
			}
			addr := "127.0.0.1:" + strconv.Itoa(port)
			if l, err := net.Listen("tcp", addr); err == nil {
				l.Close()
				handed[port] = true
				return addr
			}
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// lowestPort is the lowest port FreeAddr draws: above the ports that
// services commonly use (8080 is the demo's).
const lowestPort = 20000

var (
	handedMu sync.Mutex
	handed   = map[int]bool{} // the ports FreeAddr has returned
)

// ephemeralStart returns the first port of the kernel's ephemeral range
// (Linux: net.ipv4.ip_local_port_range).
func ephemeralStart() (int, bool) {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 0, false
	}
	fields := strings.Fields(string(b))
	if len(fields) != 2 {
		return 0, false
	}
	start, err := strconv.Atoi(fields[0])
	return start, err == nil
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
