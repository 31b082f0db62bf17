package sendpool

import (
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tidings/tidings/render"
)

// poolJob is one message on its way.
type poolJob struct {
	msg      *render.Message
	rcpts    []string // still owed
	recips   []RecipientResult
	attempts int
	// paced is attempts when the job last took a turn of its domain
	// for a retry (RetryPacer): a job handed on since takes no other.
	paced     int
	tempFails int
	throttles int
	// tryTook is poolRun.took when its try began; tookAt that of its
	// last throttled try, and throttleSeen poolRun.throttles after it
	// (throttledRun).
	tryTook, tookAt, throttleSeen int64
	started                       time.Time
	server                        string
	sentReply                     *SMTPError // the final reply of the try that delivered
	decisive                      *SMTPError // the last refusing reply
	detail                        string     // explanation besides (or instead of) decisive
	lastDetail                    string     // the last try's error, for stop messages
	weight                        int64      // what it holds of poolRun.bytes
	due                           time.Time  // when its next try is due, while it waits for it
	size                          int        // len(msg.Data), also while parked without it
	parked                        bool       // waiting for a retry without its data
	// bodyOpen: a try's body went (or began to), its attempt on record
	// in the journal, and no result of it is recorded since: the
	// journal reads it back as unknown (journalFailed).
	bodyOpen atomic.Bool
}

func newPoolJob(m *render.Message) *poolJob {
	own := *m // park may clear Data; the source's Message stays as it was
	j := &poolJob{msg: &own, rcpts: append([]string(nil), m.Recipients...), size: len(m.Data)}
	j.recips = make([]RecipientResult, len(m.Recipients))
	for i, a := range m.Recipients {
		j.recips[i] = RecipientResult{Address: a, Status: StatusNotAttempted}
	}
	return j
}

func (j *poolJob) mark(addr string, st Status, se *SMTPError, detail string) {
	for i := range j.recips {
		if j.recips[i].Address != addr {
			continue
		}
		rr := &j.recips[i]
		rr.Status, rr.Code, rr.EnhancedCode, rr.Detail = st, 0, EnhancedCode{}, detail
		if se != nil {
			rr.Code, rr.EnhancedCode, rr.Detail = se.Code, se.EnhancedCode, OneLine(se.Message)
		}
	}
}

// withdrawn is the result that takes back the journal attempt of j's try
// taken ahead, whose body did not go (poolWorker.withdraw): j's result as
// it stands, not final, with the try's recipients not attempted. j itself
// is left as it was.
func (r *poolRun) withdrawn(j *poolJob) Result {
	res := r.result(j, false)
	res.Status, res.Code, res.EnhancedCode = StatusNotAttempted, 0, EnhancedCode{}
	res.Detail = "its connection ended before its body went; it goes on the next"
	for i, rr := range res.Recipients {
		if slices.Contains(j.rcpts, rr.Address) && rr.Status != StatusFailed && rr.Status != StatusDeferred {
			res.Recipients[i].Status = StatusNotAttempted
		}
	}
	return res
}

// result builds the job's Result from its recipients.
func (r *poolRun) result(j *poolJob, final bool) Result {
	now := r.p.clock.Now()
	res := Result{
		Row:        j.msg.Row,
		Key:        j.msg.Key,
		To:         j.msg.To,
		Cc:         j.msg.Cc,
		Bcc:        j.msg.Bcc,
		MessageID:  j.msg.MessageID,
		Attempts:   j.attempts,
		Server:     j.server,
		Final:      final,
		Recipients: append([]RecipientResult(nil), j.recips...),
	}
	if res.Server == "" {
		res.Server = r.p.server
	}
	if !j.started.IsZero() {
		res.StartedAt, res.FinishedAt = j.started, now
		res.Duration = now.Sub(j.started)
	}
	var sent, failed, deferred, unknown int
	var refused []string
	lost := ErrReplyLost.Error() // why the outcome is unknown
	for _, rr := range j.recips {
		switch rr.Status {
		case StatusSent:
			sent++
		case StatusFailed, StatusDeferred:
			if rr.Status == StatusFailed {
				failed++
			} else {
				deferred++
			}
			refused = append(refused, rr.Refusal())
		case StatusUnknown:
			if unknown++; unknown == 1 && rr.Detail != "" {
				lost = rr.Detail
			}
		}
	}
	setReply := func(se *SMTPError) {
		if se != nil {
			res.Code, res.EnhancedCode, res.Detail = se.Code, se.EnhancedCode, OneLine(se.Message)
		}
	}
	switch {
	case len(j.recips) == 0:
		res.Status = StatusFailed
		res.Detail = "the message has no envelope recipients"
	case unknown > 0:
		res.Status = StatusUnknown
		res.Detail = lost
	case sent > 0:
		res.Status = StatusSent
		setReply(j.sentReply)
		if failed+deferred > 0 {
			res.Detail = joinDetail(res.Detail, "not accepted for "+strings.Join(refused, ", "), "; ")
		}
	case failed+deferred > 0:
		// Deferred while any recipient may still take it: a later try
		// (in this run, or the next run's) sends to all of them again.
		res.Status = StatusFailed
		if deferred > 0 {
			res.Status = StatusDeferred
		}
		setReply(j.decisive)
		res.Detail = joinDetail(j.detail, res.Detail, ": ")
	default:
		res.Status = StatusNotAttempted
		res.Detail = j.detail
	}
	return res
}
