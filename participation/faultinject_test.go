//go:build !js

package participation_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/expert"
	"github.com/osallisuus/osallisuus/feedback"
	"github.com/osallisuus/osallisuus/internal/vfs/faultfs"
	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
)

// faultFullEnv asks TestFaultInjection for every combination of policy,
// error and persistence; without it, the test runs every operation index
// for each policy with one combination chosen per index in turn.
const faultFullEnv = "OSALLISUUS_FAULT_FULL"

// faultRun is what one run of the fault workload saw.
type faultRun struct {
	openErr   error
	acked     map[uint64]p.Hash // seq of each acknowledged command's last event → its hash
	durable   uint64            // the last acknowledged command known durable
	failed    int               // commands that failed
	experts   []p.ID            // acknowledged expert registrations
	erased    []p.ID            // subjects whose erasure was acknowledged
	afterStop int               // commands acknowledged after the journal stopped
	anon      int               // acknowledged anonymous commands, held until their hour ends
	anonTried int               // anonymous commands tried
	anonSafe  int               // acknowledged anonymous commands known durable
	end       time.Time         // the workload's clock when it ended
}

// faultWorkload runs a fixed script of commands from every module on a
// store whose journal and key directory use fsys. Clock and randomness
// are fixed, so every run makes the same operations in the same order
// until the fault.
func faultWorkload(dir string, fsys *faultfs.FS, policy p.SyncPolicy) (run faultRun) {
	ctx := context.Background()
	run = faultRun{acked: map[uint64]p.Hash{}}
	j, err := p.OpenFileFS(fsys, filepath.Join(dir, "journal.jsonl"), &p.FileOptions{Sync: policy, Interval: 1 << 40})
	if err != nil {
		run.openErr = err
		return run
	}
	keys, err := p.OpenDirKeyStoreFS(fsys, filepath.Join(dir, "keys"))
	if err != nil {
		j.Close()
		run.openErr = err
		return run
	}
	clock := p.NewManualClock(t0)
	s, err := p.Open(ctx, &p.Config{Journal: j, Keys: keys, Clock: clock, Rand: &rng{x: 7},
		Modules: []p.Module{panel.Module(), feedback.Module(&feedback.Config{ThemeThreshold: -1}), expert.Module(nil)}})
	if err != nil {
		j.Close()
		keys.Close()
		run.openErr = err
		return run
	}
	defer s.Close()
	panels, fb, experts := panel.New(s), feedback.New(s), expert.New(s)
	ids := p.NewIDGen(&rng{x: 99})
	newID := func() p.ID { id, _ := ids.New(t0); return id }

	defer func() { run.end = clock.Now() }()
	anon := func(f func() error) func() error {
		return func() error {
			run.anonTried++
			err := f()
			if err == nil {
				run.anon++
			}
			return err
		}
	}
	step := 0
	do := func(f func() error) {
		step++
		clock.Advance(time.Minute)
		stopped := j.Err() != nil
		err := f()
		if err == nil && stopped {
			run.afterStop++
		}
		if err == nil {
			seq, hash := s.Head()
			run.acked[seq] = hash
			if policy == p.SyncEveryCommit {
				run.durable = seq
				run.anonSafe = run.anon
			}
		} else {
			run.failed++
		}
		if policy != p.SyncEveryCommit && step%2 == 0 {
			if j.Sync() == nil {
				run.anonSafe = run.anon // the journal's sync syncs its inbox too
				// The last acknowledged command the sync covered.
				synced := j.Progress().Synced
				for seq := range run.acked {
					if seq <= synced {
						run.durable = max(run.durable, seq)
					}
				}
			}
		}
	}

	var panelID, deviceID, processID p.ID
	do(func() error {
		x, err := panels.Create(ctx, coordinator, panel.PanelInput{Name: "Vikaraati", Kind: panel.KindClientPanel, Unit: "u", Coordinator: coordinator.ID, AnsweringParty: "johto"})
		if err == nil {
			panelID = x.ID
		}
		return err
	})
	for i := 0; i < 3; i++ {
		do(func() error {
			_, err := panels.AddMember(ctx, coordinator, panel.MemberInput{Panel: panelID, Person: newID(), Type: panel.MemberClient, Service: "s", Name: fmt.Sprintf("Jäsen %d", i)})
			return err
		})
	}
	do(anon(func() error {
		_, err := fb.Submit(ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "s", Rating: feedback.Happy, Text: "Hyvä palvelu"})
		return err
	}))
	do(func() error {
		d, err := fb.RegisterDevice(ctx, coordinator, feedback.DeviceInput{Service: "s", Point: "aula"})
		if err == nil {
			deviceID = d.ID
		}
		return err
	})
	for i := 0; i < 2; i++ {
		do(anon(func() error {
			_, err := fb.Press(ctx, p.Actor{ID: deviceID, Role: p.RoleDevice}, deviceID, feedback.Press{Rating: feedback.Rating(1 + i), At: clock.Now()})
			return err
		}))
	}
	for i := 0; i < 2; i++ {
		person := newID()
		do(func() error {
			_, err := experts.Register(ctx, coordinator, expert.Registration{Person: person, Kind: expert.KindExpert, Languages: []string{"fi"},
				Profile: expert.Profile{Name: fmt.Sprintf("Asiantuntija %d", i), Backgrounds: []expert.Background{expert.ServiceUse}}, Consent: expert.Consent{Purpose: "testi"}})
			if err == nil {
				run.experts = append(run.experts, person)
			}
			return err
		})
	}
	do(func() error { _, err := s.WriteGoal(ctx, client, "Oma tavoite", "Teen oman osani"); return err })
	do(func() error {
		x, err := s.StartProcess(ctx, staff, p.ProcessInput{Title: "Vikakehittäminen", Level: p.LevelDevelopment, Scope: p.ScopeServices, Unit: "u"})
		if err == nil {
			processID = x.ID
		}
		return err
	})
	do(func() error {
		return s.JoinProcess(ctx, staff, processID, p.Participant{Person: client.ID, Role: p.ProcessDeveloperClient})
	})
	do(func() error { _, err := s.RaiseIdea(ctx, client, processID, "Idea"); return err })
	var cid p.ID
	do(func() error {
		c, err := s.Submit(ctx, client, input("Vikaidea"))
		if err == nil {
			cid = c.ID
		}
		return err
	})
	do(func() error { _, err := s.Acknowledge(ctx, staff, cid, ""); return err })
	do(func() error { _, err := s.Decide(ctx, manager, cid, p.Adopted, ""); return err })
	if len(run.experts) > 0 {
		subject := run.experts[0]
		do(func() error {
			err := s.EraseSubject(ctx, admin, subject, "suostumus peruttu")
			if err == nil {
				run.erased = append(run.erased, subject)
			}
			return err
		})
	}
	for i := 0; i < 3; i++ {
		do(func() error { _, err := s.Submit(ctx, client, input(fmt.Sprintf("Lopuksi %d", i))); return err })
	}
	return run
}

