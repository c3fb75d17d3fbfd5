package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/cookiecodec/cookiecodec/internal/cliinput"
)

// errChunk marks input that is part of a chunked session given without
// the rest: the --json error kind "chunk".
var errChunk = errors.New("chunk")

// loneChunkError reports one cookie of a chunked native session, given
// without the other chunks. cookiesession splits a session over 4 KB over
// the cookies NAME=~n~PART1; NAME.2=PART2; ...; NAME.n=PARTn, and the
// envelope is whole only when they are joined. It matches errChunk.
type loneChunkError struct {
	name  string // the session's cookie name, without ".k"
	index int    // 1-based
	count int    // n, known from the first chunk only; 0 when unknown
}

func (e *loneChunkError) Error() string {
	if e.index == 1 {
		return fmt.Sprintf("chunk 1 of %d of a chunked session, given alone (the value starts with the chunk count ~%d~)", e.count, e.count)
	}
	return fmt.Sprintf("cookie %s is chunk %d of the chunked session %q, given without chunk 1", e.name+"."+strconv.Itoa(e.index), e.index, e.name)
}

func (e *loneChunkError) Unwrap() error { return errChunk }

// advice says what to give instead, for the hint.
func (e *loneChunkError) advice() string {
	if e.count == 0 {
		return fmt.Sprintf("a session over 4 KB is split over the cookies %[1]s, %[1]s.2, ..., the first of which starts with their count (%[1]s=~n~...), and they verify only together: pass the whole Cookie header (%[1]s=~n~...; %[1]s.2=...; ...) or the Set-Cookie lines of every chunk", e.name)
	}
	return fmt.Sprintf("a session over 4 KB is split over the cookies %[1]s, %[1]s.2, ..., %[1]s.%[2]d, which verify only together: pass the whole Cookie header (%[1]s=~%[2]d~...; %[1]s.2=...; ...) or all %[2]d Set-Cookie lines", e.name, e.count)
}

// loneChunk recognises a value that is one chunk of a chunked session
// given alone: the first, whose value starts with "~n~" (n in
// 2..cliinput.MaxChunks) before base64url text, which no cookie format
// has; or, when the value fits no format, a later one given with its
// cookie name NAME.k (k in 2..cliinput.MaxChunks) and a base64url value.
// A later chunk given as a bare value cannot be told from other text: it
// returns nil for it, as for anything else.
func loneChunk(in cliinput.Input, defaultName string) *loneChunkError {
	if in.Chunked {
		return nil
	}
	if rest, ok := strings.CutPrefix(in.Value, "~"); ok {
		count, part, ok := strings.Cut(rest, "~")
		n, nok := chunkNumber(count)
		if !ok || !nok || !isBase64URLText(part) {
			return nil
		}
		name := in.Name
		if name == "" {
			name = defaultName
		}
		return &loneChunkError{name: name, index: 1, count: n}
	}
	if !in.NameFromInput || detectFormat(in.Value) != "" || !isBase64URLText(in.Value) {
		return nil
	}
	i := strings.LastIndexByte(in.Name, '.')
	if i <= 0 {
		return nil
	}
	k, ok := chunkNumber(in.Name[i+1:])
	if !ok {
		return nil
	}
	return &loneChunkError{name: in.Name[:i], index: k}
}

// laterChunksOnly returns the chunk error for cookies that hold chunks of
// the session name (NAME.2, NAME.3, ...) but not the cookie name itself,
// or nil.
func laterChunksOnly(cookies []cliinput.Cookie, name string) *loneChunkError {
	for _, c := range cookies {
		k, ok := chunkNumber(strings.TrimPrefix(c.Name, name+"."))
		if ok && strings.HasPrefix(c.Name, name+".") && isBase64URLText(c.Value) {
			return &loneChunkError{name: name, index: k}
		}
	}
	return nil
}

// chunkNumber parses a chunk count or index as the layout writes it:
// decimal without a leading zero, 2..cliinput.MaxChunks.
func chunkNumber(s string) (int, bool) {
	if s == "" || len(s) > 2 || s[0] == '0' || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 2 && n <= cliinput.MaxChunks
}

// isBase64URLText reports whether s is non-empty unpadded base64url text.
func isBase64URLText(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return !isBase64URL(r) }) < 0
}
