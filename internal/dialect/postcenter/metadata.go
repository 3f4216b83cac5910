package postcenter

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"

	"github.com/ticketd/ticketd/internal/desk"
)

// Field scopes as desk names them.
const (
	scopeTicket  = "ticket"
	scopeContact = "contact"
)

// ticketMetadata: "GET /v2/metadata/tickets/" (vendor page "Metadatos"):
// the ticket fields an integration may write, each with integration_key,
// type, label, fixed, visible, only_read, options, required and
// required_to_close.
func (d *door) ticketMetadata(w http.ResponseWriter, r *http.Request) {
	d.metadata(w, r, scopeTicket)
}

// clientMetadata: GET /v2/metadata/clients/, the same for customer fields.
func (d *door) clientMetadata(w http.ResponseWriter, r *http.Request) {
	d.metadata(w, r, scopeContact)
}

func (d *door) metadata(w http.ResponseWriter, r *http.Request, scope string) {
	defs, err := d.Desk.Store.FieldDefs(r.Context(), principal(r).WorkspaceID, scope)
	if err != nil {
		d.fail(w, r, err, "Not found")
		return
	}
	out := metadataList{Status: http.StatusOK, Metadata: make([]metadataItem, 0, len(defs))}
	for i := range defs {
		out.Metadata = append(out.Metadata, toMetadata(&defs[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

// putTicketMetadata: "PUT v2/metadata/ticket/{id}" with a flat
// {integration_key: value} body (the vendor's Python client, DeskClient).
func (d *door) putTicketMetadata(w http.ResponseWriter, r *http.Request) {
	t, ok := d.ticket(w, r)
	if !ok {
		return
	}
	fs, ok := d.readMetadata(w, r, scopeTicket)
	if !ok {
		return
	}
	if len(fs) > 0 {
		_, err := d.Desk.UpdateTicket(r.Context(), t.WorkspaceID, t.ID, principal(r).Actor(),
			desk.TicketPatch{CustomFields: fs, Reason: "metadata written through the PostCenter API"})
		if err != nil {
			d.fail(w, r, err, "Ticket not found")
			return
		}
	}
	writeOK(w)
}

// putClientMetadata: "PUT v2/metadata/client/{id}", the same for a
// customer; the id is the customer's 24-hex id.
func (d *door) putClientMetadata(w http.ResponseWriter, r *http.Request) {
	id, err := parseTicketID(r.PathValue("client_id"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "Invalid client_id: want a 24-character hexadecimal client id")
		return
	}
	ws := principal(r).WorkspaceID
	if _, err := d.Desk.Store.Contact(r.Context(), ws, id); err != nil {
		d.fail(w, r, err, "Client not found")
		return
	}
	fs, ok := d.readMetadata(w, r, scopeContact)
	if !ok {
		return
	}
	if len(fs) > 0 {
		if _, err := d.Desk.SetContactFields(r.Context(), ws, id, fs); err != nil {
			d.fail(w, r, err, "Client not found")
			return
		}
	}
	writeOK(w)
}

// readMetadata decodes a flat {integration_key: value} body and checks
// every key against the scope's definitions before anything is written;
// it answers failures itself.
func (d *door) readMetadata(w http.ResponseWriter, r *http.Request, scope string) (desk.Fields, bool) {
	body, status, problem := decodeObject(http.MaxBytesReader(w, r.Body, MaxBody))
	if problem != "" {
		writeError(w, status, problem)
		return nil, false
	}
	defs, err := d.Desk.Store.FieldDefs(r.Context(), principal(r).WorkspaceID, scope)
	if err != nil {
		d.fail(w, r, err, "Not found")
		return nil, false
	}
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fs := make(desk.Fields, 0, len(keys))
	for _, k := range keys {
		i := slices.IndexFunc(defs, func(d desk.FieldDef) bool { return d.Key == k })
		if i < 0 {
			writeError(w, http.StatusBadRequest, "Unknown integration_key: "+k)
			return nil, false
		}
		fs = append(fs, desk.Field{Key: k, Value: metadataValue(&defs[i], body[k])})
	}
	return fs, true
}

// metadataValue stores a boolean field's "true"/"false" string as a JSON
// boolean; every other value is kept as sent (desk checks it).
func metadataValue(def *desk.FieldDef, v json.RawMessage) json.RawMessage {
	if def.Type == "boolean" {
		switch string(bytes.TrimSpace(v)) {
		case `"true"`:
			return json.RawMessage("true")
		case `"false"`:
			return json.RawMessage("false")
		}
	}
	return v
}

// decodeObject reads exactly one JSON object; on failure problem says why,
// in words for the caller.
func decodeObject(rd io.Reader) (m map[string]json.RawMessage, status int, problem string) {
	dec := json.NewDecoder(rd)
	if err := dec.Decode(&m); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, http.StatusRequestEntityTooLarge, fmt.Sprintf("Body larger than %d bytes", MaxBody)
		}
		return nil, http.StatusBadRequest, "Body must be a JSON object of integration_key: value"
	}
	if m == nil {
		return nil, http.StatusBadRequest, "Body must be a JSON object of integration_key: value"
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, http.StatusBadRequest, "Body must hold one JSON object and nothing after it"
	}
	return m, 0, ""
}
