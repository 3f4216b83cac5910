package search

// MaxBodyTokens caps how many tokens of a ticket's description and messages
// are indexed: the body of a long thread (quoted e-mail replies) stops being
// indexed there, which bounds the cost of re-indexing a ticket when a
// message is added.
const MaxBodyTokens = 20000

// Document is a ticket's text as free-text search sees it: three fields of
// tokens (see Tokens). A word matches a ticket when its tokens stand
// together, in order, in one of the fields; a word of one token when that
// token is anywhere.
type Document struct {
	Subject []string
	// Body is the description, then every message, oldest first, up to
	// MaxBodyTokens. A description equal to the first message's text (the
	// default when a ticket opens with a message) is not repeated.
	Body []string
	// Contact is the contact's name, then first and last names that the
	// name does not already hold.
	Contact []string
}

// NewDocument builds a ticket's document from its subject, description,
// message texts (oldest first) and contact names (name, first, last).
func NewDocument(subject, description string, messages []string, contactNames ...string) Document {
	d := Document{Subject: Tokens(subject)}
	// Sized up front from the text (about one token per 6 bytes of prose):
	// growing the slice token by token was half the cost of indexing a
	// 20 KB mail, in the store's single writer (docs/PERFORMANCE.md).
	n := 0
	if len(messages) == 0 || description != messages[0] {
		n += len(description)
	}
	for _, m := range messages {
		n += len(m)
	}
	d.Body = make([]string, 0, min(n/6+8, MaxBodyTokens))
	addBody := func(text string) bool {
		if len(d.Body) >= MaxBodyTokens {
			return false
		}
		Scan(text, func(tok string) bool {
			d.Body = append(d.Body, tok)
			return len(d.Body) < MaxBodyTokens
		})
		return true
	}
	if len(messages) == 0 || description != messages[0] {
		addBody(description)
	}
	for _, m := range messages {
		if !addBody(m) {
			break
		}
	}
	seen := map[string]bool{}
	for i, name := range contactNames {
		toks := Tokens(name)
		if i > 0 && allIn(toks, seen) {
			continue
		}
		for _, t := range toks {
			seen[t] = true
		}
		d.Contact = append(d.Contact, toks...)
	}
	return d
}

func allIn(toks []string, set map[string]bool) bool {
	for _, t := range toks {
		if !set[t] {
			return false
		}
	}
	return true
}
