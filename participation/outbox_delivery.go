//go:build !(js && wasm)

package participation

import (
	"context"
	"sync"
	"time"
)

// The integration's side of the outbox: handing out due messages and
// recording what became of each. It runs on a server beside the store;
// the browser's module, which delivers nothing, leaves it out, with the
// events only it writes (outbox_delivery_js.go).

// deliveryEvents are the events of the integration's side of the outbox.
func deliveryEvents() []EventType {
	return []EventType{
		Handle(func(tx *Tx, m EventMeta, d MessageDeliveredEvent) error {
			return updateMessage(tx, d.Message, func(x *Message) error {
				x.State, x.DueAt, x.DeliveredAt = MessageDelivered, time.Time{}, m.Time
				return nil
			})
		}),
		Handle(func(tx *Tx, m EventMeta, d MessageFailed) error {
			return updateMessage(tx, d.Message, func(x *Message) error {
				reason, err := OpenText(tx.Vault(), d.Reason)
				if err != nil {
					return err
				}
				x.Attempts, x.LastError, x.DueAt = d.Attempt, reason, d.RetryAt
				return nil
			})
		}),
		Handle(func(tx *Tx, m EventMeta, d MessageDeadLettered) error {
			return updateMessage(tx, d.Message, func(x *Message) error {
				x.State, x.DueAt = MessageDead, time.Time{}
				return nil
			})
		}),
		Handle(func(tx *Tx, m EventMeta, d MessageRequeued) error {
			return updateMessage(tx, d.Message, func(x *Message) error {
				x.State, x.DueAt, x.Attempts, x.LastError = MessagePending, m.Time, 0, ""
				return nil
			})
		}),
	}
}

// Outbox is the integrator's side of the outbox (LOOP-1): [Outbox.Next]
// hands out due messages with their idempotency keys and leases them for
// a while, [Outbox.Ack] records a delivery and [Outbox.Fail] a failed
// attempt, retried with backoff counted from the store's clock and
// dead-lettered after MaxAttempts. Delivery is at least once: a message
// is handed out again until it is acknowledged — after its lease runs
// out, and after a restart, since leases live only in memory — so a
// channel that can should pass the key on to drop duplicates. Make one
// Outbox per store; it is safe for concurrent use.
type Outbox struct {
	s      *Store
	cfg    OutboxConfig
	mu     sync.Mutex
	leases map[ID]time.Time
}

// OutboxConfig configures an [Outbox]. A nil *OutboxConfig means every
// default.
type OutboxConfig struct {
	// MaxAttempts is how many failed attempts dead-letter a message;
	// zero means 8.
	MaxAttempts int
	// Backoff is the wait after the first failure, doubled after each
	// further one; zero means one minute.
	Backoff time.Duration
	// MaxBackoff caps the wait; zero means six hours.
	MaxBackoff time.Duration
	// Lease is how long a message handed out by Next is not handed out
	// again while it waits for Ack or Fail; zero means five minutes.
	Lease time.Duration
}

// NewOutbox returns the outbox of a store.
func NewOutbox(s *Store, cfg *OutboxConfig) (*Outbox, error) {
	c := OutboxConfig{}
	if cfg != nil {
		c = *cfg
	}
	if c.MaxAttempts < 0 || c.Backoff < 0 || c.MaxBackoff < 0 || c.Lease < 0 {
		return nil, Invalid("outbox", "attempts, backoff and lease must not be negative (zero means the default)")
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = 8
	}
	if c.Backoff == 0 {
		c.Backoff = time.Minute
	}
	if c.MaxBackoff == 0 {
		c.MaxBackoff = 6 * time.Hour
	}
	if c.Lease == 0 {
		c.Lease = 5 * time.Minute
	}
	return &Outbox{s: s, cfg: c, leases: map[ID]time.Time{}}, nil
}

// Delivery is a message handed out for delivery, with where to send it.
type Delivery struct {
	// Key is the idempotency key: the message's id, the same over every
	// attempt and restart.
	Key       string      `json:"key"`
	Message   ID          `json:"message"`
	Recipient ID          `json:"recipient"`
	Channel   Channel     `json:"channel"`
	Address   string      `json:"address"`
	Lang      Lang        `json:"lang"`
	Kind      MessageKind `json:"kind"`
	Ref       ID          `json:"ref"`
	Title     string      `json:"title"`
	Body      string      `json:"body"`
	// Attempt counts from 1.
	Attempt int `json:"attempt"`
}

