package api

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
)

// followUpReport is what a device's follow-up question was answered,
// over a period: one row, the device, and a column per option, with the
// social report's small-count suppression (FB-5).
type followUpReport struct {
	Device   p.ID            `json:"device"`
	Point    string          `json:"point"`
	Service  string          `json:"service"`
	Question feedback.Text   `json:"question"`
	Options  []feedback.Text `json:"options"`
	Answers  feedback.Table  `json:"answers"`
}

func init() {
	// feedback.followUps reads every press event of the last days and
	// counts the follow-up answers of each device that asks one; filtered
	// repeats are not counted.
	method("feedback.followUps", func(a *App, in struct{ Days int }) ([]followUpReport, error) {
		if in.Days <= 0 {
			in.Days = 90
		}
		today := a.clock.Now().UTC().Truncate(24 * time.Hour)
		from, to := uint32(today.AddDate(0, 0, -in.Days).Unix()/3600), uint32(today.AddDate(0, 0, 1).Unix()/3600)
		ds, err := feedback.Devices(a.store.View())
		if err != nil {
			return nil, err
		}
		counts := map[p.ID][]int{}
		for _, d := range ds {
			if d.FollowUp != nil && len(d.FollowUp.Options) > 0 {
				counts[d.ID] = make([]int, len(d.FollowUp.Options))
			}
		}
		err = a.journal.Read(a.ctx(), 1, func(e p.Event) error {
			if e.Type != "feedback.pressed" {
				return nil
			}
			var d feedback.Pressed
			if err := json.Unmarshal(e.Data, &d); err != nil {
				return p.Errorf(p.ECORRUPT, "event %d does not read as a press: %v", e.Seq, err)
			}
			c, ok := counts[d.Device]
			if !ok {
				return nil
			}
			for _, pr := range d.Presses {
				if !pr.F && pr.A > 0 && pr.A <= len(c) && pr.H >= from && pr.H < to {
					c[pr.A-1]++
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		out := []followUpReport{}
		for _, d := range ds {
			c, ok := counts[d.ID]
			if !ok {
				continue
			}
			cols := make([]string, len(c))
			for i := range cols {
				cols[i] = strconv.Itoa(i + 1)
			}
			out = append(out, followUpReport{Device: d.ID, Point: d.Point, Service: d.Service, Question: d.FollowUp.Question,
				Options: d.FollowUp.Options, Answers: feedback.NewTable([]string{d.Point}, cols, [][]int{c}, a.fb.Config().K)})
		}
		return out, nil
	})
}
