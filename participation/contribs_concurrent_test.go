package participation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	p "github.com/osallisuus/osallisuus/participation"
)

// TestContributionsReadWhileWritten: readers hold views while writers
// submit and advance contributions in several units. What a view reads —
// FindContributions, ContributionsOf, FindOverdue, GetContribution — is
// the same when read again after later commits (no write reaches a state
// a view holds), a view is consistent in itself, and views only grow.
// Run with -race, it also checks that readers and writers share no
// memory they write. It runs with the indexes brought up to date as each
// command is run, and with them following each group on a goroutine of
// their own while the group is appended, as on a journal whose appends
// wait for an fsync.
func TestContributionsReadWhileWritten(t *testing.T) {
	t.Run("indexes at once", func(t *testing.T) { readWhileWritten(t, false) })
	t.Run("indexes in the background", func(t *testing.T) { readWhileWritten(t, true) })
}

func readWhileWritten(t *testing.T, background bool) {
	ctx := context.Background()
	s, err := p.Open(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if background {
		p.SettleInBackground(s)
	}
	units := []string{"a", "b", "c"}
	const writers, perWriter, readers = 2, 80, 3
	var wg sync.WaitGroup
	errs := make(chan error, writers+readers)
	done := make(chan struct{})
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				c, err := s.Submit(ctx, client, p.ContributionInput{
					Source: p.Source{Module: "direct", Kind: "idea"}, Level: p.LevelDialogue, Origin: p.OriginClient,
					Unit: units[(w+i)%len(units)], Title: fmt.Sprint("idea ", w, " ", i), Contributors: []p.ID{client.ID},
				})
				if err != nil {
					errs <- err
					return
				}
				switch i % 4 {
				case 1:
					_, err = s.Acknowledge(ctx, staff, c.ID, "")
				case 2:
					if _, err = s.Decide(ctx, manager, c.ID, p.Adopted, "ok"); err == nil {
						_, err = s.ReportBack(ctx, manager, c.ID, "done")
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	read := func(v *p.View) (string, int, error) {
		all, total, err := p.FindContributions(v, p.ContributionFilter{})
		if err != nil {
			return "", 0, err
		}
		mine, err := p.ContributionsOf(v, client.ID)
		if err != nil {
			return "", 0, err
		}
		if len(mine) != total || len(all) != total {
			return "", 0, fmt.Errorf("one view: %d found, total %d, %d of the client's", len(all), total, len(mine))
		}
		var perUnit int
		for _, u := range units {
			_, n, err := p.FindContributions(v, p.ContributionFilter{Unit: &u})
			if err != nil {
				return "", 0, err
			}
			perUnit += n
		}
		if perUnit != total {
			return "", 0, fmt.Errorf("one view: %d in all, %d by unit", total, perUnit)
		}
		for _, c := range all {
			got, err := p.GetContribution(v, c.ID)
			if err != nil {
				return "", 0, err
			}
			a, _ := json.Marshal(got)
			b, _ := json.Marshal(c)
			if !bytes.Equal(a, b) {
				return "", 0, fmt.Errorf("one view: %s by id %s, found %s", c.ID, a, b)
			}
		}
		overdue, err := p.FindOverdue(v, t0.AddDate(1, 0, 0))
		if err != nil {
			return "", 0, err
		}
		out, err := json.Marshal([]any{all, mine, overdue})
		return string(out), total, err
	}
	var rwg sync.WaitGroup
	for range readers {
		rwg.Add(1)
		go func() {
			defer rwg.Done()
			last := -1
			for {
				v := s.View()
				first, n, err := read(v)
				if err != nil {
					errs <- err
					return
				}
				if n < last {
					errs <- fmt.Errorf("a later view holds %d contributions, an earlier %d", n, last)
					return
				}
				last = n
				if err := s.Export(new(bytes.Buffer)); err != nil {
					errs <- err
					return
				}
				again, _, err := read(v)
				if err != nil {
					errs <- err
					return
				}
				if again != first {
					errs <- fmt.Errorf("a view read twice, with commits between, differs:\n%s\n%s", first, again)
					return
				}
				select {
				case <-done:
					return
				default:
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	rwg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if _, n, err := p.FindContributions(s.View(), p.ContributionFilter{}); err != nil || n != writers*perWriter {
		t.Errorf("%d contributions at the end (%v), %d written", n, err, writers*perWriter)
	}
}
