package cookiesession

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Chunk layout. A session whose name plus value fits in [CookieBudget] is
// one ordinary cookie, NAME=VALUE. A larger one is split into n cookies
// (2 <= n <= MaxChunks):
//
//	NAME=~n~PART1
//	NAME.2=PART2
//	...
//	NAME.n=PARTn
//
// VALUE is PART1 + PART2 + ... + PARTn. Codec values never start with '~',
// so the prefix is unambiguous. The chunks carry no MAC of their own: the
// reassembled value is verified by the codec as a whole, so a missing,
// swapped, truncated or stale chunk fails verification. Before any decoding
// a request is refused (fail closed, [ErrChunks]) when the header's n is
// outside 2..MaxChunks or when a chunk 2..n is missing.
//
// Chunks numbered above n, and any chunks beside an unchunked NAME, are
// ignored: they cannot change the value the codec verifies, and browsers
// do leave them behind. Two parallel requests can answer in an order that
// leaves a small session's NAME with a larger session's NAME.2 (the small
// one's request carried no NAME.2, so its response did not delete it); a
// sibling subdomain can plant a NAME.k too. Refusing the session for such
// a leftover would log the user out for as long as the cookie lives. The
// next response that writes the session deletes every chunk the request
// carried above the new count.

// requestCookies holds the cookies of one request that belong to a
// manager: every value of NAME in header order, and every NAME.k chunk.
type requestCookies struct {
	mains  []string
	chunks []chunkCookie
	maxIdx int // highest chunk index present, 0 if none
}

type chunkCookie struct {
	idx   int
	value string
}

// scanCookies extracts NAME and NAME.k cookies from the Cookie header
// lines without building the full cookie list. Quoted values are unquoted
// as net/http does. The values of NAME go into buf while they fit (one or
// two, normally), so that a caller's local buf keeps them off the heap.
//
// It keeps the first maxDecodeAttempts non-empty values of NAME and of
// each NAME.k, in header order, and drops the rest (and empty NAME
// values, which are no cookie): loading tries at most that many values
// and ways of joining, so later copies could never be used, and keeping
// them would let a planted flood cost memory in proportion to the header
// (about 12 bytes per header byte, measured). maxIdx still counts every
// chunk name, so that the next write deletes them all.
func scanCookies(h http.Header, name string, buf *[2]string) (rc requestCookies) {
	rc.mains = buf[:0]
	var copies [MaxChunksLimit + 1]int // kept values per chunk index
	for _, line := range h["Cookie"] {
		for len(line) > 0 {
			var part string
			part, line, _ = strings.Cut(line, ";")
			part = strings.TrimSpace(part)
			if len(part) < len(name)+1 || !strings.HasPrefix(part, name) {
				continue
			}
			k, v, ok := strings.Cut(part, "=")
			if !ok {
				continue
			}
			if len(v) > 1 && v[0] == '"' && v[len(v)-1] == '"' {
				v = v[1 : len(v)-1]
			}
			if k == name {
				if v != "" && len(rc.mains) < maxDecodeAttempts {
					rc.mains = append(rc.mains, v)
				}
				continue
			}
			if len(k) > len(name)+1 && k[len(name)] == '.' {
				if idx := chunkIndex(k[len(name)+1:]); idx > 0 {
					rc.maxIdx = max(rc.maxIdx, idx)
					if copies[idx] < maxDecodeAttempts {
						copies[idx]++
						rc.chunks = append(rc.chunks, chunkCookie{idx, v})
					}
				}
			}
		}
	}
	return rc
}

// chunkIndex parses the k of NAME.k: 2..[MaxChunksLimit], decimal, no
// leading zero. Anything else is not a chunk name, since no configuration
// writes it, and returns 0: a stray NAME.999 neither counts as a chunk nor
// makes the response delete 998 cookies.
func chunkIndex(s string) int {
	if len(s) == 0 || len(s) > 3 || s[0] == '0' {
		return 0
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0
		}
		n = n*10 + int(s[i]-'0')
	}
	if n < 2 || n > MaxChunksLimit {
		return 0
	}
	return n
}

// chunkName returns the name of chunk i (i >= 2).
func chunkName(name string, i int) string { return name + "." + strconv.Itoa(i) }

// chunkHeader returns the prefix of the first chunk of an n-chunk session.
func chunkHeader(n int) string { return "~" + strconv.Itoa(n) + "~" }

