package search

import (
	"strconv"
	"strings"
)

// term resolves a field term through the whitelist and reads its values
// according to the field's kind. It returns nil for sort: and order:, which
// set the query's sort instead of filtering.
func (p *parser) term(t token, negated bool) (Node, *Error) {
	if reserved(t.text) {
		return nil, p.sortTerm(t, negated)
	}
	spec, ok := lookup(p.fields, t.text)
	if !ok {
		return nil, errorf(t.pos, "unknown field %q (put the term in quotes to search for it as text)", t.text)
	}
	if t.err != nil {
		return nil, t.err
	}
	switch spec.Kind {
	case KindEnum:
		return p.enum(t, spec)
	case KindText, KindCustom, KindRef:
		return p.list(t, spec)
	case KindInt:
		return p.integer(t, spec)
	case KindDate:
		return p.date(t, spec)
	}
	return nil, errorf(t.pos, "field %q has no valid kind", t.text)
}

// opError rejects an operator the field's kind does not take.
func opError(t token) *Error {
	return errorf(t.opPos, "operator %q is not allowed for %s (use %s:value)", t.op.String(), t.text, t.text)
}

// oneValue rejects a list where one value is expected.
func oneValue(t token, what string) *Error {
	if len(t.values) < 2 {
		return nil
	}
	return errorf(t.values[1].pos-1, "expected %s after %q, not a list", what, t.text+t.op.String())
}

// mapValue applies the field's mapper to one typed value.
func mapValue(t token, spec FieldSpec, v value) ([]string, *Error) {
	var out []string
	switch {
	case spec.Expand != nil:
		vs, err := spec.Expand(v.text)
		if err != nil {
			return nil, errorf(v.pos, "invalid value %q for %s: %v", v.text, t.text, err)
		}
		out = vs
	case spec.Map != nil:
		s, err := spec.Map(v.text)
		if err != nil {
			return nil, errorf(v.pos, "invalid value %q for %s: %v", v.text, t.text, err)
		}
		out = []string{s}
	default:
		return []string{v.text}, nil
	}
	if len(out) == 0 {
		return nil, errorf(v.pos, "invalid value %q for %s", v.text, t.text)
	}
	for _, s := range out {
		if s == "" {
			return nil, errorf(v.pos, "invalid value %q for %s", v.text, t.text)
		}
	}
	return out, nil
}

// enum reads an enumeration term. With a value list, values are checked and
// made canonical, and on an ordered enum a comparison becomes the list of
// values in range: priority>=high is priority:high,urgent.
func (p *parser) enum(t token, spec FieldSpec) (Node, *Error) {
	if len(spec.Values) == 0 {
		if t.op != OpEq {
			return nil, opError(t)
		}
		return p.list(t, spec)
	}
	if t.op != OpEq && !spec.Ordered {
		return nil, opError(t)
	}
	if t.op != OpEq {
		if err := oneValue(t, "one value"); err != nil {
			return nil, err
		}
	}
	in := make([]bool, len(spec.Values))
	lo, hi := len(spec.Values), -1
	for _, v := range t.values {
		ms, err := mapValue(t, spec, v)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			i := indexFold(spec.Values, m)
			if i < 0 {
				return nil, errorf(v.pos, "unknown %s %q (expected one of %s)",
					t.text, v.text, strings.Join(spec.Values, ", "))
			}
			in[i] = true
			lo, hi = min(lo, i), max(hi, i)
		}
	}
	if t.op != OpEq {
		for i := range in {
			switch t.op {
			case OpGt:
				in[i] = i > hi
			case OpGe:
				in[i] = i >= lo
			case OpLt:
				in[i] = i < lo
			case OpLe:
				in[i] = i <= hi
			}
		}
	}
	var vals []string
	for i, ok := range in {
		if ok {
			vals = append(vals, spec.Values[i])
		}
	}
	if len(vals) == 0 {
		rel := map[Op]string{OpGt: "above", OpGe: "at or above", OpLt: "below", OpLe: "at or below"}[t.op]
		return nil, errorf(t.values[0].pos, "no %s is %s %q", t.text, rel, t.values[0].text)
	}
	return Compare{Field: spec.Field, Kind: KindEnum, Op: OpEq, Values: vals}, nil
}

