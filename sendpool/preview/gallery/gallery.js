// gallery.js: the tidings preview page. Written by `tidings preview`
// beside the .eml files and opened from disk (file://).
//
// Data arrives as scripts (browsers refuse fetch() of local files):
// gallery/rows.js calls tidings.meta, gallery/rows-NNNN.js call tidings.rows
// (the chunk's rows, and its warnings each once, which a row's wa names),
// gallery/msg/<id>.js call tidings.message when a message is opened.
//
// Everything from a recipient row is untrusted. The DOM is built with
// createElement and textContent only; no data ever goes through innerHTML,
// and the message HTML is shown only inside sandboxed iframes without
// allow-scripts, under a Content-Security-Policy of their own.
(function () {
  'use strict';

  var PAGE = 100;          // list rows per page
  var MESSAGE_CACHE = 30;  // parsed messages kept in memory
  var DATA = 'gallery/';

  var state = {
    meta: null,
    rows: [],          // every list entry, in sheet-row order
    loadedChunks: 0,
    hay: null,         // lower-cased search text per row, built on first search
    filtered: null,    // indexes into rows when a filter is active, else null
    page: 0,
    query: '',
    status: 'all',
    warned: false,     // the Warnings filter: only rows with warnings
    selected: -1,      // index into rows
    tab: 'html',
    width: 'desktop',
    remote: false,
    messages: new Map(),
    pending: ''
  };

  function $(id) { return document.getElementById(id); }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  // dataEl is el for a value from a row or a message: its element
  // isolates it (dir=auto), so a right-to-left name or a bidi control in
  // it (U+202E) cannot reorder the text around it.
  function dataEl(tag, cls, text) {
    var e = el(tag, cls, text);
    e.dir = 'auto';
    return e;
  }

  // RTL_LETTER matches a letter of a right-to-left script (Hebrew,
  // Arabic, Syriac, Thaana, N'Ko, Samaritan, Mandaic and their
  // presentation forms); LETTER any letter.
  var RTL_LETTER = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\u{10800}-\u{10fff}\u{1e800}-\u{1efff}]/u;
  var LETTER = /\p{L}/u;

  // mostDir is the direction of most of text's letters: 'rtl' when more
  // are of a right-to-left script, 'ltr' when more are not, 'auto' (its
  // first strong letter's) on a tie.
  function mostDir(text) {
    var rtl = 0, ltr = 0;
    for (var ch of String(text)) {
      if (RTL_LETTER.test(ch)) { rtl++; } else if (LETTER.test(ch)) { ltr++; }
    }
    return rtl > ltr ? 'rtl' : ltr > rtl ? 'ltr' : 'auto';
  }

  // lineEl is dataEl for a value cut to one line at its end (the list's
  // subject): laid out as the message's heading lays it out, in its
  // first strong letter's direction, while it fits; cut, in the
  // direction of most of its letters (cutLines), so the cut keeps its
  // start, the words after a name in another script too ("سارة أحمد,
  // your order…" showed the end of the English, right to left). It
  // still isolates the value.
  function lineEl(tag, cls, text) {
    var e = dataEl(tag, cls, text);
    var most = mostDir(text);
    if (most !== 'auto') { e.dataset.most = most; }
    return e;
  }

  // cutLines lays out in the direction of most of their letters the
  // lines of list (lineEl) cut at its end, those wider than their box:
  // all of them were, and a short subject that fits, "Hello דוד כהן,",
  // read "דוד כהן, Hello" in the list, right to left, where the message's
  // heading, as a mail program, showed it left to right. Measured all
  // first (each in the heading's layout: the width is the same), then
  // set, for one layout. Again when the window's width changes (a phone
  // turned): a line cut upright fits turned, and kept the cut's layout.
  function cutLines(list) {
    var lines = Array.prototype.slice.call(list.querySelectorAll('[data-most]'));
    lines.forEach(function (e) { if (e.dir !== 'auto') { e.dir = 'auto'; } });
    var cut = lines.filter(function (e) { return e.scrollWidth > e.clientWidth; });
    cut.forEach(function (e) { e.dir = e.dataset.most; });
  }

  // shownEl is dataEl for a key, a name or an address, its invisible
  // and reordering characters shown as their code points, as the report
  // page does (report's unseen.js, which this script begins with).
  function shownEl(tag, cls, text) { return tidingsUnseen.fill(dataEl(tag, cls), text); }

  function pad2(n) { return (n < 10 ? '0' : '') + n; }

  // fmtLocal writes an RFC 3339 time in the viewer's time zone, naming
  // it: 2026-11-03 14:30:00 (UTC+05:30, Asia/Kolkata). "" when it does
  // not parse.
  function fmtLocal(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) { return ''; }
    var off = -d.getTimezoneOffset(), sign = off < 0 ? '-' : '+', zone = '';
    off = Math.abs(off);
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (e) { /* no name, the offset says it */ }
    return d.getFullYear() + '-' + pad2(d.getMonth() + 1) + '-' + pad2(d.getDate()) + ' ' +
      pad2(d.getHours()) + ':' + pad2(d.getMinutes()) + ':' + pad2(d.getSeconds()) +
      ' (UTC' + sign + pad2(Math.floor(off / 60)) + ':' + pad2(off % 60) + (zone ? ', ' + zone : '') + ')';
  }

  function clear(node) {
    while (node.firstChild) { node.removeChild(node.firstChild); }
  }

  function fmtInt(n) { return Number(n).toLocaleString('en-US'); }

  function fmtSize(n) {
    if (n < 1024) { return n + ' B'; }
    if (n < 1024 * 1024) { return (n / 1024).toFixed(n < 10240 ? 1 : 0) + ' KB'; }
    return (n / 1024 / 1024).toFixed(1) + ' MB';
  }

  function loadScript(src, onerror, ordered) {
    var s = document.createElement('script');
    s.src = src;
    // Ordered scripts download in parallel and run in insertion order.
    if (ordered) { s.async = false; }
    s.onload = function () { s.remove(); };
    s.onerror = function () { s.remove(); if (onerror) { onerror(); } };
    document.body.appendChild(s);
  }

  // chunkName is the n-th list file, as galleryChunkName in gallery.go names it.
  function chunkName(n) {
    var s = String(n);
    while (s.length < 4) { s = '0' + s; }
    return DATA + 'rows-' + s + '.js';
  }

  // ---- data entry points, called by the data scripts -------------------

  window.tidings = {
    meta: function (meta) {
      state.meta = meta;
      $('count-all').textContent = fmtInt(meta.total);
      $('count-ok').textContent = fmtInt(meta.ok);
      $('count-skipped').textContent = fmtInt(meta.skipped);
      $('count-sent').textContent = fmtInt(meta.sent || 0);
      $('count-came-back').textContent = fmtInt(meta.cameBack || 0);
      $('count-invalid').textContent = fmtInt(meta.invalid);
      $('count-warned').textContent = fmtInt(meta.warned || 0);
      sheetWarnings(meta.sheet || []);
      updateSummary();
      if (meta.chunks > 0) {
        loadScript(chunkName(1), dataMissing);
      } else {
        finished();
      }
    },

    rows: function (n, list, words) {
      if (n !== state.loadedChunks + 1) { return; }
      var start = state.rows.length;
      for (var i = 0; i < list.length; i++) {
        // A row's warnings, by their place in the chunk's words: rows
        // that share one share its string.
        if (list[i].wa) { list[i].wa = list[i].wa.map(function (k) { return words[k]; }); }
        state.rows.push(list[i]);
      }
      state.loadedChunks = n;
      if (n === 1) {
        // Page 1 first, on its own; then the rest, downloaded in parallel.
        for (var c = 2; c <= state.meta.chunks; c++) { loadScript(chunkName(c), dataMissing, true); }
      }
      if (state.hay) { addHay(start); }
      if (state.filtered) {
        for (var j = start; j < state.rows.length; j++) {
          if (matches(j)) { state.filtered.push(j); }
        }
      }
      // Render when the visible page changes: the first chunk, or a page
      // that is not yet full.
      var shown = $('rows').childElementCount;
      renderList(shown < PAGE);
      if (n === 1) { selectFirst(); }
      if (n >= state.meta.chunks) { finished(); }
    },

    message: function (id, msg) {
      state.messages.set(id, msg);
      if (state.messages.size > MESSAGE_CACHE) {
        state.messages.delete(state.messages.keys().next().value);
      }
      if (id === state.pending) {
        state.pending = '';
        showMessage(id, msg);
      }
    }
  };

  // sheetWarnings lists the warnings about the whole sheet (a column
  // blank in every row, merged cells, rows recipients.only_blank left
  // out …) once, above the list, as text, each laid out left to right
  // (tidings' words: fillWarnings) and isolated (they quote a column's
  // name, a cell). Hidden when there are none.
  function sheetWarnings(list) {
    var box = $('sheet-warnings');
    var ul = $('sheet-warnings-list');
    clear(ul);
    box.hidden = list.length === 0;
    // Folded to its summary line on a phone, where open it left the list
    // room for three rows; the summary, one Tab stop, opens it.
    box.open = !window.matchMedia('(max-width: 900px)').matches;
    $('sheet-warnings-title').textContent = list.length === 1 ? '1 warning about the whole sheet' :
      fmtInt(list.length) + ' warnings about the whole sheet';
    list.forEach(function (w) {
      var li = el('li', null, w);
      li.dir = 'ltr';
      ul.appendChild(li);
    });
  }

  // selectFirst opens the first message of the list when nothing is open
  // yet, so the page does not start on an empty pane.
  function selectFirst() {
    if (state.selected >= 0) { return; }
    for (var i = 0; i < state.rows.length; i++) {
      if (state.rows[i].f) { select(i); return; }
    }
  }

  function dataMissing() {
    $('summary').textContent = 'Could not load the list (gallery/ folder missing or incomplete).';
    document.body.dataset.state = 'error';
  }

  function finished() {
    updateSummary();
    renderList(false);
    // Milliseconds since navigation, for tests and the curious.
    document.body.dataset.readyMs = String(Math.round(performance.now()));
    document.body.dataset.state = 'ready';
  }

  function updateSummary() {
    var m = state.meta;
    var s = $('summary');
    s.dataset.total = m.total;
    var text = fmtInt(m.total) + (m.total === 1 ? ' message' : ' messages') +
      ' · ' + fmtInt(m.ok) + ' ok · ' + fmtInt(m.invalid) + ' invalid';
    if (m.sent > 0) {
      text += ' · ' + fmtInt(m.sent) + ' sent before (shown as they went out)';
    }
    if (m.skipped > 0) {
      text += ' · ' + fmtInt(m.skipped) + ' skipped (send will not send them)';
    }
    if (m.warned > 0) {
      text += ' · ' + fmtInt(m.warned) + ' with warnings';
    }
    if (state.rows.length < m.total) {
      text += ' · loading ' + fmtInt(state.rows.length) + '…';
    }
    s.textContent = text;
    s.classList.toggle('has-invalid', m.invalid > 0);
  }

  // ---- filtering --------------------------------------------------------

  function addHay(start) {
    for (var i = start; i < state.rows.length; i++) {
      var r = state.rows[i];
      var parts = [String(r.r), r.k || '', r.t || '', r.e || '', r.s || '', r.p || '', statusOf(r)];
      if (r.a) { for (var j = 0; j < r.a.length; j++) { parts.push(r.a[j].n); } }
      state.hay.push(parts.join('\n').toLowerCase());
    }
  }

  // lowered holds each warning lower-cased, once for all the rows that
  // have it: a row's hay leaves its warnings out, where a copy a row of a
  // warning every row has took more memory than the rest of the list.
  var lowered = new Map();

  // warnsHave reports whether one of list row r's warnings holds term t,
  // lower-cased.
  function warnsHave(r, t) {
    if (!r.wa) { return false; }
    for (var k = 0; k < r.wa.length; k++) {
      var low = lowered.get(r.wa[k]);
      if (low === undefined) { low = r.wa[k].toLowerCase(); lowered.set(r.wa[k], low); }
      if (low.indexOf(t) >= 0) { return true; }
    }
    return false;
  }

  // statusOf is a list row's status: ok (a message to send), invalid, the
  // status of a row send skips (duplicate, suppressed, failed …), or of a
  // message an earlier run sent (sent, unknown).
  function statusOf(r) { return r.x ? 'invalid' : r.n ? r.n : r.d ? r.d : 'ok'; }

  // filterOf is the status filter a list row belongs to: a row whose
  // message bounced or drew a complaint since it was sent is under
  // Bounced (came-back), not Sent.
  function filterOf(r) { return r.x ? 'invalid' : r.n ? 'skipped' : r.d ? (wentOut(r.d) && r.d !== 'sent' ? 'came-back' : 'sent') : 'ok'; }

  // warned reports whether list row r has warnings (r.wa: the words of
  // preview's warning lines for the row).
  function warned(r) { return !!(r.wa && r.wa.length); }

  var terms = [];

  function matches(i) {
    var r = state.rows[i];
    if (state.status !== 'all' && state.status !== filterOf(r)) { return false; }
    if (state.warned && !warned(r)) { return false; }
    for (var t = 0; t < terms.length; t++) {
      if (state.hay[i].indexOf(terms[t]) < 0 && !warnsHave(r, terms[t])) { return false; }
    }
    return true;
  }

  function applyFilter() {
    terms = state.query.toLowerCase().split(/\s+/).filter(Boolean);
    if (terms.length === 0 && state.status === 'all' && !state.warned) {
      state.filtered = null;
    } else {
      if (!state.hay) { state.hay = []; addHay(0); }
      var out = [];
      for (var i = 0; i < state.rows.length; i++) {
        if (matches(i)) { out.push(i); }
      }
      state.filtered = out;
    }
    // The page that holds the open row, when the list still has it: a
    // filter chosen or cleared keeps the user where they were (it went
    // back to page 1, the open row out of sight: row 1,234 open on page
    // 13, Warnings on and off again, and the list showed rows 1–100).
    var pos = selectedPos();
    state.page = pos < 0 ? 0 : Math.floor(pos / PAGE);
    renderList(true);
    showSelected(false);
    announce();
  }

  // selectedPos is where the open row is in the visible list, -1 when
  // it is not there (or none is open).
  function selectedPos() {
    if (state.selected < 0) { return -1; }
    return state.filtered ? state.filtered.indexOf(state.selected) :
      state.selected < state.rows.length ? state.selected : -1;
  }

  // showSelected scrolls the open row's entry into view when the page
  // shows it, and gives it the focus when focus is true.
  function showSelected(focus) {
    var cur = $('rows').querySelector('.selected');
    if (!cur) { return; }
    cur.scrollIntoView({ block: 'nearest' });
    if (focus) { cur.querySelector('.row-btn').focus({ preventScroll: true }); }
  }

  // announce says in #list-status, a live region, how many messages a
  // search or status filter left, for a screen reader's user who cannot
  // see the list change.
  function announce() {
    var n = visibleCount();
    $('list-status').textContent = !state.filtered ? 'All ' + fmtInt(n) + ' rows listed' :
      n === 0 ? 'No row matches' : fmtInt(n) + (n === 1 ? ' row matches' : ' rows match');
  }

  // press marks b the one button of group that is on: by its look and,
  // for a screen reader, by aria-pressed.
  function press(group, b) {
    var all = group.querySelectorAll('button');
    for (var i = 0; i < all.length; i++) {
      all[i].classList.toggle('on', all[i] === b);
      all[i].setAttribute('aria-pressed', all[i] === b ? 'true' : 'false');
    }
  }

  function visibleCount() {
    return state.filtered ? state.filtered.length : state.rows.length;
  }

  function visibleIndex(k) {
    return state.filtered ? state.filtered[k] : k;
  }

  // ---- the list ---------------------------------------------------------

  // WENT_OUT are the statuses of a row whose message an earlier run sent:
  // sent, or what came back for it since (tidings bounces), as the
  // report gives them.
  var WENT_OUT = ['sent', 'bounced', 'soft-bounce', 'complained'];

  // wentOut reports whether status s is one of WENT_OUT.
  function wentOut(s) { return WENT_OUT.indexOf(s) >= 0; }

  // saysItself reports whether r's words (r.p) begin with its status s:
  // the journal's "already sent at …", the report's "bounced for ADDR,
  // reported DATE: DIAGNOSTIC" (soft-bounce, complained alike).
  function saysItself(r, s) { return !!r.p && (s === 'sent' || r.p.indexOf(s + ' ') === 0); }

  // NOTE_CHARS is as much of a note as a list row shows (a long
  // diagnostic); its title has all of it, as preview's report.csv.
  var NOTE_CHARS = 160;

  // noteEl is a list row's note, text, cut at NOTE_CHARS.
  function noteEl(text) {
    var cut = Array.from(text);
    var e = el('div', 'row-note', cut.length > NOTE_CHARS ? cut.slice(0, NOTE_CHARS - 1).join('') + '…' : text);
    if (cut.length > NOTE_CHARS) { e.title = text; }
    return e;
  }

  // doneNote is the note of a row an earlier run handed over, shown as
  // it went out: the journal's words ("already sent at …") say it was
  // sent, and the report's what came back since ("bounced for …,
  // reported …: 550 5.1.1 …"), so such a note is those words alone, not
  // "sent before: already sent at …"; another status (unknown) leads them.
  function doneNote(r) {
    if (saysItself(r, r.d)) { return r.p; }
    if (r.d === 'sent') { return 'sent before, as it went out'; }
    return r.d + ': ' + (r.p || 'as it went out');
  }

  // doneBadge is the badge of a row an earlier run handed over: its
  // status, marked a problem when something came back for it since.
  function doneBadge(r) {
    return el('span', r.d === 'sent' || r.d === 'unknown' ? 'badge done' : 'badge bad', r.d);
  }

  // statusLine fills the top of a message's view (#m-status) with what the
  // list says of r, a row whose message an earlier run handed over, when
  // that is more than sent: its badge and its note, whole (a bounce since,
  // in the report's words; an unknown outcome), as text. Hidden otherwise.
  function statusLine(r) {
    var st = $('m-status');
    clear(st);
    st.hidden = !r.d || r.d === 'sent';
    if (st.hidden) { return; }
    st.appendChild(doneBadge(r));
    st.appendChild(document.createTextNode(' '));
    st.appendChild(el('span', 'msg-status-words', doneNote(r)));
  }

  // skipNote is the note of a row send will not send: why, after "not
  // sent"; a row sent before whose message cannot be shown is said so by
  // the journal's words alone ("already sent at …; the message …"), or
  // the report's (a bounce since).
  function skipNote(r) {
    if (wentOut(r.n)) { return saysItself(r, r.n) ? r.p : r.n + ' before'; }
    return 'not sent: ' + (r.p || r.n);
  }

  // rowTo is a list row's recipients as one reads them: each name, then
  // its address, not the header's quoted form ("Lee, Ann" <ann@…>), which
  // the title and the message's Headers and Raw views keep.
  function rowTo(r) {
    var to = el('span', 'row-to');
    if (!r.w) {
      to.appendChild(shownEl('bdi', null, r.t || r.k || '(no recipient)'));
      return to;
    }
    to.title = r.t;
    r.w.forEach(function (m, i) {
      if (i > 0) { to.appendChild(document.createTextNode(', ')); }
      if (m[0]) {
        to.appendChild(shownEl('bdi', 'who-name', m[0]));
        to.appendChild(document.createTextNode(' '));
      }
      to.appendChild(shownEl('bdi', m[0] ? 'who-addr' : null, m[1]));
    });
    return to;
  }

  // toItem is the To header's line in a message's view: when it is r's
  // To, each mailbox's name, then its address in <>, each isolated in a
  // line laid out left to right, its words as written the tooltip; in
  // one element of dir=auto a right-to-left name turned the line ("דוד
  // כהן <user@example.com>" read "<user@example.com> דוד כהן"). Another
  // To (a message as it went out, since changed) as it is.
  function toItem(r, header) {
    if (!r.w || header !== r.t) { return dataEl('dd', null, header); }
    var dd = el('dd');
    dd.title = header;
    r.w.forEach(function (m, i) {
      if (i > 0) { dd.appendChild(document.createTextNode(', ')); }
      if (!m[0]) { dd.appendChild(shownEl('bdi', null, m[1])); return; }
      dd.appendChild(shownEl('bdi', null, m[0]));
      dd.appendChild(document.createTextNode(' <'));
      dd.appendChild(shownEl('bdi', null, m[1]));
      dd.appendChild(document.createTextNode('>'));
    });
    return dd;
  }

  // warnBadge is the badge of a row with warnings: how many, their words
  // its title (the message's view shows them whole).
  function warnBadge(r) {
    var b = el('span', 'badge warn', r.wa.length === 1 ? 'warning' : r.wa.length + ' warnings');
    b.title = r.wa.join('\n');
    return b;
  }

  // fillWarnings lists r's warnings in ul, as text, each isolated (a
  // warning quotes a cell, a column's name) and laid out left to right:
  // tidings' words, an English sentence, even where the cell it quotes
  // first is in a right-to-left script (dir=auto took that cell's
  // direction: "داود@مثال: the domain …" read right to left). ul is hidden
  // when r has none.
  function fillWarnings(ul, r) {
    clear(ul);
    ul.hidden = !warned(r);
    if (ul.hidden) { return; }
    r.wa.forEach(function (w) {
      var li = el('li', null, w);
      li.dir = 'ltr';
      ul.appendChild(li);
    });
  }

  // rowItem is the list's entry of row i, the k-th of the total rows
  // listed: an option of the list box (its li only holds it), which says
  // whether it is the open row (aria-selected) and where it stands among
  // all the rows listed, past the page's 100 ("105 of 300").
  function rowItem(i, k, total) {
    var r = state.rows[i];
    var li = el('li', 'row ' + filterOf(r));
    li.setAttribute('role', 'none');
    var b = el('button', 'row-btn');
    b.type = 'button';
    b.dataset.idx = String(i);
    b.setAttribute('role', 'option');
    b.setAttribute('aria-posinset', String(k + 1));
    b.setAttribute('aria-setsize', String(total));
    b.setAttribute('aria-selected', i === state.selected ? 'true' : 'false');
    if (i === state.selected) { li.classList.add('selected'); }

    var top = el('div', 'row-top');
    top.appendChild(el('span', 'row-num', r.r));
    top.appendChild(rowTo(r));
    if (r.x) { top.appendChild(el('span', 'badge bad', 'invalid')); }
    if (r.n) { top.appendChild(el('span', 'badge skip', r.n)); }
    if (r.d) { top.appendChild(doneBadge(r)); }
    if (warned(r)) { top.appendChild(warnBadge(r)); }
    b.appendChild(top);

    if (r.s) { b.appendChild(lineEl('div', 'row-subject', r.s)); }
    if (r.x) {
      b.appendChild(el('div', 'row-problem', r.p || 'could not be rendered'));
    }
    if (r.n) {
      b.appendChild(noteEl(skipNote(r)));
    }
    if (r.d) {
      b.appendChild(noteEl(doneNote(r)));
    }
    if (r.a && r.a.length) {
      var att = el('div', 'row-att');
      for (var j = 0; j < r.a.length; j++) {
        var chip = el('span', 'att');
        chip.appendChild(el('span', 'att-name', r.a[j].n));
        chip.appendChild(el('span', 'att-size', fmtSize(r.a[j].z)));
        att.appendChild(chip);
      }
      b.appendChild(att);
    }
    li.appendChild(b);
    return li;
  }

  function renderList(rebuild) {
    var total = visibleCount();
    var pages = Math.max(1, Math.ceil(total / PAGE));
    if (state.page >= pages) { state.page = pages - 1; }
    var from = state.page * PAGE;
    var to = Math.min(total, from + PAGE);
    $('page-info').textContent = total === 0 ? 'No matches' :
      fmtInt(from + 1) + '–' + fmtInt(to) + ' of ' + fmtInt(total) +
      (state.rows.length < (state.meta ? state.meta.total : 0) ? '+' : '');
    $('page-info').dataset.total = String(total);
    $('prev').disabled = state.page === 0;
    $('next').disabled = state.page >= pages - 1;
    updateSummary();
    if (!rebuild) { countOptions(total); return; }
    var list = $('rows');
    var frag = document.createDocumentFragment();
    for (var k = from; k < to; k++) { frag.appendChild(rowItem(visibleIndex(k), k, total)); }
    clear(list);
    list.appendChild(frag);
    list.scrollTop = 0;
    cutLines(list);
    rovingTab();
    if (!document.body.dataset.firstPageMs && to > from) {
      document.body.dataset.firstPageMs = String(Math.round(performance.now()));
    }
  }

  // countOptions sets the options of the page shown to say total rows
  // listed (aria-setsize), when the rows loaded since the page was drawn
  // changed it: the first 1,000 rows drawn, a page of 50,000 said
  // "1 of 1,000" once all were loaded.
  function countOptions(total) {
    var items = $('rows').querySelectorAll('.row-btn');
    for (var n = 0; n < items.length; n++) { items[n].setAttribute('aria-setsize', String(total)); }
  }

  function markSelected() {
    var items = $('rows').querySelectorAll('.row-btn');
    for (var n = 0; n < items.length; n++) {
      var on = Number(items[n].dataset.idx) === state.selected;
      items[n].parentNode.classList.toggle('selected', on);
      items[n].setAttribute('aria-selected', on ? 'true' : 'false');
    }
    rovingTab();
  }

  // rovingTab makes the list one Tab stop, the open row's entry (the
  // page's first when the page does not show it), where listKey's keys
  // move:
  // each of a page's 100 rows was one, and a keyboard's user pressed Tab
  // a hundred times to get from the list to the message.
  function rovingTab() {
    var items = $('rows').querySelectorAll('.row-btn');
    var stop = $('rows').querySelector('.selected .row-btn') || items[0];
    for (var n = 0; n < items.length; n++) { items[n].tabIndex = items[n] === stop ? 0 : -1; }
  }

  // ---- one message ------------------------------------------------------

  function select(i) {
    if (i < 0 || i >= state.rows.length) { return; }
    state.selected = i;
    markSelected();
    var r = state.rows[i];
    $('empty').hidden = true;
    if (r.x || r.n || !r.f) {
      $('message').hidden = true;
      var iv = $('invalid-view');
      iv.hidden = false;
      $('iv-title').textContent = 'Row ' + r.r + (r.x ? ' could not be rendered' :
        r.n === 'sent' ? ' was sent before' : wentOut(r.n) ? ' was sent before (' + r.n + ' since)' : r.n ? ' will not be sent (' + r.n + ')' : ' has no message file');
      $('iv-key').textContent = r.k ? 'Key: ' : '';
      if (r.k) { $('iv-key').appendChild(shownEl('bdi', null, r.k)); }
      $('iv-problem').textContent = r.p || '';
      $('iv-problem').classList.toggle('skip', !!r.n);
      fillWarnings($('iv-warnings'), r);
      return;
    }
    $('invalid-view').hidden = true;
    var id = r.f.replace(/\.eml$/, '');
    var cached = state.messages.get(id);
    state.remote = false;
    if (cached) { showMessage(id, cached); return; }
    state.pending = id;
    $('message').dataset.loaded = '';
    loadScript(DATA + 'msg/' + encodeURIComponent(id) + '.js', function () {
      if (state.pending !== id) { return; }
      $('message').hidden = true;
      var iv = $('invalid-view');
      iv.hidden = false;
      $('iv-title').textContent = 'Row ' + r.r + ': preview data missing';
      $('iv-key').textContent = 'Expected gallery/msg/' + id + '.js beside index.html.';
      $('iv-problem').textContent = '';
      $('iv-problem').classList.remove('skip');
      fillWarnings($('iv-warnings'), r);
    });
  }

  function header(msg, name) {
    var lname = name.toLowerCase();
    var out = [];
    for (var i = 0; i < msg.headers.length; i++) {
      if (msg.headers[i][0].toLowerCase() === lname) { out.push(msg.headers[i][1]); }
    }
    return out.join(', ');
  }

  function currentRow() { return state.rows[state.selected]; }

  function showMessage(id, msg) {
    var r = currentRow();
    var view = $('message');
    view.hidden = false;
    view.dataset.loaded = id;

    statusLine(r);
    $('m-subject').textContent = header(msg, 'Subject') || '(no subject)';
    $('m-subject').dir = 'auto';
    fillWarnings($('m-warnings'), r);

    var dl = $('m-headers');
    clear(dl);
    var names = ['From', 'To', 'Cc', 'Reply-To', 'Date', 'List-Unsubscribe', 'List-Unsubscribe-Post'];
    for (var i = 0; i < names.length; i++) {
      var v = header(msg, names[i]);
      if (!v) { continue; }
      dl.appendChild(el('dt', null, names[i]));
      dl.appendChild(names[i] === 'Date' && msg.date ? dateItem(msg.date, v) :
        names[i] === 'To' ? toItem(r, v) : dataEl('dd', null, v));
    }

    var chips = $('m-attachments');
    clear(chips);
    var atts = msg.attachments || [];
    for (var a = 0; a < atts.length; a++) {
      var li = el('li', 'att');
      li.appendChild(dataEl('span', 'att-name', atts[a].name || '(unnamed)'));
      li.appendChild(el('span', 'att-size', atts[a].type + ' · ' + fmtSize(atts[a].size)));
      chips.appendChild(li);
    }
    var inl = msg.inline || [];
    for (var n = 0; n < inl.length; n++) {
      // An inline image by its file name when it has one (a row's own
      // badge, 0042.png, whose Content-ID, 0042.png~1.3fa9c2d1@trip,
      // told a user nothing: rev-user18), its cid: on hovering.
      var li2 = el('li', 'att inline');
      li2.title = 'cid:' + inl[n].cid;
      li2.appendChild(inl[n].name ? dataEl('span', 'att-name', inl[n].name) : el('span', 'att-name', 'cid:' + inl[n].cid));
      li2.appendChild(el('span', 'att-size', 'inline ' + inl[n].type + ' · ' + fmtSize(inl[n].size)));
      chips.appendChild(li2);
    }

    var probs = $('m-problems');
    clear(probs);
    (msg.problems || []).forEach(function (p) { probs.appendChild(el('li', null, p)); });

    var raw = $('m-raw');
    raw.href = encodeURIComponent(r.f);
    raw.title = r.f;

    $('tab-text').textContent = msg.text || '';

    var tb = $('headers-body');
    clear(tb);
    for (var h = 0; h < msg.headers.length; h++) {
      var tr = el('tr');
      tr.appendChild(el('th', null, msg.headers[h][0]));
      tr.appendChild(dataEl('td', null, msg.headers[h][1]));
      tb.appendChild(tr);
    }

    $('raw-note').textContent = msg.rawTruncated ?
      'First ' + fmtSize(msg.raw.length) + ' of ' + fmtSize(msg.size) + '; open the .eml for all of it.' :
      fmtSize(msg.size) + (r.d ? ', as it went out (from the spool), in ' : ', as written to ') + r.f + '.';
    $('raw-body').textContent = msg.raw;

    var tabs = document.querySelectorAll('.tabs [data-tab]');
    for (var t = 0; t < tabs.length; t++) {
      var name = tabs[t].dataset.tab;
      tabs[t].disabled = (name === 'html' && !msg.html) || (name === 'text' && !msg.text);
    }
    var tab = state.tab;
    if (tab === 'html' && !msg.html) { tab = msg.text ? 'text' : 'headers'; }
    if (tab === 'text' && !msg.text) { tab = msg.html ? 'html' : 'headers'; }
    showTab(tab, true);
    renderHTML(msg);
  }

  // dateItem is the Date header's line: its time in the viewer's time
  // zone, which it names, in a <time> giving it as written by the
  // message (datetime, RFC 3339) and its header as the tooltip.
  function dateItem(iso, header) {
    var dd = el('dd');
    var t = el('time', null, fmtLocal(iso) || header);
    t.dateTime = iso;
    t.title = 'Date: ' + header;
    dd.appendChild(t);
    return dd;
  }

  function showTab(tab, auto) {
    if (!auto) { state.tab = tab; }
    var tabs = document.querySelectorAll('.tabs [data-tab]');
    for (var t = 0; t < tabs.length; t++) {
      var on = tabs[t].dataset.tab === tab;
      tabs[t].classList.toggle('on', on);
      tabs[t].setAttribute('aria-selected', on ? 'true' : 'false');
      // One Tab stop for the tab list, as the ARIA tabs pattern has it:
      // ← and → move between its tabs.
      tabs[t].tabIndex = on ? 0 : -1;
    }
    ['html', 'text', 'headers', 'raw'].forEach(function (name) {
      $('tab-' + name).hidden = name !== tab;
    });
    $('html-tools').hidden = tab !== 'html';
  }

  // ---- the HTML part ----------------------------------------------------

  // A grey box with a crossed-out picture, shown where a remote image was.
  var BLOCKED = 'data:image/svg+xml,' + encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="48" height="32" viewBox="0 0 48 32">' +
    '<rect width="48" height="32" fill="#e8eaed"/><path d="M14 22l7-8 5 6 3-3 5 5z" fill="#9aa0a6"/>' +
    '<path d="M10 6l28 20" stroke="#c5221f" stroke-width="2"/></svg>');
  var MISSING = 'data:image/svg+xml,' + encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="48" height="32"><rect width="48" height="32" fill="#fce8e6"/>' +
    '<text x="24" y="21" font-size="12" text-anchor="middle" fill="#c5221f">cid?</text></svg>');

  var REMOTE = /^\s*(https?:)?\/\//i;
  var URL_IN_CSS = /url\(\s*(['"]?)([^'")]*)\1\s*\)/gi;

  // rewriteURL maps one URL found in the message HTML: cid: to the
  // embedded image, remote to the placeholder unless remote images are on,
  // anything else (relative paths would point into this folder) to the
  // placeholder.
  function rewriteURL(u, msg, counts) {
    var v = String(u).trim();
    if (/^data:/i.test(v)) { return v; }
    if (/^cid:/i.test(v)) {
      var id = v.slice(4);
      try { id = decodeURIComponent(id); } catch (e) { /* keep as is */ }
      var img = msg.images && Object.prototype.hasOwnProperty.call(msg.images, id) ? msg.images[id] : '';
      if (img) { counts.cid++; return img; }
      counts.missing++;
      return MISSING;
    }
    if (REMOTE.test(v)) {
      counts.remote++;
      if (state.remote) { return /^\s*\/\//.test(v) ? 'https:' + v : v; }
      return BLOCKED;
    }
    counts.other++;
    return BLOCKED;
  }

  // rewriteCSS rewrites url(...) in a style sheet or style attribute; a
  // blocked one becomes none, which CSS takes wherever an image goes.
  function rewriteCSS(css, msg, counts) {
    return css.replace(URL_IN_CSS, function (all, q, u) {
      var v = rewriteURL(u, msg, counts);
      if (v === BLOCKED || v === MISSING) { return 'none'; }
      return 'url("' + v.replace(/["\\\n]/g, '') + '")';
    });
  }

  // buildSrcdoc parses the HTML part in an inert document (DOMParser runs
  // no script and loads nothing), rewrites image URLs and prepends a
  // Content-Security-Policy, and serializes it for the frame's srcdoc.
  function buildSrcdoc(msg, counts) {
    var doc = new DOMParser().parseFromString(msg.html, 'text/html');
    var all = doc.querySelectorAll('*');
    for (var i = 0; i < all.length; i++) {
      var e = all[i];
      var tag = e.localName;
      // Event handlers cannot run (sandbox, CSP) but have no business there.
      for (var k = e.attributes.length - 1; k >= 0; k--) {
        if (/^on/i.test(e.attributes[k].name)) { e.removeAttribute(e.attributes[k].name); }
      }
      ['src', 'background', 'poster'].forEach(function (a) {
        if (e.hasAttribute(a)) { e.setAttribute(a, rewriteURL(e.getAttribute(a), msg, counts)); }
      });
      if (tag === 'image' || tag === 'feimage') { // SVG
        ['href', 'xlink:href'].forEach(function (a) {
          if (e.hasAttribute(a)) { e.setAttribute(a, rewriteURL(e.getAttribute(a), msg, counts)); }
        });
      }
      if (e.hasAttribute('srcset')) {
        // The src beside it is the fallback; keep srcset only for remote
        // images the user asked for.
        var remoteSet = /(^|,)\s*(https?:)?\/\//i.test(e.getAttribute('srcset'));
        if (remoteSet) { counts.remote++; }
        if (!remoteSet || !state.remote) { e.removeAttribute('srcset'); }
      }
      if (e.hasAttribute('style')) { e.setAttribute('style', rewriteCSS(e.getAttribute('style'), msg, counts)); }
      if (tag === 'style') { e.textContent = rewriteCSS(e.textContent, msg, counts); }
      // Every link element goes: none shows anything in a message, and
      // some reach the network whatever the policy says (preconnect
      // opens a connection to its host, remote images blocked or not).
      if (tag === 'link' ||
          tag === 'base' || tag === 'script' || (tag === 'meta' && e.hasAttribute('http-equiv') &&
          /refresh/i.test(e.getAttribute('http-equiv')))) {
        e.remove();
      }
    }
    var head = doc.head;
    var base = doc.createElement('base');
    base.setAttribute('target', '_blank');
    head.insertBefore(base, head.firstChild);
    var csp = doc.createElement('meta');
    csp.setAttribute('http-equiv', 'Content-Security-Policy');
    csp.setAttribute('content', "default-src 'none'; style-src 'unsafe-inline'; img-src data:" +
      (state.remote ? ' https: http:' : ''));
    head.insertBefore(csp, head.firstChild);
    var cs = doc.createElement('meta');
    cs.setAttribute('charset', 'utf-8');
    head.insertBefore(cs, head.firstChild);
    return (doc.doctype ? '<!DOCTYPE html>' : '') + doc.documentElement.outerHTML;
  }

  function renderHTML(msg) {
    var frames = [$('frame-desktop'), $('frame-phone')];
    var tools = $('remote-toggle');
    if (!msg.html) {
      frames.forEach(function (f) { f.srcdoc = ''; });
      tools.hidden = true;
      return;
    }
    var counts = { remote: 0, cid: 0, missing: 0, other: 0 };
    var doc = buildSrcdoc(msg, counts);
    frames.forEach(function (f) {
      f.dataset.ready = '';
      f.style.height = '';
      f.srcdoc = doc;
    });
    tools.hidden = counts.remote === 0;
    tools.classList.toggle('on', state.remote);
    tools.textContent = state.remote ?
      'Remote images shown (' + counts.remote + ') · block' :
      counts.remote + ' remote image' + (counts.remote === 1 ? '' : 's') + ' blocked · show';
    tools.dataset.remote = String(counts.remote);
  }

  // fitFrame makes a frame as tall as its content (the frames are
  // same-origin without scripts, so the page can measure them).
  function fitFrame(f) {
    try {
      var d = f.contentDocument;
      if (d && d.documentElement && f.offsetWidth > 0) {
        f.style.height = '120px';
        f.style.height = Math.max(240, d.documentElement.scrollHeight + 2) + 'px';
      }
    } catch (e) { /* not reachable: keep the default height */ }
    f.dataset.ready = 'true';
  }

  // ---- events -----------------------------------------------------------

  var searchTimer = 0;
  $('search').addEventListener('input', function (ev) {
    clearTimeout(searchTimer);
    var q = ev.target.value;
    searchTimer = setTimeout(function () { state.query = q; applyFilter(); }, 120);
  });

  $('status-filter').addEventListener('click', function (ev) {
    var b = ev.target.closest('button[data-status]');
    if (!b) { return; }
    state.status = b.dataset.status;
    press(this, b);
    applyFilter();
  });

  $('warn-filter').addEventListener('click', function () {
    state.warned = !state.warned;
    this.setAttribute('aria-pressed', state.warned ? 'true' : 'false');
    applyFilter();
  });

  // turnPage shows the list's page step pages on, and says in the live
  // region which rows it shows now ("Rows 101–200 of 300"), for a screen
  // reader's user who does not see the list change beside the button
  // pressed. The focus stays on that button, or, when it is now disabled
  // (› on the last page), goes to the other one: it fell to the page's
  // body, out of the pager and of the list, and a screen reader began
  // the page again.
  function turnPage(step) {
    state.page += step;
    renderList(true);
    $('list-status').textContent = 'Rows ' + $('page-info').textContent;
    var pressed = $(step > 0 ? 'next' : 'prev'), other = $(step > 0 ? 'prev' : 'next');
    if (pressed.disabled && !other.disabled) { other.focus(); }
  }

  $('prev').addEventListener('click', function () { turnPage(-1); });
  $('next').addEventListener('click', function () { turnPage(1); });

  $('rows').addEventListener('click', function (ev) {
    var b = ev.target.closest('.row-btn');
    if (b) { select(Number(b.dataset.idx)); }
  });

  document.querySelector('.tabs').addEventListener('keydown', function (ev) {
    var step = ev.key === 'ArrowRight' ? 1 : ev.key === 'ArrowLeft' ? -1 : 0;
    if (!step) { return; }
    var tabs = Array.prototype.filter.call(this.querySelectorAll('button[data-tab]'), function (b) { return !b.disabled; });
    var at = tabs.indexOf(document.activeElement);
    if (at < 0) { return; }
    var next = tabs[(at + step + tabs.length) % tabs.length];
    showTab(next.dataset.tab, false);
    next.focus();
    ev.preventDefault();
  });

  document.querySelector('.tabs').addEventListener('click', function (ev) {
    var b = ev.target.closest('button[data-tab]');
    if (b && !b.disabled) { showTab(b.dataset.tab, false); }
  });

  $('width-toggle').addEventListener('click', function (ev) {
    var b = ev.target.closest('button[data-width]');
    if (!b) { return; }
    state.width = b.dataset.width;
    $('tab-html').dataset.width = state.width;
    press(this, b);
    [$('frame-desktop'), $('frame-phone')].forEach(fitFrame);
  });

  $('remote-toggle').addEventListener('click', function () {
    state.remote = !state.remote;
    var r = currentRow();
    var msg = r && r.f ? state.messages.get(r.f.replace(/\.eml$/, '')) : null;
    if (msg) { renderHTML(msg); }
  });

  [$('frame-desktop'), $('frame-phone')].forEach(function (f) {
    f.addEventListener('load', function () { fitFrame(f); });
  });

  // The list's lines measured again when the window's width changes (a
  // phone turned): a height's alone (its keyboard shown) cuts none anew.
  var laidOutWidth = window.innerWidth;
  window.addEventListener('resize', function () {
    if (window.innerWidth === laidOutWidth) { return; }
    laidOutWidth = window.innerWidth;
    cutLines($('rows'));
  });

  // listStep is where a key pressed in the list moves the selection
  // from pos, the open row's place among the total rows listed (-1: not
  // on the page shown, which starts at from), as a list box's keys do:
  // ↑/↓ (k/j) a row, Page Up/Page Down a page of PAGE rows, Home/End the
  // first and last row listed; undefined for any other key. A row step
  // from a page that does not show the open row (› took the user past
  // it) opens that page's first row (↓) or last (↑).
  function listStep(key, pos, from, total) {
    var last = total - 1;
    switch (key) {
    case 'Home': return 0;
    case 'End': return last;
    case 'PageDown': return Math.min(last, (pos < 0 ? from : pos) + PAGE);
    case 'PageUp': return Math.max(0, (pos < 0 ? from : pos) - PAGE);
    case 'ArrowDown': case 'j': return pos < 0 ? from : Math.min(last, pos + 1);
    case 'ArrowUp': case 'k': return pos < 0 ? Math.min(total, from + PAGE) - 1 : Math.max(0, pos - 1);
    }
    return undefined;
  }

  // Keyboard: in the list (and only there: a key of the page's own on
  // a filter or the message took a screen reader's keys and opened
  // another message under the user), the keys of listStep move through
  // the visible rows, the focus going with the selection; so they do
  // when nothing has the focus (the page just opened, a click on its
  // background), where no control is under the user and ↓ opened the
  // next row before the list took its keys.
  function listKey(ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) { return; }
    var total = visibleCount();
    if (total === 0) { return; }
    var pos = selectedPos(), from = state.page * PAGE;
    if (pos < from || pos >= from + PAGE) { pos = -1; }
    var to = listStep(ev.key, pos, from, total);
    if (to === undefined) { return; }
    var page = Math.floor(to / PAGE);
    if (page !== state.page) { state.page = page; renderList(true); }
    select(visibleIndex(to));
    showSelected(true);
    ev.preventDefault();
  }

  $('rows').addEventListener('keydown', listKey);
  document.addEventListener('keydown', function (ev) {
    if (ev.target === document.body) { listKey(ev); }
  });

  showTab('html', true);
  loadScript(DATA + 'rows.js', dataMissing);
}());
