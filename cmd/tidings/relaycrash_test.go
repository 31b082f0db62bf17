package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestRelayHeldCrashResume: rows a relay refused to relay to wait, held,
// for its answer; `tidings send` is killed (SIGKILL) while they do, with
// another row's body at the server. report then tells the row tried as
// deferred with the server's refusal, none failed or sent; the resumed
// send fails each held row once (the earlier row to partner.test is the
// server's evidence), sends nobody a second copy and leaves the row cut
// in flight unknown; --retry-failed asks again and fails them again,
// still nobody sent twice.
func TestRelayHeldCrashResume(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	gate := make(chan struct{})
	srv := smtptest.NewServer(t, smtptest.HoldData(gate), smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if strings.HasSuffix(to, "@refused.test") {
			return smtptest.Reply(554, "5.7.1", "<"+to+">: Relay access denied")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 0, "send: {concurrency: 1, retry_backoff: 1ms}\n")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\na@partner.test,A\nr1@refused.test,R1\nr2@refused.test,R2\nb@partner.test,B\n"})
	cmd := exec.Command(bin, "send", "--yes", camp)
	cmd.Env = append(os.Environ(), "CI=")
	var sendOut strings.Builder
	cmd.Stdout, cmd.Stderr = &sendOut, &sendOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	for i, want := range []string{"a@partner.test", "b@partner.test"} {
		select {
		case m := <-srv.Held():
			if !strings.Contains(strings.Join(m.To, ","), want) {
				t.Fatalf("message %d at the server is to %v, want %s", i, m.To, want)
			}
		case <-time.After(time.Minute):
			t.Fatalf("%s's body did not reach the server:\n%s", want, sendOut.String())
		}
		if i == 0 {
			gate <- struct{}{}
		}
	}
	// b's body is at the server, its reply held: r1 and r2 wait.
	out, errOut, _ := runCLI(t, "report", camp)
	t.Logf("report while held:\n%s%s", out, errOut)
	mid := map[string]map[string]string{}
	for _, r := range readReport(t, camp) {
		mid[r["key"]] = r
	}
	if r := mid["r1@refused.test"]; r["status"] != "deferred" || !strings.Contains(r["detail"], "Relay access denied") {
		t.Errorf("report row while held %v, want deferred with the refusal", r)
	}
	if r := mid["r2@refused.test"]; r["status"] == "failed" || r["status"] == "sent" {
		t.Errorf("report row while held %v, want it not settled", r)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	close(gate)

	want := map[string]string{"a@partner.test": "sent", "b@partner.test": "unknown", "r1@refused.test": "failed", "r2@refused.test": "failed"}
	for _, args := range [][]string{{"send", "--yes"}, {"send", "--yes", "--retry-failed"}} {
		out, errOut, code := runCLI(t, append(args, camp)...)
		if code != exitSomeFailed {
			t.Fatalf("%v: code %d, want %d\n%s%s", args, code, exitSomeFailed, out, errOut)
		}
		for _, r := range readReport(t, camp) {
			if r["status"] != want[r["key"]] {
				t.Errorf("after %v: report row %v, want %s", args, r, want[r["key"]])
			}
		}
		for key := range want {
			if n := srv.Received(key); n > 1 || strings.HasSuffix(key, "@refused.test") && n > 0 {
				t.Errorf("after %v: %s received %d copies", args, key, n)
			}
		}
	}
}
