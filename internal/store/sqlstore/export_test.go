package sqlstore

// SetLeadCap makes PostgreSQL treat the leading words of a search as dense
// past n matches (see pgLead), until the returned func restores it.
func SetLeadCap(n int) (restore func()) {
	old := leadCapOverride
	leadCapOverride = n
	return func() { leadCapOverride = old }
}
