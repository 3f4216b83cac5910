package desk

import (
	"encoding/json"
)

// A door's meta is the values only that door reads or writes, kept on an
// agent, contact or ticket by door key then field (docs/domain.md). desk
// stores and merges them and decides nothing by them.

// maxMetaValue bounds one door value on an agent or contact, as long as
// the longest profile text.
const maxMetaValue = maxProfileText

// checkMeta refuses door values longer than maxMetaValue bytes.
func checkMeta(m map[string]map[string]json.RawMessage) error {
	for door, fields := range m {
		for k, v := range fields {
			if len(v) > maxMetaValue {
				return Invalid("meta."+door+"."+k, CodeTooLong, Params{Max: maxMetaValue})
			}
		}
	}
	return nil
}

// mergeMeta writes every field of src over dst, by door then field, and
// returns dst (made when nil and src has fields).
func mergeMeta(dst, src map[string]map[string]json.RawMessage) map[string]map[string]json.RawMessage {
	for door, fields := range src {
		if dst == nil {
			dst = map[string]map[string]json.RawMessage{}
		}
		if dst[door] == nil {
			dst[door] = map[string]json.RawMessage{}
		}
		for k, v := range fields {
			dst[door][k] = v
		}
	}
	return dst
}

// fillMeta adds the fields of src that dst lacks, keeping dst's own, and
// reports whether it added any.
func fillMeta(dst *map[string]map[string]json.RawMessage, src map[string]map[string]json.RawMessage) bool {
	added := false
	for door, fields := range src {
		for k, v := range fields {
			if _, ok := (*dst)[door][k]; ok {
				continue
			}
			*dst = mergeMeta(*dst, map[string]map[string]json.RawMessage{door: {k: v}})
			added = true
		}
	}
	return added
}
