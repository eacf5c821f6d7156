//go:build !js

package participation_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/expert"
	"github.com/osallisuus/osallisuus/feedback"
	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
)

const crashEnv = "OSALLISUUS_CRASH_CHILD"

// TestCrashChild is the child of TestCrash: it commits in a loop to a file
// journal with sync on every commit, with three more writers beside it so
// that commits share fsyncs in groups, and prints each commit it was told
// succeeded, until it is killed. It does nothing in a normal test run.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		return
	}
	ctx := context.Background()
	s, err := openCrashStore(path)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	fail := func(what string, err error) {
		fmt.Println(what+":", err)
		os.Exit(2)
	}
	panels, fb, experts := panel.New(s), feedback.New(s), expert.New(s)
	existing, err := p.Collect[*panel.Panel](s.View(), "panels", "id", nil)
	if err != nil {
		fail("panels", err)
	}
	var panelID p.ID
	if len(existing) > 0 {
		panelID = existing[0].ID
	} else {
		x, err := panels.Create(ctx, coordinator, panel.PanelInput{Name: "Kaatumisraati", Kind: panel.KindClientPanel, Unit: "u", Coordinator: coordinator.ID, AnsweringParty: "johto"})
		if err != nil {
			fail("panel", err)
		}
		panelID = x.ID
	}
	// A co-development process and a feedback device of this run.
	process, err := s.StartProcess(ctx, staff, p.ProcessInput{Title: "Kaatumiskehittäminen", Level: p.LevelDevelopment, Scope: p.ScopeServices, Unit: "u"})
	if err != nil {
		fail("process", err)
	}
	if err := s.JoinProcess(ctx, staff, process.ID, p.Participant{Person: client.ID, Role: p.ProcessDeveloperClient}); err != nil {
		fail("join", err)
	}
	device, err := fb.RegisterDevice(ctx, coordinator, feedback.DeviceInput{Service: "s", Point: "aula"})
	if err != nil {
		fail("device", err)
	}
	ids := p.NewIDGen(nil)
	out := &lineWriter{}
	fed := fb.Count()
	// Three more writers submit at the same time, so that commands are
	// committed in groups (see Store.Exec) when the kill comes.
	for w := 0; w < 3; w++ {
		go func() {
			for i := 0; ; i++ {
				c, err := s.Submit(ctx, client, input(fmt.Sprintf("writer %d: %d", w, i)))
				if err != nil {
					fail("concurrent submit", err)
				}
				fmt.Fprintf(out, "ok %s %s\n", c.ID, p.StateReceived)
			}
		}()
	}
	for i := 0; ; i++ {
		// Every module's commands, in turn.
		if _, err := fb.Submit(ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "s", Rating: feedback.Happy, Text: "soita 040 123 4567"}); err != nil {
			fail("feedback", err)
		}
		fed++
		fmt.Fprintf(out, "fb %d\n", fed)
		out.Flush()
		if i%5 == 0 {
			person, _ := ids.New(time.Now())
			m, err := panels.AddMember(ctx, coordinator, panel.MemberInput{Panel: panelID, Person: person, Type: panel.MemberClient, Service: "s", Name: "Jäsen"})
			if err != nil {
				fail("member", err)
			}
			fmt.Fprintf(out, "member %s\n", m.ID)
			out.Flush()
		}
		if i%2 == 0 {
			res, err := fb.Press(ctx, p.Actor{ID: device.ID, Role: p.RoleDevice}, device.ID, feedback.Press{Rating: feedback.Rating(1 + i%4)})
			if err != nil {
				fail("press", err)
			}
			fed += res.Counted // a quick repeat is filtered, not stored (FB-4)
			fmt.Fprintf(out, "fb %d\n", fed)
			out.Flush()
		}
		if i%4 == 0 {
			g, err := s.WriteGoal(ctx, client, fmt.Sprintf("Tavoite %d", i), "Teen oman osani")
			if err != nil {
				fail("goal", err)
			}
			fmt.Fprintf(out, "goal %s\n", g.ID)
			out.Flush()
		}
		if i%6 == 0 {
			idea, err := s.RaiseIdea(ctx, client, process.ID, fmt.Sprintf("Idea %d", i))
			if err != nil {
				fail("idea", err)
			}
			fmt.Fprintf(out, "ok %s %s\n", idea.ID, p.StateReceived)
			out.Flush()
		}
		if i%7 == 0 {
			person, _ := ids.New(time.Now())
			if _, err := experts.Register(ctx, coordinator, expert.Registration{Person: person, Kind: expert.KindExpert, Languages: []string{"fi"},
				Profile: expert.Profile{Name: "Asiantuntija", Backgrounds: []expert.Background{expert.ServiceUse}}, Consent: expert.Consent{Purpose: "testi"}}); err != nil {
				fail("expert", err)
			}
			fmt.Fprintf(out, "expert %s\n", person)
			out.Flush()
		}
		c, err := s.Submit(ctx, client, input(fmt.Sprintf("crash %d", i)))
		if err != nil {
			fmt.Println("submit:", err)
			os.Exit(2)
		}
		fmt.Fprintf(out, "ok %s %s\n", c.ID, p.StateReceived)
		out.Flush()
		if i%3 == 0 {
			// A command of four events, to be torn in the middle.
			if _, err := s.Decide(ctx, manager, c.ID, p.Adopted, ""); err != nil {
				fmt.Println("decide:", err)
				os.Exit(2)
			}
			fmt.Fprintf(out, "ok %s %s\n", c.ID, p.StateDecided)
			out.Flush()
		}
	}
}

