package main

// version is written into the journal's run records.
const version = "tidings 0.1.0"
