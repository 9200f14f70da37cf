// Accessibility and layout of an HTML report in a real browser: headless Chromium driven by
// playwright-core, WCAG 2.1 A/AA rules of axe-core.
//
//   node check-html.mjs <report.html> <width> [<width> …] [--screenshots <dir>]
//
// Prints one JSON object per width: axe-core violations, requests that left the file (the report
// must load nothing from outside), the page's horizontal overflow and, per figure, the ratio of its
// displayed to its natural width (below 1 the chart's text is shrunk). The Python test
// (tests/e2e/test_browser.py) asserts on these facts. Chromium: $CHROMIUM or /usr/bin/chromium.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const args = process.argv.slice(2);
let screenshots = null;
const shotIndex = args.indexOf("--screenshots");
if (shotIndex >= 0) {
  screenshots = args[shotIndex + 1];
  args.splice(shotIndex, 2);
}
const [file, ...widths] = args;
const url = pathToFileURL(file).href;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  // no network: without these flags Chromium tries to reach Google's services at every start
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const results = [];
try {
  for (const width of widths.map(Number)) {
    const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const external = [];
    await page.route("**/*", (route) => {
      const target = route.request().url();
      if (target === url || target.startsWith("data:")) return route.continue();
      external.push(target);
      return route.abort();
    });
    await page.goto(url, { waitUntil: "load" });
    await page.addScriptTag({ content: axeSource });
    const axe = await page.evaluate(() =>
      window.axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        resultTypes: ["violations"],
      }),
    );
    const layout = await page.evaluate(() => {
      const root = document.documentElement;
      const figures = [...document.querySelectorAll("figure img, figure svg")].map((el) => {
        const shown = el.getBoundingClientRect().width;
        const natural = el.tagName.toLowerCase() === "img" ? el.naturalWidth : el.width.baseVal.value;
        return { label: el.getAttribute("alt") || el.getAttribute("aria-label") || "", shown, natural };
      });
      return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, figures };
    });
    if (screenshots) {
      await page.screenshot({ path: `${screenshots}/html-${width}.png`, fullPage: false });
    }
    results.push({
      width,
      violations: axe.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        count: v.nodes.length,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
      })),
      external,
      ...layout,
    });
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results, null, 1));
