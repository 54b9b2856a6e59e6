package question

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/fnv"
	"math/bits"
)

// The per-attempt randomness (variable draws, shuffles, presented ids) is
// part of the stored data's meaning: an attempt reloaded after an upgrade
// must show the same numbers in the same order. So it uses its own small,
// fixed algorithms (splitmix64, Fisher-Yates, SHA-256) rather than
// math/rand, whose streams may change between Go releases. Never change
// them.

// rng is a splitmix64 generator.
type rng struct{ state uint64 }

// newRNG returns a generator for one purpose (stream) of one seed: streams
// of the same seed are independent.
func newRNG(seed uint64, stream string) *rng {
	h := fnv.New64a()
	h.Write([]byte(stream))
	return &rng{state: seed ^ h.Sum64()}
}

// next returns the next 64 random bits.
func (r *rng) next() uint64 {
	r.state += 0x9e3779b97f4a7c15
	z := r.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// float returns a uniform number in [0, 1) with 53 random bits.
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// intn returns a uniform integer in [0, n), n > 0 (Lemire's method with
// rejection, so without bias).
func (r *rng) intn(n int) int {
	bound := uint64(n)
	hi, lo := bits.Mul64(r.next(), bound)
	if lo < bound {
		threshold := -bound % bound
		for lo < threshold {
			hi, lo = bits.Mul64(r.next(), bound)
		}
	}
	return int(hi)
}

// permute permutes s in place (Fisher-Yates).
func permute[T any](r *rng, s []T) {
	for i := len(s) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		s[i], s[j] = s[j], s[i]
	}
}

// presentedIDBytes is the length of a presented id's hash prefix: 48 bits,
// 12 hex characters.
const presentedIDBytes = 6

// presentID derives the id a learner sees for the question's id in one
// domain ("choice", "stem", "answer", ...) of one attempt. Learners cannot
// link it to the stored id (or to ids of another domain) without the seed.
func presentID(seed uint64, domain, id string) string {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], seed)
	h := sha256.New()
	h.Write(b[:])
	h.Write([]byte(domain))
	h.Write([]byte{0})
	h.Write([]byte(id))
	return hex.EncodeToString(h.Sum(nil)[:presentedIDBytes])
}

// idMap translates one domain's ids between stored and presented form.
type idMap struct {
	out map[string]string // stored -> presented
	in  map[string]string // presented -> stored
}

// newIDMap maps the stored ids of one domain. A (very unlikely) clash of
// two presented ids is resolved deterministically by rehashing.
func newIDMap(seed uint64, domain string, stored []string) idMap {
	m := idMap{out: make(map[string]string, len(stored)), in: make(map[string]string, len(stored))}
	for _, id := range stored {
		if _, ok := m.out[id]; ok {
			continue
		}
		p := presentID(seed, domain, id)
		for salt := domain; m.in[p] != ""; {
			salt += "'"
			p = presentID(seed, salt, id)
		}
		m.out[id], m.in[p] = p, id
	}
	return m
}
