package serializer

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestFoldNameEveryRune checks foldName rune by rune over all of Unicode:
// every rune of one case folding orbit gets the same name, and that name
// is a rune of the orbit, so runes of different orbits never share one.
// Together that is foldName(a) == foldName(b) exactly when EqualFold.
func TestFoldNameEveryRune(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		s := string(r) // a surrogate becomes U+FFFD, as EqualFold reads it
		key := foldName(s)
		if !strings.EqualFold(s, key) {
			t.Fatalf("foldName(%U) = %q, which EqualFold does not match", r, key)
		}
		for _, f := range foldOrbit(t, r) {
			if got := foldName(string(f)); got != key {
				t.Fatalf("foldName(%U) = %q, but foldName(%U) = %q in the same orbit", f, got, r, key)
			}
		}
	}
}

// foldOrbit lists the runes of r's simple case folding orbit, each of
// which strings.EqualFold must take for r.
func foldOrbit(t *testing.T, r rune) []rune {
	orbit := []rune{r}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if !strings.EqualFold(string(r), string(f)) {
			t.Fatalf("EqualFold does not take %U for %U", f, r)
		}
		orbit = append(orbit, f)
	}
	return orbit
}

// TestFoldNameStrings compares foldName with strings.EqualFold on random
// strings made of runes whose folding is irregular and of bytes that are
// not UTF-8.
func TestFoldNameStrings(t *testing.T) {
	pieces := []string{"k", "K", "\u212a", "s", "S", "\u017f", "\u03c3", "\u03c2", "\u03a3",
		"\u0131", "i", "I", "\u0130", "\xff", "\xc3", "\ufffd", "\u00df", "\u1e9e", "a", "\u00e9", "\u00c9", "_"}
	rnd := rand.New(rand.NewPCG(3, 4))
	word := func() string {
		var b strings.Builder
		for range rnd.IntN(4) {
			b.WriteString(pieces[rnd.IntN(len(pieces))])
		}
		return b.String()
	}
	equal := 0
	for range 200000 {
		a, b := word(), word()
		want := strings.EqualFold(a, b)
		if got := foldName(a) == foldName(b); got != want {
			t.Fatalf("%q, %q: foldName equal %v, EqualFold %v", a, b, got, want)
		}
		if want {
			equal++
		}
	}
	if equal < 1000 {
		t.Fatalf("only %d of the random pairs fold equal; the test compares too little", equal)
	}
}

// matchFieldsByScan is matchFields as it was before the fold index: each
// key that is not a field's name is compared with every field's name.
func matchFieldsByScan(fl *fieldList, m map[string]any) []fieldKey {
	keys := make([]fieldKey, len(fl.list))
	for k := range m {
		if i, ok := fl.byName[k]; ok {
			keys[i] = fieldKey{k, true}
		}
	}
	for k := range m {
		if _, ok := fl.byName[k]; ok {
			continue
		}
		for i := range fl.list {
			name := fl.list[i].name
			if !strings.EqualFold(name, k) {
				continue
			}
			if cur := keys[i]; !cur.found || (cur.key != name && k > cur.key) {
				keys[i] = fieldKey{k, true}
			}
			break
		}
	}
	return keys
}

// TestMatchFieldsIndexMatchesScan checks that the fold index picks the
// same key for each field as comparing with every field did, on random
// objects against a struct whose field names fold together.
func TestMatchFieldsIndexMatchesScan(t *testing.T) {
	type folding struct {
		K      int
		Kelvin int `json:"\u212a"`
		Lower  int `json:"k"`
		S      int
		LongS  int `json:"\u017fs"`
		Sigma  int `json:"\u03c3"`
		Other  int `json:"other"`
	}
	fl := structFields(reflect.TypeFor[folding]())
	keys := []string{"K", "k", "\u212a", "S", "s", "\u017f", "ss", "SS", "\u017fs", "s\u017f",
		"\u03c3", "\u03c2", "\u03a3", "other", "OTHER", "oTher", "\xff", "x"}
	rnd := rand.New(rand.NewPCG(5, 6))
	caseOnly := 0
	for range 20000 {
		m := map[string]any{}
		for range rnd.IntN(len(keys)) {
			m[keys[rnd.IntN(len(keys))]] = 1
		}
		got, want := matchFields(fl, m), matchFieldsByScan(fl, m)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("object %v: index chose %v, scan %v", m, got, want)
		}
		for i, k := range got {
			if k.found && k.key != fl.list[i].name {
				caseOnly++
			}
		}
	}
	if caseOnly == 0 {
		t.Fatal("no key matched but for case; the test compares nothing the index does")
	}
}
