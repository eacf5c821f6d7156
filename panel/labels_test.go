package panel_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
)

func TestLabels(t *testing.T) {
	var all []p.Labeled
	for _, v := range panel.Kinds {
		all = append(all, v)
	}
	for _, v := range panel.MemberTypes {
		all = append(all, v)
	}
	for _, v := range panel.Positions {
		all = append(all, v)
	}
	all = append(all, panel.FromMember, panel.FromOrganisation, panel.TopicOpen, panel.TopicHandled)
	for _, v := range all {
		for _, l := range p.Langs {
			assert.NotEmpty(t, v.Label(l), "%v in %s", v, l)
		}
		assert.NotEqual(t, v.Label(p.Finnish), v.Label(p.English), "%v", v)
	}
	for _, code := range []panel.ReasonCode{panel.ReasonTooFewMembers, panel.ReasonNoChair, panel.ReasonNoSecretary, panel.ReasonTooFewServices,
		panel.ReasonTwoPositions, panel.ReasonHolderInactive, panel.ReasonNotConstituted, panel.ReasonNoQuorum, panel.ReasonNoChairPresent} {
		r := panel.Reason{Code: code, Have: 3, Need: 7, Position: panel.Chair}
		for _, l := range p.Langs {
			assert.NotEqual(t, string(code), r.Text(l), "%s in %s", code, l)
		}
	}
}
