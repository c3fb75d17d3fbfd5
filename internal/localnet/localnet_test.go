package localnet

import (
	"net"
	"strconv"
	"testing"
)

// TestFreeAddrThenWait listens on the address FreeAddr gives, and
// WaitListening returns once it accepts.
func TestFreeAddrThenWait(t *testing.T) {
	addr := FreeAddr(t)
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("the free address %s: %v", addr, err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	WaitListening(t, "the test listener", addr, func() string { return "" })
}

// TestFreeAddrOutsideEphemeralRange: the ports come from below the
// kernel's ephemeral range, where outgoing connections do not take them,
// and none is handed out twice.
func TestFreeAddrOutsideEphemeralRange(t *testing.T) {
	start, ok := ephemeralStart()
	if !ok || start <= lowestPort+1000 {
		t.Skipf("no room below the ephemeral range (start %d, readable %v): FreeAddr lets the kernel pick", start, ok)
	}
	seen := map[string]bool{}
	for range 50 {
		addr := FreeAddr(t)
		_, portText, err := net.SplitHostPort(addr)
		if err != nil {
			t.Fatal(err)
		}
		port, _ := strconv.Atoi(portText)
		if port < lowestPort || port >= start {
			t.Fatalf("port %d is outside [%d, %d)", port, lowestPort, start)
		}
		if seen[addr] {
			t.Fatalf("%s handed out twice", addr)
		}
		seen[addr] = true
	}
}
