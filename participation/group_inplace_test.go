//go:build !(js && wasm)

package participation_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	p "github.com/osallisuus/osallisuus/participation"
)

// TestGroupChangesInPlace: a group's commands after the first change the
// contributions' table in place rather than copy it, and each keeps what
// it replaced. A command that fails or panics after its change leaves the
// table as the commands before it left it; an iterator a command opened
// before its first change does not see the table change under it; a
// reader's view from before the group never changes; and the state after
// the group is what the journal replays to.
func TestGroupChangesInPlace(t *testing.T) {
	ctx := context.Background()
	j := p.NewMemoryJournal()
	keys := p.NewMemoryKeyStore()
	s, err := p.Open(ctx, &p.Config{Journal: j, Keys: keys})
	require.NoError(t, err)
	defer s.Close()

	a, err := s.Submit(ctx, client, input("A"))
	require.NoError(t, err)
	before := s.View()
	refused := errors.New("refused after its change")
	submitThen := func(title string, after func() error) func() error {
		return func() error {
			return s.Exec(ctx, client, p.ActionSubmit, func(tx *p.Tx) error {
				in := input(title)
				in.Writer = client.ID
				if _, err := p.SubmitContribution(tx, in); err != nil {
					return err
				}
				return after()
			})
		}
	}
	acknowledgeThen := func(after func() error) func() error {
		return func() error {
			return s.Exec(ctx, staff, p.ActionAcknowledge, func(tx *p.Tx) error {
				if _, err := p.AdvanceContribution(tx, a.ID, p.StateAcknowledged, "", "otettu käsittelyyn"); err != nil {
					return err
				}
				return after()
			})
		}
	}
	ok := func() error { return nil }
	seen := -1
	commands := []struct {
		name string
		run  func() error
		fail bool
	}{
		{"B is submitted (the group's first command copies the table)", submitThen("B", ok), false},
		{"C is submitted, then the command fails", submitThen("C", func() error { return refused }), true},
		{"A is acknowledged, then the command fails", acknowledgeThen(func() error { return refused }), true},
		{"A is acknowledged", acknowledgeThen(ok), false},
		{"an iterator opened before D is submitted", func() error {
			return s.Exec(ctx, client, p.ActionSubmit, func(tx *p.Tx) error {
				it, err := tx.Get(p.TableContributions, "id")
				if err != nil {
					return err
				}
				in := input("D")
				in.Writer = client.ID
				if _, err := p.SubmitContribution(tx, in); err != nil {
					return err
				}
				seen = 0
				for it.Next() != nil {
					seen++
				}
				return nil
			})
		}, false},
		{"E is submitted, then the command panics", submitThen("E", func() error { panic("a defect after the change") }), true},
	}
	release := p.HoldWritePath(s)
	errs := make([]chan error, len(commands))
	for i, c := range commands {
		errs[i] = make(chan error, 1)
		go func() { errs[i] <- c.run() }()
		for p.Waiting(s) < i+1 {
			runtime.Gosched()
		}
	}
	release()
	for i, c := range commands {
		err := <-errs[i]
		if c.fail {
			assert.Error(t, err, c.name)
		} else {
			assert.NoError(t, err, c.name)
		}
	}
	assert.Equal(t, 2, seen, "the iterator sees the table as it was when opened (A and B), not D")
	assert.Equal(t, 4, p.InPlace(s), "every command after the first changed the table in place, but the one with the iterator")

	titles := func(r p.Reader) map[string]p.State {
		rows, err := p.Collect[*p.Contribution](r, p.TableContributions, "id", nil)
		require.NoError(t, err)
		out := map[string]p.State{}
		for _, c := range rows {
			out[c.Title] = c.State
		}
		return out
	}
	assert.Equal(t, map[string]p.State{"A": p.StateAcknowledged, "B": p.StateReceived, "D": p.StateReceived}, titles(s.View()),
		"what the failed commands changed is gone, what the others changed stays")
	assert.Equal(t, map[string]p.State{"A": p.StateReceived}, titles(before), "a view from before the group does not change")

	// The next group copies the table again: the view it published last
	// stays as it is.
	after := s.View()
	_, err = s.Submit(ctx, client, input("F"))
	require.NoError(t, err)
	assert.Len(t, titles(after), 3, "the view the group published does not change")
	assert.Len(t, titles(s.View()), 4)

	buf1, buf2 := &bytesBuffer{}, &bytesBuffer{}
	require.NoError(t, s.Export(buf1))
	s2, err := p.Open(ctx, &p.Config{Journal: j, Keys: keys})
	require.NoError(t, err)
	defer s2.Close()
	require.NoError(t, s2.Export(buf2))
	assert.Equal(t, string(buf1.b), string(buf2.b), "the state is what the journal replays to")
	head, err := s.Verify(ctx)
	require.NoError(t, err)
	assert.Equal(t, uint64(5), head.Seq, fmt.Sprintf("A, B, A acknowledged, D and F are journalled: %d events", head.Seq))
}
