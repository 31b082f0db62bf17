package render

// sharedUnsubscribe is the number of addresses of to, a row's To, that
// share its one-click unsubscribe link when there are several of them,
// else 0: with unsubscribe.one_click the link is the message's, so
// whichever of them clicks Unsubscribe unsubscribes them all. A to:
// template that visibly writes several is the campaign's warning, not
// every row's.
func (r *Renderer) sharedUnsubscribe(to []mailbox) int {
	if !r.oneClick || r.toListed || len(to) < 2 {
		return 0
	}
	if n := len(recipients(to)); n > 1 {
		return n
	}
	return 0
}
