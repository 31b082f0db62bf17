package bench

import (
	"cmp"
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	rpage "github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/spool"
)

// The benchmarks are macro benchmarks: each case does its whole job once
// per b.N (run them with -benchtime 1x, as run.sh does) and logs one table
// row ("ROW|case|msgs/s|msgs/RT|peak MB|ratio|target|note") that run.sh
// gathers into one table. Ratios compare numbers taken in the same run, as
// the machine is shared and noisy. The sizes come from environment knobs
// (see knob); without -bench only the small smoke tests in smoke_test.go
// run.

const (
	// childEnv asks TestMain to run a child job instead of the tests.
	childEnv = "TIDINGS_BENCH_CHILD"
	fileEnv  = "TIDINGS_BENCH_FILE"
	// labelEnv, when set, is put before every row's name: run.sh's second
	// pass on one core says so in its rows.
	labelEnv = "BENCH_LABEL"
	// yardstickEnv, when set, narrows BenchmarkSend to the loopback
	// 8-connection case and its yardstick, the bare client (run.sh's pass
	// on one core).
	yardstickEnv = "BENCH_YARDSTICK_ONLY"
)

func TestMain(m *testing.M) {
	if code, ok := RunWrapper(); ok {
		os.Exit(code)
	}
	if os.Getenv(childEnv) == "alloc" {
		// A child of known size for TestRunCommandPeakRSS.
		ballast := make([]byte, 48<<20)
		for i := range ballast {
			ballast[i] = byte(i)
		}
		fmt.Println(len(ballast))
		os.Exit(0)
	}
	if os.Getenv(childEnv) == "xlsx-rows" {
		if err := bareRows(os.Getenv(fileEnv)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// bareRows is excelize's own streaming loop over the workbook at path,
// with default options: the yardstick for reading the same workbook in
// tidings check.
func bareRows(path string) error {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return err
	}
	rows, err := f.Rows(f.GetSheetList()[0])
	if err != nil {
		return err
	}
	n := 0
	for rows.Next() {
		if _, err := rows.Columns(); err != nil {
			return err
		}
		n++
	}
	if err := rows.Close(); err != nil {
		return err
	}
	fmt.Println("rows:", n)
	return f.Close()
}

// knob reads a size from the environment: name when set, else def, scaled
// down twentyfold (but not below 20) when BENCH_QUICK is set.
func knob(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	if os.Getenv("BENCH_QUICK") != "" {
		return max(def/20, min(def, 20))
	}
	return def
}

// row is one line of the table.
type row struct {
	name   string
	rate   float64 // messages (or rows) per second
	perRT  float64 // messages per round trip
	peakMB float64
	ratio  float64
	target string
	note   string
}

// report logs r for run.sh and attaches its numbers to the benchmark.
func report(b *testing.B, r row) {
	f := func(v float64, format string) string {
		if v == 0 {
			return ""
		}
		return fmt.Sprintf(format, v)
	}
	if r.rate > 0 {
		b.ReportMetric(r.rate, "msgs/s")
	}
	if r.perRT > 0 {
		b.ReportMetric(r.perRT, "msgs/RT")
	}
	if r.peakMB > 0 {
		b.ReportMetric(r.peakMB, "peak-MB")
	}
	if r.ratio > 0 {
		b.ReportMetric(r.ratio, "ratio")
	}
	name := r.name
	if label := os.Getenv(labelEnv); label != "" {
		name = "[" + label + "] " + name
	}
	b.Logf("ROW|%s|%s|%s|%s|%s|%s|%s", name, f(r.rate, "%.0f"), f(r.perRT, "%.2f"), f(r.peakMB, "%.0f"), f(r.ratio, "%.2f"), r.target, r.note)
}

func must(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}

func buildCLI(b *testing.B) string {
	b.Helper()
	bin, err := BuildCLI(context.Background(), b.TempDir())
	must(b, err)
	return bin
}

// runCLI runs the tidings binary in dir b.N times and returns the last
// run with Elapsed the mean; a non-zero exit status fails the benchmark.
func runCLI(b *testing.B, dir string, env []string, bin string, args ...string) Run {
	b.Helper()
	var last Run
	var total, cpu time.Duration
	for range b.N {
		r, err := RunCommand(context.Background(), dir, env, bin, args...)
		must(b, err)
		if r.ExitCode != 0 {
			b.Fatalf("tidings %v: exit status %d\n%s", args, r.ExitCode, r.Output)
		}
		total += r.Elapsed
		cpu += r.CPU
		last = r
	}
	last.Elapsed = total / time.Duration(b.N)
	last.CPU = cpu / time.Duration(b.N)
	return last
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }

// BenchmarkRender: check and preview over the newsletter, against
// building the same messages' MIME in process (the yardstick for check).
func BenchmarkRender(b *testing.B) {
	ctx := context.Background()
	n := knob("BENCH_N", 100_000)
	dir := b.TempDir()
	must(b, WriteCSV(filepath.Join(dir, "recipients.csv"), n))
	path, err := WriteCampaign(dir, CampaignOptions{Sheet: "recipients.csv"})
	must(b, err)
	bin := buildCLI(b)
	var mime float64
	b.Run("mime", func(b *testing.B) {
		p, err := Prepare(ctx, path)
		must(b, err)
		workers := runtime.GOMAXPROCS(0)
		total, elapsed := 0, time.Duration(0)
		for range b.N {
			k, d, err := p.RenderAll(workers)
			must(b, err)
			total, elapsed = total+k, elapsed+d
		}
		mime = float64(total) / elapsed.Seconds()
		report(b, row{name: fmt.Sprintf("MIME only, in process (%d rows, %d goroutines)", n, workers), rate: mime, note: "yardstick for check"})
	})
	b.Run("check", func(b *testing.B) {
		r := runCLI(b, dir, nil, bin, "check", "campaign.yaml")
		rate := float64(n) / r.Elapsed.Seconds()
		report(b, row{name: fmt.Sprintf("tidings check, %d recipients (CSV)", n), rate: rate, peakMB: mb(r.PeakRSS), ratio: rate / mime, target: "ratio ≥ 0.50 of MIME only", note: "whole process: load, read, render, summary"})
	})
	b.Run("preview", func(b *testing.B) {
		out := filepath.Join(dir, "preview")
		r := runCLI(b, dir, nil, bin, "preview", "-o", out, "campaign.yaml")
		os.RemoveAll(out)
		rate := float64(n) / r.Elapsed.Seconds()
		report(b, row{name: fmt.Sprintf("tidings preview, %d recipients (.eml files)", n), rate: rate, peakMB: mb(r.PeakRSS), ratio: rate / mime, note: "writes one file per message"})
	})
}

// BenchmarkSinks: the bare pipelined client against each sink, 8
// connections on loopback: which sink is faster.
func BenchmarkSinks(b *testing.B) {
	ctx := context.Background()
	n := knob("BENCH_SEND_N", 20_000)
	dir := b.TempDir()
	must(b, WriteCSV(filepath.Join(dir, "recipients.csv"), n))
	path, err := WriteCampaign(dir, CampaignOptions{Sheet: "recipients.csv"})
	must(b, err)
	p, err := Prepare(ctx, path)
	must(b, err)
	msgs, err := p.Msgs(n)
	must(b, err)
	var hand float64
	for _, kind := range []string{"hand-written", "go-smtp"} {
		b.Run(kind, func(b *testing.B) {
			var sink *Sink
			if kind == "go-smtp" {
				sink, err = StartGoSMTPSink()
			} else {
				sink, err = StartSink(SinkOptions{})
			}
			must(b, err)
			defer sink.Close()
			var elapsed time.Duration
			for range b.N {
				d, err := BareSend(ctx, sink.Addr, 8, msgs)
				must(b, err)
				elapsed += d
			}
			if got := sink.Messages(); got != int64(n*b.N) {
				b.Fatalf("sink accepted %d, want %d", got, n*b.N)
			}
			rate := float64(n*b.N) / elapsed.Seconds()
			r := row{name: "bare pipelined client → " + kind + " sink, 8 conns", rate: rate}
			if kind == "go-smtp" {
				r.ratio = rate / hand
				r.note = fmt.Sprintf("the hand-written sink is %.1f× as fast", hand/rate)
			} else {
				hand = rate
				r.note = "the sink the send benchmarks use"
			}
			report(b, r)
		})
	}
}

// BenchmarkSend: tidings send end to end (a child process: preflight,
// rendering, journal, report) to the hand-written sink, plain and
// pipelined, with 1 and 8 connections, on loopback and behind a proxy that
// adds 10 ms and 50 ms of round-trip time. Against the same sink: the bare
// pipelined client (the yardstick for the loopback 8-connection case) and,
// in process over pre-rendered messages, the pool alone, then with the
// journal, then with the report too, to show where the time goes. With
// yardstickEnv set, only the loopback 8-connection case and the bare
// client run.
func BenchmarkSend(b *testing.B) {
	ctx := context.Background()
	n := knob("BENCH_SEND_N", 20_000)
	rttN := knob("BENCH_RTT_N", 40)
	dir := b.TempDir()
	for name, rows := range map[string]int{"big.csv": n, "rtt1.csv": rttN, "rtt8.csv": 8 * rttN} {
		must(b, WriteCSV(filepath.Join(dir, name), rows))
	}
	path, err := WriteCampaign(dir, CampaignOptions{Sheet: "big.csv"})
	must(b, err)
	p, err := Prepare(ctx, path)
	must(b, err)
	msgs, err := p.Msgs(n)
	must(b, err)
	rendered, err := p.Messages(n)
	must(b, err)
	bin := buildCLI(b)

	bdat, err := StartSink(SinkOptions{})
	must(b, err)
	defer bdat.Close()
	data, err := StartSink(SinkOptions{NoChunking: true})
	must(b, err)
	defer data.Close()

	var (
		bare    float64
		bareCPU time.Duration // per message: the bare client and the sink
		bound   float64       // msgs/s: check, then delivery at the bare client's pace
		// boundCheck is check's rate (msgs/s) in the bound.
		boundCheck float64
	)
	b.Run("bare/conns=8", func(b *testing.B) {
		var elapsed time.Duration
		cpu0 := selfCPU()
		for range b.N {
			d, err := BareSend(ctx, bdat.Addr, 8, msgs)
			must(b, err)
			elapsed += d
		}
		bareCPU = (selfCPU() - cpu0) / time.Duration(n*b.N)
		bare = float64(n*b.N) / elapsed.Seconds()
		report(b, row{name: "bare pipelined client, 8 conns, loopback", rate: bare, note: "yardstick for 8 conns"})
	})
	// send checks every row before the first message leaves: its
	// preflight is the work of tidings check over the same campaign (plus
	// writing the spool, which is send's own cost and not in the bound),
	// and delivery starts when it has ended. So however fast send
	// delivered (at best as fast as the bare client), it could not beat
	// check's time plus the bare client's (were delivery instant, check's
	// time alone): that bound, against the bare client, is the highest
	// ratio send could reach on this machine. The send/bound row below
	// holds send to it.
	b.Run("preflight", func(b *testing.B) {
		_, err := WriteCampaign(dir, CampaignOptions{Sheet: "big.csv", SMTPPort: bdat.Port, Transport: "pipelined", StateDir: b.TempDir()})
		must(b, err)
		r := runCLI(b, dir, nil, bin, "check", "campaign.yaml")
		check := float64(n) / r.Elapsed.Seconds()
		bound, boundCheck = 1/(1/check+1/bare), check
		report(b, row{name: "bound for send: check of the same campaign, then the bare client", rate: bound, ratio: bound / bare,
			note: fmt.Sprintf("send checks every row before the first message leaves; check alone %.0f msgs/s (%.2f, the bound were delivery instant), %.0f µs CPU a message",
				check, check/bare, float64(r.CPU)/float64(time.Microsecond)/float64(n))})
	})
	stages := []string{"pool", "pool+journal", "pool+journal+report"}
	rtts := []time.Duration{0, 10 * time.Millisecond, 50 * time.Millisecond}
	yardstickOnly := os.Getenv(yardstickEnv) != ""
	if yardstickOnly {
		stages, rtts = nil, rtts[:1]
	}
	for _, stage := range stages {
		b.Run("inprocess/"+stage, func(b *testing.B) {
			var elapsed time.Duration
			for range b.N {
				d, err := PoolSend(ctx, bdat.Port, 8, rendered, b.TempDir(), stage != "pool", stage == "pool+journal+report")
				must(b, err)
				elapsed += d
			}
			rate := float64(n*b.N) / elapsed.Seconds()
			report(b, row{name: "in process: " + stage + ", pipelined, 8 conns", rate: rate, ratio: rate / bare, note: "pre-rendered messages"})
		})
	}

	transports := []struct {
		name, setting string
		sink          *Sink
	}{
		{"plain", "plain", bdat},
		{"pipelined/BDAT", "pipelined", bdat},
		{"pipelined/DATA", "pipelined", data},
	}
	for _, rtt := range rtts {
		for _, tr := range transports {
			for _, conns := range []int{1, 8} {
				if yardstickOnly && (tr.name != "pipelined/BDAT" || conns != 8) {
					continue
				}
				b.Run(fmt.Sprintf("%s/conns=%d/rtt=%s", tr.name, conns, rtt), func(b *testing.B) {
					sheet, count := "big.csv", n
					port := tr.sink.Port
					if rtt > 0 {
						sheet, count = fmt.Sprintf("rtt%d.csv", conns), rttN*conns
						px, err := StartProxy(tr.sink.Addr, rtt)
						must(b, err)
						defer px.Close()
						port = px.Port
					}
					var elapsed, sendCPU, sinkCPU time.Duration
					var ph phases
					var perRT float64
					for range b.N {
						_, err := WriteCampaign(dir, CampaignOptions{Sheet: sheet, SMTPPort: port, Transport: tr.setting, StateDir: b.TempDir()})
						must(b, err)
						tr.sink.Reset()
						cpu0 := selfCPU() // this process: the sink
						start := time.Now()
						args := []string{"send", "--yes", "--concurrency", strconv.Itoa(conns), "campaign.yaml"}
						if prof := os.Getenv("BENCH_CPU_PROFILE"); prof != "" && rtt == 0 && conns == 8 && tr.name == "pipelined/BDAT" {
							args = append([]string{"--cpu-profile", prof}, args...)
						}
						r := runCLI(b, dir, nil, bin, args...)
						sinkCPU += selfCPU() - cpu0
						sendCPU += r.CPU
						if got := tr.sink.Messages(); got != int64(count) {
							b.Fatalf("sink accepted %d, want %d\n%s", got, count, r.Output)
						}
						elapsed += r.Elapsed
						ph.add(start, r.Elapsed, tr.sink)
						if first, last := tr.sink.Span(); rtt > 0 && conns == 1 && last.After(first) {
							// Steady state: the time between the first
							// and the last message the sink accepted.
							perRT = float64(count-1) * rtt.Seconds() / last.Sub(first).Seconds()
						}
					}
					rate := float64(count*b.N) / elapsed.Seconds()
					label := "loopback"
					if rtt > 0 {
						label = fmt.Sprintf("+%s RTT", rtt)
					}
					r := row{name: fmt.Sprintf("tidings send %s, %d conn, %s (%d msgs)", tr.name, conns, label, count), rate: rate, perRT: perRT}
					switch {
					case perRT > 0 && tr.setting == "pipelined":
						r.target = "≥ 0.85 msgs/RT"
					case perRT > 0:
						r.note = "lockstep: about 0.2 expected"
					case rtt == 0 && conns == 8:
						r.ratio = rate / bare
						if tr.name == "pipelined/BDAT" {
							r.target = "ratio ≥ 0.60 of bare client"
						}
					}
					if rtt == 0 {
						r.note = "whole process: preflight, render, journal, report"
					}
					report(b, r)
					if rtt == 0 && conns == 8 && tr.name == "pipelined/BDAT" && bound > 0 {
						ph.div(b.N)
						report(b, row{name: "  send / bound: the line above against the bound's rate", ratio: rate / bound, target: "ratio ≥ 0.90",
							note: fmt.Sprintf("bound %.0f msgs/s: check's time, then the bare client's (%.2f s + %.2f s); send %.2f s: %.2f s to its first message (preflight, spooling), %.2f s delivering, %.2f s after its last (report files, page)",
								bound, float64(count)/boundCheck, float64(count)/bare, ph.total.Seconds(), ph.preflight.Seconds(), ph.delivery.Seconds(), ph.after.Seconds())})
					}
					if rtt == 0 && conns == 8 && tr.name == "pipelined/BDAT" && bareCPU > 0 && sendCPU > 0 {
						reportCPU(b, bare, bareCPU, sendCPU/time.Duration(count*b.N), sinkCPU/time.Duration(count*b.N))
					}
				})
			}
		}
	}
}

// phases splits send's time by what the sink saw: until its first message
// (the preflight, spooling included, and connecting), between its first
// and last message (delivery), and after the last (the report files and
// page, the summary).
type phases struct {
	total, preflight, delivery, after time.Duration
}

// add adds a run that started at start and took elapsed, sink's span
// being its messages'.
func (p *phases) add(start time.Time, elapsed time.Duration, sink *Sink) {
	first, last := sink.Span()
	if first.IsZero() {
		return
	}
	p.total += elapsed
	p.preflight += first.Sub(start)
	p.delivery += last.Sub(first)
	p.after += start.Add(elapsed).Sub(last)
}

func (p *phases) div(n int) {
	d := time.Duration(max(n, 1))
	p.total, p.preflight, p.delivery, p.after = p.total/d, p.preflight/d, p.delivery/d, p.after/d
}

// reportCPU logs where the CPU goes per message on loopback, 8
// connections: tidings send (a child: preflight, render, journal, report),
// the sink while it served send, and the bare client with the sink (both in
// this process). The cores can carry at most cores / (send + sink) messages
// a second, however send arranges its waits: the ratio printed is that
// ceiling against the bare client's rate.
func reportCPU(b *testing.B, bare float64, bareWithSink, send, sink time.Duration) {
	us := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
	cores := runtime.NumCPU()
	ceiling := float64(cores) / (send + sink).Seconds()
	report(b, row{
		name:  "CPU per message, 8 conns, loopback: send's ceiling",
		rate:  ceiling,
		ratio: ceiling / bare,
		note: fmt.Sprintf("send %.0f µs + sink %.0f µs a message (bare client with sink %.0f µs): %d core(s) carry at most this",
			us(send), us(sink), us(bareWithSink), cores),
	})
}

// BenchmarkSheetMemory: peak memory of tidings check over a 1,000,000-row
// CSV and a 200,000-row XLSX shaped like Excel's output, the latter
// against excelize's bare Rows loop over the same file; and no temporary
// file left behind.
func BenchmarkSheetMemory(b *testing.B) {
	bin := buildCLI(b)
	b.Run("csv", func(b *testing.B) {
		n := knob("BENCH_CSV_ROWS", 1_000_000)
		dir := b.TempDir()
		must(b, WriteCSV(filepath.Join(dir, "big.csv"), n))
		_, err := WriteCampaign(dir, CampaignOptions{Sheet: "big.csv"})
		must(b, err)
		r := runCLI(b, dir, nil, bin, "check", "campaign.yaml")
		report(b, row{name: fmt.Sprintf("tidings check, %d-row CSV", n), rate: float64(n) / r.Elapsed.Seconds(), peakMB: mb(r.PeakRSS), target: "peak < 64 MB"})
	})
	b.Run("xlsx", func(b *testing.B) {
		n := knob("BENCH_XLSX_ROWS", 200_000)
		dir := b.TempDir()
		book := filepath.Join(dir, "big.xlsx")
		must(b, WriteXLSX(book, n))
		_, err := WriteCampaign(dir, CampaignOptions{Sheet: "big.xlsx"})
		must(b, err)
		tmpCheck, tmpBare := b.TempDir(), b.TempDir()
		self, err := os.Executable()
		must(b, err)
		bareRun, err := RunCommand(context.Background(), dir, []string{childEnv + "=xlsx-rows", fileEnv + "=" + book, "TMPDIR=" + tmpBare}, self, "-test.run=^$")
		must(b, err)
		if bareRun.ExitCode != 0 {
			b.Fatalf("bare Rows loop: %s", bareRun.Output)
		}
		report(b, row{name: fmt.Sprintf("excelize bare Rows() loop, %d-row XLSX", n), rate: float64(n) / bareRun.Elapsed.Seconds(), peakMB: mb(bareRun.PeakRSS), note: "yardstick: every cell a distinct shared string"})
		r := runCLI(b, dir, []string{"TMPDIR=" + tmpCheck}, bin, "check", "campaign.yaml")
		left, err := os.ReadDir(tmpCheck)
		must(b, err)
		note := "no temporary file left"
		if len(left) > 0 {
			note = fmt.Sprintf("LEFT %d TEMPORARY FILES (%s…)", len(left), left[0].Name())
		}
		report(b, row{name: fmt.Sprintf("tidings check, %d-row XLSX", n), rate: float64(n) / r.Elapsed.Seconds(), peakMB: mb(r.PeakRSS),
			ratio: float64(r.PeakRSS) / float64(bareRun.PeakRSS), target: "peak ≤ 1.3 × bare loop", note: note})
	})
}

// BenchmarkSendMemory: peak memory of tidings send of the bench newsletter
// to the sink on loopback (8 connections), and the size of the state
// folder it leaves, per recipient, for each size in BENCH_SEND_MEM_N
// (comma-separated; default 10000,300000,1000000). Each size is a fresh
// campaign, so every send renders and spools every row. The first size's
// peak is the base the others are compared with (flat: a ratio near 1,
// and every peak within 100 MB). The state folder's bytes are split into
// the spool, the journal, report.csv, report.json, the report page
// (report.html and report-data/) and anything else (see stateParts).
// Then, with that journal full, the peaks of send again (everyone sent:
// it reads the journal and decides every row) and report.
func BenchmarkSendMemory(b *testing.B) {
	sizes := knobList("BENCH_SEND_MEM_N", []int{10_000, 300_000, 1_000_000})
	bin := buildCLI(b)
	sink, err := StartSink(SinkOptions{})
	must(b, err)
	defer sink.Close()
	var first struct { // the first size and its peak MB
		n    int
		peak float64
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			must(b, WriteCSV(filepath.Join(dir, "big.csv"), n))
			state := filepath.Join(dir, "state")
			r := sendFresh(b, bin, sink, n, dir, CampaignOptions{Sheet: "big.csv", SMTPPort: sink.Port, Transport: "pipelined", StateDir: state})
			peak := mb(r.PeakRSS)
			note := "whole process, every row spooled; the first size: the base of the ratios below"
			if first.n == 0 {
				first.n, first.peak = n, peak
			} else {
				note = fmt.Sprintf("whole process, every row spooled; ratio = peak / peak at %d; %+.0f bytes a recipient more than there",
					first.n, (peak-first.peak)*(1<<20)/float64(n-first.n))
			}
			parts := stateParts(b, state)
			per := func(v int64) float64 { return float64(v) / float64(n) }
			report(b, row{name: fmt.Sprintf("tidings send, %d recipients, 8 conns, loopback: peak RSS", n), rate: float64(n) / r.Elapsed.Seconds(),
				peakMB: peak, ratio: peak / first.peak, target: "peak ≤ 100 MB, flat (ratio ≈ 1)", note: note})
			report(b, row{name: fmt.Sprintf("  state folder after it (%d recipients), B a recipient", n), ratio: per(parts.total()) / 2000,
				target: "ratio ≤ 1.00 (2,000 B a recipient)",
				note: fmt.Sprintf("%.0f B a recipient: spool %.0f + journal %.0f + report.csv %.0f + report.json %.0f + report.html and report-data %.0f + other %.0f; %.0f MB",
					per(parts.total()), per(parts.spool), per(parts.journal), per(parts.csv), per(parts.json), per(parts.page), per(parts.other), mb(parts.total()))})
			// With the journal full: a resumed send (every row sent
			// already, so it sends nothing) and a report.
			again := runCLI(b, dir, nil, bin, "send", "--yes", "--concurrency", "8", "campaign.yaml")
			report(b, row{name: fmt.Sprintf("  tidings send again (all %d sent): peak RSS", n), rate: float64(n) / again.Elapsed.Seconds(),
				peakMB: mb(again.PeakRSS), target: "peak ≤ 100 MB", note: fmt.Sprintf("reads the journal of %d recipients and decides every row; %.1f s", n, again.Elapsed.Seconds())})
			rep := runCLI(b, dir, nil, bin, "report", "campaign.yaml")
			report(b, row{name: fmt.Sprintf("  tidings report (%d sent): peak RSS", n), rate: float64(n) / rep.Elapsed.Seconds(),
				peakMB: mb(rep.PeakRSS), target: "peak ≤ 100 MB", note: fmt.Sprintf("rebuilds report.csv, report.json and the page from the journal and the spool's row records; %.1f s", rep.Elapsed.Seconds())})
			for _, e := range parts.entries { // after the rows: go test keeps 10 lines of a benchmark's log
				b.Logf("state folder: %s %d bytes", e.name, e.size)
			}
		})
	}
}

