// Package psplib reads single-mode resource-constrained project scheduling
// problems in PSPLIB's .sm format (Kolisch & Sprecher, "PSPLIB – a project
// scheduling problem library", EJOR 96, 1997): the J30, J60 and J120 sets
// on which resource-leveling heuristics are compared.
//
// An instance becomes a schedule.Project on a round-the-clock calendar
// whose period is one day, period t beginning t days after the project's
// Start: job n is task "n" with its duration in days,
// the precedence relations are finish-to-start links without lag, each
// renewable resource is a work resource whose MaxUnits is its capacity,
// and each demand an assignment of that many units. Read is safe for
// concurrent use.
package psplib
