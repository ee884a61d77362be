// anzen site search: bigram lookup, so Japanese text without spaces is
// found, and it works from file://. search-index.js (window.ANZEN_SEARCH)
// says how the index is split; the bigram shards (search/g<N>.js, by the
// first character's code point mod `shards`, record numbers delta-encoded)
// and record shards (search/r<N>.js, `per` records each) a query needs are
// loaded on demand as scripts that call ANZEN_SEARCH_LOAD.
(function () {
  "use strict";
  var meta = window.ANZEN_SEARCH;
  var form = document.querySelector("form.search");
  if (!meta || !form) return;
  form.hidden = false;
  var box = document.getElementById("search-box");
  var out = document.getElementById("search-results");
  var root = document.body.getAttribute("data-root") || "";
  var loaded = { g: {}, r: {} };
  var waiting = {};

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

  function normalize(s) { return s.replace(/\s+/g, "").toLowerCase(); }
  function shardOf(c) { return c.codePointAt(0) % meta.shards; }
  function decode(list) {
    var out = [], last = 0;
    for (var i = 0; i < list.length; i++) { last += list[i]; out.push(last); }
    return out;
  }

  // Record numbers matching q, ascending.
  function search(q) {
    var chars = Array.from(normalize(q));
    if (chars.length === 0) return Promise.resolve([]);
    if (chars.length === 1) {
      // Every bigram starting with the character, and the character alone.
      return load("g", shardOf(chars[0])).then(function (grams) {
        var any = {};
        Object.keys(grams).forEach(function (k) {
          if (Array.from(k)[0] === chars[0]) decode(grams[k]).forEach(function (i) { any[i] = true; });
        });
        return Object.keys(any).map(Number).sort(function (a, b) { return a - b; });
      });
    }
    var pairs = [];
    for (var i = 0; i + 1 < chars.length; i++) pairs.push(chars[i] + chars[i + 1]);
    var shards = {};
    pairs.forEach(function (p) { shards[shardOf(p)] = true; });
    return Promise.all(Object.keys(shards).map(function (n) { return load("g", Number(n)); })).then(function () {
      var result = null;
      for (var j = 0; j < pairs.length; j++) {
        var list = decode(loaded.g[shardOf(pairs[j])][pairs[j]] || []);
        if (result === null) { result = list; }
        else { var set = {}; list.forEach(function (x) { set[x] = true; }); result = result.filter(function (x) { return set[x]; }); }
        if (result.length === 0) break;
      }
      return result || [];
    });
  }

  // The records of the first 50 hits, loading their shards.
  function records(ids) {
    var first = ids.slice(0, 50), need = {};
    first.forEach(function (i) { need[Math.floor(i / meta.per)] = true; });
    return Promise.all(Object.keys(need).map(function (n) { return load("r", Number(n)); })).then(function () {
      return first.map(function (i) { return loaded.r[Math.floor(i / meta.per)][i % meta.per]; });
    });
  }

  function render(hits) {
    out.textContent = "";
    hits.forEach(function (r) {
      var a = document.createElement("a");
      a.href = root + r.u;
      a.className = "search-hit";
      var kind = document.createElement("span"); kind.className = "kind"; kind.textContent = r.k;
      var title = document.createElement("span"); title.className = "title"; title.textContent = r.t;
      var ex = document.createElement("span"); ex.className = "excerpt"; ex.textContent = r.s;
      a.appendChild(kind); a.appendChild(title); a.appendChild(ex);
      out.appendChild(a);
    });
    if (hits.length === 0 && box.value.trim() !== "") {
      var p = document.createElement("p"); p.className = "none"; p.textContent = "見つかりませんでした";
      p.style.padding = ".5rem .75rem"; out.appendChild(p);
    }
  }

  // Only the latest query's results are shown.
  var latest = 0;
  function run() {
    var token = ++latest;
    search(box.value).then(records).then(function (hits) {
      if (token === latest) render(hits);
    }, function () {
      if (token === latest) render([]);
    });
  }

  box.addEventListener("input", run);
  form.addEventListener("submit", function (e) { e.preventDefault(); var first = out.querySelector("a"); if (first) first.click(); });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") { box.value = ""; latest++; render([]); } });
})();
