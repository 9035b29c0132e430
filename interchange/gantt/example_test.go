package gantt_test

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/critpath/critpath/interchange/gantt"
	"github.com/critpath/critpath/schedule"
)

// Draw a schedule as SVG (PDF takes the same project and result, with a
// paper size).
func ExampleSVG() {
	p := &schedule.Project{Name: "Slab", Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC),
		Tasks: []schedule.Task{{ID: "F", Name: "Formwork", Duration: schedule.Days(3)}, {ID: "C", Name: "Cast", Duration: schedule.Days(1)}},
		Links: []schedule.Link{{Pred: "F", Succ: "C"}}}
	r, err := schedule.Run(p)
	if err != nil {
		fmt.Println(err)
		return
	}
	var svg bytes.Buffer
	if err := gantt.SVG(&svg, p, r, nil); err != nil {
		fmt.Println(err)
		return
	}
	doc := svg.String()
	fmt.Println(strings.HasPrefix(doc, "<svg"), strings.Contains(doc, ">Formwork<"), strings.Contains(doc, ">Cast<"))
	// Output:
	// true true true
}
