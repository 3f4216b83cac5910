package sqlstore

import "github.com/ticketd/ticketd/internal/desk"

// uniqueRule is a unique constraint a client can run into, with the input
// field it guards, the entity whose value it is, and whether the clash is
// with another record (taken) or within one request's own list
// (duplicate). PostgreSQL names the constraint; SQLite names its table and
// columns.
type uniqueRule struct {
	postgres, sqlite string
	field, entity    string
	code             desk.Code
}

// uniqueRules cover every unique constraint of the schema that a request
// can break with its own input. The others (per-workspace numbers, token
// hashes, upload tokens, ids) hold values ticketd makes itself; the test
// beside this file keeps the list in step with the migrations.
var uniqueRules = []uniqueRule{
	{"agents_email", "agents.workspace_id, agents.email", "email", "agent", desk.CodeTaken},
	{"groups_workspace_id_name_key", "groups.workspace_id, groups.name", "name", "group", desk.CodeTaken},
	{"companies_workspace_id_name_key", "companies.workspace_id, companies.name", "name", "company", desk.CodeTaken},
	{"workspaces_name_key", "workspaces.name", "name", "workspace", desk.CodeTaken},
	{"contact_identities_pkey", "contact_identities.contact_id, contact_identities.channel, contact_identities.external_id",
		"identities", "identity", desk.CodeDuplicate},
	{"contact_identities_unique", "contact_identities.workspace_id, contact_identities.channel, contact_identities.external_id",
		"identities", "contact", desk.CodeTaken},
	{"messages_provider", "messages.workspace_id, messages.channel_account_id, messages.provider_id",
		"provider_id", "message", desk.CodeTaken},
	{"field_defs_workspace_id_scope_key_key", "field_defs.workspace_id, field_defs.scope, field_defs.key",
		"key", "field", desk.CodeTaken},
	{"agent_groups_pkey", "agent_groups.agent_id, agent_groups.group_id", "groups", "group", desk.CodeDuplicate},
	{"ticket_tags_pkey", "ticket_tags.ticket_id, ticket_tags.tag", "tags", "tag", desk.CodeDuplicate},
	{"agent_channel_accounts_pkey", "agent_channel_accounts.agent_id, agent_channel_accounts.channel_account_id",
		"channel_account_ids", "channel account", desk.CodeDuplicate},
	{"saved_replies_shortcut", "saved_replies.workspace_id, saved_replies.owner_id, saved_replies.shortcut",
		"shortcut", "saved reply", desk.CodeTaken},
	{"macros_shortcut", "macros.workspace_id, macros.owner_id, macros.shortcut", "shortcut", "macro", desk.CodeTaken},
}

// conflict is the desk error for a broken unique constraint: the rule's
// field and entity when the constraint is one a client can break, and a
// plain conflict otherwise (never the driver's words, which name tables).
func conflict(constraint string) error {
	for _, r := range uniqueRules {
		if constraint == r.postgres || constraint == r.sqlite {
			return &desk.FieldError{Err: desk.ErrConflict, Field: r.field, Code: r.code, Params: desk.Params{Entity: r.entity}}
		}
	}
	return &desk.FieldError{Err: desk.ErrConflict, Code: desk.CodeTaken}
}
