package participation

import (
	"context"
	"slices"
	"time"

	"github.com/hashicorp/go-memdb"
)

// GoalState is where a client's own change goal stands (PART-4). There is
// no "failed": a goal is replanned, in the client's words.
type GoalState string

// The goal states.
const (
	GoalActive  GoalState = "active"
	GoalReached GoalState = "reached"
)

var goalStateLabels = EnumLabels[GoalState]{
	GoalActive:  {Fi: "Työn alla", Sv: "Pågående", En: "In progress"},
	GoalReached: {Fi: "Saavutettu", Sv: "Uppnått", En: "Reached"},
}

// Label returns the state's name in lang.
func (g GoalState) Label(lang Lang) string { return goalStateLabels.Label(g, lang) }

// Goal is a client's own change goal (PART-4), on the own-service floor.
type Goal struct {
	ID      ID         `json:"id"`
	Client  ID         `json:"client"`
	Text    string     `json:"text"`
	OwnRole string     `json:"ownRole"` // the client's own role and responsibility
	Support string     `json:"support,omitempty"`
	State   GoalState  `json:"state"`
	Notes   []GoalNote `json:"notes,omitempty"`
	// Plans keeps every earlier wording of the goal, with why it was
	// replanned.
	Plans []GoalPlan `json:"plans,omitempty"`
}

// GoalNote is a progress note.
type GoalNote struct {
	At   time.Time `json:"at"`
	By   Actor     `json:"by"`
	Note string    `json:"note"`
}

// GoalPlan is an earlier wording, replaced by replanning.
type GoalPlan struct {
	At      time.Time `json:"at"`
	Text    string    `json:"text"`
	OwnRole string    `json:"ownRole"`
	Why     string    `json:"why"`
}

// Events of clients' goals. Every text in them is the client's or about
// the client's goal: it is scrubbed and sealed under the client's key
// (PRIV-2), so erasing the client erases it.
type (
	// GoalWritten: the client wrote a goal.
	GoalWritten struct {
		Goal    ID     `json:"goal"`
		Client  ID     `json:"client"`
		Text    Sealed `json:"text"`
		OwnRole Sealed `json:"ownRole"`
	}
	// GoalReplanned: the client reworded the goal, saying why.
	GoalReplanned struct {
		Goal    ID     `json:"goal"`
		Text    Sealed `json:"text"`
		OwnRole Sealed `json:"ownRole"`
		Why     Sealed `json:"why"`
	}
	// GoalSupported: the worker's support, in the worker's words.
	GoalSupported struct {
		Goal    ID     `json:"goal"`
		Support Sealed `json:"support"`
	}
	// GoalProgressed: a progress note.
	GoalProgressed struct {
		Goal ID     `json:"goal"`
		Note Sealed `json:"note"`
	}
	// GoalReachedEvent: the goal was reached.
	GoalReachedEvent struct {
		Goal ID `json:"goal"`
	}
)

// goalFields classifies the goal events' fields (PRIV-2).
var goalFields = []FieldRule{
	{"goal.written", "text", FieldSealed, "client"},
	{"goal.written", "ownRole", FieldSealed, "client"},
	{"goal.replanned", "text", FieldSealed, "the goal's client"},
	{"goal.replanned", "ownRole", FieldSealed, "the goal's client"},
	{"goal.replanned", "why", FieldSealed, "the goal's client"},
	{"goal.supported", "support", FieldSealed, "the goal's client"},
	{"goal.progressed", "note", FieldSealed, "the goal's client"},
}

// EventType implements [EventData].
func (GoalWritten) EventType() string { return "goal.written" }

// EventType implements [EventData].
func (GoalReplanned) EventType() string { return "goal.replanned" }

// EventType implements [EventData].
func (GoalSupported) EventType() string { return "goal.supported" }

// EventType implements [EventData].
func (GoalProgressed) EventType() string { return "goal.progressed" }

// EventType implements [EventData].
func (GoalReachedEvent) EventType() string { return "goal.reached" }

// Actions of clients' goals.
const (
	ActionGoalWrite    Action = "goal.write"
	ActionGoalReplan   Action = "goal.replan"
	ActionGoalSupport  Action = "goal.support"
	ActionGoalProgress Action = "goal.progress"
	ActionGoalReach    Action = "goal.reach"
)

