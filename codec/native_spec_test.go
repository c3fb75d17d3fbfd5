package codec_test

// An independent reader of the native envelope, written from FORMAT.md
// alone (no code of package codec), run against every file of
// testdata/native. If FORMAT.md leaves out a rule the vectors depend on,
// this reader disagrees with them and the test fails.
// native_spec_diff_test.go runs it against package codec on random
// envelopes that the vectors do not cover.

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/chacha20poly1305"
)

// specOutcome is one of the vector files' expect values.
type specOutcome string

type specKey struct {
	id       uint32
	material []byte
}

type specConfig struct {
	mode     byte
	keys     []specKey // primary first
	retired  map[uint32]bool
	purpose  string
	name     string
	lifetime int64
	idle     int64
	skew     int64
	now      int64
	maxSize  int // name + value
	inflate  int // decompression limit
}

type specResult struct {
	outcome  specOutcome
	reason   string
	payload  []byte
	json     string
	keyIndex int
}

func specFail(o specOutcome) specResult { return specResult{outcome: o} }

// specParseKey reads "cookiecodec-key-1.<8 hex>.<base64url 32 bytes>".
func specParseKey(s string) (specKey, error) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 || parts[0] != "cookiecodec-key-1" || len(parts[1]) != 8 {
		return specKey{}, fmt.Errorf("bad key text %q", s)
	}
	if strings.ToLower(parts[1]) != parts[1] {
		return specKey{}, fmt.Errorf("key id not lowercase: %q", s)
	}
	id, err := strconv.ParseUint(parts[1], 16, 32)
	if err != nil {
		return specKey{}, err
	}
	m, err := base64.RawURLEncoding.Strict().DecodeString(parts[2])
	if err != nil || len(m) != 32 {
		return specKey{}, fmt.Errorf("bad key material in %q", s)
	}
	return specKey{id: uint32(id), material: m}, nil
}

// boundPurpose is the purpose bound into the subkey and the associated
// data: an empty one means the default, "session" (§Associated data).
func (c specConfig) boundPurpose() string {
	if c.purpose == "" {
		return "session"
	}
	return c.purpose
}

// specAD is the associated data (§Associated data): the header, the
// purpose and the cookie name, each length-prefixed but the header.
func specAD(c specConfig, header []byte) []byte {
	p := c.boundPurpose()
	ad := append([]byte(nil), header...)
	ad = append(ad, byte(len(p)))
	ad = append(ad, p...)
	ad = binary.BigEndian.AppendUint16(ad, uint16(len(c.name)))
	return append(ad, c.name...)
}

func specSubkey(k specKey, mode byte, purpose string) []byte {
	info := []byte("cookiecodec native v1 subkey\x00")
	info = append(info, mode)
	info = binary.BigEndian.AppendUint32(info, k.id)
	info = append(info, purpose...)
	sub, err := hkdf.Key(sha256.New, k.material, nil, string(info), 32)
	if err != nil {
		panic(err)
	}
	return sub
}

var specModes = map[string]byte{"xchacha20poly1305": 1, "aes256gcm": 2, "hmacsha256": 3}

// specSizes gives nonce and tag sizes by mode.
func specSizes(mode byte) (nonce, tag int, ok bool) {
	switch mode {
	case 1:
		return 24, 16, true
	case 2:
		return 12, 16, true
	case 3:
		return 0, 32, true
	}
	return 0, 0, false
}

const specHeaderLen = 35

