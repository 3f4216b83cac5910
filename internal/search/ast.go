package search

import "time"

// Node is one node of a parsed query: And, Or, Not, Text, Compare or
// DateRange. Nodes are plain values; a store compiles them with a type switch.
type Node interface {
	node()
	String() string
}

// And matches when every child matches. It has at least two children, none
// of them an And, and at most one non-phrase Text (free words are merged).
type And struct{ Children []Node }

// Or matches when any child matches. It has at least two children, none of
// them an Or.
type Or struct{ Children []Node }

// Not matches when Child does not. Child is never a Not.
type Not struct{ Child Node }

// Text is a full-text term. Without Phrase, every word must match somewhere
// (subject, messages, contact name, ticket number...), in any order; words are
// as typed, with leading and trailing punctuation stripped. With Phrase, the
// words were quoted and must match in order, as one phrase; they are the
// quoted text split at white space, punctuation kept. Stores decide how to
// tokenize and whether to fold case.
type Text struct {
	Words  []string
	Phrase bool
}

// Compare matches a field against values. Op is OpEq for a list: the field
// must match any of Values. For KindInt, Op may be a comparison with one value.
//
// What "match" means depends on Kind:
//   - KindEnum: equals one of Values (canonical values; ordered-enum
//     comparisons such as priority>=high were already expanded to OpEq lists);
//   - KindText: contains one of Values, ignoring case (contact e-mail, phone,
//     subject);
//   - KindInt: numeric comparison; Values are decimal integers;
//   - KindRef: refers to one of Values: an identifier as typed (number or id),
//     or the reserved values Me (the agent searching) and None (no reference);
//   - KindCustom: the custom field named after "custom:" in Field contains one
//     of Values, ignoring case.
type Compare struct {
	Field  string // canonical field, such as "status" or "custom:field_1"
	Kind   Kind
	Op     Op
	Values []string
}

// DateRange matches when Field lies in the half-open UTC interval [From, To).
// A nil bound is open; at least one bound is set.
type DateRange struct {
	Field    string // canonical field: "created" or "updated"
	From, To *time.Time
}

func (And) node()       {}
func (Or) node()        {}
func (Not) node()       {}
func (Text) node()      {}
func (Compare) node()   {}
func (DateRange) node() {}

// Reserved KindRef values.
const (
	Me   = "me"   // the agent (or token owner) running the search
	None = "none" // the field is empty: unassigned, no group
)

// Sort keys and orders accepted by sort: and order: terms.
const (
	SortCreated  = "created"
	SortUpdated  = "updated"
	SortPriority = "priority"
	SortNumber   = "number"
	// SortRelevance ranks by how well the words match, among a capped
	// number of the newest matches (the store decides how many).
	SortRelevance = "relevance"

	OrderAsc  = "asc"
	OrderDesc = "desc"
)

// Query is a parsed search.
type Query struct {
	Root  Node   // nil matches every ticket
	Sort  string // one of the Sort constants; SortCreated by default
	Order string // OrderAsc or OrderDesc; OrderDesc by default
}

// Kind says how a field's values are read and which operators it accepts.
type Kind int

const (
	KindEnum   Kind = iota + 1 // one of a set of names; ":" (and comparisons if ordered)
	KindText                   // free text, matched by containment; ":" only
	KindInt                    // a non-negative integer; ":" and comparisons
	KindDate                   // an instant; ":" (that day) and comparisons
	KindRef                    // a reference to an agent, group, contact...; ":" only
	KindCustom                 // a custom field's value, matched by containment; ":" only
)

func (k Kind) String() string {
	switch k {
	case KindEnum:
		return "enum"
	case KindText:
		return "text"
	case KindInt:
		return "int"
	case KindDate:
		return "date"
	case KindRef:
		return "ref"
	case KindCustom:
		return "custom"
	}
	return "invalid"
}

// Op is a comparison operator.
type Op int

const (
	OpEq Op = iota // ":"
	OpLt           // "<"
	OpLe           // "<="
	OpGt           // ">"
	OpGe           // ">="
)

func (o Op) String() string {
	switch o {
	case OpEq:
		return ":"
	case OpLt:
		return "<"
	case OpLe:
		return "<="
	case OpGt:
		return ">"
	case OpGe:
		return ">="
	}
	return "?"
}

// Walk calls fn for n and then, if fn returns true, for each of n's children,
// depth first. A nil n is not visited.
func Walk(n Node, fn func(Node) bool) {
	if n == nil || !fn(n) {
		return
	}
	switch n := n.(type) {
	case And:
		for _, c := range n.Children {
			Walk(c, fn)
		}
	case Or:
		for _, c := range n.Children {
			Walk(c, fn)
		}
	case Not:
		Walk(n.Child, fn)
	}
}
