//go:build !js

package participation_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/expert"
	"github.com/osallisuus/osallisuus/feedback"
	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
)

// TestErasureEverywhere erases the sealed data of a panel member, an
// experience expert and a sender who asked for a reply, and looks for the
// plaintext in the journal file, the state, an export, the change feed
// replayed from the start, and a store reopened from the file.
func TestErasureEverywhere(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	clock := p.NewManualClock(time.Now())
	s, err := openCrashStoreAt(path, clock)
	require.NoError(t, err)
	const memberName, expertPhone, contact = "Salainen Raatilainen", "+358 40 999 8877", "salainen.lahettaja@example.fi"

	x, err := panel.New(s).Create(ctx, coordinator, panel.PanelInput{Name: "Raati", Kind: panel.KindClientPanel, Unit: "u", Coordinator: coordinator.ID, AnsweringParty: "johto"})
	require.NoError(t, err)
	person, _ := p.NewIDGen(nil).New(time.Now())
	_, err = panel.New(s).AddMember(ctx, coordinator, panel.MemberInput{Panel: x.ID, Person: person, Type: panel.MemberClient, Service: "s", Name: memberName})
	require.NoError(t, err)
	ex, _ := p.NewIDGen(nil).New(time.Now())
	_, err = expert.New(s).Register(ctx, coordinator, expert.Registration{Person: ex, Kind: expert.KindExpert, Languages: []string{"fi"},
		Profile: expert.Profile{Name: "Erkki Esimerkki", Backgrounds: []expert.Background{expert.OwnCondition}, Phone: expertPhone}, Consent: expert.Consent{Purpose: "testi"}})
	require.NoError(t, err)
	res, err := feedback.New(s).Submit(ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "s", Text: "Vastatkaa", Reply: &feedback.ReplyRequest{Contact: contact}})
	require.NoError(t, err)
	endHour(t, s, clock)

	require.NoError(t, s.EraseSubject(ctx, admin, person, "left the panel and asked to be forgotten"))
	require.NoError(t, expert.New(s).WithdrawConsent(ctx, p.Actor{ID: ex, Role: p.RoleExpert}, ex))
	require.NoError(t, feedback.New(s).Reply(ctx, staff, res.Item, p.Adopted, "", "Vastattu"))

	secrets := []string{memberName, expertPhone, contact, "Erkki"}
	check := func(where, text string) {
		t.Helper()
		for _, secret := range secrets {
			assert.False(t, strings.Contains(text, secret), "%q in %s", secret, where)
		}
	}
	var state bytes.Buffer
	require.NoError(t, s.Export(&state))
	check("the export", state.String())
	views, err := panel.Members(s.View(), s.Vault(), x.ID, time.Now())
	require.NoError(t, err)
	assert.True(t, views[0].Erased)
	var feed strings.Builder
	sub := s.Subscribe(1)
	head, _ := s.Head()
	for i := uint64(0); i < head; i++ {
		e, err := sub.Next(ctx)
		require.NoError(t, err)
		feed.Write(e.Data)
	}
	check("the change feed replayed from the start", feed.String())
	require.NoError(t, s.Close())
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	check("the journal file", string(raw))

	s2, err := openCrashStoreAt(path, clock)
	require.NoError(t, err)
	defer s2.Close()
	var again bytes.Buffer
	require.NoError(t, s2.Export(&again))
	check("the reopened store", again.String())
	_, err = s2.Verify(ctx)
	assert.NoError(t, err, "the chain still verifies")
	_, err = feedback.New(s2).ContactFor(staff, res.Item)
	assert.Equal(t, p.EERASED, p.ErrorCode(err))
}
