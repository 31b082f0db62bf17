// Package pagetest makes up the journal and the report rows of a
// realistic campaign, for the report page's tests, screenshot and bench
// (which drive Chromium with render/chromium). It is for tests and the
// bench only.
package pagetest
