package merkle_test

import (
	"context"
	"crypto/rand"
	"fmt"

	p "github.com/osallisuus/osallisuus/participation"
	"github.com/osallisuus/osallisuus/participation/merkle"
)

// A county keeps a verifiable history of its journal, proves an event
// and a client verifies the proof with the county's public key alone; a
// later checkpoint is shown to extend the one the client kept.
func Example() {
	ctx := context.Background()
	private, public, _ := merkle.GenerateKey(rand.Reader, "county.example/osallisuus")
	signer, _ := merkle.NewSigner(private)
	store, _ := p.Open(ctx, &p.Config{History: merkle.New(signer)})
	defer store.Close()

	staff := p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-000000000001"), Role: p.RoleStaff}
	in := p.ContributionInput{Source: p.Source{Module: "intranet", Kind: "idea"}, Level: p.LevelDialogue,
		Origin: p.OriginOrganisation, Service: "aikuissosiaalityo", Title: "Iltavastaanotto"}
	c, _ := store.Submit(ctx, staff, in)

	// The county proves the event that received the contribution.
	proofs, _ := p.ProveEvents(store.View(), c.History[0].Seq)
	// The client checks it offline, and keeps the checkpoint.
	kept, err := merkle.VerifyProofs(proofs, public)
	fmt.Println("proof verifies:", err == nil, "- events in the checkpoint:", kept.Size)

	// Later: more history, a new checkpoint, and the proof that it
	// extends the one kept.
	for range 3 {
		store.Submit(ctx, staff, in)
	}
	signed, _ := store.Checkpoint()
	now, _ := merkle.OpenCheckpoint(signed, public)
	pr, _ := store.ProveConsistency(kept.Size, now.Size)
	fmt.Println("history kept:", merkle.VerifyConsistency(pr, kept, now) == nil, "- events now:", now.Size)
	// Output:
	// proof verifies: true - events in the checkpoint: 1
	// history kept: true - events now: 4
}
