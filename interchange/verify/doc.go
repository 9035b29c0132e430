// Package verify checks critpath against the tools that wrote a file: it
// reschedules a project read from Microsoft Project XML, P6 XER or PMXML
// with the rules of that tool (Microsoft Project's; P6's as the file's
// schedule options set them) and compares each task's start, finish and
// total float with the ones the tool saved.
//
// A start or finish matches when no working time on the task's calendar
// lies between the two (17:00 one day is 08:00 the next); total float when
// it is equal to the minute. Tasks the tool itself left inconsistent are
// left out, each with its reason (Exclusion):
//
//   - a project whose saved dates break a quarter or more of its links
//     between tasks not started (saved without recalculating);
//   - a P6 project whose saved dates ignore its calendars' holidays, when
//     rescheduled without them every task matches, and more than with them;
//   - P6 tasks whose saved dates hold another amount of working time on
//     their own calendar than their duration (at most 5 % of the tasks;
//     beyond that the fault more likely lies in reading the calendars):
//     scheduled as long as the saved dates make them, so that what follows
//     is compared fairly;
//   - Microsoft Project tasks with a stale late finish (see Check);
//   - tasks the file saved no dates for.
//
// Check holds no state; it may be called from many goroutines at once on
// different projects.
package verify
