package xlsx

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// A column is one field of a sheet: the header critpath writes and the
// other headers read as the same field, in English and Bangla.
type column struct {
	key      string // the field's name in ReadOptions.Columns and in problems
	header   string
	synonyms []string
}

// The sheets' columns, in the order they are written.
var (
	taskColumns = []column{
		{"wbs", "WBS", []string{"wbs code", "outline number", "code", "ডব্লিউবিএস", "কাজের কাঠামো"}},
		{"id", "ID", []string{"task id", "activity id", "№", "no", "#", "আইডি", "ক্রমিক নং", "নং", "ক্রমিক"}},
		{"name", "Name", []string{"task name", "activity name", "description", "task", "activity", "নাম", "কাজের নাম", "কাজ"}},
		{"duration", "Duration", []string{"dur", "original duration", "planned duration", "সময়কাল", "মেয়াদ"}},
		{"start", "Start", []string{"start date", "early start", "শুরু", "শুরুর তারিখ"}},
		{"finish", "Finish", []string{"finish date", "end", "end date", "early finish", "শেষ", "শেষের তারিখ", "সমাপ্তি"}},
		{"total_float", "Total float", []string{"total slack", "float", "slack", "মোট ফ্লোট", "ফ্লোট"}},
		{"critical", "Critical", []string{"ক্রিটিক্যাল"}},
		{"percent_complete", "% Complete", []string{"percent complete", "% done", "progress", "সম্পন্ন", "% সম্পন্ন", "অগ্রগতি"}},
		{"predecessors", "Predecessors", []string{"predecessor", "depends on", "dependencies", "পূর্বসূরি", "পূর্ববর্তী কাজ", "পূর্ববর্তী"}},
		{"resources", "Resource names", []string{"resources", "resource", "assigned to", "সম্পদ", "রিসোর্স"}},
		{"outline_level", "Outline level", []string{"level", "স্তর"}},
		{"parent", "Parent", []string{"parent id", "অভিভাবক"}},
		{"type", "Type", []string{"task type"}},
		{"effort_driven", "Effort driven", nil},
		{"work", "Work", []string{"শ্রম"}},
		{"constraint", "Constraint", []string{"constraint type", "সীমাবদ্ধতা"}},
		{"constraint_date", "Constraint date", []string{"সীমাবদ্ধতার তারিখ"}},
		{"deadline", "Deadline", []string{"সময়সীমা", "ডেডলাইন"}},
		{"priority", "Priority", []string{"অগ্রাধিকার"}},
		{"calendar", "Calendar", []string{"task calendar", "ক্যালেন্ডার"}},
		{"manual", "Manual", []string{"manually scheduled", "task mode"}},
		{"actual_start", "Actual start", []string{"প্রকৃত শুরু"}},
		{"actual_finish", "Actual finish", []string{"প্রকৃত শেষ"}},
		{"remaining", "Remaining duration", []string{"remaining", "অবশিষ্ট"}},
		{"fixed_cost", "Fixed cost", nil},
		{"actual_cost", "Actual cost", nil},
		{"start_milestone", "Start milestone", nil},
		{"ignore_resource_calendars", "Ignore resource calendars", nil},
		{"no_split", "No split", nil},
		{"splits", "Splits", nil},
		{"crash_duration", "Crash duration", nil},
		{"crash_cost", "Crash cost", nil},
		{"crash_cost_per_day", "Crash cost per day", []string{"crash cost/day", "cost per day saved"}},
		{"notes", "Notes", []string{"note", "comments", "remarks", "মন্তব্য", "নোট"}},
	}
	resourceColumns = []column{
		{"id", "ID", []string{"resource id", "code", "আইডি"}},
		{"name", "Name", []string{"resource name", "resource", "নাম"}},
		{"type", "Type", []string{"resource type", "ধরন"}},
		{"max_units", "Max units", []string{"capacity", "units", "সর্বোচ্চ একক"}},
		{"calendar", "Calendar", []string{"base calendar", "ক্যালেন্ডার"}},
		{"standard_rate", "Standard rate", []string{"rate", "std rate", "হার"}},
		{"overtime_rate", "Overtime rate", []string{"ovt rate"}},
		{"cost_per_use", "Cost per use", nil},
		{"group", "Group", []string{"crew", "role", "দল"}},
	}
	assignmentColumns = []column{
		{"task", "Task ID", []string{"task"}},
		{"task_name", "Task name", nil},
		{"resource", "Resource ID", []string{"resource"}},
		{"resource_name", "Resource name", nil},
		{"units", "Units", []string{"assignment units", "একক"}},
		{"work", "Work", []string{"শ্রম"}},
	}
	calendarColumns = []column{
		{"calendar", "Calendar", []string{"ক্যালেন্ডার"}},
		{"base", "Base", []string{"base calendar"}},
		{"weekday", "Weekday", []string{"day", "বার"}},
		{"from", "From", []string{"date", "from date", "থেকে"}},
		{"to", "To", []string{"to date", "পর্যন্ত"}},
		{"yearly", "Yearly", []string{"every year", "প্রতি বছর"}},
		{"working", "Working time", []string{"working times", "hours", "কাজের সময়"}},
		{"exception", "Exception", []string{"holiday", "ছুটি"}},
	}
	baselineColumns = []column{
		{"baseline", "Baseline", nil},
		{"task", "Task ID", []string{"task"}},
		{"start", "Start", nil},
		{"finish", "Finish", nil},
		{"duration", "Duration", nil},
		{"work", "Work", nil},
		{"cost", "Cost", nil},
	}
)