// list reads a ":" term whose values are kept as typed (after mapping):
// text, custom fields, references, free enumerations such as tags. On a
// reference, "me" and "none" are the reserved Me and None.
func (p *parser) list(t token, spec FieldSpec) (Node, *Error) {
	if t.op != OpEq {
		return nil, opError(t)
	}
	vals := make([]string, 0, len(t.values))
	for _, v := range t.values {
		ms, err := mapValue(t, spec, v)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if spec.Kind == KindRef {
				switch {
				case strings.EqualFold(m, None):
					m = None
				case strings.EqualFold(m, Me) && spec.AllowMe:
					m = Me
				case strings.EqualFold(m, Me):
					return nil, errorf(v.pos, "%q is not allowed for %s", v.text, t.text)
				}
			}
			vals = appendUnique(vals, m)
		}
	}
	return Compare{Field: spec.Field, Kind: spec.Kind, Op: OpEq, Values: vals}, nil
}

// integer reads a number term: number:12,13 or number>=100.
func (p *parser) integer(t token, spec FieldSpec) (Node, *Error) {
	if t.op != OpEq {
		if err := oneValue(t, "one number"); err != nil {
			return nil, err
		}
	}
	vals := make([]string, 0, len(t.values))
	for _, v := range t.values {
		ms, err := mapValue(t, spec, v)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			n, err := strconv.ParseInt(m, 10, 64)
			if err != nil || n < 0 || !digits(m, 0, len(m)) {
				return nil, errorf(v.pos, "invalid number %q for %s", v.text, t.text)
			}
			vals = appendUnique(vals, strconv.FormatInt(n, 10))
		}
	}
	if t.op != OpEq && len(vals) != 1 {
		return nil, errorf(t.values[0].pos, "expected one number after %q", t.text+t.op.String())
	}
	return Compare{Field: spec.Field, Kind: KindInt, Op: t.op, Values: vals}, nil
}

// date reads a date term into a DateRange.
func (p *parser) date(t token, spec FieldSpec) (Node, *Error) {
	if err := oneValue(t, "one date"); err != nil {
		return nil, err
	}
	v := t.values[0]
	ms, err := mapValue(t, spec, v)
	if err != nil {
		return nil, err
	}
	if len(ms) != 1 {
		return nil, errorf(v.pos, "expected one date for %q, not a list", v.text)
	}
	a, b, age, msg := dateSpan(ms[0], p.now, p.loc)
	if msg != "" {
		return nil, errAt(v.pos, msg)
	}
	if age && t.op == OpEq {
		// created:3d is the whole day three days ago.
		a, b = day(a, p.loc, 0), day(a, p.loc, 1)
		if !inRange(a, b) {
			return nil, errorf(v.pos, "date %q is out of range", v.text)
		}
	}
	return dateRange(spec.Field, t.op, a, b), nil
}

// sortTerm reads sort:KEY or order:asc|desc at the top level of the query.
func (p *parser) sortTerm(t token, negated bool) *Error {
	key := strings.ToLower(t.text)
	switch {
	case negated:
		return errorf(t.pos, "%s: cannot be negated", key)
	case p.depth > 0:
		return errorf(t.pos, "%s: cannot be inside parentheses", key)
	case t.err != nil:
		return t.err
	case t.op != OpEq:
		return opError(t)
	}
	if err := oneValue(t, "one value"); err != nil {
		return err
	}
	v := t.values[0]
	val := strings.ToLower(v.text)
	if key == "sort" {
		if p.result.Sort != "" {
			return errAt(t.pos, "sort: given twice")
		}
		switch val {
		case SortCreated, SortUpdated, SortPriority, SortNumber, SortRelevance:
			p.result.Sort = val
		default:
			return errorf(v.pos, "unknown sort %q (expected created, updated, priority, number or relevance)", v.text)
		}
	} else {
		if p.result.Order != "" {
			return errAt(t.pos, "order: given twice")
		}
		switch val {
		case OrderAsc, OrderDesc:
			p.result.Order = val
		default:
			return errorf(v.pos, "unknown order %q (expected asc or desc)", v.text)
		}
	}
	if p.sortPos < 0 {
		p.sortPos = t.pos
	}
	return nil
}

func indexFold(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	for i, v := range list {
		if strings.EqualFold(v, s) {
			return i
		}
	}
	return -1
}

func appendUnique(list []string, s string) []string {
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(list, s)
}
