package desk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// SecretKeys are the settings keys whose values are secrets, at any depth:
// accepted on writes, sealed in the store, never shown (PublicSettings).
var SecretKeys = []string{"password", "token", "secret", "app_secret", "access_token"}

// IsSecretKey reports whether a settings key holds a secret.
func IsSecretKey(k string) bool { return slices.Contains(SecretKeys, k) }

// Sealer seals secret settings values with the server secret
// (internal/secretbox). aad binds a value to its account.
type Sealer interface {
	Seal(plain, aad []byte) (string, error)
	Open(sealed string, aad []byte) ([]byte, error)
}

// ErrNoSealer is a secret to store on a service without a server secret:
// refusing beats storing it in the clear.
var ErrNoSealer = errors.New("no server secret to seal channel-account secrets with")

// maxSettings bounds an account's settings document.
const maxSettings = 16 << 10

// E-mail settings, as stored and as channels read them (after
// ChannelAccountSecrets opened the passwords).
type EmailSettings struct {
	Inbound string      `json:"inbound"` // smtp (mail delivered to our listener) or imap (we poll)
	IMAP    *MailServer `json:"imap,omitempty"`
	SMTP    *MailServer `json:"smtp,omitempty"` // the outbound relay
	// AutoAck is the optional acknowledgement mailed on a new ticket
	// (autoack.go); nil or not Enabled: none.
	AutoAck *AutoAck `json:"auto_ack,omitempty"`
}

