package oneview

import (
	"encoding/json"

	"github.com/ticketd/ticketd/internal/desk"
)

// metaAgentAccesses is the agent meta field (under Dialect) of the
// agentAccesses a ticket list shows its agent: pd-oneview's permissions,
// which ticketd neither grants nor checks.
const metaAgentAccesses = "agentAccesses"

// AgentAccesses reads an agent's agentAccesses from this door's meta; nil
// when it has none.
func AgentAccesses(a *desk.Agent) []string {
	var out []string
	if a == nil {
		return nil
	}
	if raw, ok := a.Meta[Dialect][metaAgentAccesses]; ok && json.Unmarshal(raw, &out) == nil {
		return out
	}
	return nil
}

// AccessesMeta is agentAccesses as agent meta for desk.NewAgent and
// desk.AgentPatch; a nil list clears them (an empty list).
func AccessesMeta(list []string) map[string]map[string]json.RawMessage {
	if list == nil {
		list = []string{}
	}
	b, _ := json.Marshal(list) // strings: never fails
	return map[string]map[string]json.RawMessage{Dialect: {metaAgentAccesses: b}}
}
