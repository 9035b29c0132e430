// Package xer reads and writes Primavera P6's XER export.
//
// Read takes every project in a file with its calendars (clndr_data's
// weeks and holidays, base calendars),
// WBS (as summary tasks, each named by its path of short names), activities
// (durations, constraints, status and remaining duration, calendars),
// relationships with their lags, resources and assignments, scheduled with
// P6's rules as the project's SCHEDOPTIONS set them (lag calendar,
// retained logic or progress override, float type). Project.Saved keeps
// the dates and floats P6 computed.
//
// XER files are written in the exporting machine's Windows code page and
// never say which; Read detects UTF-8, Windows-1251 (Cyrillic) and
// Windows-1252, and Options.Charset chooses. Reading is lenient: a value it
// cannot read, or something critpath does not model — a secondary
// constraint, level-of-effort and WBS-summary activities (scheduled as
// ordinary ones), a second relationship between the same two activities,
// a relationship to another project — is a Warning with its line.
// Warnings are listed up to a hundred a table, the rest counted in one
// more.
//
// Read streams the file line by line and keeps, of the tables it uses,
// only the fields it reads, in large blocks of text; each table is
// dropped once converted. Its memory is the model it makes and about the
// text of those fields: for P6's own export about twice the file's size
// at the peak, for a file of nothing but what critpath reads, a million
// activities in 173 MB, about seven times (the project alone is four).
// Input is bounded: a file over ReadOptions.MaxBytes (ErrTooLarge) or a
// table Read uses with over two million rows is an error naming the
// limit; calendar data nested deeper than 64, of more than 131,072
// records, or exceptions past 1,048,576 in a project's calendars are a
// warning (the calendar is read without them).
//
// A damaged file is an error when what Read would use is lost, and a
// warning with its line when what it reads is whole. Errors (a
// *ParseError naming the line): a file that ends without %E in the middle
// of a row of a table Read uses (PROJECT, CALENDAR, SCHEDOPTIONS,
// PROJWBS, RSRC, RSRCRATE, TASK, TASKPRED, TASKRSRC), or before any
// project row, or before any activity (TASK row) — these wrap
// ErrTruncated — and a file whose TASKPRED or TASKRSRC rows name
// activities while it has no TASK rows. Warnings: a file that ends
// without %E after whole rows ("the file ends without %E: it may be cut
// short after line N"), or in the middle of a row of a table Read passes
// over (the row is left out); a row with fewer fields than its table's %F
// line (the missing ones are read as empty) or more (the extra ones are
// passed over), ten per table and then a count of the rest; an activity
// whose project is not in the file, and a relationship whose successor or
// an assignment whose activity is not in the file (each left out); a
// task_id used twice (relationships and assignments naming it go to the
// first activity). A UTF-8 byte-order mark is passed over, and lines may
// end in CR LF, LF or CR alone.
//
// Write writes a project as XER for P6 to import: the tables above plus
// RSRCRATE (limits and standard rates), with the dates and floats critpath
// computes, in Windows-1252 when the text fits it and UTF-8 otherwise. What
// P6 cannot hold is written as near as it can be and reported (see Write);
// a value out of its range is refused, nothing written, with an error
// naming the task (link, resource, assignment, calendar, baseline) and the
// field and wrapping schedule.ErrBadValue, ErrNegative, ErrBadDate or
// ErrBadInterval: a NaN or an infinite number anywhere; a negative
// duration, work, cost, rate or units; a duration, remaining duration,
// lag (a percent one as the hours it becomes), work or float past
// 10,000,000 hours, or units per hour and rates past 10,000,000, the most
// Read takes; a percent complete outside 0–100, a priority over 1000; a
// date, given or scheduled, before 1900 (P6's calendars count days from
// 1899-12-30) or after 9999 (`xer: task "A": duration 1e+300d: value out
// of range (P6 holds up to 10000000 hours)`);
// critpath's model read back from the file is the one written, for every
// file of the corpus (TestCorpusRoundTrip).
//
// Read also takes P6's "must finish by" date (plan_end_date), Start On and
// Finish On as no-earlier-than dates with a deadline (they are not
// mandatory in P6), a secondary Finish On or Before constraint as a
// deadline, start milestones, priorities, the critical float threshold and
// resource limits and rates; progress entered after the data date is kept.
//
// Not yet: user-defined fields and activity codes; notes (TASKMEMO).
//
// Read and Write hold no state: they may be called from many goroutines
// at once; Write does not change the project it is given.
package xer
