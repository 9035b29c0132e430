// Package xlsx reads and writes schedules as Excel workbooks and CSV task
// tables: written with excelize, read by its own streaming reader of the
// workbook's zip and XML.
//
// Write lays a scheduled project out as a workbook to work in: Tasks (WBS,
// ID, indented name, duration, start, finish, total float in days,
// critical, percent complete, predecessors spelled "3FS+2d; 5SS", resource
// names, then only the columns some task uses, and the tasks' custom
// fields), a Gantt sheet drawn with cell fills on a timescale of days,
// weeks or months, Resources, Assignments, Usage (each work resource's
// hours by week), Calendars, Baselines and Project (its dates, time zone,
// settings, scheduling options and custom fields). Headers are frozen,
// tables filter, dates and numbers carry formats, task rows Excel's
// outline. Every sheet goes through excelize's StreamWriter, which keeps
// at most 16 MiB of a sheet in memory and spills the rest to a temporary
// file. What a workbook cannot carry (a link's fast-tracking overlap, a
// text past Excel's 32,767 characters, a control character) is returned
// as a Warning, once per kind with how many it hit and the first.
//
// Read reads a workbook back. Critpath's own comes back as the project
// written (its Project sheet says so). Anyone else's is read by its
// headers: each sheet's header row is found among its first 50 rows, its
// columns mapped by name — English and Bangla synonyms, and
// ReadOptions.Columns before them — and its cells read in their usual
// spellings: durations "5d", "5 days", "2 ewks", "94,75 days?", "৫ দিন";
// dates as Excel dates or text ("2027-01-03 08:00", "03.01.2027",
// "Mon 03.01.22", "3/1/2027" month first unless DayFirst); percentages
// with or without a percent format; numbers with a decimal comma,
// thousands separators and a currency; predecessors "3FS+2d; 5SS; 7" by
// the longest task ID each item starts with ("quoted" when an ID holds a
// separator). The outline comes from a Parent column, outline levels,
// WBS codes or the names' indents. In a sheet that is not critpath's, a
// task with no predecessors that starts after the project start starts
// no earlier than its date, and progress without actual dates takes the
// planned ones.
//
// Resources come from a resource sheet: critpath's Resources, or in
// another tool's workbook the first sheet whose header row says it holds
// resources (Name with Max Units, Standard Rate, Overtime Rate or Cost
// Per Use, or any headed sheet named "Resource…", as Microsoft Project's
// and Aspose's "Resource_Table1"). Assignments come from an assignment
// sheet when there is one: critpath's Assignments, or the first sheet
// whose header names a task and a resource ("Assignment_Table1": Task
// Name, Resource Name, Units, Work). The task sheet, unless named or
// called Tasks, is the first with a task header that is neither (any,
// when every one is). An assignment row's task is found by its Task
// ID, else its Task Unique ID (the task sheet's Unique ID column), else
// its Task Name, which must be one task's; its resource by Resource ID,
// Resource Unique ID or Resource Name; its Units are read as a quantity
// in brackets is (below). A task not found, a task name two tasks
// have, or a resource ID or unique ID no resource has is a problem in
// its cell; a Resource Name no resource has becomes a work resource
// (in critpath's own workbook, a problem). The assignment sheet wins
// over the tasks' resource names, as it gives each assignment's units
// and work: a task whose resource names say otherwise (other resources,
// other units) gets a warning in that cell naming the sheet read.
// Without an assignment sheet, the tasks' resource names are read, by
// this rule:
//
//   - Items are separated by semicolons when the cell has one (critpath
//     writes "Crew; Mason[50%]", as Microsoft Project does where the list
//     separator is the semicolon), else by commas ("Crew,Mason[50%]",
//     Microsoft Project in English, Aspose). A separator inside the
//     brackets of a quantity ("Cement[2,5 t]") separates nothing.
//   - A known resource's whole name or ID (from the resource sheet or
//     ReadOptions.Base, regardless of case) is taken first, even when it
//     holds a separator or brackets ("Smith, John", "Crane [50t]"): the
//     longest run of items that spells one, with an optional quantity.
//   - Otherwise an item is a name and an optional quantity in brackets
//     at its end. A name no resource has becomes one: a material when its
//     quantity has a label or rate ("Cement[20 bags]", as Microsoft
//     Project shows only a material's), else a work resource.
//   - A quantity is units: "50%" and "0.5" are half a unit, "2" two;
//     a material's "20", "20 bags", "2,5 t" are 20 and 2.5 (per working
//     day, as critpath counts a material's units); a rate "5 bags/day" is
//     5, and "/h", "/wk", "/mo" are turned into a day's by the project's
//     settings. A cost resource's "[$1,200.00]" is its amount. A quantity
//     that is not a number is a problem in the cell.
//   - A cell that could be read otherwise — a known name taken whole
//     whose parts are resources too ("A, B" when A, B and "A, B" are), a
//     known name with brackets whose name before them is one too, a new
//     name holding the other separator or a bracket — is read as said
//     above, and a warning in its cell says how; nothing is merged
//     silently.
//
// Every problem is found before anything is returned: the error is then
// an *ImportError listing each Problem with its sheet, cell and field
// ("Tasks!D12: duration \"5x\" is not a duration"), the scheduler's own
// complaints (a loop of links, an unknown calendar) put in the cells that
// cause them, and no project is returned. A cell that cannot be read — a
// corrupt one, pointing at a shared string the workbook lacks, or a
// formula saved without its value — is a problem in its cell when its
// column is read. Broken XML in a sheet read (cut short, a tag closed by
// another, rows out of order) is an error naming the sheet and the cell.
//
// Input is bounded, and refused with an error wrapping ErrTooLarge that
// names the limit before it costs memory: a file over
// ReadOptions.MaxBytes (256 MiB); a workbook whose zip lists over 10,000
// entries, a part unpacking to over 256 MiB or, past 1 MiB, to over 100
// times its packed size, or parts unpacking to over 1 GiB together — all
// checked from the zip's directory before anything is inflated; then,
// while each sheet is read, a row past 262,144, over 8,388,608 cells in
// the sheets read, a tag or value over 1 MiB, or elements nested over 64
// deep. Read reads the zip and the XML as streams: its memory is the file,
// the cells of the sheets read and the project; nothing is written to
// disk.
//
// WriteCSV and ReadCSV do the same for the task table alone; a CSV
// carries no calendars, resources, settings or project dates, which
// ReadOptions.Base supplies. WriteCSV's warnings say what is not in the
// CSV, and what does not come back even with Base: a schedule from the
// finish, baselines, assignments' work, resources that share a name, and
// tasks without predecessors starting late (read back with a
// start-no-earlier-than).
//
// A CSV opened in a spreadsheet runs a cell beginning with =, +, -, @, a
// tab or a carriage return as a formula (CSV injection: a task named
// =HYPERLINK("http://…") would be a link). WriteCSV writes such a text
// cell — an ID, a name, notes, a calendar's or resource's name,
// predecessors (which begin with a task ID), a custom field's name or
// value — with a single quote before it, as OWASP recommends:
// '=HYPERLINK("http://…"), '-5 units; a text whose own quotes come before
// such a character gets one more. The numbers, durations, floats and
// dates critpath spells are left as they are: only a negative float or
// amount of them begins so ("-2.5d"), a sign and digits that run nothing,
// and a quote would hide the number from spreadsheets and other readers.
// ReadCSV drops a cell's first quote when what follows, past any more
// quotes, begins with one of those characters, so that WriteCSV's text
// comes back as it was, and another tool's cells escaped the same way do
// too; any other quote is the text's own. A workbook needs none of this:
// Write writes every text as a string (an inline string, never a
// formula, through excelize's StreamWriter), which Excel shows and never
// runs, and no cell of it is a formula.
//
// The functions are safe to call concurrently; none changes the project
// it is given.
package xlsx
