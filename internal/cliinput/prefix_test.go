package cliinput

import (
	"strings"
	"testing"
)

// TestErrorsHaveNoPackagePrefix checks that the errors users see from the
// cookiecodec command do not start with this package's name.
func TestErrorsHaveNoPackagePrefix(t *testing.T) {
	for _, err := range []error{ErrEmpty, ErrTooLarge, ErrNotFound, ErrSyntax, ErrDeleted, ErrChunks} {
		if strings.Contains(err.Error(), "cliinput") {
			t.Errorf("%q names the package", err)
		}
	}
	for _, in := range []string{"", "Cookie: a=1", "Cookie: a=1\nfoo", "Cookie: session=~2~x"} {
		if _, err := Parse(in, Options{}); err == nil || strings.Contains(err.Error(), "cliinput") {
			t.Errorf("Parse(%q): %v", in, err)
		}
	}
}
