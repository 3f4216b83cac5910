package web

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// One-time views (Post/Redirect/Get). A POST that makes a secret shown
// once (an API token, an invitation link) keeps it as a flash and
// redirects to a URL naming the flash; the GET there takes the flash
// (deletes it) and shows it. A reload, or a second GET, finds nothing:
// the secret is never shown twice and the POST is never resubmitted.
//
// Flashes live in the store, so the GET may reach another node. They are
// sealed (AES-256-GCM) with a key derived from the session cookie's value,
// which only the browser holds (the store keeps its hash), so the store
// never holds a secret it could show; they belong to the session that made
// them, and last flashTTL.

// flashTTL bounds how long a one-time view waits for its GET.
const flashTTL = 10 * time.Minute

// flash is what a one-time view shows.
type flash struct {
	Kind   string `json:"k"` // "token" or "invite"
	Secret string `json:"s"` // the token's secret, the invitation's link
	Ref    string `json:"r"` // the token's or the agent's id
}

// flashKey is the sealing key of the request's session.
func flashKey(r *http.Request) ([]byte, error) {
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" {
		return nil, fmt.Errorf("flash: no session cookie")
	}
	k := sha256.Sum256([]byte("ticketd flash key\x00" + c.Value))
	return k[:], nil
}

func flashAEAD(r *http.Request) (cipher.AEAD, error) {
	key, err := flashKey(r)
	if err != nil {
		return nil, err
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

// writeFlashes runs fn in a transaction of the store's flash writer.
func (w *Web) writeFlashes(r *http.Request, fn func(desk.FlashWriter) error) error {
	return w.cfg.Desk.Store.Update(r.Context(), func(tx desk.Tx) error {
		fw, ok := tx.(desk.FlashWriter)
		if !ok {
			return fmt.Errorf("store %s keeps no one-time views", w.cfg.Desk.Store.Backend())
		}
		return fn(fw)
	})
}

// putFlash keeps f for the visit's session and answers the id its GET names.
func (w *Web) putFlash(r *http.Request, v *visit, f flash) (string, error) {
	aead, err := flashAEAD(r)
	if err != nil {
		return "", err
	}
	id, err := randomToken()
	if err != nil {
		return "", err
	}
	plain, err := json.Marshal(f)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	now := w.now()
	fl := &desk.Flash{Hash: hashID(id), SessionHash: v.sess.Hash, Sealed: aead.Seal(nonce, nonce, plain, hashID(id)),
		ExpiresAt: now.Add(flashTTL)}
	if err := w.writeFlashes(r, func(fw desk.FlashWriter) error { return fw.PutFlash(r.Context(), fl, now) }); err != nil {
		return "", fmt.Errorf("keep one-time view: %w", err)
	}
	return id, nil
}

// takeFlash answers the flash id of the visit's session of kind, once;
// nil when it was taken already, expired, or is another's.
func (w *Web) takeFlash(r *http.Request, v *visit, id, kind string) (*flash, error) {
	if id == "" || len(id) > 100 {
		return nil, nil
	}
	var fl *desk.Flash
	err := w.writeFlashes(r, func(fw desk.FlashWriter) (err error) {
		fl, err = fw.TakeFlash(r.Context(), hashID(id), v.sess.Hash, w.now())
		return err
	})
	if errors.Is(err, desk.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("one-time view: %w", err)
	}
	aead, err := flashAEAD(r)
	if err != nil {
		return nil, err
	}
	n := aead.NonceSize()
	if len(fl.Sealed) < n {
		return nil, nil
	}
	plain, err := aead.Open(nil, fl.Sealed[:n], fl.Sealed[n:], hashID(id))
	if err != nil {
		return nil, nil // sealed under another cookie: not this browser's
	}
	var f flash
	if err := json.Unmarshal(plain, &f); err != nil || f.Kind != kind {
		return nil, nil
	}
	return &f, nil
}