// Next returns up to max messages that are due, oldest due first, and
// leases them (see [OutboxConfig].Lease). It writes nothing.
func (o *Outbox) Next(ctx context.Context, actor Actor, max int) ([]Delivery, error) {
	if err := o.s.policy.Authorize(actor, ActionOutboxNext); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if max < 1 || max > MaxOutboxBatch {
		return nil, Invalid("max", "is %d; take between 1 and %d messages at a time", max, MaxOutboxBatch)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.s.Now()
	for id, until := range o.leases {
		if !until.After(now) {
			delete(o.leases, id)
		}
	}
	v := o.s.View()
	it, err := v.Get(tableMessages, "due")
	if err != nil {
		return nil, Internal(err, "reading the outbox")
	}
	var out []Delivery
	for obj := it.Next(); obj != nil && len(out) < max; obj = it.Next() {
		m := obj.(*Message)
		if m.DueAt.After(now) {
			break
		}
		if _, leased := o.leases[m.ID]; leased {
			continue
		}
		c, ok, err := ContactOf(v, m.Recipient)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue // cannot be: clearing a contact drops its pending messages
		}
		o.leases[m.ID] = now.Add(o.cfg.Lease)
		out = append(out, Delivery{Key: m.ID.String(), Message: m.ID, Recipient: m.Recipient, Channel: c.Channel, Address: c.Address,
			Lang: m.Lang, Kind: m.Kind, Ref: m.Ref, Title: m.Title, Body: m.Body, Attempt: m.Attempts + 1})
	}
	return out, nil
}

// Ack records that a message was delivered; it is not handed out again.
// Acknowledging a delivered message again changes nothing.
func (o *Outbox) Ack(ctx context.Context, actor Actor, message ID) error {
	err := o.s.Exec(ctx, actor, ActionOutboxAck, func(tx *Tx) error {
		m, err := getMessage(tx, message)
		if err != nil {
			return err
		}
		switch m.State {
		case MessageDelivered:
			return nil
		case MessageDead:
			return Errorf(ECONFLICT, "message %s was dead-lettered after %d failed attempts", message, m.Attempts)
		}
		return tx.Emit(MessageDeliveredEvent{Message: message})
	})
	if err == nil {
		o.release(message)
	}
	return err
}

// Fail records a failed delivery attempt with its reason (which is
// sealed under the recipient's key, since it may quote the address). The
// message is due again after the backoff, counted from the store's
// clock, or is dead-lettered once it has failed MaxAttempts times.
func (o *Outbox) Fail(ctx context.Context, actor Actor, message ID, reason string) error {
	err := o.s.Exec(ctx, actor, ActionOutboxFail, func(tx *Tx) error {
		reason, err := CheckText("reason", reason, MaxFailReasonLen, false)
		if err != nil {
			return err
		}
		m, err := getMessage(tx, message)
		if err != nil {
			return err
		}
		if m.State != MessagePending {
			return Errorf(ECONFLICT, "message %s is %s; only a pending message can fail", message, m.State)
		}
		sealed, err := SealText(tx, m.Recipient, reason)
		if err != nil {
			return err
		}
		attempt := m.Attempts + 1
		if attempt >= o.cfg.MaxAttempts {
			if err := tx.Emit(MessageFailed{Message: message, Attempt: attempt, Reason: sealed}); err != nil {
				return err
			}
			return tx.Emit(MessageDeadLettered{Message: message, Attempts: attempt})
		}
		return tx.Emit(MessageFailed{Message: message, Attempt: attempt, Reason: sealed, RetryAt: tx.Now().Add(o.backoff(attempt))})
	})
	if err == nil {
		o.release(message)
	}
	return err
}

// Dead returns the dead letters, oldest first, for the integration to
// look into before it requeues them (see [Outbox.Requeue]). It writes
// nothing.
func (o *Outbox) Dead(ctx context.Context, actor Actor) ([]*Message, error) {
	if err := o.s.policy.Authorize(actor, ActionOutboxNext); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return DeadLetters(o.s.View())
}

// Requeue puts a dead letter back in the queue, once what made its
// deliveries fail is mended (a mail server, a wrong address the person
// has since corrected): it is due at once, its attempts count again from
// zero, and its idempotency key stays the same. Only a dead letter can
// be requeued, and only while its recipient still has a contact
// preference.
func (o *Outbox) Requeue(ctx context.Context, actor Actor, message ID) error {
	return o.s.Exec(ctx, actor, ActionOutboxRequeue, func(tx *Tx) error {
		m, err := getMessage(tx, message)
		if err != nil {
			return err
		}
		if m.State != MessageDead {
			return Errorf(ECONFLICT, "message %s is %s; only a dead letter can be requeued", message, m.State)
		}
		if _, ok, err := ContactOf(tx, m.Recipient); err != nil {
			return err
		} else if !ok {
			return Errorf(ECONFLICT, "the recipient of message %s has no contact preference any more; it cannot be delivered", message)
		}
		return tx.Emit(MessageRequeued{Message: message})
	})
}

// backoff is the wait after the attempt-th failure.
func (o *Outbox) backoff(attempt int) time.Duration {
	d := o.cfg.Backoff
	for i := 1; i < attempt && d < o.cfg.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, o.cfg.MaxBackoff)
}

func (o *Outbox) release(message ID) {
	o.mu.Lock()
	delete(o.leases, message)
	o.mu.Unlock()
}
