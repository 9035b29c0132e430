package schedule

import "fmt"

// ResourceType says how a resource is consumed.
type ResourceType uint8

const (
	WorkResource     ResourceType = iota // people and equipment, used over time
	MaterialResource                     // consumed by quantity: cement, steel
	CostResource                         // a cost charged to a task: permit fees
)

var resourceTypeNames = [...]string{"work", "material", "cost"}

func (t ResourceType) String() string {
	if int(t) < len(resourceTypeNames) {
		return resourceTypeNames[t]
	}
	return fmt.Sprintf("ResourceType(%d)", t)
}

// MarshalText implements encoding.TextMarshaler.
func (t ResourceType) MarshalText() ([]byte, error) {
	return enumText("resource type", resourceTypeNames[:], int(t))
}

// UnmarshalText reads "work", "material" or "cost".
func (t *ResourceType) UnmarshalText(b []byte) error {
	return enumParse("resource type", resourceTypeNames[:], b, (*uint8)(t))
}

// Resource is a person, crew, machine, material or cost that tasks use.
// Scheduling ignores resources; leveling and costing use them.
type Resource struct {
	ID   string
	Name string
	Type ResourceType
	// MaxUnits is how many units are available at once (1 = one full-time
	// unit). Zero means 1 for work resources.
	MaxUnits float64
	// Calendar names the resource's working time; empty means the
	// project calendar.
	Calendar string
	// StandardRate and OvertimeRate are costs per working hour (work) or
	// per unit (material); CostPerUse is charged once per assignment.
	StandardRate float64
	OvertimeRate float64
	CostPerUse   float64
	// Group is the resource's role or crew, for finding substitutes.
	Group string
	// Fields are the resource's custom field values as text, by field
	// name (see Project.CustomFields).
	Fields map[string]string
}

// Assignment puts a resource on a task. Units means, for a work resource,
// how many units work on the task (1 = one full-time unit); for a material,
// the quantity used per working day of the task; for a cost resource, the
// amount charged, in the project's currency.
//
// Work is a work resource's effort on the task in working time (80h: two
// people for a week); zero means duration × units. A task's duration,
// units and work are resolved as Microsoft Project keeps them consistent:
//
//   - an effort-driven task with its Work set and no assignment's Work
//     set shares that work among its assignments in proportion to units;
//   - on a FixedDuration task, the duration stands and an assignment with
//     work gets units = work ÷ duration;
//   - on a FixedUnits or FixedWork task with work given, the units stand
//     and the duration is the longest assignment's work ÷ units;
//   - an assignment without work gets duration × units.
//
// Editor keeps them consistent across edits as the task's type says.
type Assignment struct {
	Task     string
	Resource string
	Units    float64
	Work     Duration
}
