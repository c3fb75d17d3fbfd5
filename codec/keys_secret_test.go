package codec

import (
	"strings"
	"testing"
)

// TestKeyErrorsDoNotEchoSecrets: the usual mistakes with key text and
// secrets give errors that do not contain the secret, so that logging
// them is safe.
func TestKeyErrorsDoNotEchoSecrets(t *testing.T) {
	const material = "TsdMrRwZu_73oqsBgchjX7uXrmu0-Yx3hhoGm96tXCA"
	const secret = "an application secret of more than 32 bytes"
	for _, text := range []string{
		"cookiecodec-key-1." + material + ".0a0a0a0a", // fields swapped
		"cookiecodec-key-1." + material,               // id forgotten
		"cookiecodec-key-1.0a0a0a0a." + material + ".",
		"cookiecodec-key-1.0a0a0a0a." + material[:42] + "B",
		"cookiecodec-key-1.0a0a0a0a." + material + "AAAA",
		"cookiecodec-key-2.0a0a0a0a." + material,
		material,
	} {
		_, err := ParseKey(text)
		if err == nil {
			t.Fatalf("ParseKey accepted %q", text)
		}
		if strings.Contains(err.Error(), material[:8]) {
			t.Errorf("ParseKey error quotes the key material: %v", err)
		}
	}
	// An id and a secret passed the wrong way round.
	_, err := DeriveKey([]byte("0a0a0a0a"), secret)
	if err == nil || strings.Contains(err.Error(), secret[:8]) {
		t.Errorf("DeriveKey error quotes the secret: %v", err)
	}
	_, err = DeriveKey([]byte(secret+secret), secret[:8])
	if err == nil || strings.Contains(err.Error(), secret[:8]) {
		t.Errorf("DeriveKey error quotes an 8-character secret: %v", err)
	}
}
