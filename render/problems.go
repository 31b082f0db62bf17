package render

import "github.com/tidings/tidings/campaign"

// rowProblems gathers the problems a row's stages find (its addresses,
// subject, unsubscribe link, attachments, bodies, headers), so that check
// names them all at once rather than one a round. A cell at fault is named
// once: a column read by the subject and the body alike is one problem.
// Once a cell's value is known to be wrong (an Excel error value, a
// formula never calculated: tainted), a problem that names no column is
// left out, as likely that value's doing. An error that is not a row's (a setup problem) ends the gathering
// and is what err returns.
type rowProblems struct {
	list    campaign.RowErrors
	other   error
	tainted bool
}

// addTainting notes err, the problems of cells whose values are wrong in
// the sheet itself (Renderer.excelError), which taint the rest.
func (p *rowProblems) addTainting(err error) {
	p.add(err)
	p.tainted = p.tainted || err != nil
}

// add notes err, when not nil.
func (p *rowProblems) add(err error) {
	if err == nil || p.other != nil {
		return
	}
	list := campaign.RowProblems(err)
	if list == nil {
		p.other = err
		return
	}
	for _, re := range list {
		if !p.named(re.Column) && !(p.tainted && re.Column == "") {
			p.list = append(p.list, re)
		}
	}
}

// named says whether a problem of column col is already noted.
func (p *rowProblems) named(col string) bool {
	for _, re := range p.list {
		if col != "" && re.Column == col {
			return true
		}
	}
	return false
}

// none says whether nothing was noted.
func (p *rowProblems) none() bool { return p.other == nil && len(p.list) == 0 }

// err is the gathered problem: the one *campaign.RowError, a
// campaign.RowErrors of several, or the error that is not a row's.
func (p *rowProblems) err() error {
	switch {
	case p.other != nil:
		return p.other
	case len(p.list) == 1:
		return p.list[0]
	case len(p.list) > 1:
		return p.list
	}
	return nil
}
