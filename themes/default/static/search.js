// anzen site search: bigram lookup in window.ANZEN_SEARCH (search-index.js),
// so Japanese text without spaces is found, and it works from file://.
(function () {
  "use strict";
  var data = window.ANZEN_SEARCH;
  var form = document.querySelector("form.search");
  if (!data || !form) return;
  form.hidden = false;
  var box = document.getElementById("search-box");
  var out = document.getElementById("search-results");
  var root = document.body.getAttribute("data-root") || "";

  function normalize(s) { return s.replace(/\s+/g, "").toLowerCase(); }

  function search(q) {
    var chars = Array.from(normalize(q));
    if (chars.length === 0) return [];
    var keys = [];
    if (chars.length === 1) {
      Object.keys(data.grams).forEach(function (k) { if (k.indexOf(chars[0]) !== -1) keys.push(k); });
      var any = {};
      keys.forEach(function (k) { data.grams[k].forEach(function (i) { any[i] = true; }); });
      return Object.keys(any).map(Number).sort(function (a, b) { return a - b; });
    }
    var result = null;
    for (var i = 0; i + 1 < chars.length; i++) {
      var list = data.grams[chars[i] + chars[i + 1]] || [];
      if (result === null) { result = list.slice(); }
      else { var set = {}; list.forEach(function (x) { set[x] = true; }); result = result.filter(function (x) { return set[x]; }); }
      if (result.length === 0) break;
    }
    return result || [];
  }

  function render(ids) {
    out.textContent = "";
    ids.slice(0, 50).forEach(function (i) {
      var r = data.records[i];
      var a = document.createElement("a");
      a.href = root + r.u;
      a.className = "search-hit";
      var kind = document.createElement("span"); kind.className = "kind"; kind.textContent = r.k;
      var title = document.createElement("span"); title.className = "title"; title.textContent = r.t;
      var ex = document.createElement("span"); ex.className = "excerpt"; ex.textContent = r.s;
      a.appendChild(kind); a.appendChild(title); a.appendChild(ex);
      out.appendChild(a);
    });
    if (ids.length === 0 && box.value.trim() !== "") {
      var p = document.createElement("p"); p.className = "none"; p.textContent = "見つかりませんでした";
      p.style.padding = ".5rem .75rem"; out.appendChild(p);
    }
  }

  box.addEventListener("input", function () { render(search(box.value)); });
  form.addEventListener("submit", function (e) { e.preventDefault(); var first = out.querySelector("a"); if (first) first.click(); });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") { box.value = ""; render([]); } });
})();