// lineWriter writes each line to standard output in one write, safe for
// several goroutines; a line printed is a commit acknowledged.
type lineWriter struct{ mu sync.Mutex }

func (w *lineWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return os.Stdout.Write(b)
}

func (w *lineWriter) Flush() error { return nil }

// openCrashStore opens the crash test's store: a file journal with fsync
// on every commit and keys in a directory beside it, with every module.
func openCrashStore(path string) (*p.Store, error) {
	s, _, err := openCrashJournal(path, nil)
	return s, err
}

// openCrashStoreAt is openCrashStore with a clock.
func openCrashStoreAt(path string, clock p.Clock) (*p.Store, error) {
	s, _, err := openCrashJournal(path, clock)
	return s, err
}

// hoursLater is the machine's clock moved on by some hours: a store that
// opens with it finds the hour of every anonymous command held before
// over, and releases them (PRIV-1).
type hoursLater int

func (h hoursLater) Now() time.Time { return time.Now().Add(time.Duration(h) * time.Hour) }

// openCrashJournal is openCrashStore that also returns the file journal,
// to ask what it recovered.
func openCrashJournal(path string, clock p.Clock) (*p.Store, *p.FileJournal, error) {
	j, err := p.OpenFile(path, nil)
	if err != nil {
		return nil, nil, err
	}
	keys, err := p.OpenDirKeyStore(path + ".keys")
	if err != nil {
		return nil, nil, err
	}
	s, err := p.Open(context.Background(), &p.Config{Journal: j, Keys: keys, Clock: clock,
		Modules: []p.Module{panel.Module(), feedback.Module(&feedback.Config{ThemeThreshold: -1}), expert.Module(nil)}})
	return s, j, err
}

// TestCrash kills a committing child with SIGKILL at a random moment, 20
// times over one journal file, and checks after each kill that reopening
// finds every commit the child had been told succeeded, with at most the
// torn tail dropped.
func TestCrash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	ctx := context.Background()
	acked := map[p.ID]p.State{}
	members, experts, goals := map[p.ID]bool{}, map[p.ID]bool{}, map[p.ID]bool{}
	fed := 0
	total, torn := 0, 0
	for round := 0; round < 20; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnv+"="+path)
		stdout, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		killAfter := 5 + rand.IntN(150)
		sc := bufio.NewScanner(stdout)
		n := 0
		for sc.Scan() {
			line := sc.Text()
			var id, state string
			switch {
			case strings.HasPrefix(line, "fb "):
				fmt.Sscanf(line, "fb %d", &fed)
			case strings.HasPrefix(line, "member "):
				members[p.MustParseID(strings.TrimPrefix(line, "member "))] = true
			case strings.HasPrefix(line, "expert "):
				experts[p.MustParseID(strings.TrimPrefix(line, "expert "))] = true
			case strings.HasPrefix(line, "goal "):
				goals[p.MustParseID(strings.TrimPrefix(line, "goal "))] = true
			default:
				if _, err := fmt.Sscanf(line, "ok %s %s", &id, &state); err != nil {
					t.Fatalf("child said %q", line)
				}
				acked[p.MustParseID(id)] = p.State(state)
			}
			n++
			if n == killAfter {
				require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
			}
		}
		err = cmd.Wait()
		require.Error(t, err, "the child only ends by being killed")
		assert.True(t, strings.Contains(err.Error(), "killed"), "child ended with %v", err)
		total += n

		// Two hours on: the feedback the child held for the end of its
		// hour is released as the store opens.
		s, j, err := openCrashJournal(path, hoursLater(2))
		require.NoError(t, err, "round %d", round)
		if j.Recovered().TornBytes > 0 {
			torn++
		}
		v := s.View()
		assert.GreaterOrEqual(t, feedback.New(s).Count(), fed, "round %d: acknowledged feedback is missing", round)
		for id := range members {
			_, ok, err := p.Lookup[*panel.Member](v, "panel_members", "id", id)
			require.NoError(t, err)
			assert.True(t, ok, "round %d: an acknowledged member is missing", round)
		}
		for id := range experts {
			x, err := expert.Get(v, id)
			require.NoError(t, err, "round %d: an acknowledged expert is missing", round)
			_, err = expert.OpenProfile(s.Vault(), x)
			assert.NoError(t, err, "round %d: the expert's key survived the crash", round)
		}
		if len(goals) > 0 {
			mine, err := p.GoalsOf(v, client.ID)
			require.NoError(t, err)
			kept := map[p.ID]bool{}
			for _, g := range mine {
				kept[g.ID] = true
			}
			for id := range goals {
				assert.True(t, kept[id], "round %d: an acknowledged goal is missing", round)
			}
		}
		for id, state := range acked {
			c, err := p.GetContribution(v, id)
			require.NoError(t, err, "round %d: an acknowledged commit is missing", round)
			assert.True(t, c.Reached(state), "round %d: %s is %s, acknowledged as %s", round, id, c.State, state)
		}
		_, err = s.Verify(ctx)
		require.NoError(t, err)
		require.NoError(t, s.Close())
	}
	t.Logf("20 kills, %d acknowledged commits in every module (%d feedback items and presses, %d members, %d experts, %d goals), all found; %d rounds cut a torn tail", total, fed, len(members), len(experts), len(goals), torn)
}

