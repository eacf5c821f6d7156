package panel_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
)

// benchStore makes a store with the given number of panels of 30 members
// each and returns the last panel.
func benchStore(b *testing.B, panels int) (*p.Store, *panel.Panels, *panel.Panel) {
	ctx := context.Background()
	s, err := p.Open(ctx, &p.Config{Modules: []p.Module{panel.Module()}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	ps := panel.New(s)
	var x *panel.Panel
	n := 0
	for k := 0; k < panels; k++ {
		x, err = ps.Create(ctx, coordinator, panel.PanelInput{Name: fmt.Sprintf("Raati %d", k), Kind: panel.KindClientPanel,
			Unit: "u", Coordinator: coordinator.ID, AnsweringParty: "johto"})
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < 30; i++ {
			if _, err := ps.AddMember(ctx, coordinator, panel.MemberInput{Panel: x.ID, Person: person(n).ID, Type: panel.MemberClient,
				Service: []string{"a", "b", "c"}[i%3], Name: "Jäsen"}); err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	return s, ps, x
}

// BenchmarkCompositionCheck: the composition check on a panel of 30
// members, among 1 or 300 panels: it reads one panel's memberships
// through the panel index, so the figure must not grow with the others.
//
//	go test -run '^$' -bench . -benchmem ./panel/
func BenchmarkCompositionCheck(b *testing.B) {
	for _, panels := range []int{1, 300} {
		b.Run(fmt.Sprintf("panels=%d", panels), func(b *testing.B) {
			s, _, x := benchStore(b, panels)
			now := time.Now()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				st, err := panel.GetStatus(s.View(), x.ID, now)
				if err != nil || st.Composition.Members != 30 {
					b.Fatal(err, st.Composition.Members)
				}
			}
		})
	}
}

// BenchmarkAddMember: adding a member to a panel of about 30, among 300
// panels: the command, the sealing of the name, the composition re-check
// and the journal. Each iteration adds to the next panel in turn, so no
// panel grows much past 30.
func BenchmarkAddMember(b *testing.B) {
	ctx := context.Background()
	s, ps, _ := benchStore(b, 300)
	var ids []p.ID
	it, _ := s.View().Get("panels", "id")
	for obj := it.Next(); obj != nil; obj = it.Next() {
		ids = append(ids, obj.(*panel.Panel).ID)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ps.AddMember(ctx, coordinator, panel.MemberInput{Panel: ids[i%len(ids)], Person: person(100000 + i).ID,
			Type: panel.MemberClient, Service: "d", Name: "Uusi"}); err != nil {
			b.Fatal(err)
		}
	}
}
