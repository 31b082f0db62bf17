package main

import (
	"fmt"

	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/plan"
)

// printSaltProblem warns, for check and preview, of what send would
// refuse about the state folder's Message-ID salt against the journal's
// state (plan.Inputs.IDSaltProblem): they read the state without
// changing it, so they say it and go on.
func printSaltProblem(g *globalOptions, in *plan.Inputs, state *journal.State) {
	if err := in.IDSaltProblem(state); err != nil {
		fmt.Fprintf(g.stdout, "warning: %v (send stops until then)\n", err)
	}
}
