// Package desk is ticketd's domain: the canonical entities (workspaces,
// agents, groups, contacts, tickets, messages, attachments, events), their
// enumerations and lifecycle rules, the store contract they persist through,
// and the use cases every door (native API and dialects) calls.
//
// desk never speaks HTTP and never knows a dialect exists: it returns typed
// values and sentinel errors, and each door renders them in its own shape.
package desk
