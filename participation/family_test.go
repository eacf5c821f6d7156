package participation_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	p "github.com/osallisuus/osallisuus/participation"
)

// TestFamilyConsent is PART-5: a family member takes part only under the
// client's consent, within its scope and before it expires or is
// withdrawn.
func TestFamilyConsent(t *testing.T) {
	ctx := context.Background()
	j := p.NewMemoryJournal()
	s, clock := MustOpen(t, j, nil)
	family := p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-0000000000f1"), Role: p.RoleFamilyMember}
	stranger := p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-0000000000f2"), Role: p.RoleFamilyMember}

	refused := func(code string, fn func() error) {
		t.Helper()
		before, n := export(t, s), j.Len()
		err := fn()
		assert.Equal(t, code, p.ErrorCode(err), "%v", err)
		assert.Equal(t, before, export(t, s))
		assert.Equal(t, n, j.Len())
	}
	t.Run("PART-5_NoConsentNoPart", func(t *testing.T) {
		refused(p.ENOCONSENT, func() error { return s.TakePart(ctx, family, client.ID, p.FamilyPlanning) })
	})
	c, err := s.GrantFamilyConsent(ctx, client, p.FamilyConsentInput{Client: client.ID, Family: family.ID,
		Scopes: []p.FamilyScope{p.FamilyPlanning}, GivenBy: p.GivenByClient, Expires: t0.AddDate(0, 6, 0)})
	require.NoError(t, err)
	t.Run("PART-5_WithinScope", func(t *testing.T) {
		require.NoError(t, s.TakePart(ctx, family, client.ID, p.FamilyPlanning))
		refused(p.ENOCONSENT, func() error { return s.TakePart(ctx, family, client.ID, p.FamilyMeetings) })
		refused(p.ENOCONSENT, func() error { return s.TakePart(ctx, stranger, client.ID, p.FamilyPlanning) })
	})
	t.Run("PART-5_OnlyTheClientOrAWorkerGrants", func(t *testing.T) {
		other := p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-0000000000f3"), Role: p.RoleClient}
		refused(p.EFORBIDDEN, func() error {
			_, err := s.GrantFamilyConsent(ctx, other, p.FamilyConsentInput{Client: client.ID, Family: other.ID,
				Scopes: []p.FamilyScope{p.FamilyPlanning}, GivenBy: p.GivenByClient, Expires: t0.AddDate(0, 1, 0)})
			return err
		})
		refused(p.EINVALID, func() error {
			_, err := s.GrantFamilyConsent(ctx, staff, p.FamilyConsentInput{Client: client.ID, Family: family.ID,
				Scopes: []p.FamilyScope{p.FamilyMeetings}, GivenBy: "neighbour", Expires: t0.AddDate(0, 1, 0)})
			return err
		})
		rep, err := s.GrantFamilyConsent(ctx, staff, p.FamilyConsentInput{Client: client.ID, Family: family.ID,
			Scopes: []p.FamilyScope{p.FamilyInformation}, GivenBy: p.GivenByRepresentative, Expires: t0.AddDate(0, 1, 0)})
		require.NoError(t, err)
		assert.Equal(t, p.GivenByRepresentative, rep.GivenBy)
	})
	t.Run("PART-5_ExpiredRefused", func(t *testing.T) {
		clock.Set(t0.AddDate(0, 6, 1))
		refused(p.ENOCONSENT, func() error { return s.TakePart(ctx, family, client.ID, p.FamilyPlanning) })
		_, err := p.FamilyConsentFor(s.View(), client.ID, family.ID, p.FamilyPlanning, clock.Now())
		assert.Contains(t, p.ErrorMessage(err), "expired")
		clock.Set(t0.Add(time.Hour))
	})
	t.Run("PART-5_WithdrawnRefused", func(t *testing.T) {
		require.NoError(t, s.WithdrawFamilyConsent(ctx, client, c.ID))
		refused(p.ENOCONSENT, func() error { return s.TakePart(ctx, family, client.ID, p.FamilyPlanning) })
		_, err := p.FamilyConsentFor(s.View(), client.ID, family.ID, p.FamilyPlanning, clock.Now())
		assert.Contains(t, p.ErrorMessage(err), "withdrawn")
		refused(p.ECONFLICT, func() error { return s.WithdrawFamilyConsent(ctx, client, c.ID) })
	})
}
