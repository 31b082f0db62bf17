package main

import (
	"flag"
	"os"
	"runtime"
	"strconv"
	"testing"
)

// walkSMTPPass is the SMTP password of the walkthrough's mailpit.
const walkSMTPPass = "walkthrough-smtp"

// testPasswords are the environment variables the campaigns of the
// bounces, unsubscribe, Sent-copy and walkthrough tests name in
// password_env, with the passwords of the servers those tests start
// (Dovecot's and mailpit's users): the same for every test.
var testPasswords = map[string]string{
	"TIDINGS_BOUNCES_PW":       bouncePass,
	"TIDINGS_SENT_PW":          bouncePass,
	"TIDINGS_WALK_SMTP":        walkSMTPPass,
	"TIDINGS_MAILBOX_PASSWORD": "walkthrough",
}

// minParallel is how many t.Parallel tests run at once when
// -test.parallel is not given: they mostly wait (on a server's timeout, a
// POP3 lock, --max-time, a child process), so more than GOMAXPROCS (go
// test's default) keeps the package's time down on a two-core machine.
const minParallel = 4

// TestMain sets testPasswords once for the package, the same for
// every test, where each test set them with t.Setenv (which forbids
// t.Parallel), and raises -test.parallel to minParallel unless the
// command line set it.
func TestMain(m *testing.M) {
	for name, password := range testPasswords {
		if err := os.Setenv(name, password); err != nil {
			panic(err)
		}
	}
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if n := max(runtime.GOMAXPROCS(0), minParallel); !given {
		if err := flag.Set("test.parallel", strconv.Itoa(n)); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}