// BenchmarkSendAttachment: peak memory of tidings send when every message
// carries a 6 MB attachment (random bytes, so the spool cannot shrink it:
// 8.3 MB a message), BENCH_ATT_N recipients (default 100) to the sink on
// loopback with 8 connections, without a rate limit and at 25/s (the
// messages wait for the limiter). Rendering, spooling and delivery hold
// messages bounded by bytes, not by count: before those bounds the case
// without a limit peaked at 1,414 MB.
func BenchmarkSendAttachment(b *testing.B) {
	n := knob("BENCH_ATT_N", 100)
	bin := buildCLI(b)
	sink, err := StartSink(SinkOptions{})
	must(b, err)
	defer sink.Close()
	dir := b.TempDir()
	must(b, WriteCSV(filepath.Join(dir, "big.csv"), n))
	att := make([]byte, 6<<20)
	rand.Read(att)
	must(b, os.WriteFile(filepath.Join(dir, "invoice.bin"), att, 0o644))
	for _, rate := range []string{"", "25/s"} {
		b.Run("rate="+cmp.Or(rate, "none"), func(b *testing.B) {
			r := sendFresh(b, bin, sink, n, dir, CampaignOptions{Sheet: "big.csv", SMTPPort: sink.Port, Transport: "pipelined",
				StateDir: filepath.Join(dir, "state"), Attachment: "invoice.bin", Rate: rate})
			report(b, row{name: fmt.Sprintf("tidings send, %d recipients, a 6 MB attachment each, rate %s: peak RSS", n, cmp.Or(rate, "none")),
				rate: float64(n) / r.Elapsed.Seconds(), peakMB: mb(r.PeakRSS),
				note: "8.3 MB a message, 8 conns, loopback; held messages bounded by bytes (1,414 MB before, without a rate)"})
		})
	}
}