// specOpen follows "Decoding: the checks, in order" of FORMAT.md.
func specOpen(c specConfig, value string) specResult {
	// 1
	if len(c.name)+len(value) > c.maxSize || len(c.name) > 65535 {
		return specFail("too large")
	}
	// 2
	if value == "" {
		return specFail("malformed")
	}
	env, err := base64.RawURLEncoding.Strict().DecodeString(value)
	if err != nil || base64.RawURLEncoding.EncodeToString(env) != value {
		return specFail("malformed")
	}
	// 3
	if len(env) < 3 || env[0] != 1 {
		return specFail("malformed")
	}
	mode, flags := env[1], env[2]
	nonceLen, tagLen, ok := specSizes(mode)
	if !ok || mode != c.mode || flags&^3 != 0 || len(env) < specHeaderLen+nonceLen+tagLen {
		return specFail("malformed")
	}
	header := env[:specHeaderLen]
	keyID := binary.BigEndian.Uint32(header[3:])
	created := int64(binary.BigEndian.Uint32(header[7:]))
	issued := int64(binary.BigEndian.Uint32(header[11:]))
	expires := int64(binary.BigEndian.Uint32(header[15:]))
	// 4
	idx := -1
	for i, k := range c.keys {
		if k.id == keyID {
			idx = i
			break
		}
	}
	if idx < 0 || c.retired[keyID] {
		return specFail("unknown key")
	}
	// 5
	sub := specSubkey(c.keys[idx], mode, c.boundPurpose())
	ad := specAD(c, header)
	nonce := env[specHeaderLen : specHeaderLen+nonceLen]
	sealed := env[specHeaderLen+nonceLen:]
	var payload []byte
	switch mode {
	case 1, 2:
		var aead cipher.AEAD
		if mode == 1 {
			aead, err = chacha20poly1305.NewX(sub)
		} else {
			var b cipher.Block
			b, err = aes.NewCipher(sub)
			if err == nil {
				aead, err = cipher.NewGCM(b)
			}
		}
		if err != nil {
			panic(err)
		}
		payload, err = aead.Open(nil, nonce, sealed, ad)
		if err != nil {
			return specFail("signature")
		}
	case 3:
		body, tag := sealed[:len(sealed)-tagLen], sealed[len(sealed)-tagLen:]
		m := hmac.New(sha256.New, sub)
		m.Write(ad)
		m.Write(body)
		if !hmac.Equal(m.Sum(nil), tag) {
			return specFail("signature")
		}
		payload = body
	}
	// 6
	if created > issued {
		return specFail("malformed")
	}
	if issued > c.now+c.skew {
		return specFail("future")
	}
	if c.now >= created+c.lifetime {
		return specResult{outcome: "expired", reason: "absolute"}
	}
	if c.idle > 0 && c.now >= issued+c.idle {
		return specResult{outcome: "expired", reason: "idle"}
	}
	if c.now >= expires {
		return specResult{outcome: "expired", reason: "expires"}
	}
	// 7
	if flags&2 != 0 {
		i := len(payload) - 1
		for i >= 0 && payload[i] == 0 {
			i--
		}
		if i < 0 || payload[i] != 0x80 {
			return specFail("malformed")
		}
		payload = payload[:i]
	}
	if flags&1 != 0 {
		if len(payload) >= 2 && payload[1]&0x20 != 0 {
			return specFail("payload") // a preset dictionary (FDICT)
		}
		r := bytes.NewReader(payload)
		zr, err := zlib.NewReader(r)
		if err != nil {
			return specFail("payload")
		}
		out, err := io.ReadAll(io.LimitReader(zr, int64(c.inflate)+1))
		if err != nil {
			return specFail("payload")
		}
		if len(out) > c.inflate {
			return specFail("too large")
		}
		if r.Len() != 0 {
			return specFail("payload") // data after the zlib stream
		}
		payload = out
	}
	// 8
	text, tree, err := specBinaryToJSON(payload)
	if err != nil {
		return specFail("payload")
	}
	if err := specCheckTags(tree); err != nil {
		return specFail("payload")
	}
	return specResult{outcome: "success", payload: payload, json: text, keyIndex: idx}
}

// specReader reads the binary form of FORMAT.md's "Payload" section and
// writes the JSON text the serializer would have written.
type specReader struct {
	b     []byte
	depth int
	items int // what the counts may still claim: FORMAT.md's item budget
	out   strings.Builder
	node  *specNode // the node being read
}

// specNode is the tree of a payload, for the tag checks: kind 'a' array,
// 'm' map (keys[i] holds the key of items[i]), 's' string, 'o' other.
type specNode struct {
	kind  byte
	s     string
	keys  []string
	items []specNode
}

var errSpecPayload = errors.New("payload")

func specBinaryToJSON(b []byte) (string, *specNode, error) {
	root := &specNode{}
	r := &specReader{b: b, items: len(b), node: root}
	if err := r.item(); err != nil {
		return "", nil, err
	}
	if len(r.b) != 0 {
		return "", nil, errSpecPayload
	}
	if r.out.Len() > 1<<20 {
		return "", nil, errSpecPayload
	}
	return r.out.String(), root, nil
}

