package sendpool_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// BenchmarkPoolSend measures end-to-end delivery over loopback to the
// in-process server (plain exchange, no rate limit): messages per second.
func BenchmarkPoolSend(b *testing.B) {
	for _, conc := range []int{1, 4} {
		b.Run(fmt.Sprintf("conns=%d", conc), func(b *testing.B) {
			srv := smtptest.NewServer(b)
			cfg := pooltest.NewConfig(srv)
			cfg.Concurrency = conc
			cfg.PerConnection = 1000
			p, err := sendpool.New(cfg.PoolConfig(b))
			if err != nil {
				b.Fatal(err)
			}
			msgs := make([]*render.Message, b.N)
			for i := range msgs {
				msgs[i] = pooltest.Message(i+2, fmt.Sprintf("u%d@example.org", i))
			}
			b.ResetTimer()
			if err := p.Run(context.Background(), sendpool.SliceSource(msgs), nil); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

func BenchmarkClassifyReply(b *testing.B) {
	ec := sendpool.EnhancedCode{4, 7, 0}
	for b.Loop() {
		sendpool.ClassifyReply(451, ec, "Requested action aborted: local error in processing")
	}
}