// TestFaultInjection fails each file operation of a workload from every
// module in turn — with EIO and ENOSPC, once and from then on — under
// each sync policy, and after each failure reopens the journal and the
// keys on the real file system and checks: it opens and its chain
// verifies; every acknowledged command is there, event for event (and
// under the gathering policies every command acknowledged up to the last
// completed sync); at most the one command that failed is there beyond
// them, whole; after the first unavailable refusal nothing more was
// acknowledged; acknowledged experts' sealed profiles open; acknowledged
// erasures hold.
func TestFaultInjection(t *testing.T) {
	full := os.Getenv(faultFullEnv) != ""
	type combo struct {
		errno      syscall.Errno
		persistent bool
	}
	combos := []combo{{syscall.EIO, false}, {syscall.ENOSPC, true}, {syscall.EIO, true}, {syscall.ENOSPC, false}}
	policies := []struct {
		name   string
		policy p.SyncPolicy
	}{{"SyncEveryCommit", p.SyncEveryCommit}, {"SyncInterval", p.SyncInterval}, {"SyncNever", p.SyncNever}}
	tried := 0
	for _, pol := range policies {
		t.Run(pol.name, func(t *testing.T) {
			clean := faultfs.New(0, false, nil)
			base := faultWorkload(t.TempDir(), clean, pol.policy)
			require.NoError(t, base.openErr)
			require.Zero(t, base.failed, "the workload runs clean without faults")
			total := clean.Ops()
			for n := 1; n <= total; n++ {
				cs := combos
				if !full {
					cs = combos[n%len(combos) : n%len(combos)+1]
				}
				for _, c := range cs {
					tried++
					dir := t.TempDir()
					fsys := faultfs.New(n, c.persistent, c.errno)
					run := faultWorkload(dir, fsys, pol.policy)
					checkAfterFault(t, fmt.Sprintf("%s op %d of %d (%v, persistent %v, failed %v)", pol.name, n, total, c.errno, c.persistent, fsys.Failed()), dir, pol.policy, run)
				}
			}
		})
	}
	t.Logf("%d runs, each failing one operation index (full combinations: %v)", tried, full)
}

