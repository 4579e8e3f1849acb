// Screenshot of an ssot dashboard for the README: the top of the page
// (cards, burndown, heat map) in Debian's headless chromium.
//   node scripts/dashboard-screenshot.mjs report.html docs/dashboard.png
import { chromium } from 'playwright-core';

const [html, out] = process.argv.slice(2);
if (!html || !out) {
  console.error('usage: node scripts/dashboard-screenshot.mjs REPORT.html OUT.png');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 960, height: 800 } });
  await page.goto(`file://${html.startsWith('/') ? html : `${process.cwd()}/${html}`}`);
  await page.waitForFunction(() => window.ssotDashboard?.charts.burndown);
  const bottom = await page.evaluate(() => document.querySelector('#heatmap-section').getBoundingClientRect().bottom);
  await page.screenshot({ path: out, fullPage: true, clip: { x: 0, y: 0, width: 960, height: Math.ceil(bottom) + 8 } });
} finally {
  await browser.close();
}
