// Package search reads ticket search queries: a lexer, a parser and an AST
// with no SQL in it. The native API and each dialect parse with their own
// field whitelist (Options.Fields) and value mappers, so every door shares
// one language; each store compiles the resulting Query to its own SQL.
//
// The language, for users, is described in README.md beside this file:
//
//	refund "card declined" status:open,pending priority>=high -tag:spam
//	assignee:me (channel:email OR channel:webchat) created>7d sort:updated
//
// Parse resolves everything a store should not have to: field names become
// canonical ("ticketStatus" → "status"), enum values become canonical and
// ordered comparisons become value lists (priority>=high → priority:high,urgent),
// and dates become half-open UTC ranges [From, To) (created:2017-07-01 in
// Asia/Shanghai → 2017-06-30T16:00:00Z ≤ created < 2017-07-01T16:00:00Z).
// Errors are *Error, with the byte offset of the problem.
package search
