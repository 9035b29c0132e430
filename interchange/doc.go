// Package interchange is the one entry for project files: Read reads any
// format critpath knows, Write writes one, each chosen by the file's name
// and, where the name leaves it open, by its content.
//
// # Formats
//
//	name          format                                    read  write
//	.json         critpath's project JSON (schedule)         yes   yes
//	.xml          Microsoft Project XML (MSPDI), root Project yes   yes (the default for .xml)
//	.xml          Primavera P6 XML (PMXML), root             yes   yes (Format PMXML)
//	              APIBusinessObjects
//	.xer          Primavera P6 XER                           yes   yes
//	.xlsx         Excel workbook                             yes   yes
//	.csv          task table                                 yes   yes
//	.sm           PSPLIB instance                            yes   no
//	.svg, .pdf    Gantt chart                                no    yes
//
// A name with another extension, or none (an upload), is read by its
// content: an XER header, a zip (a workbook), an XML root (in UTF-8,
// UTF-16 or a single-byte encoding), a JSON object.
// ReadOptions.Format and WriteOptions.Format choose a format outright.
//
// # What Read returns
//
// A File holds every project in the file (a P6 file may hold several, and
// PMXML baseline projects too, marked), the warnings of its reader — what
// it passed over, each naming its line, element, table or cell — and, for
// files a scheduling tool wrote (MSPDI, XER, PMXML), the dates and floats
// that tool saved for each task with the tool's profile name, so a
// reschedule can be checked against them (package verify). File.Pick
// chooses one project by ID or name, and says which there are when the
// choice is open.
//
// Errors start with "interchange: " and the file's name (the name
// given), then the format reader's error naming the line, element, table
// or cell ("interchange: plan.xml: mspdi: line 12: …"): a
// *mspdi.ParseError, *xer.ParseError, *pmxml.ParseError,
// *psplib.ParseError, *xlsx.ImportError (every bad cell at once) or
// *schedule.InputError, wrapped. Nothing is returned with an error.
//
// # What Write does
//
// Write writes one project in the format its name chooses and returns the
// warnings of the format's writer: what the format cannot hold and was
// written as near as it could be, or left out. On an error nothing has
// been written to w. Writing to a file in place (a temporary file renamed
// over the old one) is the caller's: the command line does it.
//
// Read and Write hold no state; they may be called from many goroutines at
// once.
package interchange
