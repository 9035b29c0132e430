// Package pmxml reads Primavera P6's XML (PMXML, APIBusinessObjects):
// every project and baseline project of a document with its calendars
// (standard work week and holidays or exceptions; P6's last-minute ends,
// 11:59, read as the minute after), WBS, activities, relationships,
// resources and assignments. Elements are matched by local name, as the
// namespace changes with each P6 release. The conversion into critpath's
// model is the XER reader's, shared, with P6's rules.
//
// Not yet: writing PMXML; P6's schedule options, which PMXML files carry
// differently (P6's defaults apply); line numbers in the warnings of the
// shared conversion.
package pmxml
