package mailbox

import (
	"context"
	"maps"
	"slices"
)

// pipelineChunk is how many LIST n commands checkSizes sends before it
// reads their replies: a few KB each way, within any connection's
// buffers, so the server never waits on a client that does not read.
const pipelineChunk = 100

// checkSizes asks the server, when it offers PIPELINING (RFC 2449), for
// the sizes of the messages of ids (message number → unique-id in b's
// session) that known.Sizes has, pipelined a hundred to a round trip,
// and returns known with the sizes the server gives now: a unique-id
// given again to another message since (against RFC 1939: a backup
// restored, an index rebuilt) most likely has another size, which the
// caller's check for it then sees, as it does for a LIST of all. Without
// PIPELINING, and for those after a batch that failed (b then on a new
// session), the sizes are known's. Gone are the unique-ids of the
// messages the server says it does not hold (noSuchMessage: a server
// that takes a message another client took out since UIDL out of its
// listing; Dovecot lists it still, its size read at login, and refuses
// its RETR), and the session goes on; another -ERR to one leaves it
// known's size.
func (b *pop3Box) checkSizes(ctx context.Context, ids map[int]string, known Known) (_ Known, gone map[string]bool, _ error) {
	if len(known.Sizes) == 0 || !b.pipelines(ctx) {
		return known, nil, nil
	}
	var nums []int
	for _, n := range slices.Sorted(maps.Keys(ids)) {
		if _, ok := known.Sizes[ids[n]]; ok && !known.unsized(ids[n]) {
			nums = append(nums, n)
		}
	}
	sizes, gone := maps.Clone(known.Sizes), map[string]bool{}
	for len(nums) > 0 {
		chunk := nums[:min(len(nums), pipelineChunk)]
		nums = nums[len(chunk):]
		err := b.listEach(ctx, chunk, ids, sizes, gone)
		if err == nil {
			b.reopened.listed()
			continue
		}
		if ctx.Err() != nil {
			return known, nil, wrapPOP3(err)
		}
		if _, err := b.reopen(ctx); err != nil {
			return known, nil, err // its own words
		}
		break
	}
	known.Sizes = sizes
	return known, gone, nil
}

// listEach asks for the sizes of messages chunk in one pipeline
// (pop3.Client.ListEach), putting them in sizes by unique-id (ids) and
// the unique-ids of those the server says it does not hold in gone.
func (b *pop3Box) listEach(ctx context.Context, chunk []int, ids map[int]string, sizes map[string]int64, gone map[string]bool) error {
	err := b.step(ctx, "LIST", 0, func(ctx context.Context) error {
		got, refused, err := b.c.ListEach(ctx, chunk)
		for i, size := range got {
			id := ids[chunk[i]]
			switch pe := refused[chunk[i]]; {
			case pe == nil:
				sizes[id] = size
			case noSuchMessage(pe.Text):
				gone[id] = true
			}
		}
		return err
	})
	return err
}

// pipelines reports whether the server offers PIPELINING.
func (b *pop3Box) pipelines(ctx context.Context) bool {
	caps, err := b.c.Capabilities(ctx)
	return err == nil && caps.Has("PIPELINING")
}