const tableGoals = "goals"

func goalTables() []*memdb.TableSchema {
	return []*memdb.TableSchema{{Name: tableGoals, Indexes: map[string]*memdb.IndexSchema{
		"id": {Name: "id", Unique: true, Indexer: IndexID(func(g *Goal) ID { return g.ID })},
		// client: a client's own goals.
		"client": {Name: "client", Indexer: IndexID(func(g *Goal) ID { return g.Client })},
	}}}
}

func updateGoal(tx *Tx, m EventMeta, id ID, fn func(*Goal)) error {
	old, ok, err := Lookup[*Goal](tx, tableGoals, "id", id)
	if err != nil || !ok {
		return Errorf(ENOTFOUND, "goal %s not found", id)
	}
	cp := *old
	cp.Notes = append([]GoalNote(nil), old.Notes...)
	cp.Plans = append([]GoalPlan(nil), old.Plans...)
	fn(&cp)
	RecordActivity(tx, m.Time, Activity{Level: LevelOwnService, People: []ID{cp.Client}})
	return tx.Insert(tableGoals, &cp)
}

func goalEvents() []EventType {
	return []EventType{
		Handle(func(tx *Tx, m EventMeta, d GoalWritten) error {
			texts, err := openTexts(tx, d.Text, d.OwnRole)
			if err != nil {
				return err
			}
			RecordActivity(tx, m.Time, Activity{Level: LevelOwnService, People: []ID{d.Client}})
			return tx.Insert(tableGoals, &Goal{ID: d.Goal, Client: d.Client, Text: texts[0], OwnRole: texts[1], State: GoalActive})
		}),
		Handle(func(tx *Tx, m EventMeta, d GoalReplanned) error {
			texts, err := openTexts(tx, d.Text, d.OwnRole, d.Why)
			if err != nil {
				return err
			}
			return updateGoal(tx, m, d.Goal, func(g *Goal) {
				g.Plans = append(g.Plans, GoalPlan{At: m.Time, Text: g.Text, OwnRole: g.OwnRole, Why: texts[2]})
				g.Text, g.OwnRole, g.State = texts[0], texts[1], GoalActive
			})
		}),
		Handle(func(tx *Tx, m EventMeta, d GoalSupported) error {
			support, err := OpenText(tx.Vault(), d.Support)
			if err != nil {
				return err
			}
			return updateGoal(tx, m, d.Goal, func(g *Goal) { g.Support = support })
		}),
		Handle(func(tx *Tx, m EventMeta, d GoalProgressed) error {
			note, err := OpenText(tx.Vault(), d.Note)
			if err != nil {
				return err
			}
			return updateGoal(tx, m, d.Goal, func(g *Goal) { g.Notes = append(g.Notes, GoalNote{At: m.Time, By: m.Actor, Note: note}) })
		}),
		Handle(func(tx *Tx, m EventMeta, d GoalReachedEvent) error {
			return updateGoal(tx, m, d.Goal, func(g *Goal) { g.State = GoalReached })
		}),
	}
}

// eraseGoals writes [ErasedText] over every text of subject's goals: all
// of them were sealed under the client's key.
func eraseGoals(tx *Tx, subject ID) error {
	goals, err := GoalsOf(tx, subject)
	if err != nil {
		return err
	}
	for _, old := range goals {
		g := *old
		g.Text, g.OwnRole, g.Support = Erased(g.Text), Erased(g.OwnRole), Erased(g.Support)
		g.Notes = slices.Clone(old.Notes)
		for i := range g.Notes {
			g.Notes[i].Note = Erased(g.Notes[i].Note)
		}
		g.Plans = slices.Clone(old.Plans)
		for i := range g.Plans {
			pl := &g.Plans[i]
			pl.Text, pl.OwnRole, pl.Why = Erased(pl.Text), Erased(pl.OwnRole), Erased(pl.Why)
		}
		if err := tx.Insert(tableGoals, &g); err != nil {
			return err
		}
	}
	return nil
}

func clientGoal(tx *Tx, id ID, actor Actor, clientOnly bool) (*Goal, error) {
	g, ok, err := Lookup[*Goal](tx, tableGoals, "id", id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, Errorf(ENOTFOUND, "goal %s not found", id)
	}
	if (clientOnly || actor.Role.IsClientSide()) && actor.ID != g.Client {
		return nil, Errorf(EFORBIDDEN, "a goal is the client's own: only the client writes and rewords it (PART-4)")
	}
	return g, nil
}

