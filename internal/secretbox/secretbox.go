// Package secretbox seals small secrets (channel-account passwords and
// tokens) with the server secret, so a copy of the database alone reveals
// none of them.
//
// Format: "tdsec:v1:" + base64url(nonce ‖ AES-256-GCM ciphertext). The key
// is HKDF-SHA256 of the server secret with an info string naming this use,
// so the live-stream signing key and this one never coincide. The version
// in the prefix lets a later key or algorithm coexist with old values.
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// Prefix starts every sealed value of this version.
const Prefix = "tdsec:v1:"

const info = "ticketd channel-account settings v1"

// ErrOpen is a value that does not open with this box's key: sealed under
// another secret, altered, or not sealed at all.
var ErrOpen = errors.New("secretbox: cannot open value (wrong server secret or damaged)")

// Box seals and opens values with one key.
type Box struct{ aead cipher.AEAD }

// New derives the key from secret, which must not be empty.
func New(secret []byte) (*Box, error) {
	if len(secret) == 0 {
		return nil, errors.New("secretbox: empty server secret")
	}
	key, err := hkdf.Key(sha256.New, secret, nil, info, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead}, nil
}

// Seal encrypts plain under a random nonce; aad binds the value to its
// place (an account id), so a sealed value copied elsewhere does not open.
func (b *Box) Seal(plain, aad []byte) (string, error) {
	nonce := make([]byte, b.aead.NonceSize(), b.aead.NonceSize()+len(plain)+b.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return Prefix + base64.RawURLEncoding.EncodeToString(b.aead.Seal(nonce, nonce, plain, aad)), nil
}

// Open decrypts a value Seal made with the same key and aad.
func (b *Box) Open(sealed string, aad []byte) ([]byte, error) {
	rest, ok := strings.CutPrefix(sealed, Prefix)
	if !ok {
		return nil, ErrOpen
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || len(raw) < b.aead.NonceSize() {
		return nil, ErrOpen
	}
	n := b.aead.NonceSize()
	plain, err := b.aead.Open(nil, raw[:n], raw[n:], aad)
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}

// Sealed reports whether s looks like a value Seal made.
func Sealed(s string) bool { return strings.HasPrefix(s, Prefix) }
