// Package schedule is critpath's vocabulary and its critical-path engine.
//
// # The model
//
// A Project holds Tasks, the Links between them, working-time Calendars and
// Resources with their Assignments. It is plain data: build it in Go, or
// read it with ReadJSON (see The JSON encoding below), and let Compile
// check it.
//
// A task with no duration is a milestone; a task that other tasks name as
// their Parent is a summary, whose dates and float roll up from its
// subtasks. Durations and lags are written as users write them (Days(5),
// ElapsedDays(7), PercentOf(50)) and converted with the project's Settings:
// a working day is 480 minutes unless the project says otherwise.
//
// # Calendars
//
// A Calendar is a weekly pattern with several working intervals a day,
// dated exceptions (days off, extra or different working time; single
// days, ranges, and yearly recurrences) and an optional base calendar it
// inherits from. Four presets can be named without being defined:
// Standard (Monday–Friday 08:00–12:00 and 13:00–17:00), 24 Hours, Night
// Shift and Sunday–Thursday. Calendar hours are read in the project's time
// zone, and elapsed time is wall-clock time there (across a daylight-saving
// change an elapsed day is a calendar day). Compile turns each calendar
// into sorted working intervals with cumulative working minutes, so that
// adding working time is a binary search; yearly exceptions are laid out
// from two years before the project start to forty years after it.
//
// # Scheduling
//
// Compile puts the tasks in topological order and the links in compact
// arrays; Network.NewResult and Result.Run schedule it, as often as
// needed, without allocating. A task's dates are counted in the working
// minutes of its own calendar, so a link between two tasks on one calendar
// is integer arithmetic; links across calendars go through wall-clock time
// and stay exact. The rules:
//
//   - The four link types tie the predecessor's start or finish to the
//     successor's start or finish, shifted by the lag: working time on the
//     lag calendar (the successor's by default, as in Microsoft Project;
//     Options.LagCalendar chooses P6's predecessor calendar, 24 hours or
//     the project calendar), elapsed time, or a percentage of the
//     predecessor's duration. Negative lags are leads.
//   - A link into a summary holds back every subtask; a link from a summary
//     leaves its finish (the latest subtask finish) or, for SS and SF, its
//     start (the earliest subtask start). Links cannot tie a summary to its
//     own subtasks, nor end FF or SF on a summary (Microsoft Project's
//     rules).
//   - No task starts before the project start. Start No Earlier Than and
//     Finish No Earlier Than move tasks later. How hard the other
//     constraints are is Options.Constraints: by default, as in Microsoft
//     Project ("tasks will always honor their constraint dates"), Start
//     and Finish No Later Than hold a task at their date even against its
//     links, and Must Start On and Must Finish On fix its early and late
//     dates, so negative float stops at them; with LinksFirst links win and
//     these constraints only bound late dates; with MandatoryConstraints
//     (Primavera P6) only MSO and MFO override links, and negative float
//     still flows through them. Deadlines and the project's finish-by date
//     bound late dates only. A link a constraint breaks, and a date it
//     misses, are reported by Conflicts.
//   - A manually scheduled task starts on its own Start whatever its links
//     say. An ALAP task is placed at its late dates after the backward
//     pass, and what follows it moves with it; its float still counts from
//     its early dates. With Options.ALAP = ALAPFreeFloat (P6) it goes only
//     as late as its successors' early dates, and what follows its
//     summaries, allow — even past its late finish — and its early dates
//     and float are where it is placed. When constraints are not
//     mandatory and progress follows actual dates (Microsoft Project's
//     options), a Start No Earlier Than date before the project start puts
//     a task there. A project with FromFinish is scheduled backward from
//     its Finish: every task without a dated constraint is ALAP, and the
//     start is the earliest late start. TaskResult.Start and Finish are the
//     dates a task is scheduled on.
//   - The late dates of a task without successors are bound by the project
//     finish (the latest early finish) or the finish-by date; the others by
//     their successors and, as Microsoft Project and P6 do, that bound
//     too: no late finish is after it, even where a start-to-start or
//     start-to-finish successor would allow one. Options.LateDates =
//     LateByLinks gives the textbook backward pass, bound by successors
//     alone. Across calendars a zero-length task sits at the end of the
//     working time before it (Friday 17:00), a StartMilestone at the start
//     of the working time after it (Monday 08:00); Options.CrossCalendar =
//     CrossP6 reads those edges of working time as P6 does in the backward
//     pass.
//   - Total float is the smaller of start and finish float (Microsoft
//     Project), or either one (Options.TotalFloat; P6 uses finish float); a
//     summary's is worked out from its rolled-up dates (Microsoft Project)
//     or is the least of its subtasks' (Options.SummaryFloat; P6);
//     free float is the delay a task can take without delaying any
//     successor's early dates, between zero and the total float. Both are
//     working minutes on the task's own calendar, the project's when it
//     names none, even when it works on its resources' calendars, as
//     Microsoft Project counts them (Options.FloatCalendar =
//     FloatWorkCalendar counts them on the calendar it is scheduled on, as
//     P6 does); an elapsed task's total float is elapsed minutes while it
//     is not started, as Microsoft Project counts it (its free float, and
//     its total float once started, are working minutes). A task is
//     critical when its total float
//     is at most Options.CriticalFloat.
//   - The longest path is the set of chains of driving links that fix the
//     project finish. Explain says what drives any task's early start and
//     late finish and follows the drivers back to the start and on to the
//     finish; FloatPaths groups the tasks into P6's multiple float paths.
//
// # Progress, work and cost
//
// Actual starts and finishes, percent complete and remaining duration are
// scheduled against the project's status date three ways
// (Options.Progress: P6's retained logic, progress override and actual
// dates; actual dates after the status date are kept, and under P6's
// modes a task in progress with nothing left ends at the status date and
// keeps its float). Under P6's modes a complete task also stays in the
// logic, with no time left, as P6 keeps a complete activity: in the
// forward pass its logic moment is the status date, or later when a link
// from work still to finish holds it (shifted by the link's lag; a task in
// progress with nothing left passes the logic on from the working time
// after the status date), and each task after it starts (or, by an FF or
// SF link, finishes) no earlier than that moment, whatever the link's
// lag, as well as where its actual dates and the lag put it. In the
// backward pass the moment is bound by the late dates of the tasks after
// it, and the work before it by that bound. Its reported dates stay its
// actual dates and its float zero; summaries pass no such moment on.
// Out-of-sequence progress is a Conflict, and Result.Progress rolls
// progress up by duration, work and cost. Assignments carry units
// and work: a task's type (fixed units, duration or work) and
// effort-driven flag say how duration × units = work is resolved, as in
// Microsoft Project, and a task works when its calendar and its work
// resources' calendars all do (unless it ignores resource calendars).
// Result.SaveBaseline, Result.Compare and Result.EarnedValue compare a
// schedule with a saved baseline (variances, BCWS, BCWP, ACWP, SPI, CPI,
// EAC …). A task can be split (Task.Splits): its work pauses and goes on,
// the pauses moving with it; Result.Segments gives each task's pieces of
// work, done ones marked, and Result.SplitAt makes a split where a bar is
// dragged apart.
//
// # Edits
//
// An Editor holds a project and its schedule; Apply and Preview take
// edits (durations, constraints, progress, splits, tasks, links,
// assignments) and return a Delta of the tasks that changed, old and new.
// Edits are made in the compiled network, recomputing only the cone they
// reach; an edit that reshapes what the network cannot take in place (a
// new summary, a task moving to another calendar, a project with ALAP
// tasks or scheduled backward) compiles the project again. The Editor's
// Result and Network change in place (see Concurrency). A rejected edit
// changes nothing. Shift makes edits of task values for a caller that
// moves many tasks and reads only where they go, as leveling does: it
// recomputes only the early dates they move, ALAP tasks held where they
// were placed, even when the project finish moves; Settle (or the next
// Apply) brings late dates, floats and ALAP tasks up to date.
//
// # Profiles
//
// The zero Options are Microsoft Project's; P6Options (or Profile("p6"))
// are Primavera P6's: finish float, lags on the predecessor's calendar,
// mandatory constraints, WBS float from the activities.
//
// # The JSON encoding
//
// ReadJSON and WriteJSON read and write a project as JSON (Project
// implements json.Marshaler and json.Unmarshaler with the same encoding).
// It is stable: fields are only ever added. Every field but "start" and
// "tasks" may be left out:
//
//	{
//	  "name": "Dhaka Tower",
//	  "start": "2027-01-03T08:00:00+06:00",
//	  "finish_by": "2028-12-31T17:00:00+06:00",
//	  "status_date": "2027-03-04T17:00:00+06:00",
//	  "time_zone": "Asia/Dhaka",
//	  "calendar": "Dhaka",
//	  "settings": {"minutes_per_day": 480, "minutes_per_week": 2400, "days_per_month": 20},
//	  "options": {"profile": "p6", "total_float": "smallest", "lag_calendar": "successor",
//	              "critical_float": "0d", "constraints": "honor", "summary_float": "rolled-up",
//	              "progress": "actual-dates"},
//	  "calendars": [{
//	    "name": "Dhaka", "base": "Sunday-Thursday",
//	    "week": {"saturday": ["09:00-13:00"]},
//	    "exceptions": [{"name": "Victory Day", "from": "2027-12-16", "yearly": true},
//	                   {"name": "Eid", "from": "2027-03-08", "to": "2027-03-12"}]
//	  }],
//	  "tasks": [
//	    {"id": "P", "name": "Piling"},
//	    {"id": "P1", "name": "Bored piles", "parent": "P", "duration": "20d",
//	     "constraint": {"type": "SNET", "date": "2027-02-01"},
//	     "deadline": "2027-04-30", "priority": 700, "calendar": "Night Shift", "notes": "…"},
//	    {"id": "P2", "name": "Pile caps", "parent": "P", "duration": "8d",
//	     "manual": true, "start": "2027-03-01T08:00:00+06:00",
//	     "actual_start": "2027-03-01T08:00:00+06:00", "percent_complete": 40, "remaining": "5d",
//	     "actual_cost": 52000},
//	    {"id": "P3", "name": "Pile tests", "parent": "P", "type": "fixed_work",
//	     "effort_driven": true, "work": "96h", "ignore_resource_calendars": false,
//	     "fixed_cost": 45000}
//	  ],
//	  "links": [{"from": "P1", "to": "P2", "type": "SS", "lag": "50%"}],
//	  "resources": [{"id": "crew", "name": "Piling crew", "type": "work", "max_units": 2,
//	                 "calendar": "Dhaka", "standard_rate": 1200, "group": "piling"}],
//	  "assignments": [{"task": "P1", "resource": "crew", "units": 1},
//	                  {"task": "P3", "resource": "crew", "units": 0.5, "work": "96h"}],
//	  "baselines": [{"name": "Baseline", "tasks": [
//	    {"id": "P1", "start": "2027-02-01T08:00:00+06:00", "finish": "2027-02-28T17:00:00+06:00",
//	     "duration": "20d", "work": "160h", "cost": 192000}]}]
//	}
//
// A project scheduled backward sets "from_finish": true and "finish" (then
// "start" may be left out). Progress is reported to "status_date".
// "profile" ("msproject" or "p6") sets every option to that tool's
// default before the other option fields apply; the writer writes the
// options out one by one.
//
// Dates are RFC 3339. A date written without an offset is read in the
// project's time zone ("time_zone", an IANA name; without it, the offset
// of "start"), wherever in the document the zone is given; a bare day
// such as "2027-02-01" means the start of that day for "start", start
// constraints and actual starts, and its end for "finish_by", "finish",
// "status_date", deadlines, finish constraints and actual finishes. The
// writer always writes full RFC 3339 in the project's zone. Durations and
// lags are written as users write them: "5d", "1.5h", "30m", "2w", "1mo",
// elapsed "2ed", and for lags "50%". A missing duration is zero (a
// milestone), a missing link type FS, a missing priority 500
// (DefaultPriority); "priority": 0 is the lowest (LowestPriority in
// Task.Priority).
//
// Reading is strict: an unknown field (names match exactly), a value of
// the wrong type, a syntax error, a date or duration that does not parse,
// and a duration or lag longer than the engine holds (2³⁰ minutes with
// the project's settings: "1e308d" is one) are each a *ParseError naming
// the line and column or the field (`task "P1" duration`, `links[0].lag`).
// null stands for a missing value, and a field given twice takes its last
// value. A UTF-8 byte-order mark before the document is skipped. ReadJSON
// reads the document a buffer at a time, converting each task and link as
// it comes, and refuses with ErrTooLarge a document over
// DefaultMaxJSONBytes or one whose project would take more memory than
// DefaultMaxJSONMemory; JSONOptions.Read takes other bounds. Writing refuses a value JSON
// cannot spell (a duration or cost that is NaN or infinite, a year
// outside 0–9999), naming the task and field.
//
// A Result's JSON, as `critpath schedule --json` prints it, is written by
// Result.EncodeJSON a task at a time (Result implements json.Marshaler
// with the same):
//
//	{"project": {"name": "…", "start": "…", "finish": "…",
//	             "percent_complete": {"duration": 40, "work": 35.5, "cost": 38.21}},
//	 "tasks": [{"id": "A", "name": "…", "start": "…", "finish": "…",
//	            "early_start": "…", "early_finish": "…",
//	            "late_start": "…", "late_finish": "…", "total_float": 0,
//	            "free_float": 0, "critical": true, "longest_path": true,
//	            "summary": false, "milestone": false, "percent_complete": 40,
//	            "work_hours": 80, "cost": 28000,
//	            "segments": [{"start": "…", "finish": "…", "done": true}, …]}]}
//
// Tasks come in the project's order; "start" and "finish" are the dates a
// task is scheduled on (its late dates when placed as late as possible);
// dates are RFC 3339 in the project's zone; floats are working minutes on
// the task's calendar; percentages, work hours and costs are rounded to
// hundredths. "segments" (Result.Segments) is there only for a task whose
// work is cut in pieces: split, or in progress.
//
// # Determinism and errors
//
// The same project gives the same result, bit for bit, whatever order its
// tasks, links and calendars are listed in. Bad input is an error value,
// never a panic: an *InputError names the task, link or calendar and wraps
// one of the Err variables; a loop of links is a *CycleError naming one
// loop's tasks in order.
//
// # Concurrency
//
// A Network never changes once compiled, except the one an Editor holds
// (Editor.Result().Network()), which the Editor changes in place on every
// Apply and Preview. A Network from Compile may be shared by any number
// of goroutines, each scheduling it in a Result of its own; a Result is
// not safe for concurrent use. Nor is an Editor, and its Project, its
// Result and that Result's Network are its own: no other goroutine may
// use them while it applies or previews edits. To share an edited
// schedule, Compile the Editor's Project between edits.
package schedule
