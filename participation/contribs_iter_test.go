//go:build !(js && wasm)

package participation_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	p "github.com/osallisuus/osallisuus/participation"
)

// TestIteratorAfterOwnWrites: an iterator a command opens after it has
// changed the contributions reads them as they were when it was opened,
// whatever the command writes next — even where those writes land
// before the iterator's position in a node or among the fresh entries
// the command already owns and has room in.
func TestIteratorAfterOwnWrites(t *testing.T) {
	ctx := context.Background()
	s, err := p.Open(ctx, &p.Config{Journal: p.NewMemoryJournal()})
	require.NoError(t, err)
	defer s.Close()
	later := p.MustParseID("0190a000-0000-7000-8000-0000000000f0")
	earlier := p.MustParseID("0190a000-0000-7000-8000-0000000000e0") // sorts before later
	submit := func(tx *p.Tx, who p.ID, title string) (p.ID, error) {
		in := input(title)
		in.Origin, in.Contributors = p.OriginOrganisation, []p.ID{who}
		c, err := p.SubmitContribution(tx, in)
		if err != nil {
			return p.ID{}, err
		}
		return c.ID, nil
	}
	var want []p.ID
	require.NoError(t, s.Exec(ctx, staff, p.ActionSubmit, func(tx *p.Tx) error {
		for i := range 3 {
			id, err := submit(tx, later, fmt.Sprint("before ", i))
			if err != nil {
				return err
			}
			want = append(want, id)
		}
		return nil
	}))
	var got []p.ID
	require.NoError(t, s.Exec(ctx, staff, p.ActionSubmit, func(tx *p.Tx) error {
		for i := range 2 { // the command owns the table now, with room to spare
			id, err := submit(tx, later, fmt.Sprint("own ", i))
			if err != nil {
				return err
			}
			want = append(want, id)
		}
		it, err := tx.Get(p.TableContributions, "contributor", later)
		if err != nil {
			return err
		}
		for i := range 3 { // entries that sort before the iterator's
			if _, err := submit(tx, earlier, fmt.Sprint("after ", i)); err != nil {
				return err
			}
			if _, err := submit(tx, later, fmt.Sprint("after, later's ", i)); err != nil {
				return err
			}
		}
		for obj := it.Next(); obj != nil; obj = it.Next() {
			got = append(got, obj.(*p.Contribution).ID)
		}
		return nil
	}))
	require.Equal(t, want, got, "the iterator reads the rows of its person as they were when it was opened")
}
