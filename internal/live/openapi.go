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
	docs := map[string]map[string]any{
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
	for path, op := range deskRoomDocs(errResp, actor, instant) {
		docs[path] = map[string]any{"get": op}
	}
	return docs
}

// deskRoomDocs describes the workspace, agent and group rooms.
func deskRoomDocs(errResp func(string) map[string]any, actor, instant map[string]any) map[string]map[string]any {
	str := map[string]any{"type": "string"}
	integer := map[string]any{"type": "integer"}
	obj := func(desc string, props map[string]any) map[string]any {
		return map[string]any{"type": "object", "description": desc, "properties": props}
	}
	change := obj("data of `ticket.created` (to: channel), `ticket.status` (from/to: statuses), `ticket.assignment` "+
		"(from/to: agent ids), `ticket.priority` (from/to: priorities), `ticket.group` (from/to: group ids)",
		map[string]any{"ticket_id": str, "from": str, "to": str, "reason": str, "actor": actor, "at": instant})
	message := obj("data of `ticket.message`: a message was added (not its text)",
		map[string]any{"ticket_id": str, "message_id": str, "kind": map[string]any{"type": "string", "enum": []string{"in", "out", "note"}},
			"author": actor, "at": instant})
	presence := obj("data of `presence`", map[string]any{"agent_id": str,
		"presence": map[string]any{"type": "string", "enum": []string{"online", "away", "offline"}}, "changed_at": instant})
	load := obj("data of `load`", map[string]any{"agent_id": str, "active": integer, "capacity": integer})
	entry := obj("a waiting ticket", map[string]any{"ticket_id": str, "number": integer, "subject": str, "priority": str, "queued_at": instant})
	queue := obj("data of `queue`", map[string]any{"group_id": str, "length": integer,
		"entries": map[string]any{"type": "array", "items": entry}})
	move := obj("data of `queue.entered` (with entry), `queue.left` and `queue.length`",
		map[string]any{"group_id": str, "ticket_id": str, "length": integer, "entry": entry})
	reset := obj("data of `reset`: the events missed cannot be replayed (too many, or an unknown `Last-Event-ID`); reload", map[string]any{"reason": str})
	common := "A `text/event-stream` (see `/live/v1/tickets/{id}` for heartbeats and headers). Credential: a native API " +
		"token, as `?token=` or `Authorization: Bearer`; the stream ends within about a second of the token's revocation. " +
		"Ticket events carry `id:` = the event's `seq` (the workspace's commit order, as in `GET /api/v1/events`); on reconnect " +
		"EventSource sends it as `Last-Event-ID` (or pass `last_event_id`) and the stream replays every event numbered above it, " +
		"once, or sends `reset` when that is 1,000 events or more, or the id is no seq (ids from before seq, `<ms>-<id>`). "
	op := func(opID, summary, desc string, path bool, events map[string]any) map[string]any {
		params := []any{
			map[string]any{"name": "token", "in": "query", "description": "API token", "schema": str},
			map[string]any{"name": "last_event_id", "in": "query", "description": "resume after this seq", "schema": str},
			map[string]any{"name": "Last-Event-ID", "in": "header", "description": "resume after this seq", "schema": str},
		}
		responses := map[string]any{
			"200": map[string]any{"description": "the stream", "content": map[string]any{"text/event-stream": map[string]any{
				"schema": map[string]any{"type": "string"}, "x-events": events}}},
			"401": errResp("missing or invalid token"),
			"503": errResp("this node holds too many streams; retry later"),
		}
		if path {
			params = append(params, map[string]any{"name": "id", "in": "path", "required": true, "schema": str})
			responses["403"] = errResp("the caller may not watch this room")
			responses["404"] = errResp("no such agent or group in the token's workspace")
		}
		return map[string]any{"summary": summary, "operationId": opID, "tags": []string{"live"}, "description": common + desc,
			"parameters": params, "security": []any{map[string]any{}, map[string]any{"bearer": []string{}}}, "responses": responses}
	}
	ticketEvents := map[string]any{"ticket.created": change, "ticket.status": change, "ticket.assignment": change,
		"ticket.priority": change, "ticket.group": change, "ticket.message": message, "reset": reset}
	// The workspace room also carries the ephemeral signals (signals.go):
	// no id, never replayed.
	workspaceEvents := map[string]any{
		"agent.presence": obj("signal (no id, not replayed): an agent's presence changed, through any door",
			map[string]any{"agent_id": str, "presence": map[string]any{"type": "string", "enum": []string{"online", "away", "offline"}}, "at": instant}),
		"ticket.viewer": obj("signal (no id, not replayed): an agent has the ticket open, is typing, or left it",
			map[string]any{"ticket_id": str, "agent_id": str, "name": str,
				"state": map[string]any{"type": "string", "enum": []string{"viewing", "typing", "left"}}, "at": instant}),
	}
	for k, v := range ticketEvents {
		workspaceEvents[k] = v
	}
	agentEvents := map[string]any{"ticket.assignment": change, "presence": presence, "load": load, "reset": reset}
	groupEvents := map[string]any{"queue": queue, "queue.entered": move, "queue.left": move, "queue.length": move}
	return map[string]map[string]any{
		WorkspacePath: op("getLiveWorkspace", "Live changes of every ticket of the caller's workspace (server-sent events)",
			"Open to everyone of the workspace. Every agent sees every ticket today, as through the native API; "+
				"a visibility rule would filter this room. It also carries the desk's ephemeral signals "+
				"(`agent.presence`, `ticket.viewer`), which have no id and are not replayed.", false, workspaceEvents),
		AgentPath: op("getLiveAgent", "Live room of one agent: tickets given to or taken from it, its presence and load",
			"`{id}` is an agent id or `me`. Agents open their own room; supervisors and admins any. `presence` and `load` "+
				"are sent on connect and whenever they change.", true, agentEvents),
		GroupPath: op("getLiveGroup", "Live queue of one group: entries, exits and length",
			"Agents open the rooms of their groups; supervisors and admins any. `queue` (the first 200 waiting tickets in "+
				"drain order and the full length) is sent on connect; then `queue.entered`, `queue.left` and `queue.length`. "+
				"Queue events carry no id: a reconnect gets a fresh `queue`.", true, groupEvents),
	}
}
