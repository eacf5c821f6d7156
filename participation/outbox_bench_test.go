//go:build !js

package participation_test

import (
	"context"
	"testing"

	p "github.com/osallisuus/osallisuus/participation"
)

// BenchmarkAcknowledgeWithMessages measures what the outbox adds to a
// command: acknowledging a contribution of three people, with no contact
// preference among them (no message) and with one each (three messages
// written, sealed and journalled in the same command). Compare the two
// in the same run.
func BenchmarkAcknowledgeWithMessages(b *testing.B) {
	for _, tc := range []struct {
		name     string
		contacts bool
	}{{"no_contacts", false}, {"three_contacts", true}} {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			s, err := p.Open(ctx, &p.Config{Clock: p.NewManualClock(t0)})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			people := []p.ID{outboxPerson(70), outboxPerson(71), outboxPerson(72)}
			if tc.contacts {
				for _, person := range people {
					if err := s.SetContact(ctx, p.Actor{ID: person, Role: p.RoleClient}, p.ContactInput{Channel: p.ChannelEmail, Address: "x@example.fi", Lang: p.Finnish}); err != nil {
						b.Fatal(err)
					}
				}
			}
			in := input("Iltavastaanotto")
			in.Contributors = people
			ids := make([]p.ID, b.N)
			for i := range ids {
				c, err := s.Submit(ctx, staff, in)
				if err != nil {
					b.Fatal(err)
				}
				ids[i] = c.ID
			}
			b.ReportAllocs()
			b.ResetTimer()
			for _, id := range ids {
				if _, err := s.Acknowledge(ctx, staff, id, "Kirjattu"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
