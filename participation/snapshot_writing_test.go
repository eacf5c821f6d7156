//go:build !js

package participation_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/expert"
	"github.com/osallisuus/osallisuus/feedback"
	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
)

// openSnapStoreAt is openSnapStore with a clock.
func openSnapStoreAt(path string, snaps *p.SnapshotConfig, clock p.Clock) (*p.Store, error) {
	j, err := p.OpenFile(path, nil)
	if err != nil {
		return nil, err
	}
	keys, err := p.OpenDirKeyStore(path + ".keys")
	if err != nil {
		j.Close()
		return nil, err
	}
	s, err := p.Open(context.Background(), &p.Config{Journal: j, Keys: keys, Snapshots: snaps, Clock: clock,
		Modules: []p.Module{panel.Module(), feedback.Module(&feedback.Config{ThemeThreshold: -1}), expert.Module(nil)}})
	if err != nil {
		j.Close()
	}
	return s, err
}

// feedbackWriter gives every kind of feedback that changes the module's
// state — items with text and themes, a device's presses (with a repeat
// filtered) and a survey's answers — and releases them by ending their
// hour (PRIV-1), so that they are merged into the item store and its
// aggregates.
type feedbackWriter struct {
	t      *testing.T
	ctx    context.Context
	s      *p.Store
	fb     *feedback.Service
	clock  *p.ManualClock
	device p.ID
	survey p.ID
	n      int
}

func newFeedbackWriter(t *testing.T, s *p.Store, clock *p.ManualClock) *feedbackWriter {
	w := &feedbackWriter{t: t, ctx: context.Background(), s: s, fb: feedback.New(s), clock: clock}
	for _, th := range []string{"jonot", "kohtelu"} {
		require.NoError(t, w.fb.DefineTheme(w.ctx, coordinator, feedback.Theme{Code: th, Labels: p.Labels{Fi: th, Sv: th, En: th}}))
	}
	d, err := w.fb.RegisterDevice(w.ctx, coordinator, feedback.DeviceInput{Service: "neuvola", Point: "aula"})
	require.NoError(t, err)
	w.device = d.ID
	sv, err := w.fb.CreateSurvey(w.ctx, coordinator, feedback.SurveyInput{Title: feedback.Text{"fi": "Kysely"}, Service: "neuvola",
		Questions: []feedback.Question{
			{Key: "suositus", Type: feedback.NPS, Text: feedback.Text{"fi": "Suosittelisitko?"}},
			{Key: "terveiset", Type: feedback.FreeText, Text: feedback.Text{"fi": "Terveiset"}},
		},
		Closes: clock.Now().Add(300 * 24 * time.Hour)})
	require.NoError(t, err)
	w.survey = sv.ID
	return w
}

// round gives one of each kind of feedback and releases them.
func (w *feedbackWriter) round() {
	t := w.t
	w.n++
	_, err := w.fb.Submit(w.ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "palvelu",
		Themes: []string{"jonot", "kohtelu"}[:1+w.n%2], Rating: feedback.Rating(1 + w.n%4), Text: fmt.Sprintf("Jonotin %d tuntia", w.n)})
	require.NoError(t, err)
	_, err = w.fb.Submit(w.ctx, staff, feedback.Submission{Channel: feedback.InPerson, Service: "neuvola", Rating: feedback.Happy})
	require.NoError(t, err)
	dev := p.Actor{ID: w.device, Role: p.RoleDevice}
	for range 2 { // the second a repeat, filtered (FB-4)
		_, err = w.fb.Press(w.ctx, dev, w.device, feedback.Press{Rating: feedback.Rating(1 + w.n%4)})
		require.NoError(t, err)
	}
	v := w.n % 11
	require.NoError(t, w.fb.AnswerSurvey(w.ctx, p.Anonymous, w.survey, []feedback.Answer{{Question: "suositus", Value: &v},
		{Question: "terveiset", Text: fmt.Sprintf("Kiitos %d", w.n)}}))
	w.clock.Advance(time.Hour)
	require.NoError(t, w.s.Release(w.ctx))
}

