// Package xer reads Primavera P6's XER export: every project in a file
// with its calendars (clndr_data's weeks and holidays, base calendars),
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
// Not yet: writing XER; resource rates; user-defined fields and activity
// codes.
package xer