const crashGatheredEnv = "OSALLISUUS_CRASH_GATHERED_CHILD"

// crashMaxGather is the gathering bound of TestCrashGathered's child: it
// writes only when this much waits (its interval is an hour), so what a
// kill can take is set by the bound alone.
const crashMaxGather = 64 << 10

// TestCrashGatheredChild is the child of TestCrashGathered: it submits
// contributions to a journal under SyncInterval and prints, for each one
// acknowledged, its id, its sequence number and how far the journal had
// written, until it is killed. It does nothing in a normal test run.
func TestCrashGatheredChild(t *testing.T) {
	path := os.Getenv(crashGatheredEnv)
	if path == "" {
		return
	}
	j, err := p.OpenFile(path, &p.FileOptions{Sync: p.SyncInterval, Interval: time.Hour, MaxGather: crashMaxGather})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	keys, err := p.OpenDirKeyStore(path + ".keys")
	if err != nil {
		fmt.Println("keys:", err)
		os.Exit(2)
	}
	s, err := p.Open(context.Background(), &p.Config{Journal: j, Keys: keys})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	out := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		c, err := s.Submit(context.Background(), client, input(fmt.Sprintf("gathered %d", i)))
		if err != nil {
			fmt.Println("submit:", err)
			os.Exit(2)
		}
		seq, _ := s.Head()
		fmt.Fprintf(out, "ok %s %d %d\n", c.ID, seq, j.Progress().Written)
		out.Flush()
	}
}

// TestCrashGathered kills a child that commits under SyncInterval, 10
// times over one journal, and checks the policy's loss bound after each
// kill: the journal reopens whole (no partial command, no hole); every
// command the journal had written when it reported so is there; and of
// the acknowledged commands, only those after the last write are lost —
// no more than fit in the gathering bound.
func TestCrashGathered(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	ctx := context.Background()
	// A contribution's event line is longer than this (two hashes alone
	// take 128 bytes), so the bound holds at most this many of them.
	const minLine = 256
	lostMost, ackedAll := 0, 0
	for round := 0; round < 10; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashGatheredChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashGatheredEnv+"="+path)
		stdout, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		killAfter := 200 + rand.IntN(800)
		type ack struct {
			id  p.ID
			seq uint64
		}
		var acks []ack
		var written uint64
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var id string
			var seq, w uint64
			if _, err := fmt.Sscanf(sc.Text(), "ok %s %d %d", &id, &seq, &w); err != nil {
				t.Fatalf("child said %q", sc.Text())
			}
			acks = append(acks, ack{p.MustParseID(id), seq})
			written = max(written, w)
			if len(acks) == killAfter {
				require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
			}
		}
		require.Error(t, cmd.Wait(), "the child only ends by being killed")

		j, err := p.OpenFile(path, nil)
		require.NoError(t, err, "round %d: the journal reopens after a kill", round)
		keys, err := p.OpenDirKeyStore(path + ".keys")
		require.NoError(t, err, "round %d", round)
		s, err := p.Open(ctx, &p.Config{Journal: j, Keys: keys})
		require.NoError(t, err, "round %d", round)
		head, err := s.Verify(ctx)
		require.NoError(t, err, "round %d", round)
		assert.GreaterOrEqual(t, head.Seq, written, "round %d: commands the journal had written are lost", round)
		lost := 0
		v := s.View()
		for _, a := range acks {
			_, err := p.GetContribution(v, a.id)
			if a.seq <= head.Seq {
				assert.NoError(t, err, "round %d: a hole: acknowledged command %d is missing below the head %d", round, a.seq, head.Seq)
			} else {
				assert.Equal(t, p.ENOTFOUND, p.ErrorCode(err), "round %d", round)
				lost++
			}
		}
		assert.LessOrEqual(t, lost, crashMaxGather/minLine, "round %d: more acknowledged commands lost than the bound holds", round)
		lostMost, ackedAll = max(lostMost, lost), ackedAll+len(acks)
		require.NoError(t, s.Close())
	}
	t.Logf("10 kills under SyncInterval, %d acknowledged commands; at most %d lost in one kill (bound: %d KiB, %d commands)", ackedAll, lostMost, crashMaxGather>>10, crashMaxGather/minLine)
}
