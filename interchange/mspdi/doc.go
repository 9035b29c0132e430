// Package mspdi reads and writes Microsoft Project's XML format (MSPDI):
// project properties, calendars (week days, working times, exceptions —
// recurring ones laid out day by day — base calendars, work weeks), tasks
// (outline, durations in the unit they were typed in, milestones,
// constraints, deadlines, priority, manual scheduling, actuals, percent
// complete, remaining duration, baselines, notes, splits), links of every
// type with their lags (LinkLag is tenths of a minute; LagFormat gives the
// unit, percent and elapsed ones included), resources (work, material,
// cost; calendars; rates), assignments, and extended attributes as custom
// fields (FieldID, name, alias; task and resource values). Splits live in
// the assignments' timephased work, as periods of no work; they are read
// from it — the work done and the work to do of a task in progress, the
// work over the assignment's units placing each — and written to it (on an
// assignment with no resource when the task has none). A task whose work a contour spreads keeps MS Project's
// duration (it is read as fixed duration). The empty date third-party
// writers put, 2000-01-01T00:00:00, is read as none. A manually scheduled
// task runs from its ManualStart to its ManualFinish, as Microsoft Project
// shows it: where its duration disagrees with the working time between
// them (GanttProject writes PT24H for a day from 00:00 to 00:00 on an
// 8-hour calendar), that working time is its duration, with a warning;
// ManualStart, ManualFinish and ManualDuration are written back.
//
// Read is lenient, because real files break the schema: what it cannot
// read becomes a Warning with its line and element, and it fails only on
// what leaves no schedule (a *ParseError naming line and element). It
// leaves out what critpath does not schedule — the project summary task,
// blank rows, inactive tasks — and reconciles the two tools' calendar
// rules where they differ (a warning each). File.Saved keeps the dates
// Microsoft Project computed, for checking a reschedule against them.
//
// Read streams: it decodes one task (resource, assignment) at a time and
// converts it, so the XML of all tasks never exists at once, in the
// schema's order — the project's properties, extended attributes,
// calendars, tasks, resources, assignments; a list after one the schema
// puts after it is a warning (what came before it was read without it),
// and so is a duration setting after the lists. Input is bounded: over
// ReadOptions.MaxBytes (256 MiB) is ErrTooLarge, a million elements in
// one list (the tasks, a task's links, the elements of a calendar) a
// *ParseError; the days calendars' exceptions lay out and the custom
// fields are bounded too (a warning past the bound), and past 100,000
// warnings the rest are counted in one last warning. The XML decoder
// expands no external entities. Read takes UTF-8, UTF-16 (either byte
// order, with a byte-order mark or without), ISO-8859-1 and
// windows-1252; a document declaring another encoding is a *ParseError
// naming it.
//
// Write is strict: it writes what Microsoft Project opens and what
// validates against the Project 2007–2019 schema, and fails, writing
// nothing, on what MSPDI cannot hold whole (an ID used twice, a custom
// field without a FieldID, a project with no date to start from) and on
// a value out of its range, naming the task (link, resource, assignment,
// calendar, baseline) and the field: a NaN or an infinite number
// anywhere; a duration, lag, work or remaining duration longer than the
// scheduler holds (2³⁰ minutes); a negative duration, work, cost, rate
// or units; a percent complete outside 0–100, a priority over 1000;
// units over 60,000,000, costs and rates over 999,999,999,999.99; a date,
// given or scheduled, before 1984 or after 2149, the years Microsoft
// Project calculates with (Project 2010 and earlier stop at 2049). Such
// an error wraps schedule.ErrBadValue, ErrNegative, ErrBadDate or
// ErrBadInterval (`mspdi: task "A": duration 1e+300d: value out of range
// (MSPDI holds up to 1073741824 minutes)`). What it
// can hold only in part, or what Microsoft Project would apply otherwise,
// it writes as near as it can and returns as warnings, one per kind with
// how many things it hit and the first: a P6 project's finish-by date
// (written as the deadline of every task not finished: MS Project has no
// "must finish by"), P6's scheduling rules (total float, lag calendar,
// constraint rule — written as "honor constraint dates" when tasks have a
// mandatory start or finish, else with it cleared —, summary float,
// progress, as late as possible, the critical float), the time zone
// (MSPDI dates are the project's wall clock, read back in UTC), task and
// resource IDs that are not whole numbers (numbered), start milestones,
// yearly exceptions (40 years of a yearly recurrence), percentages to a
// whole percent, baselines of other names, work in other units than
// hours, splits MS Project keeps nowhere, crash points, fast-tracking
// overlaps. interchange/README.md has the table of what each format
// keeps.
//
// Not carried yet: timephased data other than splits (contours, actual
// work by period), cost rate tables B–E, availability periods.
//
// Read and Write hold no state: they may be called from many goroutines
// at once; Write does not change the project it is given.
package mspdi
