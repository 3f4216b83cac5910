package sqlite

// SetWriterHook sets writerHook for writers opened afterwards.
func SetWriterHook(fn func()) { writerHook = fn }
