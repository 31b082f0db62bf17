package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"golang.org/x/term"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/campaign/credential"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/smtpclient"
)

// poolConfig builds the pool's settings, and the SMTP client it delivers
// through, from the campaign and the flags; it reads the password from the
// environment (or a prompt on a terminal).
func poolConfig(ctx context.Context, c *campaign.Campaign, opts sendOptions, g *globalOptions) (sendpool.Config, error) {
	smtp, err := smtpSettings(ctx, c, opts.debug, g)
	if err != nil {
		return sendpool.Config{}, err
	}
	dialer, err := smtpclient.NewDialer(smtp)
	if err != nil {
		return sendpool.Config{}, &unusableError{err}
	}
	cfg := sendpool.ConfigFrom(c)
	cfg.Dialer = dialer
	cfg.RetryKeep = opts.retryKeep
	if opts.rate != "" {
		r, err := campaign.ParseRate(opts.rate)
		if err != nil {
			return cfg, &unusableError{fmt.Errorf("--rate: %w", err)}
		}
		cfg.Rate = r.PerSecond()
	}
	if opts.concurrency < 0 || opts.concurrency > 256 || opts.concurrencySet && opts.concurrency == 0 {
		return cfg, &unusableError{fmt.Errorf("--concurrency: %d is out of range 1..256", opts.concurrency)}
	}
	if opts.concurrency > 0 {
		cfg.Concurrency = opts.concurrency
	}
	cfg.Notify = notifier(g, dialer.Warnings(), opts.limits)
	return cfg, nil
}

// smtpSettings are the campaign's smtp: settings with the password from
// the environment (or a prompt), and the transcript on stderr with debug
// (g.transcript then set: queued while a send delivers, transcriptLines).
func smtpSettings(ctx context.Context, c *campaign.Campaign, debug bool, g *globalOptions) (smtpclient.Config, error) {
	password, err := readPassword(ctx, c, g)
	if err != nil {
		return smtpclient.Config{}, err
	}
	smtp := smtpclient.ConfigFrom(c.SMTP, password)
	if debug {
		g.transcript = &transcriptLines{g: g}
		smtp.Debug = g.transcript
	}
	return smtp, nil
}

// readPassword reads the password from the environment variable
// smtp.password_env names, or asks for it on a terminal; "" without a
// username.
func readPassword(ctx context.Context, c *campaign.Campaign, g *globalOptions) (string, error) {
	return secretFromEnv(ctx, g, c.SMTP.Username, c.SMTP.PasswordEnv, "smtp.password_env")
}

// secretFromEnv reads the password of username from the environment
// variable env (the value of the setting named setting), else from the
// systemd credential of that name (secretFromCredential), or asks for it
// on a terminal; "" without a username.
func secretFromEnv(ctx context.Context, g *globalOptions, username, env, setting string) (string, error) {
	if username == "" {
		return "", nil
	}
	if password := os.Getenv(env); password != "" {
		return password, nil
	}
	if password, found, err := secretFromCredential(env, setting); found || err != nil {
		return password, err
	}
	named, from := "the environment variable "+env, env
	if !campaign.EnvNameShown(env) {
		named, from = "the environment variable it names (not shown: a name with small letters may be the password itself, written where the variable's name goes)", setting
	}
	f, ok := g.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", &unusableError{fmt.Errorf("%s: %s is empty%s; export it with the password (or the provider's authorization code), or, under systemd, load it as a credential of that name (LoadCredential=%s:FILE in the unit)", setting, named, credential.Missing(env, campaign.EnvNameShown(env)), credentialExample(env))}
	}
	fmt.Fprintf(g.stderr, "Password for %s (from %s, not set): ", username, from)
	b, err := promptSecret(ctx, f)
	fmt.Fprintln(g.stderr)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// promptSecret reads a line from the terminal f without echo. An
// interrupt ends the wait (errInterrupted) with the terminal's echo back
// on: the read, which no context reaches, is left behind as the process
// ends. It used to take three interrupts (the third quits as a kill
// would), and docker stop's one SIGTERM at a prompt no one answers (a
// container run with -t but not -i) none: it waited for the SIGKILL.
func promptSecret(ctx context.Context, f *os.File) ([]byte, error) {
	restore := terminalRestorer(f)
	line, err := awaitInput(ctx, func() ([]byte, error) { return term.ReadPassword(int(f.Fd())) })
	switch {
	case errors.Is(err, errInterrupted):
		restore()
		return nil, err
	case err != nil:
		return nil, &unusableError{fmt.Errorf("reading the password: %w", err)}
	}
	return line, nil
}

// notifier prints the pool's notices on stderr: warnings (but the settings
// warnings, which the caller printed once already), and retries and
// reconnects unless --quiet; a NoticeWait or NoticeHeld has no words,
// nor a connection refused again as over the server's cap (Notice.Again
// with Cap: the first was said in full, and the summary counts them
// all). Each notice goes to limits too (a nil limits gathers nothing).
func notifier(g *globalOptions, printed []string, limits *serverLimits) func(sendpool.Notice) {
	settings := map[string]bool{}
	for _, w := range printed {
		settings[w] = true
	}
	return func(n sendpool.Notice) {
		limits.notice(n)
		switch n.Kind {
		case sendpool.NoticeWarning:
			if !settings[n.Text] {
				g.errLine("warning:", n.Text)
			}
		case sendpool.NoticeRetry, sendpool.NoticeReconnect:
			if !g.quiet && !(n.Again && n.Cap) {
				g.errLine("note:", n.Text)
			}
		case sendpool.NoticeWait, sendpool.NoticeHeld: // no words
		default:
			g.errLine("warning:", n.Text)
		}
	}
}
