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
// and read back is the same model (TestCorpusRoundTrip). Write refuses,
// writing nothing, what the XER writer refuses: a value out of P6's range
// (a NaN or an infinite number anywhere, a negative duration, hours past
// 10,000,000, a date before 1900 or after 9999…; the xer package doc
// lists them), naming the task, link, resource, assignment, calendar or
// baseline and the field.
//
// Read streams: it walks the document element by element, decoding one
// activity (relationship, assignment…) at a time into the row of P6's
// table it stands for, so the XML of all activities never exists at once.
// Input is bounded: over ReadOptions.MaxBytes (256 MiB) is ErrTooLarge,
// more than 1,048,576 elements in one list (the activities of a project,
// the elements of a calendar…) a *ParseError naming the element and the
// bound. It reads UTF-8, UTF-16 (either byte order, with a byte-order
// mark or without), ISO-8859-1 and windows-1252; a document declaring
// another encoding is a *ParseError naming it.
//
// Warnings name the line of the element they are about; a relationship
// whose successor, or an assignment whose activity, is not in its project
// is one (it is left out). Not yet: user-defined fields, activity codes
// and notes.
//
// Read and Write hold no state: they may be called from many goroutines
// at once; Write does not change the project it is given.
package pmxml
