// Browser test of a site built from content full of XSS payloads (documents,
// ledger fields, checklist notes, the config), opened from file:// in
// headless Chromium. Before any page script runs, alert/confirm/prompt and
// window.__pwned (which every payload calls) are replaced by recorders.
// Every page of the site is loaded, focused, hovered and searched; the test
// fails if anything was recorded, a dialog opened, an event-handler
// attribute or a javascript:/vbscript:/data: URL is in the DOM, or an
// unexpected script, frame, object, embed, base, form or meta refresh is.
// Usage: node xss.mjs <site-dir>
import { chromium } from "playwright-core";
import path from "node:path";
import fs from "node:fs";

const siteDir = path.resolve(process.argv[2] || "");
if (!fs.existsSync(path.join(siteDir, "index.html"))) {
  console.error(`no index.html in ${siteDir}`);
  process.exit(2);
}
const pages = [];
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith(".html")) pages.push(path.relative(siteDir, p));
  }
})(siteDir);
pages.sort();

const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const browser = await chromium.launch({
  executablePath,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const problems = [];
const fail = (msg) => { problems.push(msg); };
let checked = 0;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(() => {
    const record = (what) => {
      try { (window.top.__xss || window.__xss).push(String(what)); } catch (_) { window.__xss.push(String(what)); }
    };
    window.__xss = [];
    window.__pwned = (n) => record(`__pwned(${n})`);
    window.alert = (m) => record(`alert(${m})`);
    window.confirm = (m) => { record(`confirm(${m})`); return false; };
    window.prompt = (m) => { record(`prompt(${m})`); return null; };
  });
  const page = await context.newPage();
  page.on("dialog", async (d) => { fail(`dialog on ${page.url()}: ${d.message()}`); await d.dismiss(); });
  page.on("pageerror", (e) => fail(`page error on ${page.url()}: ${e.message}`));
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith("file://") && !u.startsWith("data:")) fail(`network request: ${u}`);
    if (u.startsWith("data:text/html")) fail(`data: document loaded: ${u.slice(0, 80)}`);
  });
  page.on("framenavigated", (f) => {
    const u = f.url();
    if (u.startsWith("javascript:") || u.startsWith("data:")) fail(`frame navigated to ${u.slice(0, 80)}`);
  });
  const url = (p) => "file://" + path.join(siteDir, p);

  for (const p of pages) {
    await page.goto(url(p));
    await page.waitForLoadState("load");
    // Give onload/onerror/ontoggle/animation handlers a chance to run.
    await page.waitForTimeout(50);
    const report = await page.evaluate(() => {
      const bad = [];
      const urlAttrs = ["href", "src", "action", "formaction", "data", "xlink:href", "poster", "background", "srcdoc", "ping"];
      for (const el of document.querySelectorAll("*")) {
        for (const a of el.attributes) {
          const name = a.name.toLowerCase();
          if (name.startsWith("on")) bad.push(`<${el.tagName.toLowerCase()} ${name}>`);
          if (urlAttrs.includes(name) || name.endsWith(":href")) {
            const v = a.value.replace(/[\u0000-\u0020]/g, "").toLowerCase();
            if (/^(javascript|vbscript|data|livescript):/.test(v)) bad.push(`<${el.tagName.toLowerCase()} ${name}="${a.value.slice(0, 60)}">`);
          }
          if (name === "style" && /expression|url\(|javascript/i.test(a.value)) bad.push(`<${el.tagName.toLowerCase()} style="${a.value.slice(0, 60)}">`);
        }
      }
      for (const s of document.querySelectorAll("script")) {
        const src = s.getAttribute("src") || "";
        if (!/assets\/(search-index|search|search\/[gr][0-9]+)\.js$/.test(src)) bad.push(`<script src="${src}">${s.textContent.slice(0, 60)}`);
      }
      for (const sel of ["iframe", "frame", "object", "embed", "base", "form:not(.search)", "meta[http-equiv]", "link[rel=import]", "style", "template", "svg script", "math"]) {
        for (const el of document.querySelectorAll(sel)) bad.push(`<${sel}> ${el.outerHTML.slice(0, 80)}`);
      }
      for (const a of document.querySelectorAll("a[href]")) {
        if (a.protocol === "javascript:" || a.protocol === "vbscript:" || a.protocol === "data:") bad.push(`link ${a.href.slice(0, 60)}`);
      }
      return bad;
    });
    for (const b of report) fail(`${p}: ${b}`);
    // Focus and hover what is there (autofocus/onfocus/onmouseover payloads).
    const handles = await page.$$("main a, main img, main input, main details, main summary, main svg, main h1, main h2, main h3, main td");
    for (const h of handles.slice(0, 40)) {
      try { await h.hover({ timeout: 100, force: true }); } catch (_) { /* hidden or detached */ }
    }
    const xss = await page.evaluate(() => window.__xss.slice());
    for (const x of xss) fail(`${p}: payload ran: ${x}`);
    checked++;
  }

  // Search renders records that contain payload text.
  await page.goto(url("index.html"));
  const searchable = (await page.$("#search-box")) !== null;
  for (const q of searchable ? ["pwned", "script", "onerror", "javascript"] : []) {
    await page.fill("#search-box", q);
    await page.waitForTimeout(100);
    const html = await page.$eval("#search-results", (e) => e.innerHTML);
    if (/<(script|img|svg|iframe)/i.test(html)) fail(`search ${q} rendered markup: ${html.slice(0, 120)}`);
    const hrefs = await page.$$eval("#search-results a", (as) => as.map((a) => a.getAttribute("href")));
    for (const h of hrefs) if (/^\s*(javascript|data|vbscript):/i.test(h || "")) fail(`search ${q} link ${h}`);
  }
  const xss = await page.evaluate(() => window.__xss.slice());
  for (const x of xss) fail(`search: payload ran: ${x}`);

  console.log(JSON.stringify({ ok: problems.length === 0, pages: checked, problems }));
} finally {
  await browser.close();
}
process.exit(problems.length === 0 ? 0 : 1);
