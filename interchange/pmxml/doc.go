// Package pmxml reads and writes Primavera P6's XML (PMXML,
// APIBusinessObjects).
//
// Read takes every project and baseline project of a document with its
// calendars (standard work week and holidays or exceptions; P6's
// last-minute ends, 11:59, read as the minute after), WBS, activities,
// relationships, resources with their rates and assignments, and each
// project's schedule options, must-finish-by date and critical float.
// Elements are matched by local name, as the namespace changes with each
// P6 release. The conversion into critpath's model is the XER reader's,
// shared, with P6's rules.
//
// Write writes a project as P6 22.12's PMXML, valid against its schema
// (tested with xmllint), through the same layout as the XER writer, so
// the two hold and lose the same things; PMXML's working times also run in
// half hours. Every project of the corpus's PMXML and XER files written
// and read back is the same model (TestCorpusRoundTrip).
//
// Warnings name the line of the element they are about. Not yet:
// user-defined fields, activity codes and notes.
package pmxml
