package grades

import (
	"cmp"
	"slices"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// CategoryTotal is a learner's standing in one category (CategoryID 0:
// the uncategorised items).
type CategoryTotal struct {
	CategoryID int64   `json:"category_id"`
	Earned     float64 `json:"earned"`
	Possible   float64 `json:"possible"`
	Percent    float64 `json:"percent"`
	// Counted says the category has grades that count (graded, not
	// excused); an empty category does not weigh on the total.
	Counted bool `json:"counted"`
	// Dropped are the items dropped as the learner's lowest grades.
	Dropped []int64 `json:"dropped,omitempty"`
}

// Totals is a learner's computed standing in the course.
type Totals struct {
	Categories []CategoryTotal `json:"categories"`
	Percent    float64         `json:"percent"`
	Counted    bool            `json:"counted"` // false: nothing graded counts yet
	Letter     string          `json:"letter"`
}

// scored is one grade that counts.
type scored struct {
	itemID           int64
	earned, possible float64
}

func (x scored) percent() float64 { return x.earned / x.possible }

// compute returns a learner's totals from their grades (by item id). Hidden
// items, excused grades and items without a grade do not count; each
// category drops its DropLowest lowest grades by percentage (keeping at
// least one). In weighted mode each counted category weighs by its weight
// (uncategorised items by the settings' UncategorisedWeight); in points
// mode the total is all points earned over all points possible.
func compute(set lms.GradebookSettings, cats []*lms.GradeCategory, items []*lms.GradeItem, grades map[int64]*lms.Grade) Totals {
	byCat := map[int64][]scored{}
	known := map[int64]*lms.GradeCategory{}
	for _, c := range cats {
		known[c.ID] = c
	}
	for _, it := range items {
		if it.Hidden || it.MaxPoints <= 0 {
			continue
		}
		p, ok := grades[it.ID].Effective()
		if !ok {
			continue
		}
		cid := it.CategoryID
		if known[cid] == nil {
			cid = 0
		}
		byCat[cid] = append(byCat[cid], scored{it.ID, p, it.MaxPoints})
	}
	var t Totals
	var weighted, weights, earned, possible float64
	order := append([]int64{0}, catIDs(cats)...)
	for _, cid := range order {
		list := byCat[cid]
		ct := CategoryTotal{CategoryID: cid}
		weight := set.UncategorisedWeight
		if c := known[cid]; c != nil {
			weight = c.Weight
			if drop := min(c.DropLowest, len(list)-1); drop > 0 {
				slices.SortStableFunc(list, func(a, b scored) int {
					return cmp.Or(cmp.Compare(a.percent(), b.percent()), cmp.Compare(a.itemID, b.itemID))
				})
				for _, x := range list[:drop] {
					ct.Dropped = append(ct.Dropped, x.itemID)
				}
				list = list[drop:]
			}
		}
		for _, x := range list {
			ct.Earned += x.earned
			ct.Possible += x.possible
		}
		if ct.Possible > 0 {
			ct.Counted = true
			ct.Percent = 100 * ct.Earned / ct.Possible
			earned += ct.Earned
			possible += ct.Possible
			if weight > 0 {
				weighted += weight * ct.Percent
				weights += weight
			}
		}
		if cid != 0 || ct.Counted {
			t.Categories = append(t.Categories, ct)
		}
	}
	switch set.Mode {
	case lms.GradebookPoints:
		if possible > 0 {
			t.Counted, t.Percent = true, 100*earned/possible
		}
	default:
		if weights > 0 {
			t.Counted, t.Percent = true, weighted/weights
		}
	}
	if t.Counted {
		t.Letter = set.Letter(t.Percent)
	}
	return t
}

func catIDs(cats []*lms.GradeCategory) []int64 {
	out := make([]int64, len(cats))
	for i, c := range cats {
		out[i] = c.ID
	}
	return out
}
