// Package gantt draws a schedule as a Gantt chart: SVG for screens, PDF
// for paper.
//
// Both draw the same chart: a row per task in outline order (names
// indented by their level, summaries in bold), a timescale (months, then
// days or weeks as they fit), bars with their percent complete, the
// critical path in red, summary brackets, milestones as diamonds, the
// links as arrows, baseline bars under the tasks, the status date as a
// dashed line, and a header with the project's name, its dates and a
// legend.
//
// The timescale is fitted to the dates the chart draws: the bars (a
// started task's runs from its actual start), summary brackets and
// milestones, the baseline bars and the status date, with a margin of
// two font sizes (at least a day) each side, rounded out to the
// timescale's unit (a day, a Monday or the first of a month). The
// project's start is not among them: a P6 project's planned start often
// lies months or years before its first activity, and a timescale drawn
// from it printed pages with nothing on them. Deadlines and constraint
// dates are not drawn, so they do not widen it.
//
// Options.From and To (PDFOptions.From and To) fix the timescale to a
// window instead; a zero end is fitted. Every task keeps its row and its
// name, so the rows match the whole schedule's whatever the window: a bar
// the window's edge cuts ends there in a dark arrowhead pointing the way
// it goes on, and a task wholly outside shows as a grey arrowhead on the
// edge it lies beyond. A PDF page's edges mark bars the same way, so a
// bar running on to the page beside says so. Baseline bars are cut
// without a mark, and a link with an end outside is not drawn.
//
// SVG writes one drawing with the standard library only. Text is set in a
// font list that covers Latin and Bangla (Noto Sans Bengali, then the
// viewer's sans-serif); SVG leaves shaping to the viewer, so Bangla
// conjuncts render as well as the viewer's font engine does.
//
// PDF cuts the chart into pages, A3 or A4 landscape: as many rows as a
// page holds, and for a project too long for one page's width (a day is
// never narrower than 0.8 pt, so an A3 page spans about three years and
// an A4 page two) pages side by side. Each page repeats the header, the timescale and the task
// names and says which tasks and dates it shows; a link whose two ends
// are on different pages is not drawn. A band of rows is printed only on
// the pages across where its rows draw something (a bar end crossing in
// by less than a letter's width does not count), so a large project
// whose work moves on over the years prints no pages of names with
// nothing beside them; a band with nothing in the window at all keeps
// its first page, to list its tasks. It is written with
// github.com/signintech/gopdf: pure Go, maintained, and it embeds
// TrueType fonts subset to the characters used, so a page of Bangla
// costs kilobytes, not the font. Noto Sans and Noto Sans Bengali (SIL
// Open Font License, fonts/OFL.txt) are embedded in the package.
//
// What the PDF does not do is shape text: gopdf places one glyph per
// character. For Bangla the package does the one reordering that matters
// most for reading — a vowel sign written before its consonant cluster
// (ি, ে, ৈ, and the first half of ো and ৌ) is moved there — but
// conjuncts are not formed (a cluster shows its consonants joined by the
// visible hasanta, ্), reph and below-base forms are not substituted, and
// marks are not repositioned. Names read correctly; they do not look as
// a shaping engine would set them. The SVG has none of these limits.
//
// Errors: SVG and PDF fail on a project whose outline is broken, a task
// the result lacks, a window whose From is not before its To, a PDF paper
// other than A3 or A4, and a writer that fails (each "gantt: …", the
// writer's error wrapped); nothing useful was written then.
//
// SVG and PDF are safe to call concurrently; each draws from the project
// and result it is given without changing them.
package gantt
