package p6

import "strings"

// Table is one table of P6's data (an XER %T block, or what a PMXML
// reader gathers under the same names): its fields and rows, each row
// with its line in the file.
//
// Its text is held in blocks of up to a megabyte, each row's fields as
// offsets into one of them, and the offsets in pages that are never
// copied as the table grows: a table of a million rows is a few hundred
// allocations rather than one or more per field, and a field costs four
// bytes beside its text. A row holds the fields up to the last one given;
// Get reads the rest as empty.
type Table struct {
	// Fields gives each field's place in the rows, by name.
	Fields map[string]int

	rows   paged[row]
	lines  paged[int]
	ends   paged[uint32] // each field's end in its row's block, row after row
	blocks []string      // the text; the last one is cur's, growing
	cur    strings.Builder
}

// row is where one row's fields are: its block, the offset of its first
// field there and the index of that field's end in ends.
type row struct{ block, start, first uint32 }

// A table's first block of text holds 4 KiB, and each next one twice
// its last, up to a megabyte: large enough that a large table has few,
// small enough that one left part empty wastes little.
const (
	firstBlock = 4 << 10
	blockSize  = 1 << 20
)

// Len is the number of rows.
func (t *Table) Len() int {
	if t == nil {
		return 0
	}
	return t.rows.n
}

// Line is the line of row k in the file.
func (t *Table) Line(k int) int { return t.lines.at(k) }

// Get returns field name of row k ("" when the table or row lacks it).
func (t *Table) Get(k int, name string) string {
	if t == nil {
		return ""
	}
	i, ok := t.Fields[name]
	if !ok {
		return ""
	}
	return t.Field(k, i)
}

// Field returns the field at place i of row k ("" when the row ends
// before it).
func (t *Table) Field(k, i int) string {
	r := t.rows.at(k)
	j := r.first + uint32(i)
	if i < 0 || j >= t.end(k) {
		return ""
	}
	start := r.start
	if j > r.first {
		start = t.ends.at(int(j - 1))
	}
	return t.blocks[r.block][start:t.ends.at(int(j))]
}

// end is the index in ends past row k's last field.
func (t *Table) end(k int) uint32 {
	if k+1 < t.rows.n {
		return t.rows.at(k + 1).first
	}
	return uint32(t.ends.n)
}

// AddRow appends a row of fields at line, each field's text copied from
// the bytes given (a nil or empty one is an empty field). A row's text is
// under 4 GiB.
func (t *Table) AddRow(line int, fields [][]byte) {
	size := 0
	for _, f := range fields {
		size += len(f)
	}
	t.startRow(line, size)
	for _, f := range fields {
		t.cur.Write(f)
		t.endField()
	}
	t.blocks[len(t.blocks)-1] = t.cur.String()
}

// startRow begins a row at line whose fields come to size bytes, in the
// current block when they fit there, else in a new one.
func (t *Table) startRow(line, size int) {
	if t.cur.Cap() == 0 || t.cur.Len()+size > t.cur.Cap() {
		if t.cur.Cap() > 0 { // cur holds the last block (not so after Recode)
			t.blocks[len(t.blocks)-1] = t.cur.String()
		}
		next := min(2*t.cur.Cap(), blockSize)
		t.cur = strings.Builder{}
		t.cur.Grow(max(firstBlock, next, size))
		t.blocks = append(t.blocks, "")
	}
	t.rows.push(row{block: uint32(len(t.blocks) - 1), start: uint32(t.cur.Len()), first: uint32(t.ends.n)})
	t.lines.push(line)
}

// endField ends the field written last.
func (t *Table) endField() { t.ends.push(uint32(t.cur.Len())) }

// Add appends a row given by field name, at line; a name the table does
// not have yet becomes its next field.
func (t *Table) Add(line int, values map[string]string) {
	if t.Fields == nil {
		t.Fields = map[string]int{}
	}
	width := 0
	for name := range values {
		i, ok := t.Fields[name]
		if !ok {
			i = len(t.Fields)
			t.Fields[name] = i
		}
		width = max(width, i+1)
	}
	row := make([]string, width)
	size := 0
	for name, v := range values {
		row[t.Fields[name]] = v
		size += len(v)
	}
	t.startRow(line, size)
	for _, f := range row {
		t.cur.WriteString(f)
		t.endField()
	}
	t.blocks[len(t.blocks)-1] = t.cur.String()
}

// Recode rewrites the text of every field that is not ASCII through
// decode, which appends the field's text, decoded, to b (ASCII text is the
// same in every code page P6 writes in). A reader that learns the text's
// encoding only at the end of the file calls it once the table is whole.
func (t *Table) Recode(decode func(b *strings.Builder, field string)) {
	if len(t.blocks) == 0 {
		return
	}
	t.blocks[len(t.blocks)-1] = t.cur.String()
	t.cur = strings.Builder{}
	k := 0 // the first row of block n
	for n, block := range t.blocks {
		end := k
		for end < t.rows.n && t.rows.at(end).block == uint32(n) {
			end++
		}
		if ascii(block) {
			k = end
			continue
		}
		var b strings.Builder
		b.Grow(len(block) + len(block)/4)
		for ; k < end; k++ {
			r := t.rows.at(k)
			start := r.start
			r.start = uint32(b.Len())
			t.rows.set(k, r)
			for j := range int(t.end(k) - r.first) {
				j += int(r.first)
				decode(&b, block[start:t.ends.at(j)])
				start = t.ends.at(j)
				t.ends.set(j, uint32(b.Len()))
			}
		}
		t.blocks[n] = b.String()
	}
	// cur is empty: a row added from now on starts a new block.
}

