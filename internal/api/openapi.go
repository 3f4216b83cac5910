package api

import (
	"encoding/json"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/jsontext"
)

// Doc describes one route for the OpenAPI document. The document is built
// from the same list that registers the handlers, so a route cannot exist
// without being documented; request and response schemas are reflected from
// the wire types the handlers actually encode.
type Doc struct {
	Summary  string
	Tag      string
	Public   bool    // no bearer token needed
	Role     string  // least role required, for the description
	Query    []Param // query parameters
	Request  any     // a wire value whose type is the request body
	Response any     // a wire value whose type is the 2xx body
	Status   int     // success status (default 200)
	Stream   string  // content type of a streamed response (text/event-stream)
	Errors   []int   // error statuses besides 401
	Upload   bool    // the body is a file: multipart/form-data (part "file") or raw bytes
	Download bool    // the answer is a file's bytes
}

// Param is a documented query parameter.
type Param struct {
	Name, Type, Description string
}

// Route is one native API route.
type Route struct {
	Method  string
	Pattern string
	Doc     Doc
}

var pathParam = regexp.MustCompile(`\{([a-zA-Z_]+)\.{0,3}\}`)

// OpenAPI builds the OpenAPI 3.1 document of routes.
func OpenAPI(routes []Route, extraPaths map[string]map[string]any) map[string]any {
	schemas := map[string]any{}
	paths := map[string]map[string]any{}
	for _, r := range routes {
		path := pathParam.ReplaceAllString(r.Pattern, "{$1}")
		op := map[string]any{
			"summary":     r.Doc.Summary,
			"operationId": operationID(r.Method, path),
			"tags":        []string{r.Doc.Tag},
		}
		if r.Doc.Role != "" {
			op["description"] = "Requires role " + r.Doc.Role + " or above."
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(r.Pattern, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, q := range r.Doc.Query {
			params = append(params, map[string]any{"name": q.Name, "in": "query", "description": q.Description,
				"schema": map[string]any{"type": q.Type}})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if r.Doc.Upload {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"multipart/form-data": map[string]any{"schema": map[string]any{"type": "object", "required": []string{"file"},
					"properties": map[string]any{"file": map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}}}},
				"application/octet-stream": map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}}}}
		}
		if r.Doc.Request != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(r.Doc.Request), schemas)}}}
		}
		status := r.Doc.Status
		if status == 0 {
			status = 200
		}
		ok := map[string]any{"description": "success"}
		switch {
		case r.Doc.Download:
			ok["content"] = map[string]any{"application/octet-stream": map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}}}
		case r.Doc.Stream != "":
			ok["content"] = map[string]any{r.Doc.Stream: map[string]any{"schema": map[string]any{"type": "string"}}}
		case r.Doc.Response != nil:
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(r.Doc.Response), schemas)}}
		}
		responses := map[string]any{itoa(status): ok}
		errs := append([]int{}, r.Doc.Errors...)
		if !r.Doc.Public {
			errs = append(errs, 401)
			op["security"] = []any{map[string]any{"bearer": []string{}}}
		} else {
			op["security"] = []any{}
		}
		for _, code := range errs {
			responses[itoa(code)] = map[string]any{"description": httpStatusText(code),
				"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
		}
		op["responses"] = responses
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		paths[path][strings.ToLower(r.Method)] = op
	}
	for p, ops := range extraPaths {
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		for m, op := range ops {
			paths[p][m] = op
		}
	}
	schemaOf(reflect.TypeOf(errorBody{}), schemas)
	schemas["Error"] = schemas["errorBody"]
	delete(schemas, "errorBody")
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "ticketd native API",
			"version":     "1",
			"description": "Tickets, messages, contacts, agents, groups, routing and search. Authenticate with `Authorization: Bearer <token>` from POST /api/v1/tokens. Errors are `{\"error\":{\"code\",\"message\",\"field\",\"rule\",\"params\"}}`: code is the class (it follows the status), field the input at fault, rule one word of a closed set and params what it needs (docs/errors.md); message is English for people. Lists page with keyset cursors: pass `next_cursor` back as `cursor`.",
		},
		"paths": paths,
		"components": map[string]any{
			"schemas":         schemas,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
		},
	}
}

func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, part := range strings.Split(path, "/") {
		part = strings.Trim(part, "{}")
		if part == "" || part == "api" || part == "v1" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + strings.ReplaceAll(part[1:], "_", ""))
	}
	return b.String()
}

var (
	timeType    = reflect.TypeOf(time.Time{})
	instantType = reflect.TypeOf(jsontext.Instant{})
)

// InstantExample shows the one form of every instant the API writes: UTC,
// exactly three fractional digits, so that instants sort as text.
const InstantExample = "2026-12-06T23:33:37.150Z"

var rawType = reflect.TypeOf(json.RawMessage{})

// schemaOf returns the JSON schema of t, registering named structs in schemas.
func schemaOf(t reflect.Type, schemas map[string]any) map[string]any {
	switch {
	case t == timeType || t == instantType:
		return map[string]any{"type": "string", "format": "date-time", "example": InstantExample}
	case t == rawType:
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := schemaOf(t.Elem(), schemas)
		if ref, ok := s["$ref"]; ok {
			return map[string]any{"oneOf": []any{map[string]any{"$ref": ref}, map[string]any{"type": "null"}}}
		}
		out := map[string]any{}
		for k, v := range s {
			out[k] = v
		}
		if typ, ok := s["type"].(string); ok {
			out["type"] = []string{typ, "null"}
		}
		return out
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), schemas)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), schemas)}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		name := t.Name()
		if _, done := schemas[name]; !done {
			schemas[name] = map[string]any{} // breaks recursion
			props := map[string]any{}
			var required []string
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				if !f.IsExported() {
					continue
				}
				tag := f.Tag.Get("json")
				if tag == "-" {
					continue
				}
				jname, opts, _ := strings.Cut(tag, ",")
				if jname == "" {
					jname = f.Name
				}
				s := schemaOf(f.Type, schemas)
				if enum := f.Tag.Get("enum"); enum != "" {
					s["enum"] = strings.Split(enum, ",")
				}
				if d := f.Tag.Get("doc"); d != "" {
					s["description"] = d
				}
				props[jname] = s
				if !strings.Contains(opts, "omitempty") && f.Type.Kind() != reflect.Pointer {
					required = append(required, jname)
				}
			}
			sort.Strings(required)
			sch := map[string]any{"type": "object", "properties": props}
			if len(required) > 0 {
				sch["required"] = required
			}
			schemas[name] = sch
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

func itoa(n int) string { return strconv.Itoa(n) }
