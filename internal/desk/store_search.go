package desk

// SearchReader holds store queries added for search.
type SearchReader interface{}
