package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/templates"
)

// Prepared is a campaign ready to render in memory: its renderer and every
// row of its sheet.
type Prepared struct {
	R    *render.Renderer
	Rows []campaign.Row
}

// Prepare loads the campaign at path, compiles its templates and reads
// every row of its sheet into memory.
func Prepare(ctx context.Context, path string) (*Prepared, error) {
	c, err := campaign.Load(path)
	if err != nil {
		return nil, err
	}
	sheet, err := campaign.OpenSheet(ctx, c.Recipients)
	if err != nil {
		return nil, err
	}
	defer sheet.Close()
	set, err := templates.Compile(c, sheet.Columns())
	if err != nil {
		return nil, err
	}
	r, err := render.New(c, set, render.Options{})
	if err != nil {
		return nil, err
	}
	p := &Prepared{R: r}
	for {
		row, err := sheet.Next(ctx)
		if errors.Is(err, io.EOF) {
			return p, nil
		}
		if err != nil {
			return nil, err
		}
		p.Rows = append(p.Rows, row)
	}
}

// RenderAll builds every row's message (templates and MIME, nothing else:
// no sheet reading, no output) on workers goroutines and returns how many
// it built and how long that took.
func (p *Prepared) RenderAll(workers int) (int, time.Duration, error) {
	var next atomic.Int64
	var bytes atomic.Int64
	errs := make([]error, workers)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(p.Rows) {
					return
				}
				m, err := p.R.Render(p.Rows[i])
				if err != nil {
					errs[w] = fmt.Errorf("row %d: %w", p.Rows[i].Number, err)
					return
				}
				bytes.Add(int64(len(m.Data)))
			}
		}()
	}
	wg.Wait()
	return len(p.Rows), time.Since(start), errors.Join(errs...)
}

// Msgs renders the first n rows (all when n is larger) for BareSend.
func (p *Prepared) Msgs(n int) ([]Msg, error) {
	n = min(n, len(p.Rows))
	out := make([]Msg, n)
	for i := range n {
		m, err := p.R.Render(p.Rows[i])
		if err != nil {
			return nil, err
		}
		out[i] = Msg{From: m.EnvelopeFrom, To: m.Recipients, Data: m.Data}
	}
	return out, nil
}

// Messages renders the first n rows (all when n is larger).
func (p *Prepared) Messages(n int) ([]*render.Message, error) {
	n = min(n, len(p.Rows))
	out := make([]*render.Message, n)
	for i := range n {
		m, err := p.R.Render(p.Rows[i])
		if err != nil {
			return nil, err
		}
		out[i] = m
	}
	return out, nil
}
