//go:build !js

package participation_test

import (
	"context"
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

// TestInputLimits sends over-long and malformed input to a command of
// every module: each is refused with an invalid error that names the
// field and, for lengths, the limit.
func TestInputLimits(t *testing.T) {
	ctx := context.Background()
	s, err := openCrashStore(t.TempDir() + "/j")
	require.NoError(t, err)
	defer s.Close()
	long := strings.Repeat("ä", 5000)
	x, err := panel.New(s).Create(ctx, coordinator, panel.PanelInput{Name: "Raati", Kind: panel.KindClientPanel, Unit: "u", Coordinator: coordinator.ID, AnsweringParty: "johto"})
	require.NoError(t, err)
	person, _ := p.NewIDGen(nil).New(time.Now())
	cases := []struct {
		name, field, limit string
		run                func() error
	}{
		{"contribution title", "title", "200", func() error { in := input(long); _, err := s.Submit(ctx, client, in); return err }},
		{"decision reason", "reason", "4000", func() error {
			c, _ := s.Submit(ctx, client, input("x"))
			_, err := s.Decide(ctx, manager, c.ID, p.NotAdopted, long)
			return err
		}},
		{"panel name", "name", "200", func() error {
			_, err := panel.New(s).Create(ctx, coordinator, panel.PanelInput{Name: long, Kind: panel.KindClientPanel, Unit: "u", Coordinator: coordinator.ID, AnsweringParty: "j"})
			return err
		}},
		{"member service", "service", "", func() error {
			_, err := panel.New(s).AddMember(ctx, coordinator, panel.MemberInput{Panel: x.ID, Person: person, Type: panel.MemberClient, Service: "", Name: "n"})
			return err
		}},
		{"feedback text", "text", "4000", func() error {
			_, err := feedback.New(s).Submit(ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "s", Text: long})
			return err
		}},
		{"feedback themes", "themes", "10", func() error {
			_, err := feedback.New(s).Submit(ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "s", Rating: 3, Themes: strings.Split("a,b,c,d,e,f,g,h,i,j,k", ",")})
			return err
		}},
		{"expert languages", "languages", "10", func() error {
			_, err := expert.New(s).Register(ctx, coordinator, expert.Registration{Person: person, Kind: expert.KindExpert, Languages: strings.Split("aa,bb,cc,dd,ee,ff,gg,hh,ii,jj,kk", ","),
				Profile: expert.Profile{Name: "n", Backgrounds: []expert.Background{expert.ServiceUse}}, Consent: expert.Consent{Purpose: "x"}})
			return err
		}},
		{"not UTF-8", "title", "", func() error { _, err := s.Submit(ctx, client, input("\xff\xfe")); return err }},
		{"goal text", "text", "4000", func() error { _, err := s.WriteGoal(ctx, client, long, "x"); return err }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := s.Head()
			err := tc.run()
			assert.Equal(t, p.EINVALID, p.ErrorCode(err), "%v", err)
			msg := p.ErrorMessage(err)
			assert.True(t, strings.HasPrefix(msg, tc.field), "the message %q names the field %s", msg, tc.field)
			if tc.limit != "" {
				assert.Contains(t, msg, tc.limit, "the message names the limit")
			}
			after, _ := s.Head()
			if tc.name != "decision reason" {
				assert.Equal(t, before, after, "nothing was journalled")
			}
		})
	}
}
