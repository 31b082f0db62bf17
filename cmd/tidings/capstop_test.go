package main

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestDailyCapRoomStoppedRun: a send under daily_cap with room for 2 of
// its 6 rows, stopped by a server that refuses service, gives the 2 it
// took up the stop's line and the 4 the cap held back the cap's, each
// saying the next send sends up to 2 now and the rest once the cap
// allows, and no "daily_cap reached" closing line (the server stopped
// it); report, rebuilt from the journal, gives them the same lines (it
// gave the 6 the stop's words before fix-sum2: Summary.Held) and the
// cap's room (Summary.Stopped counted in the rows the next send sends
// beside CapLeft: the merge of rev-user6 and fix-sum, d9c6d29).
func TestDailyCapRoomStoppedRun(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 7, "send: {concurrency: 1, retry_backoff: 1ms, daily_cap: 3}\n")
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp); code != exitSomeFailed {
		t.Fatalf("send --limit 1: %d\n%s%s", code, out, errOut)
	}
	refusing := smtptest.NewServer(t, smtptest.RefuseWith("554 5.7.1 no service for you"))
	yaml, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	yaml = []byte(strings.Replace(string(yaml), fmt.Sprintf("port: %d", srv.Port), fmt.Sprintf("port: %d", refusing.Port), 1))
	if err := os.WriteFile(camp, yaml, 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	for _, want := range []string{
		"daily_cap 3: 2 may go now, 4 remain\n",
		"4 not sent (daily_cap reached): tidings send --yes " + camp + " sends up to 2 of them now, the rest once daily_cap allows (1 after ",
		"2 not sent (run stopped: server unreachable: the server refuses service: greeting: 554 5.7.1 no service for you): tidings send --yes " + camp + " sends up to 2 of them now, the rest once daily_cap allows (1 after ",
	} {
		if code != exitUnusable || !strings.Contains(out, want) || strings.Contains(out+errOut, "daily_cap 3 reached") {
			t.Errorf("send, stopped under a cap with room for 2: %d, want %q and no cap-reached line\n%s%s", code, want, out, errOut)
		}
	}
	out, errOut, code = runCLI(t, "report", camp)
	for _, want := range []string{
		"4 not sent (daily_cap reached): tidings send --yes " + camp + " sends up to 2 of them now, the rest once daily_cap allows (1 after ",
		"2 not sent (run stopped: server unreachable: the server refuses service: greeting: 554 5.7.1 no service for you): tidings send --yes " + camp + " sends up to 2 of them now, the rest once daily_cap allows (1 after ",
		"tidings: not sent: 6 not-attempted; run send --yes again for the not-attempted: daily_cap lets 2 go now, the rest once it allows (above)\n",
	} {
		if code != exitSomeFailed || !strings.Contains(out+errOut, want) {
			t.Errorf("report: %d, want %q\n%s%s", code, want, out, errOut)
		}
	}
}
