//go:build !(js && wasm)

package participation_test

import (
	"context"
	"fmt"
	"time"

	"github.com/osallisuus/osallisuus/participation"
)

// A client leaves a contact preference in Swedish; the decision on her
// idea writes a message for her in the same command, and the
// integration drains it.
func ExampleOutbox() {
	ctx := context.Background()
	clock := participation.NewManualClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	store, err := participation.Open(ctx, &participation.Config{Clock: clock})
	if err != nil {
		panic(err)
	}
	defer store.Close()

	anna := participation.Actor{ID: participation.MustParseID("0190a000-0000-7000-8000-00000000000a"), Role: participation.RoleClient}
	lead := participation.Actor{ID: participation.MustParseID("0190a000-0000-7000-8000-00000000000b"), Role: participation.RoleManager}
	mailer := participation.Actor{ID: participation.MustParseID("0190a000-0000-7000-8000-00000000000c"), Role: participation.RoleSystem}

	err = store.SetContact(ctx, anna, participation.ContactInput{Channel: participation.ChannelEmail, Address: "anna@example.fi", Lang: participation.Swedish})
	if err != nil {
		panic(err)
	}
	idea, err := store.Submit(ctx, anna, participation.ContributionInput{
		Source: participation.Source{Module: "portal", Kind: "idea"}, Level: participation.LevelDevelopment, Scope: participation.ScopeServices,
		Origin: participation.OriginClient, Service: "aikuissosiaalityo", Title: "Kvällsmottagning en gång i veckan",
	})
	if err != nil {
		panic(err)
	}
	if _, err := store.Decide(ctx, lead, idea.ID, participation.PartlyAdopted, "Tisdagar, som försök"); err != nil {
		panic(err)
	}

	outbox, err := participation.NewOutbox(store, nil)
	if err != nil {
		panic(err)
	}
	due, err := outbox.Next(ctx, mailer, 10)
	if err != nil {
		panic(err)
	}
	for _, d := range due {
		fmt.Println(d.Channel, d.Address)
		fmt.Println(d.Title)
		fmt.Println(d.Body)
		// Send it, passing d.Key on to drop duplicates, then:
		if err := outbox.Ack(ctx, mailer, d.Message); err != nil {
			panic(err)
		}
	}
	again, _ := outbox.Next(ctx, mailer, 10)
	fmt.Println(len(again), "left")
	// Output:
	// email anna@example.fi
	// Beslut om ditt deltagande
	// Ditt förslag ”Kvällsmottagning en gång i veckan” har behandlats och ett beslut har fattats.
	//
	// Beslut: Genomförs delvis.
	// Motivering: Tisdagar, som försök
	// 0 left
}
