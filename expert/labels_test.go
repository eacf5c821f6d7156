package expert_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/osallisuus/osallisuus/expert"
	p "github.com/osallisuus/osallisuus/participation"
)

func TestLabels(t *testing.T) {
	var all []p.Labeled
	for _, v := range expert.Kinds {
		all = append(all, v)
	}
	for _, v := range expert.Backgrounds {
		all = append(all, v)
	}
	for _, v := range expert.AssignmentTypes {
		all = append(all, v)
	}
	for _, v := range expert.Steps {
		all = append(all, v)
	}
	for _, v := range []expert.State{expert.Requested, expert.Offered, expert.Accepted, expert.Completed, expert.Paid, expert.Cancelled} {
		all = append(all, v)
	}
	for _, v := range p.FamilyScopes {
		all = append(all, v)
	}
	for _, v := range all {
		for _, l := range p.Langs {
			assert.NotEmpty(t, v.Label(l))
			assert.NotEqual(t, "", v.Label(l))
		}
		assert.NotEqual(t, v.Label(p.Finnish), v.Label(p.English), "%v has its own Finnish label", v)
	}
	for _, a := range []string{"mental_health", "substance_use", "homelessness", "disability", "elderly_care", "child_welfare"} {
		assert.NotEqual(t, a, expert.AreaLabel(a, p.Swedish))
	}
}
