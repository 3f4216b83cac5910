package dolphins

import "net/http"

// endpoint is one route of the door, relative to its prefix.
type endpoint struct {
	method, path string
	h            http.HandlerFunc
	public       bool // authenticates itself (or needs no token)
}

// routes is every endpoint of the 3Dolphins ticket API (spec §4). Literal
// segments win over parameters, as the spec's routing rule asks, which is
// also how http.ServeMux picks between overlapping patterns.
func (d *Door) routes() []endpoint {
	return []endpoint{
		{method: "POST", path: "/graph/auth", h: d.login, public: true},

		{method: "GET", path: "/graph/tickets", h: d.tickets},                                                                    // E5 Get List of Ticket
		{method: "GET", path: "/graph/tickets/{ticketNumber}", h: d.ticketList},                                                  // E1 Get List of Closed Tickets (by number; "closed")
		{method: "GET", path: "/graph/tickets/data/{ticketNumber}", h: d.ticketData},                                             // E2 Get Ticket by Ticket Number
		{method: "GET", path: "/graph/tickets/data/{ticketNumber}/{fieldName}/{keyword}", h: d.byField},                          // E3 Get Ticket Data by Filter
		{method: "POST", path: "/graph/tickets/data/{ticketNumber}", h: d.byFilter},                                              // E4 Get Ticket Data by Filter Query
		{method: "POST", path: "/graph/tickets/sendMessage", h: d.sendMessage},                                                   // E6 Send Message
		{method: "GET", path: "/graph/tickets/assignment", h: d.assignment},                                                      // E7 Get User Ticket Assignment
		{method: "GET", path: "/graph/tickets/priority", h: d.priority},                                                          // E8 Get Ticket Priority by User id
		{method: "GET", path: "/graph/tickets/conversations/{ticketNumber}", h: d.conversations},                                 // E9 Get Ticket Conversation by Ticket Number
		{method: "PUT", path: "/graph/tickets/update/{ticketNumber}", h: d.update},                                               // E10 Update Ticket
		{method: "PUT", path: "/graph/tickets/update/id/{docId}", h: d.updateByDoc},                                              // E11 Update Ticket by Doc Id
		{method: "PUT", path: "/graph/tickets/update", h: d.updateByBody},                                                        // E12 Update Ticket (ticketNumber in the body)
		{method: "PUT", path: "/graph/tickets/update/reassign", h: d.reassign},                                                   // E13 Reassigned Ticket
		{method: "PUT", path: "/graph/tickets/update/transfer", h: d.transfer},                                                   // E14 Transfered Ticket
		{method: "PUT", path: "/graph/tickets/update/escalate", h: d.escalate},                                                   // E15 Escalated Ticket
		{method: "PUT", path: "/graph/tickets/update/transferToAgent", h: d.transferToAgent},                                     // E16 Transfer Ticket From Bot To Agent
		{method: "PUT", path: "/graph/tickets/update/close", h: d.closeTicket},                                                   // E17 Close Ticket by Bot
		{method: "GET", path: "/graph/tickets/queue/{accountId}", h: d.queue},                                                    // E18 Get Queue Number From Account Id
		{method: "POST", path: "/graph/tickets/files", h: d.upload},                                                              // E19 (upload a file)
		{method: "POST", path: "/graph/tickets/files/media", h: d.media},                                                         // E20 Get File Media
		{method: "GET", path: "/graph/tickets/files/{name}", h: d.guard(http.HandlerFunc(d.file), true).ServeHTTP, public: true}, // the URL E19/E20 hand out (token in header or access_token)
		// E21 Get (Sorted) Conversation History by Channel and Social Id —
		// /conversations/{channel}/{socialId}/history — is served by the E23
		// pattern below: it would overlap E24's (neither more specific), so
		// E23's handler sends a last segment "history" to it.
		{method: "GET", path: "/graph/tickets/conversations/{channel}/{socialId}", h: d.historyByChannel},               // E22 (T2)
		{method: "GET", path: "/graph/tickets/conversations/{channel}/{channelKey}/{socialId}", h: d.historyByKey},      // E23 (+ E21)
		{method: "GET", path: "/graph/tickets/conversations/channelId/{channelId}/{socialId}", h: d.historyByChannelID}, // E24
		{method: "POST", path: "/graph/tickets/transformButtonMessage", h: d.transformButtons},                          // E25 Do Transform Button Message
		{method: "POST", path: "/graph/report/conversations", h: d.report},                                              // E26 report conversations (T3)

		// Anything else under the prefix answers the failure envelope.
		{path: "/", h: d.noRoute, public: true},
	}
}
