package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/smtpclient"
)

// The smoke tests run the benchmark harness at toy sizes, so a plain
// `go test ./...` checks it works without taking long (the CLI is not built
// here).

func TestGeneratorsAndRender(t *testing.T) {
	ctx := context.Background()
	const n = 30
	if len(htmlBody()) < 5000 || len(textBody()) < 900 || len(Columns) != 8 {
		t.Fatalf("newsletter: %d bytes of HTML, %d of text, %d fields", len(htmlBody()), len(textBody()), len(Columns))
	}
	var rows [2][]map[string]string
	for i, sheet := range []string{"r.csv", "r.xlsx"} {
		dir := t.TempDir()
		var err error
		if strings.HasSuffix(sheet, ".csv") {
			err = WriteCSV(filepath.Join(dir, sheet), n)
		} else {
			err = WriteXLSX(filepath.Join(dir, sheet), n)
		}
		if err != nil {
			t.Fatal(err)
		}
		path, err := WriteCampaign(dir, CampaignOptions{Sheet: sheet, StateDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		p, err := Prepare(ctx, path)
		if err != nil {
			t.Fatalf("%s: %v", sheet, err)
		}
		k, _, err := p.RenderAll(2)
		if err != nil || k != n {
			t.Fatalf("%s: rendered %d, %v", sheet, k, err)
		}
		msgs, err := p.Msgs(2)
		if err != nil || len(msgs) != 2 || len(msgs[0].Data) < 6000 || msgs[1].To[0] != "user0000001@example.com" {
			t.Fatalf("%s: messages %d, %v", sheet, len(msgs), err)
		}
		for _, r := range p.Rows {
			rows[i] = append(rows[i], r.Values)
		}
	}
	if !reflect.DeepEqual(rows[0], rows[1]) {
		t.Errorf("the CSV and the XLSX hold different rows:\n%v\n%v", rows[0][:2], rows[1][:2])
	}
}

func smokeMsgs(n int) []Msg {
	msgs := make([]Msg, n)
	for i := range msgs {
		msgs[i] = Msg{From: "s@example.org", To: []string{fmt.Sprintf("r%d@example.org", i)},
			Data: []byte(fmt.Sprintf("Subject: %d\r\n\r\nbody %d\r\n", i, i))}
	}
	return msgs
}

func TestSinksTakeBareClient(t *testing.T) {
	ctx := context.Background()
	starts := map[string]func() (*Sink, error){
		"hand":         func() (*Sink, error) { return StartSink(SinkOptions{}) },
		"hand-no-bdat": func() (*Sink, error) { return StartSink(SinkOptions{NoChunking: true}) },
		"go-smtp":      StartGoSMTPSink,
	}
	for name, start := range starts {
		t.Run(name, func(t *testing.T) {
			s, err := start()
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, err := BareSend(ctx, s.Addr, 3, smokeMsgs(25)); err != nil {
				t.Fatal(err)
			}
			if got := s.Messages(); got != 25 {
				t.Errorf("accepted %d, want 25", got)
			}
		})
	}
}

// TestProxyAndPool: tidings' pipelined pool through the delaying proxy to
// the sink without CHUNKING (DATA with the next group behind each body).
func TestProxyAndPool(t *testing.T) {
	sink, err := StartSink(SinkOptions{NoChunking: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	const rtt = 4 * time.Millisecond
	px, err := StartProxy(sink.Addr, rtt)
	if err != nil {
		t.Fatal(err)
	}
	defer px.Close()
	start := time.Now()
	if _, err := BareSend(context.Background(), px.Addr, 1, smokeMsgs(3)); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 3*rtt {
		t.Errorf("3 transactions through the proxy took %s, less than 3 round trips of %s", d, rtt)
	}
	msgs := make([]*render.Message, 12)
	for i := range msgs {
		to := fmt.Sprintf("p%d@example.org", i)
		msgs[i] = &render.Message{Row: i + 2, Key: to, EnvelopeFrom: "s@example.org", Recipients: []string{to},
			Data: []byte("Subject: x\r\n\r\n.dot line\r\nhello\r\n")}
	}
	dialer, err := smtpclient.NewDialer(smtpclient.Config{Host: "127.0.0.1", Port: px.Port, Security: campaign.SecurityNone, Timeout: 5 * time.Second,
		Transport: campaign.TransportPipelined})
	if err != nil {
		t.Fatal(err)
	}
	pool, err := sendpool.New(sendpool.Config{Dialer: dialer, Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	if err := pool.Run(context.Background(), sendpool.SliceSource(msgs), func(r sendpool.Result) {
		if r.Status == sendpool.StatusSent {
			sent++
		}
	}); err != nil {
		t.Fatal(err)
	}
	if sent != len(msgs) || sink.Messages() != int64(3+len(msgs)) {
		t.Errorf("sent %d, sink has %d", sent, sink.Messages())
	}
	// The in-process stages of BenchmarkSend, with journal and report.
	if _, err := PoolSend(context.Background(), sink.Port, 2, msgs, t.TempDir(), true, true); err != nil {
		t.Fatal(err)
	}
	if sink.Messages() != int64(3+2*len(msgs)) {
		t.Errorf("sink has %d", sink.Messages())
	}
}

// TestRunCommandPeakRSS: the peak RSS RunCommand reports is the child's
// own, also when this process is much bigger than the child.
func TestRunCommandPeakRSS(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("peak RSS is read on Linux only")
	}
	ballast := make([]byte, 512<<20) // far above the child's peak, also under -race
	for i := 0; i < len(ballast); i += 4096 {
		ballast[i] = 1
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	r, err := RunCommand(context.Background(), t.TempDir(), []string{childEnv + "=alloc"}, self, "-test.run=^$")
	if err != nil || r.ExitCode != 0 {
		t.Fatalf("%v, exit %d: %s", err, r.ExitCode, r.Output)
	}
	if mb := r.PeakRSS >> 20; mb < 48 || mb >= 400 {
		t.Errorf("child peak %d MB, want its own 48 MB and more, and well below this process's 512", mb)
	}
	runtime.KeepAlive(ballast)
}
