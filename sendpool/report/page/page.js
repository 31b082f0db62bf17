// page.js: the tidings report page, report.html. Written by tidings
// beside report.csv and opened from disk (file://).
//
// The summary is a JSON data block in the page (#report-data); the
// recipients arrive as scripts (browsers refuse fetch() of local files):
// report-data/rows-NNNN.js call tidings.rows. The page as written shows
// #static, the report for a reader without JavaScript, and hides #app;
// this script swaps them once it has drawn #app.
//
// Everything from a recipient row or a server reply is untrusted. The DOM
// is built with createElement and textContent only; no data ever goes
// through innerHTML, and no attribute takes data except the preview link,
// whose every path segment is encoded.
(function () {
  'use strict';

  var PAGE = 100; // table rows per page
  var SVGNS = 'http://www.w3.org/2000/svg';
  var D = JSON.parse(document.getElementById('report-data').textContent);

  var STATUS_COLORS = {
    'sent': '#34a853', 'sending': '#4285f4', 'deferred': '#fbbc04', 'failed': '#ea4335', 'unknown': '#5f6368',
    'bounced': '#b31412', 'soft-bounce': '#fa7b17', 'complained': '#e52592',
    'suppressed': '#80868b', 'duplicate': '#bdc1c6', 'invalid': '#8d6e63', 'not-attempted': '#dadce0'
  };
  var OTHER_COLORS = ['#12b5cb', '#1a73e8', '#7cb342', '#c0ca33', '#00897b', '#5e35b1'];
  var SERIES = [
    { key: 'sent', label: 'accepted', color: '#34a853' },
    { key: 'failed', label: 'refused', color: '#ea4335' },
    { key: 'deferred', label: 'deferred (try again later)', color: '#fbbc04' },
    { key: 'throttled', label: 'throttled (slow down)', color: '#a142f4' },
    { key: 'unknown', label: 'reply lost', color: '#5f6368' }
  ];
  var THROTTLE = '#a142f4';

  var state = {
    rows: [],
    loadedChunks: 0,
    hay: null,        // lower-cased search text per row, built on first search
    filtered: null,   // indexes into rows when a filter is active, else null
    page: 0,
    query: '',
    status: '',
    domain: null,     // a domain name, or null
    reply: null,      // {code, ec}, or null
    open: -1          // the index of the row whose details are open
  };

  // ---- helpers ----------------------------------------------------------

  function $(id) { return document.getElementById(id); }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  // svg makes an SVG element; attrs are numbers and names of this script's
  // own, never data (data goes into <title> and <text> as textContent).
  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) {
      if (Object.prototype.hasOwnProperty.call(attrs, k)) { e.setAttribute(k, String(attrs[k])); }
    }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  // cellButton is a button showing text inside a clickable table row: the
  // row's click handler runs for it (the click bubbles), and keyboard
  // users reach it with Tab and press it with Enter or Space, as they
  // cannot a row.
  function cellButton(text, label) {
    var b = el('button', 'cellbtn', text);
    b.type = 'button';
    if (label) { b.setAttribute('aria-label', label); }
    return b;
  }

  function title(node, text) {
    node.appendChild(svg('title', {}, text));
    return node;
  }

  function clear(node) {
    while (node.firstChild) { node.removeChild(node.firstChild); }
  }

  function fmtInt(n) { return Number(n).toLocaleString('en-US'); }

  // fmtPct is n of total as a share, written as shares writes it.
  function fmtPct(n, total) { return shares([n, total - n], total)[0]; }

  // shares writes each of counts as a share of total in tenths of a
  // percent that add up to 100% (largest remainder; a count short of the
  // total never "100%"; one too small for a tenth "<0.1%", counting as
  // none), as shares in pageshares.go does for the part without script.
  function shares(counts, total) {
    if (!(total > 0)) { return counts.map(function () { return '0%'; }); }
    var left = 1000;
    var units = counts.map(function (n) { var u = Math.floor(1000 * n / total); left -= u; return u; });
    var order = counts.map(function (n, i) { return i; });
    order.sort(function (a, b) { return (1000 * counts[b] % total) - (1000 * counts[a] % total) || a - b; });
    order.forEach(function (i) {
      if (left === 0 || (units[i] === 999 && counts[i] < total)) { return; }
      units[i]++;
      left--;
    });
    return units.map(function (u, i) {
      if (u === 0 && counts[i] > 0) { return '<0.1%'; }
      return (u % 10 === 0 ? String(u / 10) : (u / 10).toFixed(1)) + '%';
    });
  }

  // fmtDur is a run's duration: tenths of a second under a minute (a run
  // of 0.4 s was "0 s"; under 0.1 s "<0.1 s", never none), fmtSpan's
  // above. The runs' total and the summary's sending time are their exact
  // sum written so, which the rows' add up to within their rounding.
  function fmtDur(ms) {
    if (!(ms > 0)) { return '–'; }
    if (ms < 100) { return '<0.1 s'; }
    if (ms < 59950) { return (Math.round(ms / 100) / 10).toFixed(1) + ' s'; }
    return fmtSpan(ms);
  }

  function fmtMs(ms) {
    if (ms === undefined || ms === null || ms < 0) { return '–'; }
    if (ms < 1000) { return ms + ' ms'; }
    if (ms < 60000) { return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s'; }
    return fmtSpan(ms);
  }

  function fmtSpan(ms) {
    var s = Math.round(ms / 1000);
    if (s < 60) { return s + ' s'; }
    var m = Math.floor(s / 60), h = Math.floor(m / 60), d = Math.floor(h / 24);
    if (d > 0) { return d + ' d ' + (h % 24) + ' h'; }
    if (h > 0) { return h + ' h ' + (m % 60) + ' min'; }
    return m + ' min ' + (s % 60) + ' s';
  }

  function pad2(n) { return (n < 10 ? '0' : '') + n; }

  // fmtTime is a local date and time: 2026-11-25 21:00:03.
  function fmtTime(ms) {
    if (!ms) { return ''; }
    var d = new Date(ms);
    return d.getFullYear() + '-' + pad2(d.getMonth() + 1) + '-' + pad2(d.getDate()) + ' ' +
      pad2(d.getHours()) + ':' + pad2(d.getMinutes()) + ':' + pad2(d.getSeconds());
  }

  function fmtClock(ms, seconds) {
    var d = new Date(ms);
    return pad2(d.getHours()) + ':' + pad2(d.getMinutes()) + (seconds ? ':' + pad2(d.getSeconds()) : '');
  }

  // fmtRate is gaps, the steps from one message sent to the next, over
  // ms as a rate; a dash for none (one message's own time is no rate:
  // 41.7/s for a run of one). n messages at the limiter's pace make n-1
  // steps: counting n, 3 messages at 5/s showed 7.4/s beside a rate of
  // 5/s (see sendGaps).
  function fmtRate(gaps, ms) {
    if (!ms || ms <= 0 || !gaps || gaps < 1) { return '–'; }
    var perS = gaps / (ms / 1000);
    if (perS >= 1) { return (perS >= 100 ? perS.toFixed(0) : perS.toFixed(1)) + '/s'; }
    var perM = perS * 60;
    if (perM >= 1) { return perM.toFixed(1) + '/min'; }
    return (perM * 60).toFixed(1) + '/h';
  }

  function statusColor(s) {
    if (STATUS_COLORS[s]) { return STATUS_COLORS[s]; }
    var h = 0;
    for (var i = 0; i < s.length; i++) { h = (h * 31 + s.charCodeAt(i)) >>> 0; }
    return OTHER_COLORS[h % OTHER_COLORS.length];
  }

  function swatch(color) {
    var s = el('span', 'swatch');
    s.style.background = color;
    return s;
  }

  function replyText(code, ec) {
    return (code ? String(code) : '—') + (ec ? ' ' + ec : '');
  }

  // dataEl is el for a value from a row, a reply or the campaign: its
  // element isolates it (dir=auto), so a right-to-left name or a bidi
  // control in it (U+202E) cannot reorder the text around it.
  function dataEl(tag, cls, text) {
    var e = el(tag, cls, text);
    e.dir = 'auto';
    return e;
  }

  // shownEl is dataEl for a key or an address, its invisible and
  // reordering characters shown as their code points (unseen.js).
  function shownEl(tag, cls, text) { return tidingsUnseen.fill(dataEl(tag, cls), text); }

  // iso isolates a value inside a text that goes where no element can
  // (a tooltip, an accessible name): FIRST STRONG ISOLATE … POP
  // DIRECTIONAL ISOLATE, which also end any embedding the value opened.
  function iso(s) { return '\u2068' + s + '\u2069'; }

  // HIDDEN are the characters a shell word copied from the page must not
  // hold as they are, being invisible or moving the text around them:
  // controls, format characters (the bidi controls, zero-width spaces and
  // joiners, the soft hyphen, the BOM), line and paragraph separators,
  // spaces other than the space, unassigned code points and the blank
  // Hangul fillers.
  var HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Zs}\p{Cn}\u115F\u1160\u3164\uFFA0]/u;

  // shellQuote quotes a word for a POSIX shell, as it reads and as it is
  // pasted: a word holding a HIDDEN character other than the space is
  // written $'…' (bash, zsh, ksh, POSIX.1-2024) with each such character
  // as the \xHH escapes of its UTF-8 bytes, so the command shown is the
  // command run; a hex digit right after one begins a $'…' of its own, as
  // journal.ShellWord writes it.
  function shellQuote(s) {
    if (/^[A-Za-z0-9@%+=:,.\/_-]+$/.test(s)) { return s; }
    var chars = Array.from(s);
    if (!chars.some(function (c) { return c !== ' ' && HIDDEN.test(c); })) {
      return "'" + s.replace(/'/g, "'\\''") + "'";
    }
    var utf8 = new TextEncoder();
    var escaped = false; // the last thing written is a \xHH
    return "$'" + chars.map(function (c) {
      var was = escaped;
      escaped = c !== ' ' && HIDDEN.test(c);
      if (c === '\\' || c === "'") { return '\\' + c; }
      if (escaped) {
        return Array.from(utf8.encode(c)).map(function (b) { return '\\x' + (b < 16 ? '0' : '') + b.toString(16); }).join('');
      }
      return (was && /[0-9a-fA-F]/.test(c) ? "'$'" : '') + c; // no third hex digit for \x
    }).join('') + "'";
  }

  // niceMax rounds a chart's top up to 1, 2 or 5 times a power of ten.
  function niceMax(v) {
    if (v <= 0) { return 1; }
    var p = Math.pow(10, Math.floor(Math.log(v) / Math.LN10));
    var m = v / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }

  function unitName(seconds) {
    var names = { 1: 'second', 60: 'minute', 3600: 'hour', 86400: 'day' };
    if (names[seconds]) { return 'per ' + names[seconds]; }
    if (seconds < 60) { return 'per ' + seconds + ' seconds'; }
    if (seconds < 3600) { return 'per ' + (seconds / 60) + ' minutes'; }
    return 'per ' + (seconds / 3600) + ' hours';
  }

  // ---- summary ----------------------------------------------------------

  function runsSpan() {
    var ms = 0, gaps = 0;
    D.runs.forEach(function (r) {
      if (r.end > r.start) {
        ms += r.end - r.start;
        gaps += sendGaps(r);
      }
    });
    return { ms: ms, gaps: gaps };
  }

  // sendGaps is the steps between the messages run row r sent: one fewer
  // than them in each run (a row of earlier runs holds r.runs of them).
  function sendGaps(r) {
    return Math.max(0, (r.sent || 0) - (r.runs || 1));
  }

  function kpi(box, value, label) {
    var k = el('div', 'kpi');
    k.appendChild(el('b', null, value));
    k.appendChild(el('span', null, label));
    box.appendChild(k);
    return k;
  }

  function renderSummary() {
    $('campaign').textContent = D.campaign || D.campaignPath || '';
    $('generated').textContent = 'written ' + fmtTime(D.generated) + ' · times in this computer\'s time zone';
    document.title = 'tidings report · ' + iso(D.campaign || '');
    var counts = {};
    D.statuses.forEach(function (s) { counts[s.s] = s.n; });
    var box = $('kpis');
    clear(box);
    kpi(box, fmtInt(D.total), 'recipients').id = 'kpi-total';
    // Sent: the server took it; a bounce or complaint that came back
    // later changed the row's status, not that it was sent (as the
    // Domains table and the exit codes count it).
    var later = (counts.bounced || 0) + (counts['soft-bounce'] || 0) + (counts.complained || 0);
    var sent = (counts.sent || 0) + later;
    kpi(box, fmtPct(sent, D.total), 'sent (' + fmtInt(sent) + (later ? '; ' + fmtInt(later) + ' came back since: bounced, delayed or complained' : '') + ')').id = 'kpi-sent';
    var span = runsSpan();
    var runs = D.runs.reduce(function (n, r) { return n + (r.runs || 1); }, 0);
    kpi(box, fmtInt(runs), runs === 1 ? 'run' : 'runs');
    kpi(box, fmtDur(span.ms), 'sending time').id = 'kpi-time';
    kpi(box, fmtRate(span.gaps, span.ms), 'average rate');
    kpi(box, fmtMs(D.medianMs), 'median time to the final reply');

    var bar = $('share-bar');
    clear(bar);
    var list = $('status-list');
    clear(list);
    var share = shares(D.statuses.map(function (s) { return s.n; }), D.total);
    D.statuses.forEach(function (s, i) {
      if (s.n > 0) {
        var part = el('span');
        part.style.background = statusColor(s.s);
        part.style.width = (100 * s.n / D.total) + '%';
        part.title = s.s + ': ' + fmtInt(s.n) + ' (' + share[i] + ')';
        bar.appendChild(part);
      }
      var li = el('li', s.n ? null : 'zero');
      li.dataset.status = s.s;
      var b = el('button');
      b.type = 'button';
      b.disabled = s.n === 0;
      b.appendChild(swatch(statusColor(s.s)));
      b.appendChild(el('span', 'name', s.s));
      b.appendChild(el('span', 'n', fmtInt(s.n)));
      b.appendChild(el('span', 'pct', share[i]));
      // Its name says what it does, as the Domains and Replies tables'
      // buttons do ("Show the recipients at …"), after the words shown.
      if (s.n > 0) { b.setAttribute('aria-label', s.s + ': ' + fmtInt(s.n) + ' (' + share[i] + '), show them in the recipients table'); }
      b.addEventListener('click', function () { setStatus(s.s); showRecipients(); });
      li.appendChild(b);
      list.appendChild(li);
    });

    var notes = [];
    if (D.fromRows) { notes.push('No journal with tries was found: the timeline shows each recipient\'s final outcome only.'); }
    if (D.trimmed) { notes.push('Some texts (reply examples, run settings) were shortened to keep this page small; report.csv has them whole.'); }
    if (D.journalSkipped) { notes.push(fmtInt(D.journalSkipped) + ' journal line(s) could not be read and were skipped (tidings report lists them).'); }
    $('notes').textContent = notes.join(' ');
    renderEnding();
    renderComplaints();
    renderRuns();
    renderSettings();
  }

  // renderEnding says how the last send ended, in report.json's words
  // (D.ending, the same Ending); hidden when the page has none.
  function renderEnding() {
    var p = $('ending');
    clear(p);
    p.hidden = !D.ending;
    if (!D.ending) { return; }
    p.dataset.kind = D.ending.kind;
    p.appendChild(el('strong', null, 'Last send: ' + D.ending.kind));
    p.appendChild(document.createTextNode(' '));
    p.appendChild(dataEl('span', 'end-words', D.ending.words));
    if (D.ending.next) {
      p.appendChild(el('br'));
      p.appendChild(document.createTextNode('Next: '));
      p.appendChild(dataEl('span', 'end-next', D.ending.next));
    }
  }

  // renderComplaints gives the complaint rate's line (D.complaints, the
  // summary's), marked when the rate is at or over 0.3%; hidden when no
  // row complained.
  function renderComplaints() {
    var p = $('complaints');
    p.hidden = !D.complaints;
    p.textContent = D.complaints || '';
    p.classList.toggle('over', !!D.complaintsOver);
  }

  function renderRuns() {
    var t = $('runs');
    clear(t);
    var head = el('tr');
    ['Run', 'Started', 'Last try', 'Duration', 'Accepted', 'Refused', 'Deferred', 'Throttled', 'Lost', 'Average rate', 'Stopped because']
      .forEach(function (h, i) { head.appendChild(el('th', i >= 4 && i <= 9 ? 'num' : null, h)); });
    var thead = el('thead');
    thead.appendChild(head);
    t.appendChild(thead);
    var body = el('tbody');
    if (D.runs.length === 0) {
      var tr0 = el('tr');
      var td0 = el('td', 'muted', 'No send run recorded.');
      td0.colSpan = 11;
      tr0.appendChild(td0);
      body.appendChild(tr0);
    }
    D.runs.forEach(function (r) {
      var tr = el('tr');
      var dur = r.end > r.start ? r.end - r.start : 0;
      var name = r.runs ? r.runs + ' earlier runs' : r.n ? '#' + r.n : 'before any run';
      var first = el('td', null, name);
      if (r.version) { first.appendChild(el('span', 'sub', r.version)); }
      tr.appendChild(first);
      tr.appendChild(el('td', 'when', fmtTime(r.start)));
      tr.appendChild(el('td', 'when', r.end ? fmtTime(r.end) : '–'));
      tr.appendChild(el('td', 'when', fmtDur(dur)));
      [r.sent, r.failed, r.deferred, r.throttled, r.unknown].forEach(function (n) { tr.appendChild(el('td', 'num', fmtInt(n))); });
      tr.appendChild(el('td', 'num', fmtRate(sendGaps(r), dur)));
      var stop = el('td', 'text');
      stop.appendChild(dataEl('bdi', null, r.stop || (r.end ? 'finished' : '')));
      if (r.flags) {
        var f = Object.keys(r.flags).sort().map(function (k) { return k + '=' + r.flags[k]; }).join(' · ');
        stop.appendChild(el('span', 'sub', f));
      }
      tr.appendChild(stop);
      body.appendChild(tr);
    });
    t.appendChild(body);
    if (D.runs.length > 1) { t.appendChild(runsTotal()); }
  }

  // runsTotal is the runs table's foot: all runs, from the first start to
  // the last try; their duration (the summary's sending time), counts
  // and average rate (the summary's).
  function runsTotal() {
    var span = runsSpan(), sum = [0, 0, 0, 0, 0], first = 0, last = 0;
    D.runs.forEach(function (r) {
      [r.sent, r.failed, r.deferred, r.throttled, r.unknown].forEach(function (n, i) { sum[i] += n || 0; });
      if (r.start && (!first || r.start < first)) { first = r.start; }
      if (r.end > last) { last = r.end; }
    });
    var tr = el('tr', 'total');
    tr.appendChild(el('th', null, 'All runs'));
    tr.appendChild(el('td', 'when', fmtTime(first)));
    tr.appendChild(el('td', 'when', last ? fmtTime(last) : '–'));
    tr.appendChild(el('td', 'when', fmtDur(span.ms)));
    sum.forEach(function (n) { tr.appendChild(el('td', 'num', fmtInt(n))); });
    tr.appendChild(el('td', 'num', fmtRate(span.gaps, span.ms)));
    tr.appendChild(el('td'));
    var foot = el('tfoot');
    foot.appendChild(tr);
    return foot;
  }

  function renderSettings() {
    var s = D.settings || {};
    var dl = $('settings');
    clear(dl);
    function row(k, v) {
      var d = el('div');
      d.appendChild(el('dt', null, k));
      d.appendChild(el('dd', null, v));
      dl.appendChild(d);
    }
    row('Rate', s.rate || 'unlimited');
    if (s.burst > 1) { row('Burst', fmtInt(s.burst)); }
    row('Connections', s.concurrency ? fmtInt(s.concurrency) : '–');
    row('Messages per connection', s.perConnection ? fmtInt(s.perConnection) : '–');
    row('Retries', fmtInt(s.retries || 0));
    row('Daily cap', s.dailyCap ? fmtInt(s.dailyCap) + ' a day' : 'none');
    var doms = s.domains ? Object.keys(s.domains).sort() : [];
    row('Per-domain limits', doms.length ? doms.map(function (d) { return d + ' ' + s.domains[d]; }).join(', ') : 'none');
  }

  // ---- timeline ---------------------------------------------------------

  // tickStep is the number of buckets between time labels: at least
  // minBuckets, and a round span of time (5 s, 1 min, 15 min, 6 h …).
  function tickStep(width, minBuckets) {
    var spans = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];
    for (var i = 0; i < spans.length; i++) {
      if (spans[i] % width === 0 && spans[i] / width >= minBuckets) { return spans[i] / width; }
    }
    return Math.max(1, Math.ceil(minBuckets));
  }

  function renderTimeline() {
    var tl = D.timeline;
    var box = $('timeline');
    clear(box);
    $('timeline-unit').textContent = 'tries ' + unitName(tl.width) + (D.fromRows ? ', final outcomes' : '');
    var segs = tl.segments;
    var nb = 0, top = 0;
    segs.forEach(function (g) {
      nb += g.sent.length;
      for (var i = 0; i < g.sent.length; i++) {
        top = Math.max(top, g.sent[i] + g.failed[i] + g.deferred[i] + g.throttled[i] + g.unknown[i]);
      }
    });
    // The chart's geometry, shared by the functions that draw its parts.
    var c = { W: Math.max(box.clientWidth, 320), H: 260, padL: 44, padR: 10, padT: 34, padB: 30,
      gap: segs.length > 1 ? 18 : 0, widthMs: tl.width * 1000, secs: tl.width < 60 };
    var s = svg('svg', { width: c.W, height: c.H, viewBox: '0 0 ' + c.W + ' ' + c.H, id: 'timeline-svg', role: 'img' });
    s.appendChild(svg('title', {}, 'Tries ' + unitName(tl.width) + ', by outcome, in each run'));
    box.appendChild(s);
    renderTimelineLegend();
    if (nb === 0) {
      s.appendChild(svg('text', { x: c.padL, y: c.H / 2, 'class': 'empty' }, 'No tries recorded yet.'));
      return;
    }
    c.plotH = c.H - c.padT - c.padB;
    var widths = segmentWidths(segs, c.W - c.padL - c.padR - c.gap * (segs.length - 1));
    var ymax = niceMax(top);
    c.y = function (v) { return c.padT + c.plotH - c.plotH * v / ymax; };
    // The scale, at padL - 6: the middle line is labelled only when it
    // falls on a whole number of tries (rounded, 0.5 read as a second "1"
    // in a run of a few a minute, and 2.5 as "3").
    [0, ymax / 2, ymax].forEach(function (v) {
      s.appendChild(svg('line', { x1: c.padL, x2: c.W - c.padR, y1: c.y(v), y2: c.y(v), 'class': 'grid-line' }));
      if (v % 1 === 0) {
        s.appendChild(svg('text', { x: c.padL - 6, y: c.y(v) + 4, 'text-anchor': 'end' }, fmtInt(v)));
      }
    });
    var x = c.padL;
    segs.forEach(function (g, si) {
      drawSegment(s, Object.assign({}, c, { bw: widths[si] / Math.max(g.sent.length, 1) }), g, si, x);
      x += widths[si] + c.gap;
    });
  }

  // MIN_SEGMENT is the least width of a run on the timeline, in pixels.
  var MIN_SEGMENT = 24;

  // segmentWidths shares avail pixels among the runs' segments in
  // proportion to their buckets, but gives each at least MIN_SEGMENT (an
  // equal share, when there is not room for that): a 2-second run on a
  // 3-day timeline was a bar a fraction of a pixel wide, which no one
  // could see or point at. A segment without buckets takes none.
  function segmentWidths(segs, avail) {
    var live = segs.filter(function (g) { return g.sent.length > 0; }).length;
    var min = Math.min(MIN_SEGMENT, avail / Math.max(live, 1));
    var small = segs.map(function (g) { return g.sent.length === 0; });
    for (;;) {
      var rest = avail, nb = 0;
      segs.forEach(function (g, i) {
        if (!small[i]) { nb += g.sent.length; } else if (g.sent.length > 0) { rest -= min; }
      });
      var bw = nb ? rest / nb : 0, grew = false;
      segs.forEach(function (g, i) {
        if (!small[i] && g.sent.length * bw < min) { small[i] = true; grew = true; }
      });
      if (!grew) {
        return segs.map(function (g, i) { return g.sent.length === 0 ? 0 : small[i] ? min : g.sent.length * bw; });
      }
    }
  }

  // drawSegment draws one run's stretch of the timeline from x: its band,
  // its bars, its throttling marks, its stop and its time labels.
  function drawSegment(s, c, g, si, x) {
    var n = g.sent.length, segW = n * c.bw;
    var run = D.runs.filter(function (r) { return r.n === g.run && !r.runs; })[0] || {};
    var band = svg('rect', { x: x, y: c.padT, width: segW, height: c.plotH, 'class': si % 2 ? 'band odd' : 'band' });
    title(band, (g.run ? 'Run ' + g.run : 'Before any run') + ': ' + fmtTime(g.start) + (run.end ? ' – ' + fmtTime(run.end) : ''));
    s.appendChild(band);
    if (segW > 60) {
      var label = (g.run ? 'Run ' + g.run : 'Tries') + ' · ' + fmtTime(g.start).slice(5, 16);
      s.appendChild(svg('text', { x: x + 2, y: c.padT - 20, 'class': 'run-label' }, segW > 150 ? label : '#' + g.run));
    }
    // The throttling replies recorded with their text, by bucket.
    var marks = {};
    D.timeline.marks.forEach(function (m) {
      var b = Math.floor((m.t - g.start) / c.widthMs);
      if (m.run === g.run && b >= 0 && b < n && !marks[b]) { marks[b] = m; }
    });
    for (var i = 0; i < n; i++) { drawBucket(s, c, g, i, x + i * c.bw, marks[i]); }
    // The run's end: a stop.
    var ex = x + segW;
    var stop = svg('line', { x1: ex, x2: ex, y1: c.padT - 4, y2: c.padT + c.plotH, 'class': 'stop' });
    title(stop, (g.run ? 'Run ' + g.run : 'Tries') + ' stopped ' + (run.end ? fmtTime(run.end) : '') + (run.stop ? ': ' + run.stop : ' (finished)'));
    s.appendChild(stop);
    // Time labels: its start, round times between (at least 70 px apart)
    // and, when there is room, its end.
    // A label between keeps clear of the start's and the end's: half its
    // own width and a whole one (12:06:46, 12:07:00 ran into one another
    // 3 buckets of 22 px apart), and a little space.
    var ty = c.H - c.padB + 16;
    var first = s.appendChild(svg('text', { x: x, y: ty }, fmtClock(g.start, c.secs)));
    var room = first.getComputedTextLength() * 1.5 + 8;
    var endLabel = segW > 110;
    var step = tickStep(D.timeline.width, 70 / c.bw);
    for (var b = 1; b < n; b++) {
      var tb = g.start + b * c.widthMs, bx = x + b * c.bw;
      if (Math.floor(tb / c.widthMs) % step === 0 && b * c.bw > room && (n - b) * c.bw > (endLabel ? room : room / 3)) {
        s.appendChild(svg('line', { x1: bx, x2: bx, y1: c.padT + c.plotH, y2: c.padT + c.plotH + 4, 'class': 'grid-line' }));
        s.appendChild(svg('text', { x: bx, y: ty, 'text-anchor': 'middle' }, fmtClock(tb, c.secs)));
      }
    }
    if (endLabel) {
      s.appendChild(svg('text', { x: ex, y: ty, 'text-anchor': 'end' }, fmtClock(g.start + n * c.widthMs, c.secs)));
    }
  }

  // drawBucket draws bucket i of segment g at bx: its stacked bars, a
  // throttling mark (m, when given, is one of its replies), and a hover
  // area whose tooltip gives the numbers.
  function drawBucket(s, c, g, i, bx, m) {
    var vals = [g.sent[i], g.failed[i], g.deferred[i], g.throttled[i], g.unknown[i]];
    var sum = 0;
    for (var k = 0; k < SERIES.length; k++) {
      if (!vals[k]) { continue; }
      s.appendChild(svg('rect', { x: bx, y: c.y(sum + vals[k]), width: Math.max(c.bw - (c.bw > 3 ? 1 : 0), 0.6),
        height: Math.max(c.y(sum) - c.y(sum + vals[k]), 0.5), fill: SERIES[k].color, 'class': 'bar ' + SERIES[k].key }));
      sum += vals[k];
    }
    if (sum === 0) { return; }
    var t0 = g.start + i * c.widthMs;
    var tip = fmtTime(t0) + (c.widthMs > 1000 ? ' – ' + fmtClock(t0 + c.widthMs, c.secs) : '') + '\n' +
      SERIES.map(function (se, j) { return fmtInt(vals[j]) + ' ' + se.label; }).join('\n');
    if (g.throttled[i] > 0) {
      var cx = bx + c.bw / 2;
      var example = m ? (m.domain ? iso(m.domain) + ': ' : '') + replyText(m.code, m.ec) + ' ' + iso(m.text || '') : '';
      var tri = svg('path', { d: 'M' + (cx - 5) + ' ' + (c.padT - 11) + 'h10l-5 8z', fill: THROTTLE, 'class': 'throttle-mark' });
      title(tri, fmtInt(g.throttled[i]) + ' throttling repl' + (g.throttled[i] === 1 ? 'y' : 'ies') + ' at ' + fmtTime(t0) +
        (example ? '\n' + example : ''));
      s.appendChild(tri);
      tip += example ? '\ne.g. ' + example : '';
    }
    s.appendChild(title(svg('rect', { x: bx, y: c.padT, width: Math.max(c.bw, 1), height: c.plotH, 'class': 'hit' }), tip));
  }

  function renderTimelineLegend() {
    var legend = $('timeline-legend');
    clear(legend);
    function item(mark, text) {
      var li = el('li');
      li.appendChild(mark);
      li.appendChild(el('span', null, text));
      legend.appendChild(li);
    }
    SERIES.forEach(function (se) { item(swatch(se.color), se.label); });
    item(el('span', 'tri'), 'throttling reply');
    item(el('span', 'dash'), 'run stopped');
  }

  // ---- domains ----------------------------------------------------------

  function statusOrder() { return D.statuses.map(function (s) { return s.s; }); }

  function domainName(d) {
    return d.others ? fmtInt(d.others) + ' other domain' + (d.others === 1 ? '' : 's') : d.d || '(no domain)';
  }

  // chartDomains are the domain chart's bars: the largest, then one for
  // the rest (the table lists them all).
  function chartDomains() {
    var MAX = 12;
    var listed = D.domains.filter(function (d) { return !d.others; });
    if (D.domains.length <= MAX + 1) { return D.domains; }
    var rest = { d: '', n: 0, s: {}, throttled: 0, others: 0 };
    D.domains.slice(MAX).forEach(function (d) {
      rest.n += d.n;
      rest.throttled += d.throttled;
      rest.others += d.others || 1;
      Object.keys(d.s).forEach(function (k) { rest.s[k] = (rest.s[k] || 0) + d.s[k]; });
    });
    return listed.slice(0, MAX).concat([rest]);
  }

  function renderDomainChart() {
    var box = $('domain-chart');
    clear(box);
    var doms = chartDomains();
    var W = Math.max(box.clientWidth, 320), rowH = 24, labelW = Math.min(220, W * 0.3), padR = 70;
    var H = Math.max(doms.length, 1) * rowH + 6;
    var s = svg('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, id: 'domain-svg', role: 'img' });
    s.appendChild(svg('title', {}, 'Recipients per receiving domain, by status'));
    box.appendChild(s);
    if (doms.length === 0) {
      s.appendChild(svg('text', { x: 0, y: 16, 'class': 'empty' }, 'No recipients.'));
      return;
    }
    var max = 0;
    doms.forEach(function (d) { max = Math.max(max, d.n); });
    var order = statusOrder();
    doms.forEach(function (d, i) {
      var g = s.appendChild(svg('g', { 'class': d.others ? 'bar-row others' : 'bar-row' }));
      var y0 = i * rowH + 3;
      var label = g.appendChild(svg('text', { x: labelW - 8, y: y0 + 14, 'text-anchor': 'end', 'class': 'dlabel' }));
      fitLabel(label, domainName(d), labelW - 8);
      var x = labelW, scale = (W - labelW - padR) / (max || 1);
      order.concat(['other']).forEach(function (st) {
        var n = d.s[st];
        if (!n) { return; }
        var r = svg('rect', { x: x, y: y0 + 2, width: Math.max(n * scale, 1), height: rowH - 8, fill: statusColor(st), 'class': 'seg' });
        title(r, iso(domainName(d)) + ': ' + fmtInt(n) + ' ' + st);
        g.appendChild(r);
        x += n * scale;
      });
      var extra = d.throttled ? ' · ' + fmtInt(d.throttled) + ' throttled' : '';
      g.appendChild(svg('text', { x: x + 6, y: y0 + 14 }, fmtInt(d.n) + extra));
      if (!d.others) {
        g.addEventListener('click', function () { setDomain(d.d); showRecipients(); });
      }
    });
  }

  // fitLabel writes name into text, an SVG text in the page, cut in its
  // middle to width pixels when longer (its start, an ellipsis, its end:
  // the registrable domain stays), and gives it the whole name as its
  // title (the tooltip; the table below names it in full too). A 63-letter
  // label ran off the chart's left edge.
  function fitLabel(text, name, width) {
    var chars = Array.from(name);
    function cut(k) { return chars.slice(0, Math.ceil(k / 2)).join('') + '…' + chars.slice(chars.length - Math.floor(k / 2)).join(''); }
    text.textContent = name;
    if (text.getComputedTextLength() > width) {
      var lo = 0, hi = chars.length - 1; // the most characters kept that fit
      while (lo < hi) {
        var mid = Math.ceil((lo + hi) / 2);
        text.textContent = cut(mid);
        if (text.getComputedTextLength() <= width) { lo = mid; } else { hi = mid - 1; }
      }
      text.textContent = cut(lo);
    }
    title(text, name);
  }

  function renderDomainTable() {
    $('domains-note').textContent = D.domainCount > D.domains.length ?
      'the ' + fmtInt(D.domains.filter(function (d) { return !d.others; }).length) + ' largest or most troubled of ' + fmtInt(D.domainCount) : '';
    var t = $('domains');
    clear(t);
    var head = el('tr');
    [['Domain'], ['Recipients', 'num'], ['Sent', 'num'], ['Not sent', 'num'], ['Skipped', 'num'], ['Throttling replies', 'num'],
      ['Refusals', 'num'], ['Deferrals', 'num'], ['Median reply', 'num'], ['90% within', 'num']].forEach(function (h) {
      head.appendChild(el('th', h[1], h[0]));
    });
    var thead = el('thead');
    thead.appendChild(head);
    t.appendChild(thead);
    var body = el('tbody');
    var FOLD = 12;
    var folded = D.domains.length > FOLD + 2;
    D.domains.forEach(function (d, i) {
      var tr = el('tr', (d.others ? '' : 'click') + (folded && i >= FOLD && !d.others ? ' folded' : ''));
      // Sent: the server took it (bounces and complaints came later);
      // skipped on purpose: duplicates and suppressed. The three add up
      // to the recipients.
      var sent = 0;
      var notSent = 0;
      var skipped = 0;
      Object.keys(d.s).forEach(function (k) {
        if (k === 'sent' || k === 'bounced' || k === 'soft-bounce' || k === 'complained') {
          sent += d.s[k];
        } else if (k === 'duplicate' || k === 'suppressed') {
          skipped += d.s[k];
        } else {
          notSent += d.s[k];
        }
      });
      var name = el('td', 'text');
      if (d.others) {
        name.textContent = domainName(d);
      } else {
        var nb = cellButton(domainName(d), 'Show the recipients at ' + iso(domainName(d)));
        nb.dir = 'auto';
        name.appendChild(nb);
      }
      tr.appendChild(name);
      tr.appendChild(el('td', 'num', fmtInt(d.n)));
      tr.appendChild(el('td', 'num', fmtInt(sent) + ' · ' + fmtPct(sent, d.n)));
      tr.appendChild(el('td', 'num', fmtInt(notSent)));
      tr.appendChild(el('td', 'num', fmtInt(skipped)));
      tr.appendChild(el('td', 'num', fmtInt(d.throttled)));
      tr.appendChild(el('td', 'num', fmtInt(d.refused)));
      tr.appendChild(el('td', 'num', fmtInt(d.deferred)));
      tr.appendChild(el('td', 'num', fmtMs(d.medianMs)));
      tr.appendChild(el('td', 'num', fmtMs(d.p90Ms)));
      if (!d.others) {
        tr.dataset.domain = d.d;
        tr.addEventListener('click', function () { setDomain(d.d); showRecipients(); });
      }
      body.appendChild(tr);
    });
    t.appendChild(body);
    var old = $('domains-fold');
    if (old) { old.remove(); }
    if (folded) {
      var b = el('button', 'fold', 'Show all ' + fmtInt(D.domains.length - 1) + ' domains listed');
      b.type = 'button';
      b.id = 'domains-fold';
      b.addEventListener('click', function () {
        body.querySelectorAll('tr.folded').forEach(function (tr) { tr.classList.remove('folded'); });
        b.remove();
      });
      t.parentNode.parentNode.appendChild(b);
    }
  }

  // ---- replies ----------------------------------------------------------

  function renderReplies() {
    var t = $('replies');
    clear(t);
    var head = el('tr');
    [['Code'], ['Meaning'], ['Replies', 'num'], ['Recipients', 'num'], ['Example']].forEach(function (h) {
      head.appendChild(el('th', h[1], h[0]));
    });
    var thead = el('thead');
    thead.appendChild(head);
    t.appendChild(thead);
    var body = el('tbody');
    if (D.replies.length === 0) {
      var tr0 = el('tr');
      var td0 = el('td', 'muted', 'No replies recorded.');
      td0.colSpan = 5;
      tr0.appendChild(td0);
      body.appendChild(tr0);
    }
    D.replies.forEach(function (r) {
      var tr = el('tr', r.final ? 'click' : null);
      var code = el('td');
      var codeText = el('code', null, replyText(r.code, r.ec));
      if (r.final) {
        var cb = cellButton(null, 'Show the recipients whose last reply was ' + replyText(r.code, r.ec));
        cb.appendChild(codeText);
        code.appendChild(cb);
      } else {
        code.appendChild(codeText);
      }
      tr.appendChild(code);
      var cls = el('td');
      var dot = swatch(r.class === 'accepted' ? SERIES[0].color : r.class === 'throttled' || r.class === 'quota' ? THROTTLE :
        r.class === 'permanent' ? SERIES[1].color : r.class === 'temporary' ? SERIES[2].color : SERIES[4].color);
      cls.appendChild(dot);
      cls.appendChild(document.createTextNode(' ' + r.class));
      tr.appendChild(cls);
      tr.appendChild(el('td', 'num', fmtInt(r.replies)));
      tr.appendChild(el('td', 'num', fmtInt(r.final)));
      tr.appendChild(dataEl('td', 'example', r.example || ''));
      if (r.final) {
        tr.addEventListener('click', function () { setReply(r.code, r.ec || ''); showRecipients(); });
      }
      body.appendChild(tr);
    });
    var more = D.moreReplies;
    if (more && more.kinds) {
      var tr = el('tr');
      var td = el('td', 'muted', fmtInt(more.kinds) + ' more kinds of reply: ' + fmtInt(more.replies) + ' replies, ' + fmtInt(more.final) + ' recipients');
      td.colSpan = 5;
      tr.appendChild(td);
      body.appendChild(tr);
    }
    t.appendChild(body);
  }

  // ---- recipients -------------------------------------------------------

  function chunkName(n) {
    var s = String(n);
    while (s.length < 4) { s = '0' + s; }
    return D.dataDir + '/rows-' + s + '.js';
  }

  function loadScript(src, onerror, ordered) {
    var s = document.createElement('script');
    s.src = src;
    if (ordered) { s.async = false; }
    s.onload = function () { s.remove(); };
    s.onerror = function () { s.remove(); if (onerror) { onerror(); } };
    document.body.appendChild(s);
  }

  window.tidings = {
    rows: function (n, json) {
      if (n !== state.loadedChunks + 1) { return; }
      var list = JSON.parse(json);
      var start = state.rows.length;
      for (var i = 0; i < list.length; i++) {
        // A To its names and addresses give back as written is left out
        // of the chunk (report.WhoText, the same rule).
        if (list[i].t === undefined && list[i].w) { list[i].t = whoText(list[i].w); }
        state.rows.push(list[i]);
      }
      state.loadedChunks = n;
      if (n === 1) {
        // Page 1 first, on its own; then the rest, downloaded in parallel.
        for (var c = 2; c <= D.chunks; c++) { loadScript(chunkName(c), dataMissing, true); }
      }
      if (state.hay) { addHay(start); }
      if (state.filtered) {
        for (var j = start; j < state.rows.length; j++) {
          if (matches(j)) { state.filtered.push(j); }
        }
      }
      renderTable($('rows').childElementCount < PAGE);
      if (n >= D.chunks) { finished(); }
    }
  };

  function whoText(w) {
    return w.map(function (m) { return m[0] ? m[0] + ' <' + m[1] + '>' : m[1]; }).join(', ');
  }

  function dataMissing() {
    $('rows-message').textContent = 'Could not load the recipients: the folder ' + D.dataDir +
      '/ beside this page is missing or incomplete (or was rewritten: reload the page).';
    document.body.dataset.state = 'error';
  }

  function finished() {
    renderTable(false);
    if (state.filtered) { announce(); }
    document.body.dataset.readyMs = String(Math.round(performance.now()));
    document.body.dataset.state = 'ready';
  }

  function addHay(start) {
    for (var i = start; i < state.rows.length; i++) {
      var r = state.rows[i];
      state.hay.push([String(r.r), r.k || '', r.t || '', r.s, replyText(r.c, r.e), r.d || '', r.o || ''].join('\n').toLowerCase());
    }
  }

  var terms = [];

  function matches(i) {
    var r = state.rows[i];
    if (state.status && r.s !== state.status) { return false; }
    if (state.domain !== null && (r.o || '') !== state.domain) { return false; }
    if (state.reply && ((r.c || 0) !== state.reply.code || (r.e || '') !== state.reply.ec)) { return false; }
    for (var t = 0; t < terms.length; t++) {
      if (state.hay[i].indexOf(terms[t]) < 0) { return false; }
    }
    return true;
  }

  function applyFilter() {
    terms = state.query.toLowerCase().split(/\s+/).filter(Boolean);
    if (terms.length === 0 && !state.status && state.domain === null && !state.reply) {
      state.filtered = null;
    } else {
      if (!state.hay) { state.hay = []; addHay(0); }
      var out = [];
      for (var i = 0; i < state.rows.length; i++) {
        if (matches(i)) { out.push(i); }
      }
      state.filtered = out;
    }
    state.page = 0;
    state.open = -1;
    renderChips();
    renderTable(true);
    announce();
  }

  // announce says in #rows-status, a live region, how many rows a search
  // or filter left, for a screen reader's user who cannot see the table
  // change.
  function announce() {
    var n = visibleCount(), loading = state.rows.length < D.total;
    $('rows-status').textContent = !state.filtered ? 'All ' + fmtInt(n) + ' recipients' + (loading ? ' loaded so far' : '') :
      (n === 0 ? 'No recipient matches' : fmtInt(n) + (n === 1 ? ' recipient matches' : ' recipients match')) +
      (loading ? ' so far (still loading)' : '');
  }

  function setStatus(s) {
    state.status = s;
    $('status-filter').value = s;
    applyFilter();
  }

  function setDomain(d) { state.domain = d; applyFilter(); }

  function setReply(code, ec) { state.reply = { code: code, ec: ec }; applyFilter(); }

  // showRecipients brings the recipient table into view, and the focus
  // with it: a keyboard user who chose a filter in a chart or table above
  // goes on from the table's heading.
  function showRecipients() {
    $('recipients-card').scrollIntoView({ block: 'start' });
    $('recipients-title').focus({ preventScroll: true });
  }

  function renderChips() {
    var box = $('active-filters');
    clear(box);
    function chip(kind, value, off) {
      var b = el('button', 'chip', kind + ' ');
      b.appendChild(dataEl('bdi', null, value));
      b.type = 'button';
      b.title = 'Remove this filter';
      // Its name says what it does: the × it shows is drawn by CSS.
      b.setAttribute('aria-label', 'Remove the filter ' + kind + ' ' + iso(value));
      b.addEventListener('click', off);
      box.appendChild(b);
    }
    if (state.domain !== null) { chip('domain', state.domain || '(none)', function () { setDomain(null); }); }
    if (state.reply) { chip('reply', replyText(state.reply.code, state.reply.ec), function () { state.reply = null; applyFilter(); }); }
  }

  function visibleCount() { return state.filtered ? state.filtered.length : state.rows.length; }

  function visibleIndex(k) { return state.filtered ? state.filtered[k] : k; }

  function badge(status) {
    var b = el('span', 'badge');
    b.appendChild(swatch(statusColor(status)));
    b.appendChild(document.createTextNode(status));
    return b;
  }

  // toCell is a row's To cell as the preview gallery's list shows it:
  // each name, then its address (r.w), not the header's quoted form
  // ("Bob \"the Barista\" Smith" <bob@…>), which its tooltip keeps; the
  // To as it is when it is a bare address or does not parse.
  function toCell(r) {
    var td = el('td', 'to');
    if (!r.w) {
      td.appendChild(shownEl('bdi', null, r.t || ''));
      return td;
    }
    td.title = r.t;
    r.w.forEach(function (m, i) {
      if (i > 0) { td.appendChild(document.createTextNode(', ')); }
      if (m[0]) {
        td.appendChild(shownEl('bdi', 'who-name', m[0]));
        td.appendChild(document.createTextNode(' '));
      }
      td.appendChild(shownEl('bdi', m[0] ? 'who-addr' : null, m[1]));
    });
    return td;
  }

  function rowItem(i) {
    var r = state.rows[i];
    var tr = el('tr', 'click' + (i === state.open ? ' open' : ''));
    tr.dataset.idx = String(i);
    var num = el('td', 'num');
    // A row without a key (a line of no sheet row) has no command to show.
    var open = cellButton(String(r.r), 'Row ' + r.r + (r.k ? ': details and the command showing its message' : ': details'));
    open.setAttribute('aria-expanded', i === state.open ? 'true' : 'false');
    num.appendChild(open);
    tr.appendChild(num);
    tr.appendChild(shownEl('td', 'key', r.k || ''));
    tr.appendChild(toCell(r));
    var st = el('td', 'status');
    st.appendChild(badge(r.s));
    tr.appendChild(st);
    tr.appendChild(el('td', 'code', r.c || r.e ? replyText(r.c, r.e) : ''));
    tr.appendChild(dataEl('td', 'detail', r.d || ''));
    tr.appendChild(el('td', 'time', r.f ? fmtTime(r.f * 1000) : ''));
    return tr;
  }

  // moreItem is the open row's details: how to see its message, and the rest.
  function moreItem(i) {
    var r = state.rows[i];
    var tr = el('tr', 'more');
    var td = el('td');
    td.colSpan = 7;
    var dl = el('dl', 'more-grid');
    function row(k, v) {
      dl.appendChild(el('dt', null, k));
      var dd = el('dd');
      if (typeof v === 'string') { dd.textContent = v; } else { dd.appendChild(v); }
      dl.appendChild(dd);
    }
    if (r.k) {
      var words = [D.campaignPath || 'CAMPAIGN.yaml', r.k];
      // A word starting with '-' would be read as a flag: '--' ends them.
      var dashes = words.some(function (w) { return w.charAt(0) === '-'; }) ? '-- ' : '';
      var quoted = words.map(shellQuote);
      var cmd = 'tidings show ' + dashes + quoted.join(' ');
      var box = el('div', 'cmd');
      var code = showCommand('tidings show ' + dashes, quoted);
      box.appendChild(code);
      var copy = el('button', null, 'Copy');
      copy.type = 'button';
      copy.addEventListener('click', function (ev) {
        ev.stopPropagation();
        var done = function () { copy.textContent = 'Copied'; };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(cmd).then(done, function () { selectText(code); });
        } else {
          selectText(code);
        }
      });
      box.appendChild(copy);
      if (r.p && D.preview) {
        var a = el('a', 'link', 'Open the preview (.eml)');
        a.href = D.preview.split('/').map(function (seg) { return seg === '..' || seg === '.' ? seg : encodeURIComponent(seg); }).join('/') +
          '/' + encodeURIComponent(r.p);
        a.rel = 'noopener noreferrer';
        a.target = '_blank';
        box.appendChild(a);
      }
      row('Message', box);
    }
    var reply = el('span', null, r.c || r.e ? replyText(r.c, r.e) + ' ' : '');
    reply.appendChild(dataEl('bdi', null, r.d || ''));
    row('Reply', reply);
    row('Tries', fmtInt(r.a || 0) + (r.m ? ' · ' + fmtMs(r.m) + ' from the first try to the final reply' : ''));
    if (r.v) { row('Server', dataEl('bdi', null, r.v)); }
    if (r.o) { row('Domain', dataEl('bdi', null, r.o)); }
    td.appendChild(dl);
    tr.appendChild(td);
    return tr;
  }

  // showCommand is the code element of a command: its start, then each
  // quoted word in an isolate of its own, left to right, so that words
  // in right-to-left letters (a campaign's path, a key) stay in the order
  // the shell reads them. Its text is the command, character for character.
  function showCommand(start, quoted) {
    var code = el('code', 'show-cmd', start);
    code.dir = 'ltr';
    quoted.forEach(function (w, i) {
      if (i > 0) { code.appendChild(document.createTextNode(' ')); }
      var b = el('bdi', 'word', w);
      b.dir = 'ltr';
      code.appendChild(b);
    });
    return code;
  }

  function selectText(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  function renderTable(rebuild) {
    var total = visibleCount();
    var pages = Math.max(1, Math.ceil(total / PAGE));
    if (state.page >= pages) { state.page = pages - 1; }
    var from = state.page * PAGE, to = Math.min(total, from + PAGE);
    var info = $('page-info');
    info.textContent = total === 0 ? 'No matches' :
      fmtInt(from + 1) + '–' + fmtInt(to) + ' of ' + fmtInt(total) + (state.rows.length < D.total ? '+' : '');
    info.dataset.total = String(total);
    $('prev').disabled = state.page === 0;
    $('next').disabled = state.page >= pages - 1;
    $('recipients-note').textContent = state.rows.length < D.total ?
      'loading ' + fmtInt(state.rows.length) + ' of ' + fmtInt(D.total) + '…' : fmtInt(D.total) + ' in sheet order';
    if (!rebuild) { return; }
    var body = $('rows');
    var frag = document.createDocumentFragment();
    for (var k = from; k < to; k++) {
      var i = visibleIndex(k);
      frag.appendChild(rowItem(i));
      if (i === state.open) { frag.appendChild(moreItem(i)); }
    }
    clear(body);
    body.appendChild(frag);
    if (!document.body.dataset.firstTableMs && to > from) {
      document.body.dataset.firstTableMs = String(Math.round(performance.now()));
    }
  }

  function renderStatusFilter() {
    var sel = $('status-filter');
    D.statuses.forEach(function (s) {
      if (s.n === 0) { return; }
      var o = el('option', null, s.s + ' (' + fmtInt(s.n) + ')');
      o.value = s.s;
      sel.appendChild(o);
    });
  }

  // showAttention moves the rows needing attention (failed, deferred,
  // unknown, invalid: #static-attention, as tidings wrote them for the
  // page without JavaScript) into the summary, where a reader looks for
  // them: #static, which holds them, is hidden once the page is drawn.
  function showAttention() {
    var part = $('static-attention');
    if (part) { $('attention').appendChild(part); }
    pointToFilter($('static-more'));
  }

  // ATTENTION are the statuses of the rows needing attention, as
  // #static-attention's heading names them.
  var ATTENTION = ['failed', 'deferred', 'unknown', 'invalid'];

  // pointToFilter makes more, the line saying how many rows needing
  // attention the list leaves out ("and 1,400 more: see report.csv",
  // which the page without JavaScript keeps), point to the recipients
  // table's status filter instead: a button for each of those statuses
  // some row has, which filters the table by it and brings it into view.
  function pointToFilter(more) {
    if (!more) { return; }
    var n = {};
    D.statuses.forEach(function (s) { n[s.s] = s.n; });
    var head = more.textContent.split(':')[0]; // "and 1,400 more"
    clear(more);
    more.appendChild(document.createTextNode(head + ': show them in the recipients table below, by status: '));
    ATTENTION.filter(function (s) { return n[s] > 0; }).forEach(function (s, i) {
      if (i > 0) { more.appendChild(document.createTextNode(' ')); }
      var b = el('button', 'chip filter-status', s + ' (' + fmtInt(n[s]) + ')');
      b.type = 'button';
      b.dataset.status = s;
      b.addEventListener('click', function () { showStatus(s); showRecipients(); });
      more.appendChild(b);
    });
  }

  // showStatus filters the recipients table to every row of status s, as
  // a button of pointToFilter promises with its count: a search typed
  // before, and a domain or reply filter, are cleared, not combined with
  // it (rev-eng19: "failed (16,667)" after a search showed 2,381 rows).
  function showStatus(s) {
    clearTimeout(searchTimer);
    $('search').value = '';
    state.query = '';
    state.domain = null;
    state.reply = null;
    setStatus(s);
  }

  // ---- events and start -------------------------------------------------

  var searchTimer = 0;
  $('search').addEventListener('input', function (ev) {
    clearTimeout(searchTimer);
    var q = ev.target.value;
    searchTimer = setTimeout(function () { state.query = q; applyFilter(); }, 120);
  });
  $('status-filter').addEventListener('change', function (ev) { setStatus(ev.target.value); });
  $('prev').addEventListener('click', function () { state.page--; renderTable(true); });
  $('next').addEventListener('click', function () { state.page++; renderTable(true); });
  $('rows').addEventListener('click', function (ev) {
    var tr = ev.target.closest('tr[data-idx]');
    if (!tr) { return; }
    var i = Number(tr.dataset.idx);
    state.open = state.open === i ? -1 : i;
    renderTable(true);
    // The rows were drawn anew: the focus goes back to this row's button.
    var again = $('rows').querySelector('tr[data-idx="' + i + '"] .cellbtn');
    if (again) { again.focus(); }
  });

  var resizeTimer = 0;
  var lastWidth = 0;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      var w = $('timeline').clientWidth;
      if (w !== lastWidth) { lastWidth = w; renderTimeline(); renderDomainChart(); }
    }, 150);
  });

  // #app is hidden until now (report.html shows #static, the report
  // without JavaScript, instead): shown before drawing, which measures it.
  $('app').hidden = false;
  renderSummary();
  renderTimeline();
  lastWidth = $('timeline').clientWidth;
  renderDomainChart();
  renderDomainTable();
  renderReplies();
  renderStatusFilter();
  renderTable(true);
  showAttention();
  $('static').hidden = true; // drawn: in the same task, so never both on screen
  document.body.dataset.chartsMs = String(Math.round(performance.now()));
  if (D.chunks > 0) {
    loadScript(chunkName(1), dataMissing);
  } else {
    finished();
  }
}());
