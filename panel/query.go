package panel

import (
	"time"

	p "github.com/osallisuus/osallisuus/participation"
)

func getPanel(r p.Reader, id p.ID) (*Panel, error) {
	x, ok, err := p.Lookup[*Panel](r, tablePanels, "id", id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, p.Errorf(p.ENOTFOUND, "panel %s not found", id)
	}
	return x, nil
}

func panelMembers(r p.Reader, panelID p.ID) ([]*Member, error) {
	return p.Collect[*Member](r, tableMembers, "panel", nil, panelID)
}

func get[T any](r p.Reader, table, what string, id p.ID) (*T, error) {
	x, ok, err := p.Lookup[*T](r, table, "id", id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, p.Errorf(p.ENOTFOUND, "%s %s not found", what, id)
	}
	return x, nil
}

// Status is a panel with its composition at a moment.
type Status struct {
	Panel       *Panel      `json:"panel"`
	Composition Composition `json:"composition"`
	At          time.Time   `json:"at"`
}

// GetStatus returns the panel and the composition check at time at. It
// reads the panel's own memberships only.
func GetStatus(r p.Reader, panelID p.ID, at time.Time) (Status, error) {
	x, err := getPanel(r, panelID)
	if err != nil {
		return Status{}, err
	}
	members, err := panelMembers(r, panelID)
	if err != nil {
		return Status{}, err
	}
	return Status{Panel: x, Composition: Check(x, members, at), At: at}, nil
}

// MemberView is a membership as shown to people: with the name opened
// from the vault, or marked erased.
type MemberView struct {
	*Member
	DisplayName string     `json:"displayName"`
	Erased      bool       `json:"erased"`
	Active      bool       `json:"active"`
	Positions   []Position `json:"positions,omitempty"`
}

// Members lists a panel's memberships, past and present, with names
// opened through vault. Names of erased people show as erased.
func Members(r p.Reader, vault *p.Vault, panelID p.ID, at time.Time) ([]MemberView, error) {
	x, err := getPanel(r, panelID)
	if err != nil {
		return nil, err
	}
	members, err := panelMembers(r, panelID)
	if err != nil {
		return nil, err
	}
	out := make([]MemberView, 0, len(members))
	for _, m := range members {
		v := MemberView{Member: m, Active: m.ActiveAt(at)}
		if name, err := vault.Open(m.Name); err == nil {
			v.DisplayName = string(name)
		} else if p.ErrorCode(err) == p.EERASED {
			v.Erased = true
		} else {
			return nil, err
		}
		for _, pos := range Positions {
			if id, ok := x.Offices[pos]; ok && id == m.ID {
				v.Positions = append(v.Positions, pos)
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// Topics lists a panel's topics; with open set, only those still open,
// from which agendas are built (PANEL-5).
func Topics(r p.Reader, panelID p.ID, open bool) ([]*Topic, error) {
	return p.Collect(r, tableTopics, "panel", func(t *Topic) bool { return !open || t.State == TopicOpen }, panelID)
}

// Meetings lists a panel's meetings.
func Meetings(r p.Reader, panelID p.ID) ([]*Meeting, error) {
	return p.Collect[*Meeting](r, tableMeetings, "panel", nil, panelID)
}

// StatementView is a statement with where it stands in the loop.
type StatementView struct {
	*Statement
	Loop *p.Contribution `json:"loop"`
}

// Statements lists a panel's statements with their loop state and
// answers, as the members see them (PANEL-7).
func Statements(r p.Reader, panelID p.ID) ([]StatementView, error) {
	sts, err := p.Collect[*Statement](r, tableStatements, "panel", nil, panelID)
	if err != nil {
		return nil, err
	}
	out := make([]StatementView, 0, len(sts))
	for _, s := range sts {
		c, err := p.GetContribution(r, s.Contribution)
		if err != nil {
			return nil, err
		}
		out = append(out, StatementView{Statement: s, Loop: c})
	}
	return out, nil
}

// TopicShare is how many of a panel's topics members raised, of all.
type TopicShare struct {
	FromMembers int `json:"fromMembers"`
	Total       int `json:"total"`
}

// MemberTopicShare counts a panel's topics by source, for the indicator
// "share of panel topics raised by members".
func MemberTopicShare(r p.Reader, panelID p.ID) (TopicShare, error) {
	ts, err := Topics(r, panelID, false)
	if err != nil {
		return TopicShare{}, err
	}
	var s TopicShare
	for _, t := range ts {
		s.Total++
		if t.Source == FromMember {
			s.FromMembers++
		}
	}
	return s, nil
}

// GetLot returns the record of a draw.
func GetLot(r p.Reader, id p.ID) (*Lot, error) { return get[Lot](r, tableLots, "lot", id) }
