package api

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
)

// TestRuleEnumIsDeskCodes: the OpenAPI enum of error.rule is desk's closed
// set of codes, no more and no less.
func TestRuleEnumIsDeskCodes(t *testing.T) {
	f, _ := reflect.TypeOf(errorDetail{}).FieldByName("Rule")
	enum := strings.Split(f.Tag.Get("enum"), ",")
	var codes []string
	for _, c := range desk.Codes {
		codes = append(codes, string(c))
	}
	slices.Sort(enum)
	slices.Sort(codes)
	if !slices.Equal(enum, codes) {
		t.Errorf("rule enum %v, desk.Codes %v", enum, codes)
	}
}
