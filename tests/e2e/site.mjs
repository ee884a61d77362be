// Browser test of a built anzen site, opened from file:// in headless
// Chromium: no console errors on any page visited, the dashboard links
// through to a checklist item's evidence (document section and ledger
// entry), and a Japanese search finds the training plan and ledger, ranked
// (title hits first), grouped by kind, the matches highlighted.
// Usage: node site.mjs <site-dir> [screenshot.png]
import { chromium } from "playwright-core";
import path from "node:path";
import fs from "node:fs";

const siteDir = path.resolve(process.argv[2] || "");
const shot = process.argv[3];
if (!fs.existsSync(path.join(siteDir, "index.html"))) {
  console.error(`no index.html in ${siteDir}`);
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const browser = await chromium.launch({
  executablePath,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--allow-file-access-from-files"],
});
const problems = [];
const fail = (msg) => { problems.push(msg); };
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("console", (m) => { if (m.type() === "error") fail(`console error on ${page.url()}: ${m.text()}`); });
  page.on("pageerror", (e) => fail(`page error on ${page.url()}: ${e.message}`));
  page.on("request", (r) => { if (!r.url().startsWith("file://")) fail(`network request: ${r.url()}`); });
  const url = (p) => "file://" + path.join(siteDir, p);

  // Dashboard.
  await page.goto(url("index.html"));
  const satisfied = await page.textContent("#count-satisfied");
  if (!/^\d+$/.test((satisfied || "").trim())) fail(`dashboard count missing: ${satisfied}`);
  if (shot) await page.screenshot({ path: shot, fullPage: false });

  // Dashboard → checklist → item 2-1 → its first evidence (a document section).
  await page.click("nav >> text=チェックシート");
  await page.waitForURL(/checklist\.html/);
  const row = page.locator("#item-2-1");
  if (!(await row.count())) fail("checklist has no row for item 2-1");
  const answerMarked = await row.locator("[aria-label=はい]").count();
  if (!answerMarked) fail("item 2-1 is not marked はい");
  const docLink = row.locator(".evidence a").first();
  const docHref = await docLink.getAttribute("href");
  await docLink.click();
  await page.waitForLoadState("load");
  const docHash = new URL(page.url()).hash.slice(1);
  if (!page.url().includes("/documents/")) fail(`evidence link went to ${page.url()}`);
  if (!docHash || !(await page.evaluate((id) => !!document.getElementById(decodeURIComponent(id)), docHash)))
    fail(`evidence section #${docHash} not on ${page.url()} (href ${docHref})`);

  // An evidence link to a ledger entry.
  await page.goto(url("checklist.html"));
  const entryLink = page.locator(".evidence a[href*='#entry-']").first();
  if (!(await entryLink.count())) fail("no evidence link to a ledger entry");
  else {
    await entryLink.click();
    await page.waitForLoadState("load");
    const hash = decodeURIComponent(new URL(page.url()).hash.slice(1));
    const found = await page.evaluate((id) => { const el = document.getElementById(id); return el ? el.tagName : null; }, hash);
    if (found !== "TR") fail(`ledger entry #${hash} is not a table row on ${page.url()}`);
  }

  // Japanese search from a nested page.
  await page.goto(url("requirements/S1.html"));
  await page.fill("#search-box", "研修");
  await page.waitForSelector("#search-results a");
  const hits = await page.$$eval("#search-results a", (as) => as.map((a) => a.textContent));
  if (!hits.some((t) => t.includes("研修計画"))) fail(`search 研修 did not find 研修計画: ${hits.slice(0, 5)}`);
  if (!hits.some((t) => t.includes("台帳") && t.includes("研修記録"))) fail(`search 研修 did not find the 研修記録 ledger: ${hits.slice(0, 5)}`);
  // Ranked, grouped by kind, the matches highlighted.
  const groups = await page.$$eval("#search-results .search-group", (gs) => gs.map((g) => ({
    head: g.querySelector(".search-group-head").textContent,
    hits: Array.from(g.querySelectorAll("a.search-hit")).map((a) => ({
      kind: a.dataset.kind,
      title: a.querySelector(".title").textContent,
      marks: Array.from(a.querySelectorAll("mark")).map((m) => m.textContent),
      excerptMarks: a.querySelectorAll(".excerpt mark").length,
    })),
  })));
  const kinds = groups.map((g) => g.hits[0] && g.hits[0].kind);
  if (new Set(kinds).size !== kinds.length) fail(`search groups repeat a kind: ${kinds}`);
  if (groups.some((g) => g.hits.some((h) => h.kind !== g.hits[0].kind))) fail("a search group mixes kinds");
  const ranked = groups.flatMap((g) => g.hits);
  if (ranked[0]?.title !== "研修記録") fail(`search 研修: first hit is ${ranked[0]?.title}, not the 研修記録 ledger`);
  const firstDoc = ranked.find((h) => h.kind === "文書");
  if (!firstDoc || !/研修/.test(firstDoc.title.split(" › ").pop())) fail(`search 研修: first document hit is ${firstDoc?.title}, not a section headed 研修`);
  const docs = ranked.filter((h) => h.kind === "文書");
  const lastTitled = docs.map((h) => h.title.includes("研修")).lastIndexOf(true);
  if (docs.slice(0, lastTitled).some((h) => !h.title.includes("研修"))) fail("search 研修: a document without 研修 in its title ranks above one with it");
  const marks = ranked.flatMap((h) => h.marks);
  if (marks.length === 0 || marks.some((m) => m !== "研修")) fail(`search 研修: highlighted ${JSON.stringify(marks.slice(0, 5))}`);
  if (!firstDoc || firstDoc.excerptMarks === 0) fail("search 研修: the first document hit's snippet has no highlighted match");
  // A phrase: the ledger named by it first, the snippet cut around a match.
  await page.fill("#search-box", "アクセス記録");
  await page.waitForFunction(() => { const t = document.querySelector("#search-results a .title"); return t && t.textContent.includes("アクセス"); });
  const phraseFirst = await page.textContent("#search-results a .title");
  if (phraseFirst !== "アクセス記録保管簿") fail(`search アクセス記録: first hit is ${phraseFirst}`);
  await page.fill("#search-box", "再発防止策の実施状況");
  await page.waitForFunction(() => document.querySelector("#search-results a .excerpt mark"));
  const cut = await page.$eval("#search-results a .excerpt", (e) => ({ text: e.textContent, mark: e.querySelector("mark").textContent }));
  if (cut.mark !== "再発防止策の実施状況" || !cut.text.startsWith("…")) fail(`snippet not cut around the match: ${JSON.stringify(cut)}`);
  await page.fill("#search-box", "研修");
  await page.waitForFunction(() => document.querySelector("#search-results a .title")?.textContent === "研修記録");

  // The first hit opens.
  const first = page.locator("#search-results a").first();
  const firstHref = await first.getAttribute("href");
  await first.click();
  await page.waitForLoadState("load");
  if (page.url().endsWith("requirements/S1.html")) fail(`search hit ${firstHref} did not navigate`);

  // Ledger tables on a phone-sized screen: dates, ids and codes on one
  // line, no line of any cell starting with a closing bracket, the table
  // scrolling in its own box rather than the page.
  const phone = await browser.newPage({ viewport: { width: 360, height: 740 } });
  phone.on("pageerror", (e) => fail(`page error on ${phone.url()}: ${e.message}`));
  for (const ledger of ["take_out", "access_logs", "training", "staff"]) {
    await phone.goto(url(`ledgers/${ledger}.html`));
    const m = await phone.evaluate(() => {
      // The characters of el's text that start a line, and how many lines.
      const lines = (el) => {
        const starts = [];
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        let top = null;
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          for (let i = 0; i < n.data.length; i++) {
            if (/\s/.test(n.data[i])) continue;
            const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
            const rect = r.getClientRects()[0];
            if (!rect) continue;
            if (top === null || rect.top > top + 2) { starts.push(n.data[i]); top = rect.top; }
          }
        }
        return starts;
      };
      const cells = Array.from(document.querySelectorAll("table.ledger td"));
      const codes = cells.filter((td) => td.classList.contains("code") && td.textContent.trim());
      const box = document.querySelector(".scroll");
      return {
        codes: codes.length,
        wrapped: codes.filter((td) => lines(td).length > 1).map((td) => td.textContent),
        dates: cells.filter((td) => /^\d{4}-\d{2}(-\d{2})?$/.test(td.textContent.trim())).map((td) => [td.textContent, td.classList.contains("code"), lines(td).length]),
        bracketStarts: cells.filter((td) => lines(td).slice(1).some((c) => /[）」』】〕)\]、。]/.test(c))).map((td) => td.textContent),
        scrolls: box ? box.scrollWidth > box.clientWidth : false,
        pageWider: document.documentElement.scrollWidth > window.innerWidth + 1,
      };
    });
    if (m.codes === 0) fail(`${ledger}: no cell marked as a code`);
    if (m.wrapped.length) fail(`${ledger}: codes wrapped at 360px: ${JSON.stringify(m.wrapped.slice(0, 5))}`);
    if (m.dates.length === 0 || m.dates.some(([, code, n]) => !code || n !== 1)) fail(`${ledger}: date cells ${JSON.stringify(m.dates.slice(0, 5))}`);
    if (m.bracketStarts.length) fail(`${ledger}: a line starts with a closing bracket: ${JSON.stringify(m.bracketStarts.slice(0, 5))}`);
    if (!m.scrolls) fail(`${ledger}: the wide table does not scroll in its box at 360px`);
    if (m.pageWider) fail(`${ledger}: the page itself is wider than the screen`);
  }
  await phone.close();

  // Every top-level page loads without errors.
  for (const p of ["index.html", "checklist.html", "requirements.html", "documents.html", "ledgers.html", "findings.html"]) {
    await page.goto(url(p));
  }
  console.log(JSON.stringify({ ok: problems.length === 0, problems, searchHits: hits.length }));
} finally {
  await browser.close();
}
process.exit(problems.length === 0 ? 0 : 1);
