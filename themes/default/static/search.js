// anzen site search: bigram lookup, so Japanese text without spaces is
// found, and it works from file://. search-index.js (window.ANZEN_SEARCH)
// says how the index is split; the bigram shards (search/g<N>.js, by the
// first character's code point mod `shards`), the record shards
// (search/r<N>.js, `per` records each) and the length classes
// (search/n0.js, one base-36 digit per record) a query needs are loaded on
// demand as scripts that call ANZEN_SEARCH_LOAD.
//
// Ranking runs twice. First over every hit, from the index alone: each
// posting is (record − previous) × 4 + bits (written in the base-32
// digits of meta.digits, see decode), bit 2 "the bigram is in the
// title", bit 1 "it occurs more than once"; hits whose title holds every
// bigram come first, then those with more repeated bigrams, then shorter
// ones. Then the best CANDIDATES records are loaded and ranked exactly:
// the phrase in the record's own title (a section's heading), in its
// document's title, in the text, then bigrams only; within the first,
// titles the phrase covers more of first; then more occurrences per
// character, then shorter. Results are grouped by kind, groups in the
// order of their best hit. Text is only ever set with textContent, never
// parsed as HTML.
(function () {
  "use strict";
  var meta = window.ANZEN_SEARCH;
  var form = document.querySelector("form.search");
  if (!meta || !form) return;
  form.hidden = false;
  var box = document.getElementById("search-box");
  var out = document.getElementById("search-results");
  var root = document.body.getAttribute("data-root") || "";
  var loaded = { g: {}, r: {}, n: {} };
  var waiting = {};
  var CANDIDATES = 60, SHOWN = 30, CONTEXT = 24, SPAN = 80;

  window.ANZEN_SEARCH_LOAD = function (kind, n, data) {
    loaded[kind][n] = data;
    (waiting[kind + n] || []).forEach(function (w) { w.resolve(data); });
    delete waiting[kind + n];
  };

  function load(kind, n) {
    if (loaded[kind][n] !== undefined) return Promise.resolve(loaded[kind][n]);
    return new Promise(function (resolve, reject) {
      var key = kind + n;
      if (waiting[key]) { waiting[key].push({ resolve: resolve, reject: reject }); return; }
      waiting[key] = [{ resolve: resolve, reject: reject }];
      var s = document.createElement("script");
      s.src = root + "assets/search/" + kind + n + ".js";
      s.onerror = function () {
        (waiting[key] || []).forEach(function (w) { w.reject(new Error(s.src)); });
        delete waiting[key];
      };
      document.head.appendChild(s);
    });
  }

  // Lowercase, white space dropped: the normalisation of the index.
  function normalize(s) { return s.replace(/\s+/g, "").toLowerCase(); }
  function shardOf(c) { return c.codePointAt(0) % meta.shards; }
  // Record number → ranking bits of one posting list: a string of
  // numbers in base 32, most significant digit first, each digit a
  // character of meta.digits; digits from its second half say that more
  // of the number follows.
  var VALUE = new Int8Array(128);
  for (var v = 0; v < meta.digits.length; v++) VALUE[meta.digits.charCodeAt(v)] = v;
  function decode(list, into) {
    var last = 0, acc = 0;
    for (var i = 0; i < list.length; i++) {
      var d = VALUE[list.charCodeAt(i) & 127];
      if (d >= 32) { acc = acc * 32 + (d - 32); continue; }
      var p = acc * 32 + d;
      acc = 0;
      last += Math.floor(p / 4);
      into[last] = (into[last] || 0) | (p % 4);
    }
    return into;
  }
  function lengthClass(i) { return parseInt(loaded.n[0].charAt(i) || "z", 36); }

  // Every hit of q with its index-only score, best first.
  function hits(q) {
    var chars = Array.from(normalize(q));
    if (chars.length === 0) return Promise.resolve([]);
    var pairs = [];
    for (var i = 0; i + 1 < chars.length; i++) pairs.push(chars[i] + chars[i + 1]);
    var shards = {};
    shards[shardOf(chars[0])] = true;
    pairs.forEach(function (p) { shards[shardOf(p)] = true; });
    var needs = Object.keys(shards).map(function (n) { return load("g", Number(n)); });
    needs.push(load("n", 0));
    return Promise.all(needs).then(function () {
      var found = [];
      if (pairs.length === 0) {
        // One character: every bigram starting with it, and it alone.
        var grams = loaded.g[shardOf(chars[0])], any = {};
        Object.keys(grams).forEach(function (k) {
          if (Array.from(k)[0] !== chars[0]) return;
          var bits = decode(grams[k], {});
          Object.keys(bits).forEach(function (id) {
            var a = any[id] || (any[id] = { title: false, dense: 0 });
            a.title = a.title || (bits[id] & 2) !== 0;
            a.dense += 1 + (bits[id] & 1);
          });
        });
        Object.keys(any).forEach(function (id) {
          found.push({ id: Number(id), title: any[id].title, dense: any[id].dense });
        });
      } else {
        var lists = [];
        for (var j = 0; j < pairs.length; j++) {
          var list = loaded.g[shardOf(pairs[j])][pairs[j]];
          if (!list) return [];
          lists.push(decode(list, {}));
        }
        Object.keys(lists[0]).forEach(function (id) {
          var title = true, dense = 0;
          for (var k = 0; k < lists.length; k++) {
            var b = lists[k][id];
            if (b === undefined) return;
            title = title && (b & 2) !== 0;
            dense += b & 1;
          }
          found.push({ id: Number(id), title: title, dense: dense });
        });
      }
      found.forEach(function (h) { h.len = lengthClass(h.id); });
      found.sort(function (a, b) {
        return (b.title - a.title) || (b.dense - a.dense) || (a.len - b.len) || (a.id - b.id);
      });
      return found;
    });
  }

  // A text in normalised form with, for each of its characters, where it
  // came from in the original.
  function mapped(text) {
    var norm = "", from = [];
    for (var i = 0; i < text.length; i++) {
      var c = text.charAt(i);
      if (/\s/.test(c)) continue;
      var low = c.toLowerCase();
      for (var k = 0; k < low.length; k++) { norm += low.charAt(k); from.push(i); }
    }
    from.push(text.length);
    return { norm: norm, from: from };
  }
  // Ranges [start, end) of the original text where the normalised q occurs.
  function matches(text, q) {
    var m = mapped(text), out = [];
    if (!q) return out;
    for (var at = m.norm.indexOf(q); at !== -1; at = m.norm.indexOf(q, at + q.length)) {
      out.push([m.from[at], m.from[at + q.length - 1] + 1]);
    }
    return out;
  }

  // The exact rank of a loaded hit: tier (lower first), how much of the
  // title the phrase covers, and density. A section's own title is its
  // heading (after " › "); the document's title is the tier below.
  function exact(h, q) {
    var r = h.record, cut = r.t.lastIndexOf(" › ");
    var own = cut === -1 ? r.t : r.t.slice(cut + 3), parent = cut === -1 ? "" : r.t.slice(0, cut);
    var inText = matches(r.s, q).length;
    h.cover = 0;
    if (matches(own, q).length) { h.tier = 0; h.cover = q.length / Math.max(normalize(own).length, 1); }
    else if (parent && matches(parent, q).length) h.tier = 1;
    else if (inText) h.tier = 2;
    else h.tier = 3;
    h.density = inText / (Math.max(r.n, 1) + 20);
    return h;
  }

  // The best candidates, loaded and ranked exactly.
  function ranked(q, found) {
    var first = found.slice(0, CANDIDATES), need = {};
    first.forEach(function (h) { need[Math.floor(h.id / meta.per)] = true; });
    return Promise.all(Object.keys(need).map(function (n) { return load("r", Number(n)); })).then(function () {
      var nq = normalize(q);
      first.forEach(function (h, i) {
        h.record = loaded.r[Math.floor(h.id / meta.per)][h.id % meta.per];
        h.order = i;
        exact(h, nq);
      });
      first.sort(function (a, b) {
        return (a.tier - b.tier) || (b.cover - a.cover) || (b.density - a.density) || (a.record.n - b.record.n) || (a.order - b.order);
      });
      return { hits: first.slice(0, SHOWN), total: found.length };
    });
  }

  // Appends text to el with each range in <mark>.
  function highlighted(el, text, ranges) {
    var at = 0;
    ranges.forEach(function (r) {
      if (r[0] < at) return;
      if (r[0] > at) el.appendChild(document.createTextNode(text.slice(at, r[0])));
      var m = document.createElement("mark");
      m.textContent = text.slice(r[0], r[1]);
      el.appendChild(m);
      at = r[1];
    });
    if (at < text.length) el.appendChild(document.createTextNode(text.slice(at)));
  }

  // The part of the text around its first match, and the matches in it.
  function snippet(text, q) {
    var all = matches(text, q);
    if (all.length === 0) {
      var short = text.length > SPAN ? text.slice(0, SPAN) + "…" : text;
      return { text: short, ranges: [] };
    }
    var start = Math.max(0, all[0][0] - CONTEXT), end = Math.min(text.length, start + SPAN);
    if (end - start < SPAN) start = Math.max(0, end - SPAN);
    var pre = start > 0 ? "…" : "", post = end < text.length ? "…" : "";
    var ranges = all.filter(function (r) { return r[0] >= start && r[1] <= end; })
      .map(function (r) { return [r[0] - start + pre.length, r[1] - start + pre.length]; });
    return { text: pre + text.slice(start, end) + post, ranges: ranges };
  }

  function render(result, q) {
    out.textContent = "";
    var nq = normalize(q), groups = [], byKind = {};
    result.hits.forEach(function (h) {
      var k = h.record.k;
      if (!byKind[k]) { byKind[k] = { kind: k, hits: [] }; groups.push(byKind[k]); }
      byKind[k].hits.push(h);
    });
    groups.forEach(function (g) {
      var section = document.createElement("div");
      section.className = "search-group";
      var head = document.createElement("div");
      head.className = "search-group-head";
      head.textContent = g.kind + "（" + g.hits.length + "）";
      section.appendChild(head);
      g.hits.forEach(function (h) {
        var r = h.record;
        var a = document.createElement("a");
        a.href = root + r.u;
        a.className = "search-hit";
        a.setAttribute("data-kind", r.k);
        var kind = document.createElement("span"); kind.className = "kind"; kind.textContent = r.k;
        var title = document.createElement("span"); title.className = "title";
        highlighted(title, r.t, matches(r.t, nq));
        var cut = snippet(r.s, nq);
        var ex = document.createElement("span"); ex.className = "excerpt";
        highlighted(ex, cut.text, cut.ranges);
        a.appendChild(kind); a.appendChild(title); a.appendChild(ex);
        section.appendChild(a);
      });
      out.appendChild(section);
    });
    if (result.total > result.hits.length) {
      var more = document.createElement("p");
      more.className = "none search-more";
      more.textContent = "ほか " + (result.total - result.hits.length) + " 件（語を足すと絞り込めます）";
      out.appendChild(more);
    }
    if (result.hits.length === 0 && box.value.trim() !== "") {
      var p = document.createElement("p"); p.className = "none"; p.textContent = "見つかりませんでした";
      out.appendChild(p);
    }
  }

  // Only the latest query's results are shown.
  var latest = 0;
  function run() {
    var token = ++latest, q = box.value;
    hits(q).then(function (found) { return ranked(q, found); }).then(function (result) {
      if (token === latest) render(result, q);
    }, function () {
      if (token === latest) render({ hits: [], total: 0 }, q);
    });
  }

  box.addEventListener("input", run);
  form.addEventListener("submit", function (e) { e.preventDefault(); var first = out.querySelector("a"); if (first) first.click(); });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") { box.value = ""; latest++; render({ hits: [], total: 0 }, ""); } });
})();