// parseChunkHeader splits a first chunk "~n~PART1". It checks n against
// maxChunks before anything else is looked at.
func parseChunkHeader(v string, maxChunks int) (n int, part string, err error) {
	end := strings.IndexByte(v[1:], '~')
	if end < 1 || end > 2 {
		return 0, "", fmt.Errorf("%w: malformed chunk header", ErrChunks)
	}
	digits := v[1 : 1+end]
	if digits[0] == '0' || strings.Trim(digits, "0123456789") != "" {
		// Digits only: strconv.Atoi would also take "~+2~".
		return 0, "", fmt.Errorf("%w: malformed chunk header", ErrChunks)
	}
	n, _ = strconv.Atoi(digits)
	if n < 2 || n > maxChunks {
		if n > maxChunks && n <= MaxChunksLimit {
			// Most likely a session written before WithMaxChunks was lowered.
			return 0, "", fmt.Errorf("%w: chunk count %d over WithMaxChunks(%d) (a session written under a larger setting?)", ErrChunks, n, maxChunks)
		}
		return 0, "", fmt.Errorf("%w: chunk count %d outside 2..%d", ErrChunks, n, maxChunks)
	}
	return n, v[2+end:], nil
}

// capacity returns how many value bytes n cookies named after name hold.
func capacity(name string, n int) int {
	if n == 1 {
		return CookieBudget - len(name)
	}
	total := CookieBudget - len(name) - len(chunkHeader(n))
	for i := 2; i <= n; i++ {
		total += CookieBudget - len(chunkName(name, i))
	}
	return total
}

// cookieHeaderCapacity returns how many value bytes a session may take so
// that its cookies, at most maxChunks of them, add at most limit bytes to
// a Cookie header. Values of every length up to it fit; since splitValue
// uses the fewest cookies, a value one byte longer needs either more
// header bytes or more cookies.
func cookieHeaderCapacity(name string, maxChunks, limit int) int {
	fits := 0
	for n := 1; n <= maxChunks; n++ {
		c := min(capacity(name, n), limit-cookieHeaderOverhead(name, n))
		if n > 1 && c <= capacity(name, n-1) {
			break // values that need n cookies no longer fit
		}
		fits = c
	}
	return max(fits, 0)
}

// cookieHeaderOverhead is what a session split into n cookies adds to a
// Cookie header beside its value bytes: the names, the '=' signs, the
// "; " between cookies and, with chunks, the chunk header.
func cookieHeaderOverhead(name string, n int) int {
	if n == 1 {
		return len(name) + 1
	}
	over := len(name) + 1 + len(chunkHeader(n))
	for i := 2; i <= n; i++ {
		over += len("; ") + len(chunkName(name, i)) + 1
	}
	return over
}

// splitValue splits a cookie value into the fewest chunk values that fit.
// It returns nil, true when the value fits in one cookie, and nil, false
// when maxChunks cookies are not enough. The first element carries the
// chunk header.
func splitValue(name, value string, maxChunks int) (parts []string, ok bool) {
	if len(name)+len(value) <= CookieBudget {
		return nil, true
	}
	for n := 2; n <= maxChunks; n++ {
		if capacity(name, n) < len(value) {
			continue
		}
		parts := make([]string, n)
		hdr := chunkHeader(n)
		first := CookieBudget - len(name) - len(hdr)
		parts[0] = hdr + value[:first]
		rest := value[first:]
		for i := 2; i <= n; i++ {
			c := min(CookieBudget-len(chunkName(name, i)), len(rest))
			parts[i-1] = rest[:c]
			rest = rest[c:]
		}
		return parts, true
	}
	return nil, false
}

// assembler enumerates reassembled values for one chunk header candidate.
// When a chunk index occurs more than once (cookie tossing), combinations
// are tried in header order, first occurrences first, up to limit.
type assembler struct {
	n     int
	first string
	opts  [][]string // opts[i] = candidates for chunk i+2
	pos   []int
	done  bool
}

func newAssembler(n int, first string, rc *requestCookies) (*assembler, error) {
	a := &assembler{n: n, first: first, opts: make([][]string, n-1), pos: make([]int, n-1)}
	for _, c := range rc.chunks {
		if c.idx > n {
			continue // a leftover of a larger session (see the layout comment)
		}
		a.opts[c.idx-2] = append(a.opts[c.idx-2], c.value)
	}
	for i, o := range a.opts {
		if len(o) == 0 {
			return nil, fmt.Errorf("%w: chunk %d of %d missing", ErrChunks, i+2, n)
		}
	}
	return a, nil
}

// next returns the next combination, or false when all were tried.
func (a *assembler) next(budget int) (string, bool, error) {
	if a.done {
		return "", false, nil
	}
	size := len(a.first)
	for i, o := range a.opts {
		size += len(o[a.pos[i]])
	}
	if size > budget {
		a.done = true
		return "", false, fmt.Errorf("%w: reassembled session is %d bytes, limit %d", ErrChunks, size, budget)
	}
	var b strings.Builder
	b.Grow(size)
	b.WriteString(a.first)
	for i, o := range a.opts {
		b.WriteString(o[a.pos[i]])
	}
	// Advance like an odometer, last chunk fastest.
	a.done = true
	for i := len(a.pos) - 1; i >= 0; i-- {
		if a.pos[i]+1 < len(a.opts[i]) {
			a.pos[i]++
			for j := i + 1; j < len(a.pos); j++ {
				a.pos[j] = 0
			}
			a.done = false
			break
		}
	}
	return b.String(), true, nil
}