// SetColumn gives field name the value in every row, as a reader that
// learns a value shared by all rows (a PMXML project's ObjectId, written
// after its activities) only once the rows are in. The rows must hold
// the field already (Add was given it, if empty).
func (t *Table) SetColumn(name, value string) {
	i, ok := t.Fields[name]
	if !ok || t.rows.n == 0 {
		return
	}
	t.rewrite(func(b *strings.Builder, j int, field string) {
		if j == i {
			field = value
		}
		b.WriteString(field)
	})
}

// rewrite writes every row's fields again through put, which appends the
// field at place j of its row, as it is to be, to b.
func (t *Table) rewrite(put func(b *strings.Builder, j int, field string)) {
	t.blocks[len(t.blocks)-1] = t.cur.String()
	t.cur = strings.Builder{}
	k := 0 // the first row of block n
	for n, block := range t.blocks {
		var b strings.Builder
		b.Grow(len(block))
		for ; k < t.rows.n && t.rows.at(k).block == uint32(n); k++ {
			r := t.rows.at(k)
			start := r.start
			r.start = uint32(b.Len())
			t.rows.set(k, r)
			for j := range int(t.end(k) - r.first) {
				e := int(r.first) + j
				put(&b, j, block[start:t.ends.at(e)])
				start = t.ends.at(e)
				t.ends.set(e, uint32(b.Len()))
			}
		}
		t.blocks[n] = b.String()
	}
	// cur is empty: a row added from now on starts a new block.
}

// ascii reports whether s is ASCII alone.
func ascii(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Tables are P6's tables by name, with XER's table and field names.
type Tables map[string]*Table

// columns are the fields Convert reads, by table, and the ones a reader
// names in its warnings.
var columns = map[string][]string{
	"PROJECT":      {"proj_id", "proj_short_name", "clndr_id", "plan_start_date", "last_recalc_date", "plan_end_date", "critical_drtn_hr_cnt"},
	"SCHEDOPTIONS": {"proj_id", "sched_calendar_on_relationship_lag", "sched_progress_override", "sched_retained_logic", "sched_float_type"},
	"CALENDAR":     {"clndr_id", "proj_id", "clndr_name", "base_clndr_id", "day_hr_cnt", "week_hr_cnt", "clndr_data"},
	"PROJWBS":      {"wbs_id", "proj_id", "seq_num", "proj_node_flag", "wbs_short_name", "wbs_name", "parent_wbs_id"},
	"RSRC":         {"rsrc_id", "clndr_id", "rsrc_name", "rsrc_short_name", "rsrc_type"},
	"RSRCRATE":     {"rsrc_id", "max_qty_per_hr", "cost_per_qty", "start_date"},
	"TASK": {"task_id", "proj_id", "wbs_id", "clndr_id", "task_type", "status_code", "task_code", "task_name",
		"total_float_hr_cnt", "remain_drtn_hr_cnt", "target_drtn_hr_cnt", "cstr_date", "act_start_date", "act_end_date",
		"late_end_date", "early_start_date", "early_end_date", "cstr_type", "priority_type", "cstr_date2", "cstr_type2"},
	"TASKPRED": {"task_pred_id", "task_id", "pred_task_id", "pred_type", "lag_hr_cnt"},
	"TASKRSRC": {"taskrsrc_id", "task_id", "rsrc_id", "target_qty_per_hr"},
}

// Reads reports whether Convert reads the table of that name.
func Reads(table string) bool {
	_, ok := columns[table]
	return ok
}

// Columns returns the fields of the table that Convert reads, and the
// ones a reader names in its warnings (task_pred_id, taskrsrc_id): a
// reader may leave the others out. It is nil for a table Convert does not
// read.
func Columns(table string) []string { return columns[table] }

// paged is a slice held in pages, so that growing it never copies what it
// holds: the first page grows as a slice does, up to pageSize elements,
// and the others are made whole.
type paged[T any] struct {
	pages [][]T
	n     int
}

const (
	pageBits = 16
	pageSize = 1 << pageBits
)

func (s *paged[T]) push(v T) {
	k := s.n >> pageBits
	if k == len(s.pages) {
		var page []T
		if k > 0 {
			page = make([]T, 0, pageSize)
		}
		s.pages = append(s.pages, page)
	}
	s.pages[k] = append(s.pages[k], v)
	s.n++
}

func (s *paged[T]) at(i int) T { return s.pages[i>>pageBits][i&(pageSize-1)] }

func (s *paged[T]) set(i int, v T) { s.pages[i>>pageBits][i&(pageSize-1)] = v }
