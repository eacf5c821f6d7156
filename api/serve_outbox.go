//go:build !(js && wasm)

package api

import (
	"sync"
	"time"

	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
)

// Closing the loop out loud over an edge (LOOP-1, LOOP-3): the outbox an
// integrator's mailer drains, the signed checkpoints and consistency
// proofs, and the public accountability data. Left out of the browser's
// module, like the rest of the service side, with inbox: the page reads
// a person's messages with their contact preference (contact.go, served
// by both).

// outboxes keeps one outbox a store: its leases live in memory, so every
// call of an App must reach the same one.
var outboxes sync.Map // *p.Store → *p.Outbox

func (a *App) outbox() (*p.Outbox, error) {
	if o, ok := outboxes.Load(a.store); ok {
		return o.(*p.Outbox), nil
	}
	o, err := p.NewOutbox(a.store, nil)
	if err != nil {
		return nil, err
	}
	got, _ := outboxes.LoadOrStore(a.store, o)
	return got.(*p.Outbox), nil
}

func init() {
	// inbox is the named caller's own messages, oldest first (the page
	// reads them with its contact preference: method contact).
	method("inbox", func(a *App, _ none) ([]*p.Message, error) {
		v, err := a.inbox()
		if err != nil {
			return nil, err
		}
		return v.Messages, nil
	})
	// The mailer's side: due messages with their idempotency keys, and
	// what became of each.
	method("outbox.next", func(a *App, in struct{ Max int }) ([]p.Delivery, error) {
		o, err := a.outbox()
		if err != nil {
			return nil, err
		}
		ds, err := o.Next(a.ctx(), a.actor(p.ActionOutboxNext), in.Max)
		if ds == nil {
			ds = []p.Delivery{}
		}
		return ds, err
	})
	method("outbox.ack", func(a *App, in struct{ Message p.ID }) (Null, error) {
		o, err := a.outbox()
		if err != nil {
			return Null{}, err
		}
		return Null{}, o.Ack(a.ctx(), a.actor(p.ActionOutboxAck), in.Message)
	})
	method("outbox.fail", func(a *App, in struct {
		Message p.ID
		Reason  string
	}) (Null, error) {
		o, err := a.outbox()
		if err != nil {
			return Null{}, err
		}
		return Null{}, o.Fail(a.ctx(), a.actor(p.ActionOutboxFail), in.Message, in.Reason)
	})
	// outbox.dead lists the dead letters, and outbox.requeue puts one back
	// in the queue once the cause of its failures is mended.
	method("outbox.dead", func(a *App, _ none) ([]*p.Message, error) {
		o, err := a.outbox()
		if err != nil {
			return nil, err
		}
		ms, err := o.Dead(a.ctx(), a.actor(p.ActionOutboxNext))
		if ms == nil {
			ms = []*p.Message{}
		}
		return ms, err
	})
	method("outbox.requeue", func(a *App, in struct{ Message p.ID }) (Null, error) {
		o, err := a.outbox()
		if err != nil {
			return Null{}, err
		}
		return Null{}, o.Requeue(a.ctx(), a.actor(p.ActionOutboxRequeue), in.Message)
	})
	// checkpoint is the county's latest signed checkpoint of its journal
	// (LOOP-2), and consistency proves that the journal at the larger size
	// extends the one at the smaller: anyone keeping old checkpoints can
	// check that nothing was removed or rewritten. Both carry hashes only.
	method("checkpoint", func(a *App, _ none) (checkpointView, error) {
		note, err := a.store.Checkpoint()
		if err != nil {
			return checkpointView{}, err
		}
		return checkpointView{Checkpoint: note}, nil
	})
	method("consistency", func(a *App, in struct{ From, To uint64 }) (p.ConsistencyProof, error) {
		return a.store.ProveConsistency(in.From, in.To)
	})
	// accountability is the public accountability data of a period,
	// suppressed like the social report: open data, no sign-in.
	method("accountability", func(a *App, in struct{ From, To time.Time }) (*feedback.Accountability, error) {
		return a.fb.Accountability(feedback.AccountabilityQuery{From: in.From, To: in.To})
	})
}

// checkpointView is the county's latest signed checkpoint of its
// journal, as a signed note.
type checkpointView struct {
	Checkpoint string `json:"checkpoint"`
}
