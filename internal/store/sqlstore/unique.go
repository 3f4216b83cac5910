package sqlstore

import "github.com/ticketd/ticketd/internal/desk"

// uniqueRule is a unique constraint a client can run into, with the input
// field it guards and the project's words for it. PostgreSQL names the
// constraint; SQLite names its table and columns.
type uniqueRule struct {
	postgres, sqlite string
	field, message   string
}

// uniqueRules cover every unique constraint of the schema that a request
// can break with its own input. The others (per-workspace numbers, token
// hashes, upload tokens, ids) hold values ticketd makes itself; the test
// beside this file keeps the list in step with the migrations.
var uniqueRules = []uniqueRule{
	{"agents_email", "agents.workspace_id, agents.email", "email", "an agent with this email already exists"},
	{"groups_workspace_id_name_key", "groups.workspace_id, groups.name", "name", "a group with this name already exists"},
	{"companies_workspace_id_name_key", "companies.workspace_id, companies.name", "name", "a company with this name already exists"},
	{"workspaces_name_key", "workspaces.name", "name", "a workspace with this name already exists"},
	{"contact_identities_pkey", "contact_identities.contact_id, contact_identities.channel, contact_identities.external_id",
		"identities", "the same identity is listed twice"},
	{"contact_identities_unique", "contact_identities.workspace_id, contact_identities.channel, contact_identities.external_id",
		"identities", "this identity already belongs to another contact"},
	{"messages_provider", "messages.workspace_id, messages.channel_account_id, messages.provider_id",
		"provider_id", "a message with this provider id was already received on this account"},
	{"field_defs_workspace_id_scope_key_key", "field_defs.workspace_id, field_defs.scope, field_defs.key",
		"key", "a field with this key already exists"},
	{"agent_groups_pkey", "agent_groups.agent_id, agent_groups.group_id", "groups", "the same group is listed twice"},
	{"ticket_tags_pkey", "ticket_tags.ticket_id, ticket_tags.tag", "tags", "the same tag is listed twice"},
	{"agent_channel_accounts_pkey", "agent_channel_accounts.agent_id, agent_channel_accounts.channel_account_id",
		"channel_account_ids", "the same channel account is listed twice"},
}

// conflict is the desk error for a broken unique constraint: the rule's
// field and words when the constraint is one a client can break, and a
// plain conflict otherwise (never the driver's words, which name tables).
func conflict(constraint string) error {
	for _, r := range uniqueRules {
		if constraint == r.postgres || constraint == r.sqlite {
			return desk.Taken(r.field, r.message)
		}
	}
	return &desk.FieldError{Err: desk.ErrConflict, Code: "taken", Message: "a record with these values already exists"}
}
