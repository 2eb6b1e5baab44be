package provider

import (
	"encoding/json"
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// storedCopies records the copies that the state of this run holds, by
// the client token that bought each. Terraform hands every stored instance
// to UpgradeResourceState before it plans, refresh or not, tainted or not;
// that is the one place where a plan can see them all. A tainted copy's
// replacement, in particular, is planned as a plain create with neither
// prior state nor private state, so nothing else tells it which copy a
// pinned client_token bought.
type storedCopies struct {
	mu      sync.Mutex
	byToken map[string]storedCopy
}

// storedCopy is what a plan needs to know of a copy in state: the few
// attributes read from the JSON as stored.
type storedCopy struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Region        string `json:"region"`
	SourceImageID string `json:"source_image_id"`
	Token         string `json:"client_token"`
}

// decodeStoredCopy reads the copy of one stored instance, as
// UpgradeResourceState receives it. A state it cannot read gives no copy
// (an empty ID), and is left to the framework's upgrade, which reports it.
func decodeStoredCopy(raw *tfprotov6.RawState) storedCopy {
	var stored storedCopy
	if raw == nil || len(raw.JSON) == 0 || json.Unmarshal(raw.JSON, &stored) != nil {
		return storedCopy{}
	}
	return stored
}

// readAttribute takes one top-level string attribute of a stored state,
// for a caller that reads the state itself (transcodeState).
func (c *storedCopy) readAttribute(name, value string) {
	switch name {
	case "id":
		c.ID = value
	case "name":
		c.Name = value
	case "region":
		c.Region = value
	case "source_image_id":
		c.SourceImageID = value
	case "client_token":
		c.Token = value
	}
}

// record notes a stored copy's client token.
func (s *storedCopies) record(stored storedCopy) {
	if stored.Token == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byToken == nil {
		s.byToken = map[string]storedCopy{}
	}
	s.byToken[stored.Region+"|"+stored.Token] = stored
}

// boughtBy returns the copy in state that token bought in region.
func (s *storedCopies) boughtBy(region, token string) (storedCopy, bool) {
	if s == nil {
		return storedCopy{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, ok := s.byToken[region+"|"+token]
	return stored, ok
}
