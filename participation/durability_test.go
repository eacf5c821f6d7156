//go:build !js

package participation_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/expert"
	"github.com/osallisuus/osallisuus/internal/vfs/faultfs"
	p "github.com/osallisuus/osallisuus/participation"
	"github.com/osallisuus/osallisuus/participation/journaltest"
)

// gathered are the sync policies that gather commits in memory.
var gathered = map[string]p.SyncPolicy{"SyncInterval": p.SyncInterval, "SyncNever": p.SyncNever}

// TestGatheredIdleThenBurst alternates idle flushes with bursts of
// appends that race a flush, many rounds, for both gathering policies. A
// flush that found nothing to write once kept the live gathering buffer
// as its spare and handed it back while the next flush wrote it, so
// appends overwrote bytes being written: the journal no longer reopened
// ("found sequence 814 where 799 belongs"), and -race reported the race.
func TestGatheredIdleThenBurst(t *testing.T) {
	const rounds, perBurst = 200, 12
	for name, policy := range gathered {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "journal.jsonl")
			j, err := p.OpenFile(path, &p.FileOptions{Sync: policy, Interval: 1 << 40})
			require.NoError(t, err)
			evs := journaltest.Chain(rounds*perBurst, 2)
			next := 0
			for round := 0; round < rounds; round++ {
				require.NoError(t, j.Sync()) // an idle flush: nothing waits
				var wg sync.WaitGroup
				wg.Add(1)
				go func() { // a flush racing the burst
					defer wg.Done()
					for k := 0; k < 3; k++ {
						assert.NoError(t, j.Sync())
					}
				}()
				for k := 0; k < perBurst/2; k++ {
					require.NoError(t, j.Append(ctx, evs[next:next+2]))
					next += 2
				}
				wg.Wait()
			}
			require.NoError(t, j.Close())
			j, err = p.OpenFile(path, nil)
			require.NoError(t, err)
			defer j.Close()
			head, err := p.Verify(ctx, j)
			require.NoError(t, err, "the journal must reopen whole after idle flushes and bursts")
			assert.Equal(t, uint64(len(evs)), head.Seq)
			assert.Equal(t, evs[len(evs)-1].Hash, head.Hash)
		})
	}
}

const holderEnv = "OSALLISUUS_HOLDER_CHILD"

// TestJournalHolderChild is the other process of TestOneWriterPerJournal:
// it opens the journal and the key directory, says so, and holds them
// until its input closes. It does nothing in a normal test run.
func TestJournalHolderChild(t *testing.T) {
	path := os.Getenv(holderEnv)
	if path == "" {
		return
	}
	j, err := p.OpenFile(path, nil)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	keys, err := p.OpenDirKeyStore(path + ".keys")
	if err != nil {
		fmt.Println("keys:", err)
		os.Exit(2)
	}
	fmt.Println("holding")
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	_ = keys.Close()
	_ = j.Close()
}

// TestOneWriterPerJournal: a journal file and a key directory are held by
// one opener at a time, in this process or another; the second gets
// EUNAVAILABLE saying the journal is in use. Two stores on one file both
// acknowledged commits before, and a reopen found half of them.
func TestOneWriterPerJournal(t *testing.T) {
	t.Run("SameProcess", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "journal.jsonl")
		j, err := p.OpenFile(path, nil)
		require.NoError(t, err)
		_, err = p.OpenFile(path, nil)
		assert.Equal(t, p.EUNAVAILABLE, p.ErrorCode(err), "%v", err)
		assert.Contains(t, p.ErrorMessage(err), "in use")
		keys, err := p.OpenDirKeyStore(path + ".keys")
		require.NoError(t, err)
		_, err = p.OpenDirKeyStore(path + ".keys")
		assert.Equal(t, p.EUNAVAILABLE, p.ErrorCode(err), "%v", err)

		// A store closes both, and then they open again.
		s, err := p.Open(context.Background(), &p.Config{Journal: j, Keys: keys})
		require.NoError(t, err)
		require.NoError(t, s.Close())
		j2, err := p.OpenFile(path, nil)
		require.NoError(t, err)
		require.NoError(t, j2.Close())
		k2, err := p.OpenDirKeyStore(path + ".keys")
		require.NoError(t, err)
		require.NoError(t, k2.Close())
	})
	t.Run("TwoProcesses", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "journal.jsonl")
		cmd := exec.Command(os.Args[0], "-test.run=^TestJournalHolderChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), holderEnv+"="+path)
		stdin, err := cmd.StdinPipe()
		require.NoError(t, err)
		stdout, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		line, err := bufio.NewReader(stdout).ReadString('\n')
		require.NoError(t, err)
		require.Equal(t, "holding\n", line)

		_, err = p.OpenFile(path, nil)
		assert.Equal(t, p.EUNAVAILABLE, p.ErrorCode(err), "%v", err)
		assert.Contains(t, p.ErrorMessage(err), "in use")
		_, err = p.OpenDirKeyStore(path + ".keys")
		assert.Equal(t, p.EUNAVAILABLE, p.ErrorCode(err), "%v", err)

		require.NoError(t, stdin.Close()) // the other process lets go
		require.NoError(t, cmd.Wait())
		j, err := p.OpenFile(path, nil)
		require.NoError(t, err, "the journal opens once the other process closed it")
		require.NoError(t, j.Close())
	})
}