// Fields returns the field names ReadOptions.Columns may map a header to,
// for the task sheet.
func Fields() []string {
	out := make([]string, len(taskColumns))
	for i, c := range taskColumns {
		out[i] = c.key
	}
	return out
}

// headerKey normalizes a header for matching: NFC, lower case, "_", "-"
// and "." as spaces, runs of space as one, a trailing ":" or "*" dropped.
func headerKey(s string) string {
	s = strings.ToLower(norm.NFC.String(s))
	s = strings.NewReplacer("_", " ", "-", " ", ".", " ").Replace(s)
	s = strings.Join(strings.Fields(s), " ")
	return strings.TrimRight(s, ":* ")
}

// matcher finds a sheet's columns by their headers.
type matcher struct {
	byHeader  map[string]string // header key → field key
	overrides map[string]string
}

func newMatcher(cols []column, overrides map[string]string) *matcher {
	m := &matcher{byHeader: map[string]string{}, overrides: map[string]string{}}
	for _, c := range cols {
		for _, h := range append([]string{c.header, c.key}, c.synonyms...) {
			if k := headerKey(h); m.byHeader[k] == "" {
				m.byHeader[k] = c.key
			}
		}
	}
	for h, k := range overrides {
		m.overrides[headerKey(h)] = k
	}
	return m
}

// field returns the field a header holds ("" for none, "-" when the user
// said to ignore it).
func (m *matcher) field(header string) string {
	k := headerKey(header)
	if k == "" {
		return ""
	}
	if f, ok := m.overrides[k]; ok {
		return f
	}
	return m.byHeader[k]
}

// maxHeaderRow bounds how far down a sheet the header row is looked for.
const maxHeaderRow = 50

// header finds the header row among a sheet's first rows: the one naming
// the most distinct fields, at least two (ties: the first). It returns
// the row's index and each column's field, or -1.
func (m *matcher) header(rows [][]string) (int, []string) {
	best, bestN := -1, 1
	var bestFields []string
	for i, row := range rows[:min(len(rows), maxHeaderRow)] {
		fields := make([]string, len(row))
		seen := map[string]bool{}
		for j, h := range row {
			f := m.field(h)
			if f == "" || f == "-" || seen[f] {
				continue
			}
			fields[j], seen[f] = f, true
		}
		if len(seen) > bestN {
			best, bestN, bestFields = i, len(seen), fields
		}
	}
	return best, bestFields
}
