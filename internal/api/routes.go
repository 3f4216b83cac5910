package api

// routes is every native API route: method, pattern, documentation, handler.
func (a *API) routes() []route {
	q := func(name, typ, desc string) Param { return Param{Name: name, Type: typ, Description: desc} }
	listParams := []Param{
		q("limit", "integer", "page size, 1..100 (default 25)"),
		q("cursor", "string", "next_cursor of the previous page"),
		q("status", "string", "comma-separated statuses; `active` = not solved, closed or ignored"),
		q("assignee", "string", "agent id, `me` or `none`"),
		q("group", "string", "group id or `none`"),
		q("channel", "string", "comma-separated channels"),
		q("contact", "string", "contact id"),
		q("tag", "string", "a tag"),
		q("created_after", "string", "RFC 3339 instant or YYYY-MM-DD, inclusive"),
		q("created_before", "string", "RFC 3339 instant or YYYY-MM-DD, exclusive"),
		q("updated_after", "string", "RFC 3339 instant or YYYY-MM-DD, inclusive"),
		q("updated_before", "string", "RFC 3339 instant or YYYY-MM-DD, exclusive"),
		q("order", "string", "newest (default), oldest, created_desc, created_asc, updated_desc, updated_asc"),
	}
	return []route{
		{Route{"GET", "/api/v1/openapi.json", Doc{Summary: "This document", Tag: "meta", Public: true}}, a.openapi},
		{Route{"POST", "/api/v1/tokens", Doc{Summary: "Log in: trade an email and password for an API token", Tag: "auth", Public: true,
			Request: loginRequest{}, Response: tokenResponse{}, Status: 201, Errors: []int{400, 401}}}, a.login},
		{Route{"DELETE", "/api/v1/tokens/current", Doc{Summary: "Revoke the token of this request", Tag: "auth", Status: 204}}, a.logout},
		{Route{"GET", "/api/v1/me", Doc{Summary: "The calling agent", Tag: "auth", Response: agentJSON{}}}, a.me},

		{Route{"GET", "/api/v1/workspace", Doc{Summary: "The caller's workspace", Tag: "workspace", Response: workspaceJSON{}}}, a.workspace},

		{Route{"POST", "/api/v1/groups", Doc{Summary: "Create a group (and its queue)", Tag: "groups", Role: "admin",
			Request: groupRequest{}, Response: groupJSON{}, Status: 201, Errors: []int{400, 403, 409, 422}}}, a.createGroup},
		{Route{"GET", "/api/v1/groups", Doc{Summary: "List groups", Tag: "groups", Response: groupList{}}}, a.groups},
		{Route{"GET", "/api/v1/groups/{id}", Doc{Summary: "One group", Tag: "groups", Response: groupJSON{}, Errors: []int{404}}}, a.group},

		{Route{"POST", "/api/v1/agents", Doc{Summary: "Create an agent or bot", Tag: "agents", Role: "admin",
			Request: agentRequest{}, Response: agentJSON{}, Status: 201, Errors: []int{400, 403, 409, 422}}}, a.createAgent},
		{Route{"GET", "/api/v1/agents", Doc{Summary: "List agents", Tag: "agents", Response: agentList{},
			Query: []Param{q("group", "string", "group id"), q("role", "string", "a role"), q("presence", "string", "online, away or offline")}}}, a.agents},
		{Route{"GET", "/api/v1/agents/{id}", Doc{Summary: "One agent", Tag: "agents", Response: agentJSON{}, Errors: []int{404}}}, a.agent},
		{Route{"PATCH", "/api/v1/agents/{id}", Doc{Summary: "Change an agent (name, role, capacity, groups, password)", Tag: "agents", Role: "admin",
			Request: agentPatch{}, Response: agentJSON{}, Errors: []int{400, 403, 404, 422}}}, a.updateAgent},
		{Route{"PUT", "/api/v1/agents/{id}/presence", Doc{Summary: "Set an agent's presence (agents set their own; supervisors anyone's)", Tag: "agents",
			Request: presenceRequest{}, Response: agentJSON{}, Errors: []int{400, 403, 404, 422}}}, a.setPresence},

		{Route{"POST", "/api/v1/contacts", Doc{Summary: "Create a contact", Tag: "contacts",
			Request: contactRequest{}, Response: contactJSON{}, Status: 201, Errors: []int{400, 422}}}, a.createContact},
		{Route{"GET", "/api/v1/contacts", Doc{Summary: "Find contacts", Tag: "contacts", Response: contactList{},
			Query: []Param{q("email", "string", ""), q("phone", "string", ""), q("national_id", "string", ""),
				q("channel", "string", "with external_id: an identity"), q("external_id", "string", ""), q("limit", "integer", "")}}}, a.contacts},
		{Route{"GET", "/api/v1/contacts/{id}", Doc{Summary: "One contact", Tag: "contacts", Response: contactJSON{}, Errors: []int{404}}}, a.contact},

		{Route{"GET", "/api/v1/fields", Doc{Summary: "Custom field definitions", Tag: "fields", Response: fieldDefList{},
			Query: []Param{q("scope", "string", "ticket (default) or contact")}}}, a.fieldDefs},
		{Route{"PUT", "/api/v1/fields/{scope}/{key}", Doc{Summary: "Define or redefine a custom field", Tag: "fields", Role: "admin",
			Request: fieldDefRequest{}, Response: fieldDefJSON{}, Errors: []int{400, 403, 422}}}, a.putFieldDef},

		{Route{"POST", "/api/v1/tickets", Doc{Summary: "Create a ticket (routed to an agent unless one is given)", Tag: "tickets",
			Request: ticketRequest{}, Response: ticketJSON{}, Status: 201, Errors: []int{400, 409, 422}}}, a.createTicket},
		{Route{"GET", "/api/v1/tickets", Doc{Summary: "List tickets, newest first, keyset-paginated", Tag: "tickets",
			Query: listParams, Response: ticketList{}, Errors: []int{400}}}, a.tickets},
		{Route{"GET", "/api/v1/tickets/{id}", Doc{Summary: "One ticket, by id or number", Tag: "tickets", Response: ticketJSON{}, Errors: []int{404}}}, a.ticket},
		{Route{"PATCH", "/api/v1/tickets/{id}", Doc{Summary: "Change a ticket (status, priority, assignee, group, tags, fields…)", Tag: "tickets",
			Request: ticketPatch{}, Response: ticketJSON{}, Errors: []int{400, 404, 409, 422}}}, a.updateTicket},
		{Route{"GET", "/api/v1/tickets/{id}/messages", Doc{Summary: "A ticket's messages, oldest first", Tag: "tickets",
			Query:    []Param{q("public", "boolean", "only public messages"), q("order", "string", "oldest (default) or newest")},
			Response: messageList{}, Errors: []int{404}}}, a.messages},
		{Route{"POST", "/api/v1/tickets/{id}/messages", Doc{Summary: "Add a reply, customer message or internal note", Tag: "tickets",
			Request: messageRequest{}, Response: messageJSON{}, Status: 201, Errors: []int{400, 404, 422}}}, a.addMessage},
		{Route{"GET", "/api/v1/tickets/{id}/events", Doc{Summary: "A ticket's event log, oldest first", Tag: "tickets",
			Response: eventList{}, Errors: []int{404}}}, a.events},

		// Search (search.go, docs/search.md): the same handler under both paths.
		{Route{"GET", "/api/v1/tickets/search", searchTicketsDoc(q)}, a.searchTickets},
		{Route{"GET", "/api/v1/search", searchTicketsDoc(q)}, a.searchTickets},
	}
}