// MailServer is one IMAP or SMTP server of an e-mail account.
type MailServer struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	TLS      string `json:"tls"` // none, starttls or tls
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`
	// IMAP only.
	Folder       string `json:"folder,omitempty"`
	PollInterval int    `json:"poll_interval,omitempty"` // seconds
	// After says what becomes of a polled mail once it is stored: keep
	// (default; the UID watermark alone marks it processed), seen (flag
	// it \Seen) or move (to MoveTo).
	After  string `json:"after,omitempty"`
	MoveTo string `json:"move_to,omitempty"`
}

// SentFolder reports whether a folder name is a sent-mail folder by name
// (the server's \Sent special-use is checked when polling): polling one
// would turn our own replies into tickets.
func SentFolder(name string) bool {
	n := strings.ToLower(strings.TrimSpace(name))
	// The last level of a hierarchy: "[Gmail]/Sent Mail", "INBOX.Sent".
	if i := strings.LastIndexAny(n, "/."); i >= 0 {
		n = n[i+1:]
	}
	switch n {
	case "sent", "sent items", "sent mail", "sent messages", "sent-mail", "outbox":
		return true
	}
	return false
}

// ParseChannelSettings reads and validates a channel account's settings:
// a JSON object; e-mail's strictly (unknown keys refused, defaults filled).
// Secret values stay as given. Errors are FieldErrors under "settings".
func ParseChannelSettings(ch Channel, raw json.RawMessage) (map[string]any, error) {
	tree, err := decodeSettings(raw)
	if err != nil {
		return nil, err
	}
	return tree, validateSettings(ch, tree)
}

func decodeSettings(raw json.RawMessage) (map[string]any, error) {
	if len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return map[string]any{}, nil
	}
	if len(raw) > maxSettings {
		return nil, TooLong("settings", maxSettings)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return nil, Invalid("settings", CodeType, Params{Want: "object"})
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, Invalid("settings", CodeType, Params{Want: "object"})
	}
	return m, nil
}

func validateSettings(ch Channel, tree map[string]any) error {
	if err := checkSecretTypes(tree, "settings"); err != nil {
		return err
	}
	if ch == ChannelEmail {
		return validateEmail(tree)
	}
	return nil
}

// checkSecretTypes refuses a secret that is not a string: only strings are
// sealed, so anything else would be stored in the clear.
func checkSecretTypes(m map[string]any, path string) error {
	for k, v := range m {
		switch v := v.(type) {
		case map[string]any:
			if err := checkSecretTypes(v, path+"."+k); err != nil {
				return err
			}
		case []any:
			for i, e := range v {
				if em, ok := e.(map[string]any); ok {
					if err := checkSecretTypes(em, path+"."+k+"."+strconv.Itoa(i)); err != nil {
						return err
					}
				}
			}
		case string:
			if IsSecretKey(k) && len(v) > 4096 {
				return TooLong(path+"."+k, 4096)
			}
		default:
			if IsSecretKey(k) {
				return Invalid(path+"."+k, CodeType, Params{Want: "string"})
			}
		}
	}
	return nil
}

func validateEmail(tree map[string]any) error {
	if err := onlyKeys(tree, "settings", "inbound", "imap", "smtp", "auto_ack"); err != nil {
		return err
	}
	inbound, err := str(tree, "settings", "inbound", "smtp")
	if err != nil {
		return err
	}
	if inbound != "smtp" && inbound != "imap" {
		return OneOf("settings.inbound", inbound, "smtp", "imap")
	}
	tree["inbound"] = inbound
	if _, ok := tree["imap"]; !ok && inbound == "imap" {
		return Required("settings.imap")
	}
	for _, side := range []string{"imap", "smtp"} {
		v, ok := tree[side]
		if !ok {
			continue
		}
		srv, ok := v.(map[string]any)
		if !ok {
			return Invalid("settings."+side, CodeType, Params{Want: "object"})
		}
		if err := validateMailServer(srv, "settings."+side, side == "imap"); err != nil {
			return err
		}
	}
	if v, ok := tree["auto_ack"]; ok {
		ack, ok := v.(map[string]any)
		if !ok {
			return Invalid("settings.auto_ack", CodeType, Params{Want: "object"})
		}
		if err := validateAutoAck(ack, "settings.auto_ack"); err != nil {
			return err
		}
		if ack["enabled"] == true && tree["smtp"] == nil {
			// Nothing could send it: every acknowledgement would fail.
			return Invalid("settings.smtp", CodeRequired, Params{})
		}
	}
	return nil
}

func validateMailServer(m map[string]any, path string, imap bool) error {
	keys := []string{"host", "port", "tls", "username", "password"}
	if imap {
		keys = append(keys, "folder", "poll_interval", "after", "move_to")
	}
	if err := onlyKeys(m, path, keys...); err != nil {
		return err
	}
	host, err := str(m, path, "host", "")
	if err != nil {
		return err
	}
	if host == "" {
		return Required(path + ".host")
	}
	if len(host) > 253 || strings.ContainsAny(host, " /\\@:\t\r\n") {
		return Invalid(path+".host", CodeFormat, Params{Value: host, Format: "host name or IP address"})
	}
	m["host"] = host
	defTLS := "starttls"
	if imap {
		defTLS = "tls"
	}
	mode, err := str(m, path, "tls", defTLS)
	if err != nil {
		return err
	}
	if mode != "none" && mode != "starttls" && mode != "tls" {
		return OneOf(path+".tls", mode, "none", "starttls", "tls")
	}
	m["tls"] = mode
	defPort := map[bool]map[string]int{true: {"tls": 993, "starttls": 143, "none": 143}, false: {"tls": 465, "starttls": 587, "none": 25}}[imap][mode]
	port, err := num(m, path, "port", defPort, 1, 65535)
	if err != nil {
		return err
	}
	m["port"] = port
	user, err := str(m, path, "username", "")
	if err != nil {
		return err
	}
	if len(user) > 320 {
		return TooLong(path+".username", 320)
	}
	_, hasPass := m["password"].(string)
	if imap && user == "" {
		return Required(path + ".username")
	}
	if user != "" && !hasPass {
		return Required(path + ".password")
	}
	if !imap {
		return nil
	}
	folder, err := str(m, path, "folder", "INBOX")
	if err != nil {
		return err
	}
	if len(folder) > 255 {
		return TooLong(path+".folder", 255)
	}
	if SentFolder(folder) {
		return Invalid(path+".folder", CodeNotAllowed, Params{Value: folder})
	}
	m["folder"] = folder
	after, err := str(m, path, "after", "keep")
	if err != nil {
		return err
	}
	if after != "keep" && after != "seen" && after != "move" {
		return OneOf(path+".after", after, "keep", "seen", "move")
	}
	m["after"] = after
	moveTo, err := str(m, path, "move_to", "")
	if err != nil {
		return err
	}
	if len(moveTo) > 255 {
		return TooLong(path+".move_to", 255)
	}
	if after == "move" && moveTo == "" {
		return Required(path + ".move_to")
	}
	if after == "move" && strings.EqualFold(moveTo, folder) {
		return Invalid(path+".move_to", CodeNotAllowed, Params{Value: moveTo})
	}
	if moveTo != "" {
		m["move_to"] = moveTo
	}
	every, err := num(m, path, "poll_interval", 60, 10, 86400)
	if err != nil {
		return err
	}
	m["poll_interval"] = every
	return nil
}

func onlyKeys(m map[string]any, path string, keys ...string) error {
	for k := range m {
		if !slices.Contains(keys, k) {
			return Invalid(path+"."+k, CodeUnknown, Params{Value: k})
		}
	}
	return nil
}

func str(m map[string]any, path, key, def string) (string, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return def, nil
	}
	s, ok := v.(string)
	if !ok {
		return "", Invalid(path+"."+key, CodeType, Params{Want: "string"})
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return def, nil
	}
	return s, nil
}

func num(m map[string]any, path, key string, def, lo, hi int) (int, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return def, nil
	}
	n, ok := v.(json.Number)
	if !ok {
		return 0, Invalid(path+"."+key, CodeType, Params{Want: "number", Value: fmt.Sprint(v)})
	}
	i, err := strconv.Atoi(n.String())
	if err != nil || i < lo || i > hi {
		return 0, Invalid(path+"."+key, CodeRange, Params{Min: lo, Max: hi})
	}
	return i, nil
}

// sealSecrets seals every non-empty secret string of m in place, with aad;
// an empty one is dropped (how a client clears a secret).
func (s *Service) sealSecrets(m map[string]any, aad []byte) error {
	for k, v := range m {
		switch v := v.(type) {
		case map[string]any:
			if err := s.sealSecrets(v, aad); err != nil {
				return err
			}
		case []any:
			for _, e := range v {
				if em, ok := e.(map[string]any); ok {
					if err := s.sealSecrets(em, aad); err != nil {
						return err
					}
				}
			}
		case string:
			if !IsSecretKey(k) {
				continue
			}
			if v == "" {
				delete(m, k)
				continue
			}
			if s.Secrets == nil {
				return ErrNoSealer
			}
			sealed, err := s.Secrets.Seal([]byte(v), aad)
			if err != nil {
				return err
			}
			m[k] = sealed
		}
	}
	return nil
}

// keepSecrets copies old's secrets into m where m does not name the key
// (present with "" clears it): a PATCH that omits a password keeps it.
// Objects recurse; a nested object m dropped is dropped with its secrets.
func keepSecrets(m, old map[string]any, given map[string]bool, path string) {
	for k, ov := range old {
		nv, present := m[k]
		switch ov := ov.(type) {
		case map[string]any:
			if nm, ok := nv.(map[string]any); ok {
				keepSecrets(nm, ov, given, path+"."+k)
			}
		case string:
			if IsSecretKey(k) && !present && !given[path+"."+k] {
				m[k] = ov
			}
		}
	}
}

// givenKeys records the secret keys the client named (including with ""),
// before sealSecrets drops the empty ones.
func givenKeys(m map[string]any, path string, out map[string]bool) {
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			givenKeys(sub, path+"."+k, out)
		} else if IsSecretKey(k) {
			out[path+"."+k] = true
		}
	}
}

// storeSettings turns the settings a client gave into what is stored:
// validated, defaults filled, secrets sealed, old secrets kept where the
// client named none. raw nil keeps old as is.
func (s *Service) storeSettings(ch Channel, id string, raw, old json.RawMessage) (json.RawMessage, error) {
	if raw == nil {
		return old, nil
	}
	tree, err := decodeSettings(raw)
	if err != nil {
		return nil, err
	}
	if err := checkSecretTypes(tree, "settings"); err != nil {
		return nil, err
	}
	given := map[string]bool{}
	givenKeys(tree, "", given)
	if err := s.sealSecrets(tree, []byte(id)); err != nil {
		return nil, err
	}
	if len(old) > 0 {
		if ot, err := decodeSettings(old); err == nil {
			keepSecrets(tree, ot, given, "")
		}
	}
	if err := validateSettings(ch, tree); err != nil {
		return nil, err
	}
	if len(tree) == 0 {
		return nil, nil
	}
	out, err := json.Marshal(tree)
	if err != nil {
		return nil, err
	}
	if len(out) > maxSettings*2 {
		return nil, TooLong("settings", maxSettings)
	}
	return out, nil
}

// PublicSettings is a's settings without their secrets: what any caller
// may read. An account without settings has {}.
func PublicSettings(a *ChannelAccount) json.RawMessage {
	tree, err := decodeSettings(a.Settings)
	if err != nil {
		return json.RawMessage(`{}`)
	}
	dropSecrets(tree)
	out, err := json.Marshal(tree)
	if err != nil {
		return json.RawMessage(`{}`)
	}
	return out
}

func dropSecrets(m map[string]any) {
	for k, v := range m {
		switch v := v.(type) {
		case map[string]any:
			dropSecrets(v)
		case []any:
			for _, e := range v {
				if em, ok := e.(map[string]any); ok {
					dropSecrets(em)
				}
			}
		}
		if IsSecretKey(k) {
			delete(m, k)
		}
	}
}

func openSecrets(s Sealer, m map[string]any, aad []byte) error {
	for k, v := range m {
		switch v := v.(type) {
		case map[string]any:
			if err := openSecrets(s, v, aad); err != nil {
				return err
			}
		case []any:
			for _, e := range v {
				if em, ok := e.(map[string]any); ok {
					if err := openSecrets(s, em, aad); err != nil {
						return err
					}
				}
			}
		case string:
			if !IsSecretKey(k) {
				continue
			}
			if s == nil {
				return ErrNoSealer
			}
			plain, err := s.Open(v, aad)
			if err != nil {
				return fmt.Errorf("settings %s: %w", k, err)
			}
			m[k] = string(plain)
		}
	}
	return nil
}
