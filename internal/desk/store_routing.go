package desk

// RoutingReader holds store queries added for the routing engine.
type RoutingReader interface{}

// RoutingWriter holds store writes added for the routing engine.
type RoutingWriter interface{}
