package feedback_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
)

func TestLabels(t *testing.T) {
	var all []p.Labeled
	for _, v := range feedback.Channels {
		all = append(all, v)
	}
	for _, v := range feedback.Ratings {
		all = append(all, v)
	}
	for _, v := range feedback.Tasks {
		all = append(all, v)
	}
	for _, v := range []feedback.QuestionType{feedback.Scale, feedback.SingleChoice, feedback.MultipleChoice, feedback.FreeText, feedback.NPS} {
		all = append(all, v)
	}
	for _, v := range []feedback.Category{feedback.CategoryAccess, feedback.CategoryMet, feedback.CategorySafety, feedback.CategoryInformation, feedback.CategoryUsefulness, feedback.CategoryOwn} {
		all = append(all, v)
	}
	for _, v := range all {
		for _, l := range p.Langs {
			assert.NotEmpty(t, v.Label(l), "%v in %s", v, l)
		}
		assert.NotEqual(t, v.Label(p.Finnish), v.Label(p.English), "%v", v)
	}
}
