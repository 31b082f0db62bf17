package main

import (
	"os"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/journal"
)

// newRun is the journal's record of a run of this process on c begun at
// started, flags naming what ran ("command": "send", "bounces"; a test
// send's "test"): the fields every command's run line carries. The
// caller adds its command's own (a send's key column, facets, what it is
// to send; a refusal's words).
func newRun(c *campaign.Campaign, started time.Time, flags map[string]string) journal.Run {
	return journal.Run{PID: os.Getpid(), Started: started, Version: toolVersion(), Flags: flags, Campaign: c.File, Name: c.Name}
}