// head reads an initial byte and its argument, rejecting indefinite
// lengths and heads longer than needed.
func (r *specReader) head() (major byte, info byte, arg uint64, err error) {
	if len(r.b) == 0 {
		return 0, 0, 0, errSpecPayload
	}
	ib := r.b[0]
	r.b = r.b[1:]
	major, info = ib>>5, ib&31
	var n int
	switch {
	case info < 24:
		return major, info, uint64(info), nil
	case info == 24:
		n = 1
	case info == 25:
		n = 2
	case info == 26:
		n = 4
	case info == 27:
		n = 8
	default:
		return 0, 0, 0, errSpecPayload
	}
	if len(r.b) < n {
		return 0, 0, 0, errSpecPayload
	}
	for _, c := range r.b[:n] {
		arg = arg<<8 | uint64(c)
	}
	r.b = r.b[n:]
	if major == 7 {
		return major, info, arg, nil // floats and simple values: checked by the caller
	}
	least := map[int]uint64{1: 24, 2: 1 << 8, 4: 1 << 16, 8: 1 << 32}[n]
	if arg < least {
		return 0, 0, 0, errSpecPayload
	}
	return major, info, arg, nil
}

func (r *specReader) take(n uint64) ([]byte, error) {
	if n > uint64(len(r.b)) {
		return nil, errSpecPayload
	}
	s := r.b[:n]
	r.b = r.b[n:]
	return s, nil
}

func (r *specReader) item() error {
	major, info, arg, err := r.head()
	if err != nil {
		return err
	}
	node := r.node
	node.kind = 'o'
	switch major {
	case 0:
		r.out.WriteString(strconv.FormatUint(arg, 10))
	case 1:
		r.out.WriteString(new(big.Int).Sub(big.NewInt(-1), new(big.Int).SetUint64(arg)).String())
	case 3:
		s, err := r.take(arg)
		if err != nil {
			return err
		}
		node.kind, node.s = 's', string(s)
		return r.text(s)
	case 4, 5:
		r.depth++
		if r.depth > 256 {
			return errSpecPayload
		}
		open, close := "[", "]"
		node.kind = 'a'
		if major == 5 {
			open, close = "{", "}"
			node.kind = 'm'
		}
		claim := arg
		if major == 5 {
			claim = 2 * arg // a key and a value per entry
		}
		if arg > uint64(len(r.b)) || claim > uint64(r.items) {
			return errSpecPayload
		}
		// The budget bounds the counts; the nodes still grow as items
		// arrive, because a node is much larger than the byte an item
		// may take.
		r.items -= int(claim)
		node.items = make([]specNode, 0, min(arg, 16))
		r.out.WriteString(open)
		for i := uint64(0); i < arg; i++ {
			if i > 0 {
				r.out.WriteByte(',')
			}
			if major == 5 {
				if len(r.b) == 0 || r.b[0]>>5 != 3 {
					return errSpecPayload
				}
				var key specNode
				r.node = &key
				if err := r.item(); err != nil {
					return err
				}
				node.keys = append(node.keys, key.s)
				r.out.WriteByte(':')
			}
			node.items = append(node.items, specNode{})
			r.node = &node.items[i]
			if err := r.item(); err != nil {
				return err
			}
		}
		r.out.WriteString(close)
		r.depth--
	case 6:
		if arg != 2 && arg != 3 {
			return errSpecPayload
		}
		inner, _, n, err := r.head()
		if err != nil || inner != 2 || n > 1786 {
			return errSpecPayload
		}
		mag, err := r.take(n)
		if err != nil || len(mag) < 9 || mag[0] == 0 {
			return errSpecPayload
		}
		z := new(big.Int).SetBytes(mag)
		if arg == 3 {
			z.Sub(big.NewInt(-1), z)
		}
		r.out.WriteString(z.String())
	case 7:
		switch {
		case info == 27:
			f := math.Float64frombits(arg)
			if math.IsNaN(f) && arg != 0x7ff8000000000000 {
				return errSpecPayload
			}
			r.out.WriteString(specPyRepr(f))
		case info == 20:
			r.out.WriteString("false")
		case info == 21:
			r.out.WriteString("true")
		case info == 22:
			r.out.WriteString("null")
		default:
			return errSpecPayload
		}
	default:
		return errSpecPayload
	}
	return nil
}

