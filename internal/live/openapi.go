package live

// Path is where the stream is served; {id} is the ticket id.
const Path = "/live/v1/tickets/{id}"

// OpenAPI describes the stream for the native API's OpenAPI document
// (api.API.ExtraDocs), keyed by path then method.
func OpenAPI() map[string]map[string]any {
	errResp := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{
			"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
	}
	str := map[string]any{"type": "string"}
	actor := map[string]any{"type": "object", "properties": map[string]any{
		"kind": map[string]any{"type": "string", "enum": []string{"agent", "bot", "contact", "system", "api"}}, "id": str}}
	instant := map[string]any{"type": "string", "format": "date-time", "example": "2026-12-06T23:33:37.150Z"}
	message := map[string]any{"type": "object", "description": "data of `event: message`", "properties": map[string]any{
		"ticket_id": str, "id": str, "number": map[string]any{"type": "integer"},
		"direction": map[string]any{"type": "string", "enum": []string{"in", "out"}},
		"public":    map[string]any{"type": "boolean"}, "author": actor, "author_name": str, "text": str,
		"attachments": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
			"id": str, "file_name": str, "content_type": str, "size": map[string]any{"type": "integer"}}}},
		"created_at": instant}}
	status := map[string]any{"type": "object", "description": "data of `event: status`", "properties": map[string]any{
		"ticket_id": str, "from": str, "to": str, "reason": str, "actor": actor, "at": instant}}
	return map[string]map[string]any{
		"/live/v1/tickets/{id}": {"get": map[string]any{
			"summary":     "Live stream of a ticket's new messages and status changes (server-sent events)",
			"operationId": "getLiveTicket",
			"tags":        []string{"live"},
			"description": "A `text/event-stream` that stays open. Each change is one event: `id:` (the ticket event id), " +
				"`event: message` or `event: status`, and one `data:` line of JSON (schemas below). A comment line `: ping` " +
				"is sent every 15 s while idle so proxies keep the connection. On reconnect, EventSource sends `Last-Event-ID` " +
				"and the stream first replays what was missed (a `last_event_id` query parameter does the same for other clients); " +
				"a new connection starts from now.\n\n" +
				"Credentials, as `?token=` (EventSource cannot send headers) or `Authorization: Bearer`: the ticket's " +
				"`roomSubscriptionToken` (pd-oneview `GET /chat-ticket/v1/{agentID}/tickets` metadata; public messages and " +
				"status only, never expires), the ticket's `agentJwt` (same place; internal notes too; valid one hour), or a " +
				"native API token of the ticket's workspace (internal notes too). A token of one ticket never opens another's stream (403).",
			"parameters": []any{
				map[string]any{"name": "id", "in": "path", "required": true, "description": "ticket id (24 hex)", "schema": str},
				map[string]any{"name": "token", "in": "query", "description": "roomSubscriptionToken, agentJwt or API token", "schema": str},
				map[string]any{"name": "last_event_id", "in": "query", "description": "resume after this event id (same as the Last-Event-ID header)", "schema": str},
				map[string]any{"name": "Last-Event-ID", "in": "header", "description": "resume after this event id", "schema": str},
			},
			"security": []any{map[string]any{}, map[string]any{"bearer": []string{}}},
			"responses": map[string]any{
				"200": map[string]any{"description": "the stream", "content": map[string]any{
					"text/event-stream": map[string]any{
						"schema": map[string]any{"type": "string", "description": "server-sent events; each data line is one JSON object"},
						// OpenAPI 3.1 cannot type the events of a stream; this
						// extension gives each event name's data schema.
						"x-events": map[string]any{"message": message, "status": status}}}},
				"401": errResp("missing, invalid or expired credential"),
				"403": errResp("the token names another ticket"),
				"404": errResp("no such ticket in the token's workspace"),
				"503": errResp("this node holds too many streams; retry later"),
			},
		}},
	}
}