// WriteGoal records a change goal written by the client: the goal and
// the client's own role and responsibility in reaching it (PART-4). Only
// the client writes their goal.
func (s *Store) WriteGoal(ctx context.Context, actor Actor, text, ownRole string) (*Goal, error) {
	var out *Goal
	err := s.Exec(ctx, actor, ActionGoalWrite, func(tx *Tx) error {
		var err error
		if text, err = CheckText("text", text, MaxTextLen, true); err != nil {
			return err
		}
		if ownRole, err = CheckRequiredText("ownRole", ownRole, MaxTextLen, "the client says their own role and responsibility in the change"); err != nil {
			return err
		}
		id, err := tx.NewID()
		if err != nil {
			return err
		}
		texts, err := sealTexts(tx, actor.ID, text, ownRole)
		if err != nil {
			return err
		}
		if err := tx.Emit(GoalWritten{Goal: id, Client: actor.ID, Text: texts[0], OwnRole: texts[1]}); err != nil {
			return err
		}
		out, _, err = Lookup[*Goal](tx, tableGoals, "id", id)
		return err
	})
	return out, err
}

// ReplanGoal rewords a goal; only the client may, and says why. The
// earlier wording is kept; a goal is replanned, never failed.
func (s *Store) ReplanGoal(ctx context.Context, actor Actor, goal ID, text, ownRole, why string) error {
	return s.Exec(ctx, actor, ActionGoalReplan, func(tx *Tx) error {
		g, err := clientGoal(tx, goal, actor, true)
		if err != nil {
			return err
		}
		if text, err = CheckText("text", text, MaxTextLen, true); err != nil {
			return err
		}
		if ownRole, err = CheckText("ownRole", ownRole, MaxTextLen, true); err != nil {
			return err
		}
		if why, err = CheckText("why", why, MaxTextLen, true); err != nil {
			return err
		}
		texts, err := sealTexts(tx, g.Client, text, ownRole, why)
		if err != nil {
			return err
		}
		return tx.Emit(GoalReplanned{Goal: goal, Text: texts[0], OwnRole: texts[1], Why: texts[2]})
	})
}

// SupportGoal records the worker's support for the goal.
func (s *Store) SupportGoal(ctx context.Context, actor Actor, goal ID, support string) error {
	return s.Exec(ctx, actor, ActionGoalSupport, func(tx *Tx) error {
		g, err := clientGoal(tx, goal, actor, false)
		if err != nil {
			return err
		}
		if support, err = CheckText("support", support, MaxTextLen, true); err != nil {
			return err
		}
		sealed, err := SealText(tx, g.Client, support)
		if err != nil {
			return err
		}
		return tx.Emit(GoalSupported{Goal: goal, Support: sealed})
	})
}

// NoteProgress adds a progress note, by the client or a worker.
func (s *Store) NoteProgress(ctx context.Context, actor Actor, goal ID, note string) error {
	return s.Exec(ctx, actor, ActionGoalProgress, func(tx *Tx) error {
		g, err := clientGoal(tx, goal, actor, false)
		if err != nil {
			return err
		}
		if note, err = CheckText("note", note, MaxTextLen, true); err != nil {
			return err
		}
		sealed, err := SealText(tx, g.Client, note)
		if err != nil {
			return err
		}
		return tx.Emit(GoalProgressed{Goal: goal, Note: sealed})
	})
}

// ReachGoal marks a goal reached.
func (s *Store) ReachGoal(ctx context.Context, actor Actor, goal ID) error {
	return s.Exec(ctx, actor, ActionGoalReach, func(tx *Tx) error {
		g, err := clientGoal(tx, goal, actor, false)
		if err != nil {
			return err
		}
		if g.State == GoalReached {
			return Errorf(ECONFLICT, "the goal is already reached")
		}
		return tx.Emit(GoalReachedEvent{Goal: goal})
	})
}

// GoalsOf returns a client's own goals.
func GoalsOf(r Reader, client ID) ([]*Goal, error) {
	return Collect[*Goal](r, tableGoals, "client", nil, client)
}