// TestSnapshotWhileWriting: a snapshot never holds up writers — the write
// path is free while the modules' states are encoded — and is still
// exactly the state at its journal position. Commands that change every
// module's state (the kernel's aggregates, feedback's item store and
// aggregates, the experts' match index) run between the moment the
// snapshot takes its position and the end of its writing, from this
// goroutine and from a writer of its own; the store then reopened from
// the snapshot and the journal after it exports the same bytes as the
// store itself and as a replay of the whole journal.
func TestSnapshotWhileWriting(t *testing.T) {
	sd := filepath.Join(t.TempDir(), "snapshots")
	e := newWholeEnv(t)
	require.NoError(t, e.s.Close())
	// Early on a day to come, so that every round of feedback (an hour
	// each) falls on one local day, and shares its samples of excerpts.
	clock := p.NewManualClock(time.Now().UTC().Add(24 * time.Hour).Truncate(24 * time.Hour).Add(3 * time.Hour))
	reopen := func(snaps *p.SnapshotConfig) {
		s, err := openSnapStoreAt(e.path, snaps, clock)
		require.NoError(t, err)
		e.s, e.panels, e.experts = s, panel.New(s), expert.New(s)
	}
	reopen(p.SnapshotsIn(sd))
	fw := newFeedbackWriter(t, e.s, clock)
	for range 3 { // a day's sample of excerpts full
		fw.round()
	}
	// Contributions before the snapshot, so that the cells and sets of
	// people that commands change while it is written were there before.
	for i := range 3 {
		_, err := e.s.Submit(e.ctx, staff, input(fmt.Sprintf("Ennen %d", i)))
		require.NoError(t, err)
	}

	frozen, resume := make(chan bool), make(chan struct{})
	stop, werr := make(chan struct{}), make(chan error, 1)
	// Should the test fail half way, the snapshot and the writer are let
	// go all the same.
	var resumed, stopped sync.Once
	release := func() { resumed.Do(func() { close(resume) }) }
	halt := func() { stopped.Do(func() { close(stop) }) }
	defer release()
	defer halt()
	p.OnSnapshotEncode(e.s, func() {
		frozen <- p.WriteLockFree(e.s)
		<-resume
	})
	type saved struct {
		h   p.Head
		err error
	}
	done := make(chan saved, 1)
	go func() {
		h, err := e.s.SaveSnapshot(e.ctx)
		done <- saved{h, err}
	}()
	if !<-frozen {
		release()
		<-done
		t.Fatal("the write lock is held while the modules' states are encoded: writers wait for the whole snapshot")
	}
	// A writer of its own, committing until the snapshot is written.
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				werr <- nil
				return
			default:
			}
			// Each from someone new, whom the kernel numbers and adds to
			// the month's sets of people.
			in := input(fmt.Sprintf("Ehdotus %d", i))
			in.Contributors = []p.ID{p.MustParseID(fmt.Sprintf("0190a000-0000-7000-8000-%012d", 9000+i))}
			if _, err := e.s.Submit(e.ctx, staff, in); err != nil {
				werr <- err
				return
			}
		}
	}()
	// And from here, every command a client-side role may run and every
	// kind of feedback, all committed while the snapshot waits to encode.
	e.doEverything()
	// An assignment offered adds a date to the expert's entry in the
	// matching index.
	a, err := e.experts.RequestAssignment(e.ctx, staff, expert.Request{Type: expert.TrainingProfessionals, Unit: "aikuissosiaalityo",
		Date: clock.Now().Add(96 * time.Hour)})
	require.NoError(t, err)
	require.NoError(t, e.experts.Offer(e.ctx, coordinator, a.ID, e.me))
	for range 3 {
		fw.round()
	}
	release()
	got := <-done
	halt()
	require.NoError(t, <-werr)
	require.NoError(t, got.err)
	p.OnSnapshotEncode(e.s, nil)
	for range 2 {
		fw.round()
	}
	head, _ := e.s.Head()
	require.Greater(t, head, got.h.Seq+20, "commands were committed after the snapshot's position")
	live := export(t, e.s)
	require.NoError(t, e.s.Close())

	reopen(p.SnapshotsIn(sd))
	info := e.s.Opened()
	assert.Equal(t, got.h, info.Snapshot, "the snapshot written while commands went on is loaded")
	assert.Equal(t, head-got.h.Seq, info.Replayed, "and the journal after its position replayed")
	assert.Empty(t, info.Notes)
	fromSnapshot := export(t, e.s)
	require.NoError(t, e.s.Close())
	assert.Equal(t, live, fromSnapshot, "snapshot and tail rebuild the state the store had")
	assert.Equal(t, live, replayedExport(t, e.path), "a replay of the whole journal agrees")

	// The snapshot alone is the state at its position: the journal cut
	// there and opened from the snapshot (nothing to replay) exports what
	// a replay of the cut journal does. This also catches a command after
	// the position leaking into the snapshot whose replay over it would
	// change nothing (a person added to a set twice).
	cut := filepath.Join(t.TempDir(), "journal.jsonl")
	cutJournal(t, e.path, cut, got.h.Seq)
	s1, err := openSnapStoreAt(cut, p.SnapshotsIn(sd), clock)
	require.NoError(t, err)
	assert.Equal(t, got.h, s1.Opened().Snapshot)
	assert.Zero(t, s1.Opened().Replayed)
	atPosition := export(t, s1)
	require.NoError(t, s1.Close())
	assert.Equal(t, replayedExport(t, cut), atPosition, "the snapshot holds the state at its position, nothing later")

	for _, module := range []string{`"participation"`, `"feedback"`, `"expert"`} {
		assert.Contains(t, live, module, "the export holds the state of module %s", module)
	}
}

// cutJournal copies the first n events of the file journal at from (one
// a line) to to, with its keys.
func cutJournal(t *testing.T, from, to string, n uint64) {
	t.Helper()
	b, err := os.ReadFile(from)
	require.NoError(t, err)
	lines := bytes.SplitAfter(b, []byte("\n"))
	require.Greater(t, uint64(len(lines)), n)
	require.NoError(t, os.WriteFile(to, bytes.Join(lines[:n], nil), 0o600))
	require.NoError(t, os.CopyFS(to+".keys", os.DirFS(from+".keys")))
}