// TestGatheredFullDisk: a gathering journal on a disk that refuses its
// writes never acknowledges more than MaxGather bytes past what it wrote,
// refuses every append after the failure, and, when the space comes back,
// writes what it kept. Before, all 6,000 commits on a full 2 MiB disk
// were acknowledged and two thirds of them lost.
func TestGatheredFullDisk(t *testing.T) {
	const maxGather = 16 << 10
	ctx := context.Background()
	for name, policy := range gathered {
		t.Run(name+"/Persistent", func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "journal.jsonl")
			fsys := faultfs.New(0, false, nil)
			fsys.Only = "write"
			j, err := p.OpenFileFS(fsys, path, &p.FileOptions{Sync: policy, Interval: 1 << 40, MaxGather: maxGather})
			require.NoError(t, err)
			fsys.Arm(1, true, syscall.ENOSPC)
			evs := journaltest.Chain(4000, 1)
			acked := 0
			for ; acked < len(evs); acked++ {
				if err = j.Append(ctx, evs[acked:acked+1]); err != nil {
					break
				}
			}
			require.Error(t, err, "a full disk must stop the appends")
			assert.Equal(t, p.EUNAVAILABLE, p.ErrorCode(err), "%v", err)
			assert.Contains(t, err.Error(), "no space left")
			prog := j.Progress()
			unwritten := 0
			for _, e := range evs[prog.Written:acked] {
				unwritten += len(e.AppendJSON(nil)) + 1
			}
			assert.LessOrEqual(t, unwritten, maxGather, "acknowledged beyond the bound")
			for k := 0; k < 3; k++ {
				err := j.Append(ctx, evs[acked:acked+1])
				assert.Equal(t, p.EUNAVAILABLE, p.ErrorCode(err), "after a failure every append is refused: %v", err)
			}
			assert.Error(t, j.Close(), "Close reports that acknowledged commands did not reach the disk")
			j, err = p.OpenFile(path, nil)
			require.NoError(t, err)
			defer j.Close()
			head, err := p.Verify(ctx, j)
			require.NoError(t, err)
			assert.Equal(t, prog.Written, head.Seq, "what was written survives, whole")
		})
		t.Run(name+"/SpaceComesBack", func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "journal.jsonl")
			fsys := faultfs.New(0, false, nil)
			fsys.Only = "write"
			// A bound the appends never reach, so that only Sync writes.
			j, err := p.OpenFileFS(fsys, path, &p.FileOptions{Sync: policy, Interval: 1 << 40, MaxGather: 64 << 20})
			require.NoError(t, err)
			evs := journaltest.Chain(300, 3)
			for i := 0; i < 150; i += 3 {
				require.NoError(t, j.Append(ctx, evs[i:i+3]))
			}
			fsys.Arm(1, false, syscall.ENOSPC) // one write, half done
			err = j.Sync()
			assert.Equal(t, p.EUNAVAILABLE, p.ErrorCode(err), "%v", err)
			err = j.Append(ctx, evs[150:153])
			assert.Equal(t, p.EUNAVAILABLE, p.ErrorCode(err), "the journal stops at the first failure: %v", err)
			require.NoError(t, j.Close(), "Close writes the rest once the disk takes it")
			j, err = p.OpenFile(path, nil)
			require.NoError(t, err)
			defer j.Close()
			head, err := p.Verify(ctx, j)
			require.NoError(t, err)
			assert.Equal(t, uint64(150), head.Seq, "every acknowledged command is there")
		})
	}
}

// TestFailStop: after a failed fsync and a failed truncate, the journal
// refuses every later append until it is reopened, and the reopened
// journal holds exactly the acknowledged commands. Before, the next
// append overwrote the failed bytes and the journal no longer opened
// ("corrupt … sequence 6").
func TestFailStop(t *testing.T) {
	ctx := context.Background()
	for _, errno := range []syscall.Errno{syscall.EIO, syscall.ENOSPC} {
		t.Run(errno.Error(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "journal.jsonl")
			fsys := faultfs.New(0, false, nil)
			j, err := p.OpenFileFS(fsys, path, nil)
			require.NoError(t, err)
			evs := journaltest.Chain(20, 2)
			for i := 0; i < 10; i += 2 {
				require.NoError(t, j.Append(ctx, evs[i:i+2]))
			}
			fsys.Arm(2, true, errno) // the write passes; its sync and all after fail
			err = j.Append(ctx, evs[10:12])
			assert.Equal(t, p.EUNAVAILABLE, p.ErrorCode(err), "%v", err)
			assert.Contains(t, err.Error(), "syncing")
			for i := 10; i < 20; i += 2 {
				err := j.Append(ctx, evs[i:i+2])
				assert.Equal(t, p.EUNAVAILABLE, p.ErrorCode(err), "append %d after the failure: %v", i, err)
			}
			assert.Error(t, j.Err())
			_ = j.Close()
			j, err = p.OpenFile(path, nil)
			require.NoError(t, err)
			defer j.Close()
			head, err := p.Verify(ctx, j)
			require.NoError(t, err)
			assert.Equal(t, uint64(10), head.Seq, "exactly the acknowledged commands")
		})
	}
}

