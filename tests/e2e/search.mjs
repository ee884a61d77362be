// Browser test of a site's search on its own: opens index.html from
// file:// in headless Chromium, types each query given and prints the
// titles of its hits as JSON ({"ok":…, "results": {query: [titles]}}),
// for a Rust test to judge. Console and page errors fail the run.
// Usage: node search.mjs <site-dir> <query>...
import { chromium } from "playwright-core";
import path from "node:path";

const siteDir = path.resolve(process.argv[2] || "");
const queries = process.argv.slice(3);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--allow-file-access-from-files"],
});
const problems = [];
const results = {};
try {
  const page = await browser.newPage();
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  await page.goto("file://" + path.join(siteDir, "index.html"));
  for (const q of queries) {
    await page.fill("#search-box", "");
    await page.fill("#search-box", q);
    // The results of this query: the box's text is echoed in the status line
    // or a hit appears; wait until the list stops changing.
    await page.waitForFunction(() => document.querySelector("#search-results")?.children.length > 0);
    let last = "", same = 0;
    while (same < 3) {
      await page.waitForTimeout(100);
      const now = await page.$eval("#search-results", (e) => e.textContent);
      same = now === last ? same + 1 : 0;
      last = now;
    }
    results[q] = await page.$$eval("#search-results a .title", (ts) => ts.map((t) => t.textContent));
  }
} catch (e) {
  problems.push(String(e));
} finally {
  await browser.close();
}
console.log(JSON.stringify({ ok: problems.length === 0, problems, results }));
process.exit(problems.length === 0 ? 0 : 1);
