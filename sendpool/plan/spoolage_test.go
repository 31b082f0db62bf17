package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/smtptest"
	"github.com/tidings/tidings/sendpool/spool"
)

// editManifest rewrites fields of the manifest of generation 1 in the
// state folder of the campaign at camp.
func editManifest(t *testing.T, camp string, fields map[string]any) {
	t.Helper()
	editManifestFile(t, filepath.Join(filepath.Dir(camp), ".tidings", "t", spool.Folder, "g0001.json"), fields)
}

// editManifestFile rewrites fields of the manifest at path (the numbers
// of the others as written; a nil value removes the member) and its
// checksum (spool.ManifestChecksum), as tidings would have written it.
func editManifestFile(t *testing.T, path string, fields map[string]any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	for k, v := range fields {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	if b, err = json.Marshal(m); err == nil {
		m["checksum"], err = spool.ManifestChecksum(b)
	}
	if err == nil {
		b, err = json.Marshal(m)
	}
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, string(b))
}

// TestSpoolAgeFromItsStart: a spool's age counts from when its preflight
// began, since its first messages are dated then: one whose preflight
// took half an hour is not sent from 31 minutes after it ended.
func TestSpoolAgeFromItsStart(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := writeCampaign(t, srv, 3, "")
	in, state := open(t, camp)
	pl, err := Preflight(t.Context(), in, state, Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	started := pl.Spool.Started()
	if started.IsZero() || started.After(pl.Spool.Created()) {
		t.Fatalf("started %v, created %v", started, pl.Spool.Created())
	}
	editManifest(t, camp, map[string]any{"created": started.Add(MaxSpoolAge / 2)})
	for _, c := range []struct {
		after  time.Duration
		reused bool
	}{{MaxSpoolAge - time.Minute, true}, {MaxSpoolAge + time.Minute, false}} {
		now := started.Add(c.after)
		in, state := open(t, camp)
		pl, err := Preflight(t.Context(), in, state, Options{Version: "test", Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		if pl.Reused != c.reused {
			t.Errorf("%v after the spool's start: reused %v, want %v", c.after, pl.Reused, c.reused)
		}
	}
}

// TestPreflightUnreadableUsedGeneration: the newest generation, which
// messages went out from, with its messages file cut short since (no
// crash does that once it is marked used) is damaged: the preflight says
// so (Plan.Damaged, naming the file), renders the rows again, marks it,
// and keeps it; the next preflight does not say it again.
func TestPreflightUnreadableUsedGeneration(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := writeCampaign(t, srv, 3, "")
	in, state := open(t, camp)
	pl, err := Preflight(t.Context(), in, state, Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := pl.Spool.MarkUsed(); err != nil {
		t.Fatal(err)
	}
	msgs := filepath.Join(filepath.Dir(camp), ".tidings", "t", spool.Folder, "g0001.msgs")
	fi, err := os.Stat(msgs)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(msgs, fi.Size()-10); err != nil {
		t.Fatal(err)
	}
	in, state = open(t, camp)
	pl, err = Preflight(t.Context(), in, state, Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(pl.Damaged, spool.ErrCorrupt) || pl.Reused || pl.Spool.Number() != 2 {
		t.Fatalf("damaged %v, reused %v, generation %d", pl.Damaged, pl.Reused, pl.Spool.Number())
	}
	gens, err := spool.OpenStore(in.Campaign.StateDir).Generations()
	if err != nil || len(gens) != 2 || !gens[1].Damaged() || gens[1].Unreadable() == nil {
		t.Fatalf("generations %v, %v: want 2 and the damaged 1", gens, err)
	}
	if err := pl.Spool.MarkUsed(); err != nil {
		t.Fatal(err)
	}
	in, state = open(t, camp)
	if pl, err = Preflight(t.Context(), in, state, Options{Version: "test"}); err != nil || pl.Damaged != nil || !pl.Reused {
		t.Errorf("next preflight: damaged %v, reused %v, %v", pl.Damaged, pl.Reused, err)
	}
}

// TestSendsNoneAllowsNone: a preflight for a run whose daily cap was used
// up (Options.SendsNone) decides the rows from a spool of the day before
// and renders nothing; when the cap's window frees a slot before the run
// asks what it may send (a daily cron job's run, as yesterday's first
// messages leave the window), Allow lets none go: a message sent then
// would leave a day after its Date, and a row past the spooled ones has
// no message at all.
func TestSendsNoneAllowsNone(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := writeCampaign(t, srv, 3, "")
	in, state := open(t, camp)
	if _, err := Preflight(t.Context(), in, state, Options{Version: "test"}); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(25 * time.Hour)
	in, state = open(t, camp)
	pl, err := Preflight(t.Context(), in, state, Options{Version: "test", SendsNone: true, Now: func() time.Time { return later }})
	if err != nil {
		t.Fatal(err)
	}
	if !pl.Reused || pl.ToSend != 3 {
		t.Fatalf("preflight sending none: reused %v, %d to send", pl.Reused, pl.ToSend)
	}
	if a := pl.Allow(0, 3, state, later); a.N != 0 || !a.Capped {
		t.Errorf("a slot free, the spool a day old: Allow lets %d go (capped %v), want none", a.N, a.Capped)
	}
}

// TestPartReusesWhatFits: a part of a long run (SpoolAtMost) resuming from
// the fresh generation an interrupted part made sends from it the rows
// whose last message still leaves within MaxSpoolAge of its start (here 2
// of its 5 at 10 minutes a message, 30 minutes on: Spooled), rather than
// render the same rows into another generation; when only one would (45
// minutes on) it renders afresh, that one with the rest, as past
// MaxSpoolAge (it sent a part of one message, fix-sum).
func TestPartReusesWhatFits(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := writeCampaign(t, srv, 10, "")
	in, state := open(t, camp)
	pl, err := Preflight(t.Context(), in, state, Options{Version: "test", SpoolAtMost: 5})
	if err != nil {
		t.Fatal(err)
	}
	if err := pl.Spool.MarkUsed(); err != nil { // a part sent from it, then was interrupted
		t.Fatal(err)
	}
	started := pl.Spool.Started()
	for _, c := range []struct {
		after   time.Duration
		spooled int
		reused  bool
	}{{30 * time.Minute, 2, true}, {45 * time.Minute, 0, false}, {MaxSpoolAge - 5*time.Minute, 0, false}} {
		now := started.Add(c.after)
		in, state := open(t, camp)
		pl, err := Preflight(t.Context(), in, state, Options{Version: "test", SpoolAtMost: 5,
			Now: func() time.Time { return now }, RunFor: func(n int) time.Duration { return time.Duration(n) * 10 * time.Minute }})
		if err != nil {
			t.Fatal(err)
		}
		if pl.Reused != c.reused || c.reused && pl.Spooled != c.spooled {
			t.Errorf("%v after the spool's start: reused %v, %d spooled, want %v, %d", c.after, pl.Reused, pl.Spooled, c.reused, c.spooled)
		}
	}
}
