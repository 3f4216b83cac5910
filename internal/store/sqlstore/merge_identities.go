package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/objectid"
)

// mergeDuplicateIdentities is migration 0015's Go step. Before it, two
// contacts of a workspace could hold the same identity (channel + external
// id); after it, one does. Contacts linked by shared identities — directly or
// through a chain (A and B share x, B and C share y) — become the oldest of
// them (created first, then lowest number). The oldest keeps its own values
// and takes from each merged contact its tickets, its messages' authorship,
// its identities, the details it lacks (name, e-mail, phone, national id,
// external id, profile fields) and the custom fields whose keys it lacks.
// Each merged contact is then deleted, with a row in contact_merges and a
// log line saying what became of it.
func mergeDuplicateIdentities(ctx context.Context, tx *sql.Tx, log *slog.Logger) error {
	rows, err := tx.QueryContext(ctx, `SELECT i.contact_id, i.channel, i.external_id
		FROM contact_identities i JOIN (SELECT workspace_id, channel, external_id FROM contact_identities
			GROUP BY workspace_id, channel, external_id HAVING COUNT(*) > 1) d
		ON d.workspace_id = i.workspace_id AND d.channel = i.channel AND d.external_id = i.external_id
		ORDER BY i.workspace_id, i.channel, i.external_id, i.contact_id`)
	if err != nil {
		return fmt.Errorf("find duplicate identities: %w", err)
	}
	type key struct{ channel, external string }
	shared := map[string][]desk.Identity{} // contact id -> its duplicated identities
	first := map[key]string{}              // identity -> first contact seen with it
	parent := map[string]string{}
	var find func(string) string
	find = func(id string) string {
		if p, ok := parent[id]; ok && p != id {
			r := find(p)
			parent[id] = r
			return r
		}
		parent[id] = id
		return id
	}
	for rows.Next() {
		var cid string
		var k key
		if err := rows.Scan(&cid, &k.channel, &k.external); err != nil {
			rows.Close()
			return fmt.Errorf("find duplicate identities: %w", err)
		}
		shared[cid] = append(shared[cid], desk.Identity{Channel: desk.Channel(k.channel), ExternalID: k.external})
		// Identity rows carry their contact's workspace, and contact ids
		// are unique across workspaces: a component never spans two.
		if f, ok := first[k]; ok {
			parent[find(cid)] = find(f)
		} else {
			first[k] = cid
			find(cid)
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return fmt.Errorf("find duplicate identities: %w", err)
	}
	rows.Close()
	if len(shared) == 0 {
		return nil
	}
	groups := map[string][]*mergeContact{}
	for cid := range shared {
		c, err := loadMergeContact(ctx, tx, cid)
		if err != nil {
			return err
		}
		r := find(cid)
		groups[r] = append(groups[r], c)
	}
	roots := make([]string, 0, len(groups))
	for r := range groups {
		roots = append(roots, r)
	}
	slices.Sort(roots) // a deterministic order for the log and the ids
	now := time.Now().UTC()
	for _, r := range roots {
		g := groups[r]
		slices.SortFunc(g, func(a, b *mergeContact) int {
			return cmp.Or(cmp.Compare(a.createdAt, b.createdAt), cmp.Compare(a.number, b.number))
		})
		into := g[0]
		for _, c := range g[1:] {
			moved, err := mergeInto(ctx, tx, into, c, true)
			if err != nil {
				return fmt.Errorf("merge contact %s into %s: %w", c.id, into.id, err)
			}
			ids, err := json.Marshal(shared[c.id])
			if err != nil {
				return err
			}
			reason := "migration 0015: identities are unique per workspace; merged into the oldest contact holding the same identity"
			if _, err := tx.ExecContext(ctx, `INSERT INTO contact_merges (id, workspace_id, contact_id, contact_number, contact_name,
				into_id, into_number, identities, tickets, reason, merged_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
				objectid.New(now), c.ws, c.id, c.number, c.name, into.id, into.number, string(ids), moved, reason, now.UnixMilli()); err != nil {
				return fmt.Errorf("record merge of contact %s: %w", c.id, err)
			}
			log.Warn("merged duplicate contact", slog.String("workspace", c.ws),
				slog.String("contact", c.id), slog.Int64("number", c.number),
				slog.String("into", into.id), slog.Int64("into_number", into.number),
				slog.String("identities", string(ids)), slog.Int64("tickets_moved", moved))
		}
	}
	return nil
}

// mergeContact is a contact row as the merge reads and rewrites it.
type mergeContact struct {
	id, ws                                 string
	number, createdAt                      int64
	name, first, last, email, phone, natID string
	externalID, customFields               string
}

func loadMergeContact(ctx context.Context, tx querier, id string) (*mergeContact, error) {
	c := &mergeContact{id: id}
	err := tx.QueryRowContext(ctx, `SELECT workspace_id, number, created_at, name, first_name, last_name, email, phone,
		national_id, external_id, custom_fields FROM contacts WHERE id = $1`, id).
		Scan(&c.ws, &c.number, &c.createdAt, &c.name, &c.first, &c.last, &c.email, &c.phone, &c.natID, &c.externalID, &c.customFields)
	if err != nil {
		return nil, fmt.Errorf("load contact %s: %w", id, err)
	}
	return c, nil
}

// mergeInto moves what c has into into and deletes c; it returns how many
// tickets moved. profiles merges the contact profiles too (the migration,
// from the columns of its time); without it c's profile is dropped, its
// caller having merged it already.
func mergeInto(ctx context.Context, tx querier, into, c *mergeContact, profiles bool) (int64, error) {
	fill := func(have *string, other string) {
		if *have == "" {
			*have = other
		}
	}
	fill(&into.name, c.name)
	fill(&into.first, c.first)
	fill(&into.last, c.last)
	fill(&into.email, c.email)
	fill(&into.phone, c.phone)
	fill(&into.natID, c.natID)
	fill(&into.externalID, c.externalID)
	into.customFields = mergeFields(into.customFields, c.customFields)
	if _, err := tx.ExecContext(ctx, `UPDATE contacts SET name = $2, first_name = $3, last_name = $4, email = $5, phone = $6,
		national_id = $7, external_id = $8, custom_fields = $9 WHERE id = $1`,
		into.id, into.name, into.first, into.last, into.email, into.phone, into.natID, into.externalID, into.customFields); err != nil {
		return 0, fmt.Errorf("update contact: %w", err)
	}
	if err := mergeIdentities(ctx, tx, into, c); err != nil {
		return 0, err
	}
	if profiles {
		if err := mergeProfiles(ctx, tx, into, c); err != nil {
			return 0, err
		}
	} else if _, err := tx.ExecContext(ctx, `DELETE FROM contact_profiles WHERE contact_id = $1`, c.id); err != nil {
		return 0, fmt.Errorf("remove profile: %w", err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE tickets SET contact_id = $3 WHERE workspace_id = $1 AND contact_id = $2`, c.ws, c.id, into.id)
	if err != nil {
		return 0, fmt.Errorf("move tickets: %w", err)
	}
	moved, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	// Messages have no index on their author: one scan per merged contact,
	// once, in a migration that finds few.
	if _, err := tx.ExecContext(ctx, `UPDATE messages SET author_id = $3
		WHERE workspace_id = $1 AND author_kind = 'contact' AND author_id = $2`, c.ws, c.id, into.id); err != nil {
		return 0, fmt.Errorf("move message authors: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM contacts WHERE id = $1`, c.id); err != nil {
		return 0, fmt.Errorf("delete contact: %w", err)
	}
	return moved, nil
}

// mergeFields appends to into's custom fields (a JSON list of {key, value})
// those of other whose keys it lacks. A value it cannot read stays as it is.
func mergeFields(into, other string) string {
	var a, b []json.RawMessage
	if json.Unmarshal([]byte(into), &a) != nil || json.Unmarshal([]byte(other), &b) != nil || len(b) == 0 {
		return into
	}
	keyOf := func(raw json.RawMessage) string {
		var f struct {
			Key string `json:"key"`
		}
		_ = json.Unmarshal(raw, &f)
		return f.Key
	}
	have := map[string]bool{}
	for _, f := range a {
		have[keyOf(f)] = true
	}
	changed := false
	for _, f := range b {
		if k := keyOf(f); !have[k] {
			a, have[k], changed = append(a, f), true, true
		}
	}
	if !changed {
		return into
	}
	out, err := json.Marshal(a)
	if err != nil {
		return into
	}
	return string(out)
}

// mergeIdentities gives into every identity of c it lacks, after its own,
// and removes c's.
func mergeIdentities(ctx context.Context, tx querier, into, c *mergeContact) error {
	load := func(id string) ([]desk.Identity, error) {
		rows, err := tx.QueryContext(ctx, `SELECT channel, external_id, page_id, screen_name, display_name
			FROM contact_identities WHERE contact_id = $1 ORDER BY position`, id)
		out, err := collect(rows, err, func(r *sql.Rows, i *desk.Identity) error {
			return r.Scan(&i.Channel, &i.ExternalID, &i.PageID, &i.ScreenName, &i.DisplayName)
		})
		if err != nil {
			return nil, fmt.Errorf("identities of %s: %w", id, err)
		}
		return out, nil
	}
	mine, err := load(into.id)
	if err != nil {
		return err
	}
	theirs, err := load(c.id)
	if err != nil {
		return err
	}
	var maxPos int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), -1) FROM contact_identities WHERE contact_id = $1`, into.id).Scan(&maxPos); err != nil {
		return fmt.Errorf("identities of %s: %w", into.id, err)
	}
	// c's rows go first: once identities are unique per workspace
	// (migration 0015 on), into cannot hold one while c still does.
	if _, err := tx.ExecContext(ctx, `DELETE FROM contact_identities WHERE contact_id = $1`, c.id); err != nil {
		return fmt.Errorf("remove identities of %s: %w", c.id, err)
	}
	for _, id := range theirs {
		if slices.ContainsFunc(mine, func(m desk.Identity) bool { return m.Channel == id.Channel && m.ExternalID == id.ExternalID }) {
			continue
		}
		maxPos++
		if _, err := tx.ExecContext(ctx, `INSERT INTO contact_identities (workspace_id, contact_id, position, channel, external_id,
			page_id, screen_name, display_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			into.ws, into.id, maxPos, id.Channel, id.ExternalID, id.PageID, id.ScreenName, id.DisplayName); err != nil {
			return fmt.Errorf("move identity %s/%s: %w", id.Channel, id.ExternalID, err)
		}
		mine = append(mine, id)
	}
	return nil
}

// mergeProfiles fills into's profile fields (company, landline, QQ,
// position, note) from c's where into's are empty, and removes c's.
func mergeProfiles(ctx context.Context, tx querier, into, c *mergeContact) error {
	type profile struct {
		company                        sql.NullString
		fixedPhone, qq, position, note string
		updatedAt                      int64
		found                          bool
	}
	load := func(id string) (profile, error) {
		var p profile
		err := tx.QueryRowContext(ctx, `SELECT company_id, fixed_phone, qq, position, note, updated_at
			FROM contact_profiles WHERE contact_id = $1`, id).Scan(&p.company, &p.fixedPhone, &p.qq, &p.position, &p.note, &p.updatedAt)
		if err == sql.ErrNoRows {
			return p, nil
		}
		p.found = err == nil
		return p, err
	}
	theirs, err := load(c.id)
	if err != nil || !theirs.found {
		return err
	}
	mine, err := load(into.id)
	if err != nil {
		return err
	}
	if !mine.found {
		_, err := tx.ExecContext(ctx, `UPDATE contact_profiles SET contact_id = $2 WHERE contact_id = $1`, c.id, into.id)
		return err
	}
	if !mine.company.Valid {
		mine.company = theirs.company
	}
	for _, f := range []struct {
		have  *string
		other string
	}{{&mine.fixedPhone, theirs.fixedPhone}, {&mine.qq, theirs.qq},
		{&mine.position, theirs.position}, {&mine.note, theirs.note}} {
		if *f.have == "" {
			*f.have = f.other
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE contact_profiles SET company_id = $2, fixed_phone = $3, qq = $4, position = $5, note = $6
		WHERE contact_id = $1`, into.id, mine.company, mine.fixedPhone, mine.qq, mine.position, mine.note); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM contact_profiles WHERE contact_id = $1`, c.id)
	return err
}
