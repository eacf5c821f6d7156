// Command receipt shows what a feedback receipt proves (LOOP-2), and
// checks a saved receipt offline with nothing but the county's public key.
//
// Without -verify it plays the county: it makes a signing key, takes
// feedback with a receipt code, decides on it and reports back, and writes
// the receipt look-up (receipt.json) and the county's public key
// (county.pub) into -out, then verifies them as a client would:
//
//	go run ./examples/receipt -out ./receipt
//	go run ./examples/receipt -verify ./receipt/receipt.json -key ./receipt/county.pub
//
// Verifying needs no store, no journal and no network: the signed
// checkpoint, the inclusion proofs in the receipt, and the public key.
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
	"github.com/osallisuus/osallisuus/participation/merkle"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "receipt:", p.ErrorMessage(err))
		os.Exit(1)
	}
}

var manager = p.Actor{ID: p.MustParseID("0190e000-0000-7000-8000-0000000000d2"), Role: p.RoleManager}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("receipt", flag.ContinueOnError)
	fs.SetOutput(out)
	dir := fs.String("out", "receipt", "directory for receipt.json and county.pub")
	verify := fs.String("verify", "", "a saved receipt look-up (JSON) to verify offline")
	key := fs.String("key", "", "the county's public key file, with -verify")
	if err := fs.Parse(args); err != nil {
		return p.Invalid("flags", "%v", err)
	}
	if *verify != "" {
		if *key == "" {
			return p.Invalid("key", "give the county's public key file with -key")
		}
		return verifyFiles(*verify, *key, out)
	}
	receipt, public, err := county(ctx)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return p.Unavailable(err, "making %s", *dir)
	}
	rpath, kpath := filepath.Join(*dir, "receipt.json"), filepath.Join(*dir, "county.pub")
	b, err := json.MarshalIndent(receipt, "", "  ")
	if err != nil {
		return p.Internal(err, "encoding the receipt")
	}
	if err := os.WriteFile(rpath, append(b, '\n'), 0o644); err != nil {
		return p.Unavailable(err, "writing %s", rpath)
	}
	if err := os.WriteFile(kpath, []byte(public+"\n"), 0o644); err != nil {
		return p.Unavailable(err, "writing %s", kpath)
	}
	fmt.Fprintf(out, "wrote %s and %s\n\n", rpath, kpath)
	return verifyFiles(rpath, kpath, out)
}

// county runs the county's side: a store that signs checkpoints, feedback
// with a receipt among other feedback, a decision and a response.
func county(ctx context.Context) (feedback.ReceiptView, string, error) {
	private, public, err := merkle.GenerateKey(rand.Reader, "county.example/osallisuus")
	if err != nil {
		return feedback.ReceiptView{}, "", err
	}
	signer, err := merkle.NewSigner(private)
	if err != nil {
		return feedback.ReceiptView{}, "", err
	}
	clock := p.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	store, err := p.Open(ctx, &p.Config{Clock: clock, Modules: []p.Module{feedback.Module(nil)}, History: merkle.New(signer)})
	if err != nil {
		return feedback.ReceiptView{}, "", err
	}
	defer store.Close()
	fb := feedback.New(store)
	other := func(n int) error {
		for i := 0; i < n; i++ {
			if _, err := fb.Submit(ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "aikuissosiaalityo", Rating: feedback.Rating(1 + i%4)}); err != nil {
				return err
			}
		}
		return nil
	}
	if err := other(40); err != nil {
		return feedback.ReceiptView{}, "", err
	}
	res, err := fb.Submit(ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "aikuissosiaalityo",
		Text: "Toivon iltavastaanottoa kerran viikossa.", WantReceipt: true})
	if err != nil {
		return feedback.ReceiptView{}, "", err
	}
	if err := other(25); err != nil {
		return feedback.ReceiptView{}, "", err
	}
	clock.Advance(20 * 24 * time.Hour)
	if _, err := store.Decide(ctx, manager, res.Contribution, p.PartlyAdopted, "Kokeillaan yhtenä iltana viikossa keväällä."); err != nil {
		return feedback.ReceiptView{}, "", err
	}
	if _, err := store.ReportBack(ctx, manager, res.Contribution, "Iltavastaanotto on auki torstaisin klo 16–19 maaliskuusta alkaen."); err != nil {
		return feedback.ReceiptView{}, "", err
	}
	if err := other(10); err != nil {
		return feedback.ReceiptView{}, "", err
	}
	v, err := feedback.LookupReceipt(store.View(), res.Receipt)
	return v, public, err
}

// verifyFiles checks a saved receipt with the county's public key and
// says what it proves.
func verifyFiles(receiptPath, keyPath string, out io.Writer) error {
	rb, err := os.ReadFile(receiptPath)
	if err != nil {
		return p.Invalid("verify", "reading the receipt: %v", err)
	}
	kb, err := os.ReadFile(keyPath)
	if err != nil {
		return p.Invalid("key", "reading the public key: %v", err)
	}
	var v feedback.ReceiptView
	if err := json.Unmarshal(rb, &v); err != nil {
		return p.Invalid("verify", "%s is not a receipt look-up: %v", receiptPath, err)
	}
	if v.Proof == nil {
		return p.Invalid("verify", "%s carries no proof: the county's store signs no checkpoints", receiptPath)
	}
	cp, err := merkle.VerifyProofs(v.Proof, string(kb))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "checkpoint: %s, %d events, root %s — signed by the key in %s\n", cp.Origin, cp.Size, cp.Root, keyPath)
	what := []string{"the feedback was recorded", "the decision was recorded", "the response was recorded"}
	for i, pr := range v.Proof.Events {
		label := "an event of the receipt"
		if i < len(what) {
			label = what[i]
		}
		fmt.Fprintf(out, "  event %d (hash %s…) is in it: %s\n", pr.Seq, pr.Leaf.String()[:16], label)
	}
	fmt.Fprintf(out, "state: %s; decision: %s; response: %q\n", v.State, v.Decision, v.Response)
	fmt.Fprintln(out, "verified: keep the checkpoint; a later one must extend it (a consistency proof) or the history was rewritten")
	return nil
}
