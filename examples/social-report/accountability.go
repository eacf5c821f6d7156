package main

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
)

// Besides the social report, the example publishes the loop's public
// accountability data for the same month (LOOP-3): what became of the
// clients' proposals in each service, under a checkpoint of the journal
// signed by the county (LOOP-2), with the public key to check it and the
// documentation of every field.

var (
	worker  = p.Actor{ID: p.MustParseID("0190e000-0000-7000-8000-0000000000a1"), Role: p.RoleStaff}
	manager = p.Actor{ID: p.MustParseID("0190e000-0000-7000-8000-0000000000b1"), Role: p.RoleManager}
)

// proposalTitles are what clients proposed.
var proposalTitles = []string{
	"Iltavastaanotto kerran viikossa",
	"Selkokielinen ohje hakemuksen tekemiseen",
	"Vertaisryhmä odotusaikana",
	"Sama työntekijä koko asiakkuuden ajan",
	"Takaisinsoitto puhelinjonosta",
}

// step is one step of a proposal's loop, due at a time.
type step struct {
	at  time.Time
	id  int // index into the proposals
	run func(ctx context.Context, s *p.Store, c p.ID) error
}

// stage is a step of the loop after receipt: one proposal in stop stops
// short of it, and it comes lo to hi days after the step before.
type stage struct {
	stop, lo, hi int
	run          func(ctx context.Context, s *p.Store, c p.ID, d p.Decision) error
}

var stages = []stage{
	{20, 1, 4, func(ctx context.Context, s *p.Store, c p.ID, _ p.Decision) error {
		_, err := s.Acknowledge(ctx, worker, c, "Kiitos ehdotuksesta, se käsitellään tiimissä.")
		return err
	}},
	{6, 2, 10, func(ctx context.Context, s *p.Store, c p.ID, _ p.Decision) error {
		_, err := s.Consider(ctx, worker, c, "")
		return err
	}},
	{8, 5, 20, func(ctx context.Context, s *p.Store, c p.ID, d p.Decision) error {
		_, err := s.Decide(ctx, manager, c, d, "Päätös perustuu tiimin arvioon ja resursseihin.")
		return err
	}},
	{7, 2, 15, func(ctx context.Context, s *p.Store, c p.ID, _ p.Decision) error {
		_, err := s.ReportBack(ctx, manager, c, "Kerromme, mitä ehdotuksesta seurasi.")
		return err
	}},
}

// writeProposals has clients make proposals in the services over the
// two months, a sixth as many as feedback items, and takes them through
// the loop's stages — each step only when its time has come by the end
// of the month.
func writeProposals(ctx context.Context, s *p.Store, clock *p.ManualClock, r *rand.Rand, from, end time.Time) error {
	var steps []step
	var ids []p.ID
	n := 0
	for _, svc := range services {
		for i := 0; i < svc.items/6; i++ {
			id := n
			n++
			service, title := svc.code, proposalTitles[r.IntN(len(proposalTitles))]
			client := p.Actor{ID: p.MustParseID("0190e000-0000-7000-8000-0000000" + pad5(id)), Role: p.RoleClient}
			at := from.Add(time.Duration(r.IntN(int(end.Sub(from).Hours()))) * time.Hour)
			steps = append(steps, step{at: at, id: id, run: func(ctx context.Context, s *p.Store, _ p.ID) error {
				c, err := s.Submit(ctx, client, p.ContributionInput{Source: p.Source{Module: "eform", Kind: "proposal"}, Level: p.LevelDialogue,
					Origin: p.OriginClient, Unit: service, Service: service, Title: title})
				if err == nil {
					ids[id] = c.ID
				}
				return err
			}})
			d := p.Decisions[r.IntN(len(p.Decisions))]
			for _, st := range stages {
				if r.IntN(st.stop) == 0 {
					break
				}
				at = at.Add(time.Duration(st.lo*24+r.IntN((st.hi-st.lo)*24+1)) * time.Hour)
				steps = append(steps, step{at: at, id: id, run: func(ctx context.Context, s *p.Store, c p.ID) error { return st.run(ctx, s, c, d) }})
			}
		}
	}
	ids = make([]p.ID, n)
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].at.Before(steps[j].at) })
	for _, st := range steps {
		if !st.at.Before(end) {
			break
		}
		clock.Set(st.at)
		if err := st.run(ctx, s, ids[st.id]); err != nil {
			return err
		}
	}
	return nil
}

// pad5 writes n as five digits, for the generated clients' ids.
func pad5(n int) string {
	b := []byte("00000")
	for i := 4; i >= 0 && n > 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b)
}

// writeAccountability writes the month's public accountability data as
// JSON and CSV, the documentation of its fields, and the county's public
// key, with which anyone can check the checkpoint the data carries.
func writeAccountability(fb *feedback.Service, o *Output, from, to time.Time, publicKey string) error {
	a, err := fb.Accountability(feedback.AccountabilityQuery{From: from, To: to})
	if err != nil {
		return err
	}
	o.Accountability = a
	o.AccountabilityJSON = filepath.Join(o.Dir, "accountability.json")
	o.AccountabilityCSV = filepath.Join(o.Dir, "accountability.csv")
	o.FieldsJSON = filepath.Join(o.Dir, "accountability-fields.json")
	o.PublicKey = filepath.Join(o.Dir, "county.pub")
	if err := writeJSON(o.AccountabilityJSON, a); err != nil {
		return err
	}
	if err := writeJSON(o.FieldsJSON, feedback.AccountabilityFields()); err != nil {
		return err
	}
	f, err := os.Create(o.AccountabilityCSV)
	if err != nil {
		return p.Internal(err, "writing the accountability CSV")
	}
	if err := feedback.WriteAccountabilityCSV(f, a); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return p.Internal(err, "writing the accountability CSV")
	}
	if err := os.WriteFile(o.PublicKey, []byte(publicKey+"\n"), 0o644); err != nil {
		return p.Internal(err, "writing the county's public key")
	}
	return nil
}

// writeJSON writes v indented to a new file at path.
func writeJSON(path string, v any) error {
	f, err := os.Create(path)
	if err != nil {
		return p.Internal(err, "writing %s", filepath.Base(path))
	}
	enc := json.NewEncoder(f)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		f.Close()
		return p.Internal(err, "writing %s", filepath.Base(path))
	}
	if err := f.Close(); err != nil {
		return p.Internal(err, "writing %s", filepath.Base(path))
	}
	return nil
}
