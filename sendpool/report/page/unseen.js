// unseen.js: how the report page (page.js) and the preview gallery
// (gallery.js) show a key, a name or an address, the one script both
// begin with (report.UnseenScript).
//
// Some characters would not show the value a cell holds: a zero-width
// space, word joiner or byte order mark shows nothing, and an embedding,
// override or isolate reorders the text after it ("k1\u202Efdp.exe" drawn
// as "k1exe.pdf", "Alice\u202Eevil" as "Alicelive", an address drawn
// backwards). Each is shown as its code point, marked. The marks and
// joiners right-to-left, Persian and Indic text need stay as they are.
// The page's part for readers without JavaScript does the same in Go
// (report/pageunseen.go), and render warns of the same characters.
var tidingsUnseen = (function () {
  'use strict';

  // UNSEEN are the characters always shown as their code point.
  var UNSEEN = /[\u200B\u2060\uFEFF\u202A-\u202E\u2066-\u2069]/;

  // LATIN is a Latin letter.
  var LATIN = /^\p{Script=Latin}$/u;

  // unseenAt says whether chars[i] is shown as its code point: UNSEEN, or
  // a zero-width joiner or non-joiner between two Latin letters, which
  // never join there ("Pay\u200Dpal" would read "Paypal"), as render
  // warns of them; elsewhere Persian, Indic and emoji need them.
  function unseenAt(chars, i) {
    var c = chars[i];
    if (UNSEEN.test(c)) { return true; }
    return (c === '\u200C' || c === '\u200D') && i > 0 && i + 1 < chars.length &&
      LATIN.test(chars[i - 1]) && LATIN.test(chars[i + 1]);
  }

  // fill appends text to the element e: each character unseenAt a
  // <span class="unseen"> of its own reading "U+202E", its meaning the
  // tooltip; the rest as text.
  function fill(e, text) {
    var run = '';
    var chars = Array.from(String(text));
    chars.forEach(function (c, i) {
      if (!unseenAt(chars, i)) { run += c; return; }
      if (run) { e.appendChild(document.createTextNode(run)); run = ''; }
      var code = 'U+' + c.codePointAt(0).toString(16).toUpperCase();
      var m = document.createElement('span');
      m.className = 'unseen';
      m.textContent = code;
      m.title = code + ': an invisible character the value holds here';
      e.appendChild(m);
    });
    if (run) { e.appendChild(document.createTextNode(run)); }
    return e;
  }

  return { fill: fill };
})();
