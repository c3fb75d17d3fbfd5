package localnet

import (
	"net"
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
