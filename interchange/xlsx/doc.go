// Package xlsx reads and writes schedules as Excel workbooks and CSV task
// tables, with excelize.
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
// file. What a workbook cannot carry (a link's fast-tracking overlap) is
// returned as a Warning.
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
// WBS codes or the names' indents; resources from a Resources sheet and
// the tasks' resource names ("Crew; Mason[50%]"). In a sheet that is not
// critpath's, a task with no predecessors that starts after the project
// start starts no earlier than its date, and progress without actual
// dates takes the planned ones.
//
// Every problem is found before anything is returned: the error is then
// an *ImportError listing each Problem with its sheet, cell and field
// ("Tasks!D12: duration \"5x\" is not a duration"), the scheduler's own
// complaints (a loop of links, an unknown calendar) put in the cells that
// cause them, and no project is returned. Input is bounded: a file over
// 256 MiB, a workbook unpacking to over 1 GiB or a CSV of over a million
// rows is refused.
//
// WriteCSV and ReadCSV do the same for the task table alone; a CSV
// carries no calendars or resources, which ReadOptions.Base supplies.
//
// The functions are safe to call concurrently; none changes the project
// it is given.
package xlsx
