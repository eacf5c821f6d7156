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
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	p "github.com/osallisuus/osallisuus/participation"
)

const crashEnv = "OSALLISUUS_CRASH_CHILD"

// TestCrashChild is the child of TestCrash: it commits in a loop to a file
// journal with sync on every commit and prints each commit it was told
// succeeded, until it is killed. It does nothing in a normal test run.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		return
	}
	ctx := context.Background()
	j, err := p.OpenFile(path, nil)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	s, err := p.Open(ctx, &p.Config{Journal: j})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	out := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
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

// TestCrash kills a committing child with SIGKILL at a random moment, 20
// times over one journal file, and checks after each kill that reopening
// finds every commit the child had been told succeeded, with at most the
// torn tail dropped.
func TestCrash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	ctx := context.Background()
	acked := map[p.ID]p.State{}
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
			if _, err := fmt.Sscanf(line, "ok %s %s", &id, &state); err != nil {
				t.Fatalf("child said %q", line)
			}
			acked[p.MustParseID(id)] = p.State(state)
			n++
			if n == killAfter {
				require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
			}
		}
		err = cmd.Wait()
		require.Error(t, err, "the child only ends by being killed")
		assert.True(t, strings.Contains(err.Error(), "killed"), "child ended with %v", err)
		total += n

		j, err := p.OpenFile(path, nil)
		require.NoError(t, err, "round %d", round)
		if j.Recovered().TornBytes > 0 {
			torn++
		}
		s, err := p.Open(ctx, &p.Config{Journal: j})
		require.NoError(t, err, "round %d", round)
		v := s.View()
		for id, state := range acked {
			c, err := p.GetContribution(v, id)
			require.NoError(t, err, "round %d: an acknowledged commit is missing", round)
			assert.True(t, c.Reached(state), "round %d: %s is %s, acknowledged as %s", round, id, c.State, state)
		}
		_, err = s.Verify(ctx)
		require.NoError(t, err)
		require.NoError(t, s.Close())
	}
	t.Logf("20 kills, %d acknowledged commits, all found; %d rounds cut a torn tail", total, torn)
}