// TestErasureThatCannotRemoveTheKey: when the key store cannot remove a
// key file, EraseSubject reports it, and still the key no longer opens
// anything; the next open removes the file. Before, it returned nil while
// the key survived in memory and on disk. A key file deleted without a
// recorded erasure is damage, not an erasure.
func TestErasureThatCannotRemoveTheKey(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path, keyDir := filepath.Join(dir, "journal.jsonl"), filepath.Join(dir, "keys")
	open := func(fsys *faultfs.FS) (*p.Store, error) {
		j, err := p.OpenFile(path, nil)
		if err != nil {
			return nil, err
		}
		var keys *p.DirKeyStore
		if fsys != nil {
			keys, err = p.OpenDirKeyStoreFS(fsys, keyDir)
		} else {
			keys, err = p.OpenDirKeyStore(keyDir)
		}
		if err != nil {
			j.Close()
			return nil, err
		}
		s, err := p.Open(ctx, &p.Config{Journal: j, Keys: keys, Modules: []p.Module{expert.Module(nil)}})
		if err != nil {
			j.Close()
			keys.Close()
		}
		return s, err
	}
	register := func(s *p.Store) p.ID {
		person, err := p.NewIDGen(nil).New(s.Now())
		require.NoError(t, err)
		_, err = expert.New(s).Register(ctx, coordinator, expert.Registration{Person: person, Kind: expert.KindExpert, Languages: []string{"fi"},
			Profile: expert.Profile{Name: "Aino Asiantuntija", Backgrounds: []expert.Background{expert.ServiceUse}}, Consent: expert.Consent{Purpose: "testi"}})
		require.NoError(t, err)
		return person
	}

	fsys := faultfs.New(1, true, syscall.EACCES)
	fsys.Only = "remove"
	s, err := open(fsys)
	require.NoError(t, err)
	person := register(s)
	err = s.EraseSubject(ctx, admin, person, "suostumus peruttu")
	assert.Equal(t, p.EUNAVAILABLE, p.ErrorCode(err), "an erasure whose key survives is not reported done: %v", err)
	assert.True(t, s.Vault().Erased(person), "the key no longer opens anything")
	x, err := expert.Get(s.View(), person)
	require.NoError(t, err)
	_, err = expert.OpenProfile(s.Vault(), x)
	assert.ErrorIs(t, err, p.ErrErased)
	require.NoError(t, s.Close())
	_, err = os.Stat(filepath.Join(keyDir, person.String()))
	require.NoError(t, err, "the key file is still there: removing it failed")

	// The next open carries the recorded erasure out.
	s, err = open(nil)
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(keyDir, person.String()))
	assert.True(t, os.IsNotExist(err), "opening removes the key file of a recorded erasure")
	x, err = expert.Get(s.View(), person)
	require.NoError(t, err)
	_, err = expert.OpenProfile(s.Vault(), x)
	assert.ErrorIs(t, err, p.ErrErased)

	// A key file lost without an erasure in the journal is damage.
	other := register(s)
	require.NoError(t, s.Close())
	require.NoError(t, os.Remove(filepath.Join(keyDir, other.String())))
	s, err = open(nil)
	if err == nil {
		defer s.Close()
		x, err = expert.Get(s.View(), other)
		require.NoError(t, err)
		_, err = expert.OpenProfile(s.Vault(), x)
	}
	assert.Equal(t, p.ECORRUPT, p.ErrorCode(err), "a missing key without a recorded erasure: %v", err)
}

// TestExportWhileCommanding: Export reads module state while commands
// change it. It encoded the loop's day histograms after letting go of
// the write lock; -race reported it.
func TestExportWhileCommanding(t *testing.T) {
	s, clock := MustOpen(t, nil, nil)
	ctx := context.Background()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 60; i++ {
			c, err := s.Submit(ctx, client, input(fmt.Sprintf("idea %d", i)))
			if !assert.NoError(t, err) {
				return
			}
			clock.Advance(36 * 3600 * 1e9)
			_, err = s.Acknowledge(ctx, staff, c.ID, "")
			assert.NoError(t, err)
			_, err = s.Decide(ctx, manager, c.ID, p.Adopted, "")
			assert.NoError(t, err)
			clock.Advance(50 * 3600 * 1e9)
			_, err = s.ReportBack(ctx, staff, c.ID, "Toteutetaan keväällä.")
			assert.NoError(t, err)
		}
	}()
	for exporting := true; exporting; {
		select {
		case <-done:
			exporting = false
		default:
		}
		var b bytes.Buffer
		require.NoError(t, s.Export(&b))
	}
}
