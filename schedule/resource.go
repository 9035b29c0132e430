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
}

// Assignment puts a resource on a task. Units means, for a work resource,
// how many units work on the task (1 = one full-time unit); for a material,
// the quantity used per working day of the task; for a cost resource, the
// amount charged, in the project's currency.
type Assignment struct {
	Task     string
	Resource string
	Units    float64
}
