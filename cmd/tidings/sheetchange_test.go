package main

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestRenderAgainNoticesChangedSheet: when deliver reads the sheet again
// (the preflight's messages were not kept), a row inserted after the
// preflight would shift every row after it onto the plan of another; the
// second reading stops at the first row whose key is not the planned one,
// before handing anything over. Unchanged, it hands over the plan.
func TestRenderAgainNoticesChangedSheet(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	ctx := context.Background()
	p, err := prepare(ctx, camp)
	if err != nil {
		t.Fatal(err)
	}
	defer p.sheet.Close()
	state, err := journal.Load(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pl, err := preflight(ctx, p, state, nil, sendOptions{keepBudget: -1}, newMessageWarnings(io.Discard, "r.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if pl.kept != nil || pl.nSend != 3 {
		t.Fatalf("plan: %d to send, kept %v", pl.nSend, pl.kept != nil)
	}
	again := func() ([]*render.Message, error) {
		reporter, err := sendpool.NewReporter(t.TempDir(), sendpool.ReporterOptions{})
		if err != nil {
			t.Fatal(err)
		}
		msgs := make(chan *render.Message, 10)
		err = renderAgain(ctx, p, pl, nil, 10, msgs, reporter)
		var got []*render.Message
		for m := range msgs {
			got = append(got, m)
		}
		return got, err
	}
	if got, err := again(); err != nil || len(got) != 3 {
		t.Fatalf("unchanged sheet: %d messages, %v", len(got), err)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nnew@example.com,New\nuser000@example.com,User 0\nuser001@example.com,User 1\nuser002@example.com,User 2\n"})
	got, err := again()
	if !errors.Is(err, errSheetChanged) {
		t.Errorf("changed sheet: %v, want errSheetChanged", err)
	}
	if len(got) != 0 {
		t.Errorf("changed sheet: %d messages handed over, want none", len(got))
	}
}