func (r *specReader) text(s []byte) error {
	if !utf8.Valid(s) {
		return errSpecPayload
	}
	r.out.WriteByte('"')
	for _, c := range string(s) {
		switch {
		case c == '"':
			r.out.WriteString(`\"`)
		case c == '\\':
			r.out.WriteString(`\\`)
		case c == '\n':
			r.out.WriteString(`\n`)
		case c == '\r':
			r.out.WriteString(`\r`)
		case c == '\t':
			r.out.WriteString(`\t`)
		case c == '\b':
			r.out.WriteString(`\b`)
		case c == '\f':
			r.out.WriteString(`\f`)
		case c < 0x20 || (c >= 0x7f && c < 0x10000):
			fmt.Fprintf(&r.out, `\u%04x`, c)
		case c >= 0x10000:
			c -= 0x10000
			fmt.Fprintf(&r.out, `\u%04x\u%04x`, 0xd800+(c>>10), 0xdc00+(c&0x3ff))
		default:
			r.out.WriteRune(c)
		}
	}
	r.out.WriteByte('"')
	return nil
}

// specPyRepr formats a float64 as Python's repr does.
func specPyRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64)
	exp, _ := strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
	if exp < -4 || exp >= 16 {
		return e
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// specCheckTags checks Flask's tags on the tree the reader built. As
// Python's json.loads with an object_hook, every object is checked as it
// is parsed, duplicates included, and an object is a tag if it has one key
// after duplicates collapse (the last one wins).
func specCheckTags(n *specNode) error {
	for i := range n.items {
		if err := specCheckTags(&n.items[i]); err != nil {
			return err
		}
	}
	if n.kind != 'm' {
		return nil
	}
	last := map[string]*specNode{}
	for i, k := range n.keys {
		last[k] = &n.items[i]
	}
	if len(last) != 1 {
		return nil
	}
	for k, e := range last {
		switch k {
		case " u":
			if e.kind != 's' || !specIsUUID(e.s) {
				return errSpecPayload
			}
		case " dn":
			if e.kind != 's' {
				return errSpecPayload
			}
			if !specIsNativeTime(e.s) {
				return errSpecPayload
			}
		case " t":
			if e.kind != 'a' {
				return errSpecPayload
			}
		case " m":
			if e.kind != 's' {
				return errSpecPayload
			}
		case " b":
			// Standard base64 with its padding; line breaks are ignored
			// (package serializer's documented rule).
			if _, err := base64.StdEncoding.DecodeString(e.s); e.kind != 's' || err != nil {
				return errSpecPayload
			}
		case " d", " di":
			panic("the vectors and the differential test do not write tag " + k)
		}
	}
	return nil
}

// The " u" and " dn" grammars of FORMAT.md, written as regular expressions.
var (
	specUUID = regexp.MustCompile(`^(?:(?:urn:uuid:)?(?:X{32}|X{8}-X{4}-X{4}-X{4}-X{12})|\{(?:X{32}|X{8}-X{4}-X{4}-X{4}-X{12})\})$`)
	specTime = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?(?:Z|[+-]([0-9]{2}):([0-9]{2}))$`)
)

func init() {
	specUUID = regexp.MustCompile(strings.ReplaceAll(specUUID.String(), "X", "[0-9a-fA-F]"))
}

func specIsUUID(s string) bool { return specUUID.MatchString(s) }

// specIsNativeTime: the shape, year 0001 or later, the offset's ranges,
// then a date and clock that exist (time.Parse checks those).
func specIsNativeTime(s string) bool {
	m := specTime.FindStringSubmatch(s)
	if m == nil || strings.HasPrefix(s, "0000") || (m[1] != "" && (m[1] > "23" || m[2] > "59")) {
		return false
	}
	_, err := time.Parse(time.RFC3339Nano, s)
	return err == nil
}

// specVector is one file of testdata/native, read as FORMAT.md's "Test
// vectors" section describes.
type specVector map[string][]string

func specReadVector(t *testing.T, path string) specVector {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v := specVector{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		k, val, ok := strings.Cut(sc.Text(), ": ")
		if !ok {
			k, val, ok = strings.Cut(sc.Text(), ":")
		}
		if !ok {
			t.Fatalf("%s: line %q has no field", path, sc.Text())
		}
		v[k] = append(v[k], val)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return v
}

func (v specVector) get(k string) string {
	if len(v[k]) == 0 {
		return ""
	}
	return v[k][0]
}

func (v specVector) seconds(t *testing.T, k string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(v.get(k), 10, 64)
	if err != nil {
		t.Fatalf("field %s: %v", k, err)
	}
	return n
}

// specBytesPerOpen returns the bytes one specOpen of cookie allocates.
func specBytesPerOpen(c specConfig, cookie string) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	specOpen(c, cookie)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestNativeSpecIndependentReader(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "native", "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no vectors: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			v := specReadVector(t, path)
			mode, ok := specModes[v.get("mode")]
			if !ok {
				t.Fatalf("unknown mode %q", v.get("mode"))
			}
			c := specConfig{
				mode: mode, retired: map[uint32]bool{},
				purpose: v.get("purpose"), name: v.get("name"),
				lifetime: v.seconds(t, "lifetime"), idle: v.seconds(t, "idle"),
				skew: v.seconds(t, "skew"), maxSize: 4096, inflate: 65536,
			}
			for _, s := range append(v["key"], v["fallback"]...) {
				k, err := specParseKey(s)
				if err != nil {
					t.Fatal(err)
				}
				c.keys = append(c.keys, k)
			}
			for _, s := range v["retired"] {
				id, err := strconv.ParseUint(s, 16, 32)
				if err != nil {
					t.Fatal(err)
				}
				c.retired[uint32(id)] = true
			}
			now, err := time.Parse(time.RFC3339, v.get("now"))
			if err != nil {
				t.Fatal(err)
			}
			c.now = now.Unix()
			got := specOpen(c, v.get("cookie"))
			if n := specBytesPerOpen(c, v.get("cookie")); n > 8<<20 {
				t.Errorf("the reader allocates %d KB for this vector (FORMAT.md: at most a few megabytes)", n>>10)
			}
			if string(got.outcome) != v.get("expect") {
				t.Fatalf("outcome %q, vector expects %q (%s)", got.outcome, v.get("expect"), v.get("comment"))
			}
			if got.reason != v.get("reason") {
				t.Errorf("reason %q, vector expects %q", got.reason, v.get("reason"))
			}
			if got.outcome != "success" {
				return
			}
			if h := hex.EncodeToString(got.payload); h != v.get("payload-hex") {
				t.Errorf("payload-hex %s, vector expects %s", h, v.get("payload-hex"))
			}
			if got.json != v.get("payload-json") {
				t.Errorf("payload-json %s, vector expects %s", got.json, v.get("payload-json"))
			}
			if strconv.Itoa(got.keyIndex) != v.get("key-index") {
				t.Errorf("key-index %d, vector expects %s", got.keyIndex, v.get("key-index"))
			}
		})
	}
}

// specSeal is the writer side of FORMAT.md, for the differential test: it
// seals payload (already compressed and padded as flags say) under header
// fields chosen by the caller, however inconsistent.
func specSeal(c specConfig, k specKey, mode, flags byte, created, issued, expires uint32, sid, nonce, payload []byte) string {
	h := []byte{1, mode, flags}
	h = binary.BigEndian.AppendUint32(h, k.id)
	h = binary.BigEndian.AppendUint32(h, created)
	h = binary.BigEndian.AppendUint32(h, issued)
	h = binary.BigEndian.AppendUint32(h, expires)
	h = append(h, sid...)
	sub := specSubkey(k, mode, c.boundPurpose())
	ad := specAD(c, h)
	env := append([]byte(nil), h...)
	switch mode {
	case 1:
		a, _ := chacha20poly1305.NewX(sub)
		env = append(env, nonce[:24]...)
		env = a.Seal(env, nonce[:24], payload, ad)
	case 2:
		b, _ := aes.NewCipher(sub)
		a, _ := cipher.NewGCM(b)
		env = append(env, nonce[:12]...)
		env = a.Seal(env, nonce[:12], payload, ad)
	case 3:
		m := hmac.New(sha256.New, sub)
		m.Write(ad)
		m.Write(payload)
		env = append(env, payload...)
		env = m.Sum(env)
	}
	return base64.RawURLEncoding.EncodeToString(env)
}
