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
// Input is bounded: over 256 MiB, two million rows in a table or calendar
// data nested 64 deep is an error.
//
// Write writes a project as XER for P6 to import: the tables above plus
// RSRCRATE (limits and standard rates), with the dates and floats critpath
// computes, in Windows-1252 when the text fits it and UTF-8 otherwise. What
// P6 cannot hold is written as near as it can be and reported (see Write);
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
package xer