// sendFresh writes the campaign o in dir and runs tidings send over it
// (8 connections) b.N times, each with a fresh state folder, so that every
// send renders and spools every row and the folder is one send's; the sink
// must accept n messages each time. It returns the last run.
func sendFresh(b *testing.B, bin string, sink *Sink, n int, dir string, o CampaignOptions) Run {
	b.Helper()
	_, err := WriteCampaign(dir, o)
	must(b, err)
	var r Run
	for range b.N {
		must(b, os.RemoveAll(o.StateDir))
		sink.Reset()
		r = runCLI(b, dir, nil, bin, "send", "--yes", "--concurrency", "8", "campaign.yaml")
		if got := sink.Messages(); got != int64(n) {
			b.Fatalf("sink accepted %d, want %d\n%s", got, n, r.Output)
		}
	}
	return r
}

// stateFolder is a state folder's bytes by what holds them.
type stateFolder struct {
	spool, journal, csv, json, page, other int64
	// entries are the top-level entries with their bytes.
	entries []stateEntry
}

type stateEntry struct {
	name string
	size int64
}

func (s stateFolder) total() int64 { return s.spool + s.journal + s.csv + s.json + s.page + s.other }

// stateParts sizes the state folder dir by its top-level entries: spool/,
// the journal (journal*), report.csv, report.json, the report page
// (report.html and report-data/), and the rest (the lock, say).
func stateParts(b *testing.B, dir string) stateFolder {
	b.Helper()
	entries, err := os.ReadDir(dir)
	must(b, err)
	var s stateFolder
	for _, e := range entries {
		_, size := dirFiles(b, filepath.Join(dir, e.Name()))
		s.entries = append(s.entries, stateEntry{e.Name(), size})
		switch name := e.Name(); {
		case name == spool.Folder:
			s.spool += size
		case strings.HasPrefix(name, "journal"):
			s.journal += size
		case name == "report.csv":
			s.csv += size
		case name == "report.json":
			s.json += size
		case name == rpage.PageFile || name == rpage.PageDataDir:
			s.page += size
		default:
			s.other += size
		}
	}
	return s
}

// knobList reads a comma-separated list of sizes from the environment,
// scaled down under BENCH_QUICK as knob is.
func knobList(name string, def []int) []int {
	v := os.Getenv(name)
	if v == "" {
		out := make([]int, len(def))
		for i, n := range def {
			out[i] = knob(name+"_UNSET_", n)
		}
		return out
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}
