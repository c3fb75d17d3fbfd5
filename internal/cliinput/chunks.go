package cliinput

import (
	"errors"
	"fmt"
	"strings"
)

// ErrChunks: the chunk cookies of a chunked session are inconsistent.
var ErrChunks = errors.New("inconsistent chunked cookies")

// MaxChunks is the largest chunk count ReassembleChunks accepts: the chunk
// header has at most two digits, so the CLI can show any session the
// layout can express.
const MaxChunks = 99

// MiddlewareMaxChunks is cookiesession.MaxChunksLimit: the cookiesession
// middleware refuses a session of more chunks than its WithMaxChunks,
// which is at most this.
const MiddlewareMaxChunks = 16

// MiddlewareMaxDecodes is how many candidate values the cookiesession
// middleware decodes at most per request (the cookies of its name in
// header order, and the ways of joining repeated chunks), and so how many
// ways of joining [ChunkCombinations] returns at most: later ones never
// count.
const MiddlewareMaxDecodes = 8

// ReassembleChunks joins a session that package cookiesession split over
// several cookies. That layout (documented in cookiesession) is
//
//	NAME=~n~PART1; NAME.2=PART2; ...; NAME.n=PARTn
//
// with 2 <= n and the value PART1+PART2+...+PARTn. Codec values never start
// with '~'. It returns ok=false when the first cookie called name does not
// start with '~' (an ordinary cookie) or when there is none. It fails with
// [ErrChunks], before joining anything, when the header is malformed, n is
// outside 2..[MaxChunks], or a chunk 2..n is missing.
//
// A chunk given more than once (a browser sends one cookie per matching
// path and domain: a leftover set on another path, or one tossed by a
// sibling subdomain) is taken at its first occurrence. That is the first
// combination the cookiesession middleware decodes; [ChunkCombinations]
// lists the others, in the order the middleware tries them. Chunks numbered
// above n are ignored, as cookiesession ignores them: they are leftovers of
// a larger session (parallel requests leave them behind) and cannot change
// the joined value. The chunks carry no MAC of their own: the codec
// verifies the joined value.
func ReassembleChunks(cookies []Cookie, name string) (string, bool, error) {
	cs, ok, err := collectChunks(cookies, name)
	if !ok || err != nil {
		return "", ok, err
	}
	return cs.join(make([]int, len(cs.copies))), true, nil
}

// Combination is one way of joining a chunked session whose chunks were
// given more than once.
type Combination struct {
	// Value is the joined cookie value.
	Value string
	// Copies[i] is which copy of chunk i+2 Value uses: 1 for the first
	// occurrence in the input, 2 for the second, ...
	Copies []int
	// Given[i] is how many copies of chunk i+2 the input holds.
	Given []int
}

// String describes the chunks that were given more than once and the copy
// of each that c uses, as "chunk 2: copy 2 of 2".
func (c Combination) String() string {
	var parts []string
	for i, n := range c.Given {
		if n > 1 {
			parts = append(parts, fmt.Sprintf("chunk %d: copy %d of %d", i+2, c.Copies[i], n))
		}
	}
	if len(parts) == 0 {
		return "every chunk once"
	}
	return strings.Join(parts, ", ")
}

// ChunkCombinations returns the ways of joining the chunked session name
// of cookies, at most [MiddlewareMaxDecodes], in the order the cookiesession
// middleware decodes them: first occurrences first, the highest chunk
// changing fastest. The first is [ReassembleChunks]'s value. It returns nil
// when cookies hold no chunked session called name, and ReassembleChunks'
// error when the chunks are inconsistent.
func ChunkCombinations(cookies []Cookie, name string) ([]Combination, error) {
	cs, ok, err := collectChunks(cookies, name)
	if !ok || err != nil {
		return nil, err
	}
	given := make([]int, len(cs.copies))
	for i, c := range cs.copies {
		given[i] = len(c)
	}
	var out []Combination
	pos := make([]int, len(cs.copies))
	for len(out) < MiddlewareMaxDecodes {
		copies := make([]int, len(pos))
		for i, p := range pos {
			copies[i] = p + 1
		}
		out = append(out, Combination{Value: cs.join(pos), Copies: copies, Given: given})
		// Advance like an odometer, the last chunk fastest.
		i := len(pos) - 1
		for ; i >= 0 && pos[i]+1 == len(cs.copies[i]); i-- {
			pos[i] = 0
		}
		if i < 0 {
			break
		}
		pos[i]++
	}
	return out, nil
}

// CountChunks returns how many cookies the chunked session name of
// cookies spans (its header's n) and how many chunk cookies repeat a chunk
// already given; 0, 0 when cookies hold no consistent chunked session
// called name.
func CountChunks(cookies []Cookie, name string) (chunks, repeats int) {
	cs, ok, err := collectChunks(cookies, name)
	if !ok || err != nil {
		return 0, 0
	}
	for _, c := range cs.copies {
		repeats += len(c) - 1
	}
	return len(cs.copies) + 1, repeats
}

// chunkSet is a chunked session's first part and every copy of each
// further chunk: copies[i] holds the values of chunk i+2 in input order.
type chunkSet struct {
	first  string
	copies [][]string
}

// join joins the first part with copy pos[i] of each chunk i+2.
func (cs chunkSet) join(pos []int) string {
	var b strings.Builder
	size := len(cs.first)
	for i, p := range pos {
		size += len(cs.copies[i][p])
	}
	b.Grow(size)
	b.WriteString(cs.first)
	for i, p := range pos {
		b.WriteString(cs.copies[i][p])
	}
	return b.String()
}

// collectChunks finds the chunked session name in cookies, with the rules
// of [ReassembleChunks].
func collectChunks(cookies []Cookie, name string) (chunkSet, bool, error) {
	first := -1
	for i, c := range cookies {
		if c.Name == name {
			first = i
			break
		}
	}
	if first < 0 || !strings.HasPrefix(cookies[first].Value, "~") {
		return chunkSet{}, false, nil
	}
	v := cookies[first].Value
	end := strings.IndexByte(v[1:], '~')
	if end < 1 || end > 2 {
		return chunkSet{}, false, fmt.Errorf("%w: malformed chunk header in cookie %s", ErrChunks, quoteName(name))
	}
	n, ok := decimal(v[1 : 1+end])
	if !ok {
		return chunkSet{}, false, fmt.Errorf("%w: malformed chunk header in cookie %s", ErrChunks, quoteName(name))
	}
	if n < 2 || n > MaxChunks {
		return chunkSet{}, false, fmt.Errorf("%w: chunk count outside 2..%d", ErrChunks, MaxChunks)
	}
	cs := chunkSet{first: v[2+end:], copies: make([][]string, n-1)}
	for _, c := range cookies {
		k, ok := chunkIndex(c.Name, name)
		if !ok || k > n {
			continue // not a chunk, or a leftover of a larger session
		}
		cs.copies[k-2] = append(cs.copies[k-2], c.Value)
	}
	for i, c := range cs.copies {
		if len(c) == 0 {
			return chunkSet{}, false, fmt.Errorf("%w: chunk %d of %d is missing", ErrChunks, i+2, n)
		}
	}
	return cs, true, nil
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
