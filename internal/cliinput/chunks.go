package cliinput

import (
	"errors"
	"fmt"
	"strings"
)

// ErrChunks: the chunk cookies of a chunked session are inconsistent.
var ErrChunks = errors.New("cliinput: inconsistent chunked cookies")

// MaxChunks is the largest chunk count ReassembleChunks accepts: the chunk
// header has at most two digits.
const MaxChunks = 99

// ReassembleChunks joins a session that package cookiesession split over
// several cookies. That layout (documented in cookiesession) is
//
//	NAME=~n~PART1; NAME.2=PART2; ...; NAME.n=PARTn
//
// with 2 <= n and the value PART1+PART2+...+PARTn. Codec values never start
// with '~'. It returns ok=false when the first cookie called name does not
// start with '~' (an ordinary cookie) or when there is none. It fails with
// [ErrChunks], before joining anything, when the header is malformed, n is
// outside 2..[MaxChunks], or a chunk 2..n is missing or given twice.
// Chunks numbered above n are ignored, as cookiesession ignores them: they
// are leftovers of a larger session (parallel requests leave them behind)
// and cannot change the joined value. The chunks carry no MAC of their
// own: the codec verifies the joined value.
func ReassembleChunks(cookies []Cookie, name string) (string, bool, error) {
	first := -1
	for i, c := range cookies {
		if c.Name == name {
			first = i
			break
		}
	}
	if first < 0 || !strings.HasPrefix(cookies[first].Value, "~") {
		return "", false, nil
	}
	v := cookies[first].Value
	end := strings.IndexByte(v[1:], '~')
	if end < 1 || end > 2 {
		return "", false, fmt.Errorf("%w: malformed chunk header in cookie %s", ErrChunks, quoteName(name))
	}
	n, ok := decimal(v[1 : 1+end])
	if !ok {
		return "", false, fmt.Errorf("%w: malformed chunk header in cookie %s", ErrChunks, quoteName(name))
	}
	if n < 2 || n > MaxChunks {
		return "", false, fmt.Errorf("%w: chunk count outside 2..%d", ErrChunks, MaxChunks)
	}
	parts := make([]string, n+1)
	parts[1] = v[2+end:]
	seen := make([]bool, n+1)
	for _, c := range cookies {
		k, ok := chunkIndex(c.Name, name)
		if !ok {
			continue
		}
		if k > n {
			continue // a leftover of a larger session
		}
		if seen[k] {
			return "", false, fmt.Errorf("%w: chunk %d given twice", ErrChunks, k)
		}
		seen[k] = true
		parts[k] = c.Value
	}
	for k := 2; k <= n; k++ {
		if !seen[k] {
			return "", false, fmt.Errorf("%w: chunk %d of %d is missing", ErrChunks, k, n)
		}
	}
	return strings.Join(parts[1:], ""), true, nil
}

// chunkIndex parses the k of "NAME.k": 2..999 in decimal without a leading
// zero.
func chunkIndex(cookieName, name string) (int, bool) {
	rest, ok := strings.CutPrefix(cookieName, name+".")
	if !ok || len(rest) > 3 {
		return 0, false
	}
	k, ok := decimal(rest)
	if !ok || k < 2 {
		return 0, false
	}
	return k, true
}

// decimal parses s as the layout writes numbers: ASCII digits only, no
// sign, no leading zero. strconv.Atoi would also take "+2".
func decimal(s string) (int, bool) {
	if s == "" || s[0] == '0' {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}
