package sendpool

// MaxUnfinished exports maxUnfinished to the external tests.
var MaxUnfinished = maxUnfinished