func checkAfterFault(t *testing.T, what, dir string, policy p.SyncPolicy, run faultRun) {
	t.Helper()
	ctx := context.Background()
	j, err := p.OpenFile(filepath.Join(dir, "journal.jsonl"), nil)
	require.NoError(t, err, what)
	keys, err := p.OpenDirKeyStore(filepath.Join(dir, "keys"))
	require.NoError(t, err, what)
	// The clock where the workload stopped: the hour of its anonymous
	// commands is still open, so they are still held.
	clock := p.NewManualClock(run.end)
	if run.end.IsZero() {
		clock.Set(t0)
	}
	s, err := p.Open(ctx, &p.Config{Journal: j, Keys: keys, Clock: clock,
		Modules: []p.Module{panel.Module(), feedback.Module(&feedback.Config{ThemeThreshold: -1}), expert.Module(nil)}})
	require.NoError(t, err, "%s: the store must reopen", what)
	defer s.Close()
	head, err := s.Verify(ctx)
	require.NoError(t, err, what)
	if run.openErr != nil {
		return
	}
	// Every command acknowledged durable is there, event for event.
	var lastAcked uint64
	for seq := range run.acked {
		lastAcked = max(lastAcked, seq)
	}
	if run.durable > 0 {
		require.GreaterOrEqual(t, head.Seq, run.durable, "%s: acknowledged commands are missing", what)
		assert.Equal(t, run.acked[run.durable], eventAt(t, j, run.durable).Hash, "%s: a different history", what)
	}
	if policy == p.SyncEveryCommit {
		// Beyond the acknowledged commands, at most the failed one, whole
		// (Open refuses a journal that ends inside a command).
		ends := 0
		require.NoError(t, j.Read(ctx, lastAcked+1, func(e p.Event) error {
			if e.End {
				ends++
			}
			return nil
		}))
		assert.LessOrEqual(t, ends, 1, "%s: more than the failed command beyond the acknowledged ones", what)
	}
	assert.Zero(t, run.afterStop, "%s: commands acknowledged after the journal stopped", what)
	// Every anonymous command acknowledged durable — under SyncEveryCommit
	// every one acknowledged, under the gathering policies those before
	// the last good sync, which syncs the inbox with the journal — is held
	// (PRIV-1), and at most one more than were acknowledged, the one whose
	// write failed after it reached the file; once the hour is over they
	// are journalled and counted.
	held := s.Held()
	assert.GreaterOrEqual(t, held, run.anonSafe, "%s: acknowledged anonymous commands are missing from the inbox", what)
	assert.LessOrEqual(t, held, min(run.anon+1, run.anonTried), "%s: the inbox holds more than the acknowledged anonymous commands and the failed one", what)
	clock.Set(run.end.Truncate(time.Hour).Add(time.Hour))
	require.NoError(t, s.Release(ctx), what)
	assert.Zero(t, s.Held(), what)
	head, err = s.Verify(ctx)
	require.NoError(t, err, what)
	erased := map[p.ID]bool{}
	for _, id := range run.erased {
		erased[id] = true
		assert.True(t, s.Vault().Erased(id), "%s: an acknowledged erasure did not hold", what)
	}
	v := s.View()
	for _, id := range run.experts {
		x, err := expert.Get(v, id)
		if p.ErrorCode(err) == p.ENOTFOUND {
			// Acknowledged only under a gathering policy, after the last sync.
			assert.NotEqual(t, p.SyncEveryCommit, policy, "%s: an acknowledged expert is missing", what)
			continue
		}
		require.NoError(t, err, what)
		_, err = expert.OpenProfile(s.Vault(), x)
		if erased[id] || s.Vault().Erased(id) {
			assert.ErrorIs(t, err, p.ErrErased, what)
		} else {
			assert.NoError(t, err, "%s: an acknowledged expert's profile does not open", what)
		}
	}
}

func eventAt(t *testing.T, j p.Journal, seq uint64) p.Event {
	t.Helper()
	var out p.Event
	stop := errors.New("stop")
	err := j.Read(context.Background(), seq, func(e p.Event) error { out = e; return stop })
	require.ErrorIs(t, err, stop)
	return out
}
