#!/usr/bin/env node
// Opens an HTML report in headless Chromium (Debian's /usr/bin/chromium via playwright-core) and
// reports, as one JSON object on stdout, what a test needs to judge it: console errors, page
// errors, requests that tried to leave the file (all are blocked), whether injected payloads ran
// (window.__pwned, a changed document.title), that the report's own script ran (the findings
// filter works), the issues table as rendered, the notes of cut tables, and the screenshot path.
// Usage: node tools/check-html.js REPORT.html SCREENSHOT.png [USER_DATA_DIR]
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

async function main() {
  const [reportPath, screenshotPath, userDataArg] = process.argv.slice(2);
  if (!reportPath || !screenshotPath) {
    console.error('usage: check-html.js REPORT.html SCREENSHOT.png [USER_DATA_DIR]');
    process.exit(2);
  }
  const userDataDir = userDataArg || fs.mkdtempSync(path.join(os.tmpdir(), 'tw-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const result = { consoleErrors: [], pageErrors: [], externalRequests: [], dialogs: [] };
  try {
    const page = context.pages()[0] || await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') result.consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => result.pageErrors.push(String(err)));
    page.on('dialog', async (dialog) => {
      result.dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    // Nothing may be fetched at view time: record and abort every non-file request.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      result.externalRequests.push(url);
      return route.abort();
    });
    const url = 'file://' + path.resolve(reportPath);
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForTimeout(300);
    result.title = await page.title();
    result.pwned = await page.evaluate(() => typeof window.__pwned === 'undefined' ? null : String(window.__pwned));
    result.sections = await page.evaluate(() =>
      ['summary', 'charts', 'vendors', 'matrix', 'issues', 'findings', 'pages', 'targets'].filter((id) => document.getElementById(id)));
    result.svgCharts = await page.evaluate(() => document.querySelectorAll('#charts svg').length);
    result.findingRows = await page.evaluate(() => document.querySelectorAll('#findings-table tbody tr').length);
    // The issues as rendered: per row its rule, instances and pages columns and the cut lists.
    result.issues = await page.evaluate(() =>
      Array.from(document.querySelectorAll('#issues-table tbody tr')).map((row) => ({
        id: row.getAttribute('data-issue'),
        rule: row.cells[1].querySelector('strong').textContent,
        instances: parseInt(row.cells[4].textContent, 10),
        pages: parseInt(row.cells[5].textContent, 10),
        firstPages: row.cells[6].innerText,
        visible: row.getBoundingClientRect().height > 0,
      })));
    result.cutNotes = await page.evaluate(() =>
      Array.from(document.querySelectorAll('p.cut')).map((p) => p.textContent));
    // The report's script is allowed by its CSP hash: filtering must hide rows.
    if (result.findingRows > 0) {
      await page.fill('[data-filter-table="findings-table"] input', 'no-such-text-anywhere-xyz');
      result.findingRowsAfterFilter = await page.evaluate(() =>
        Array.from(document.querySelectorAll('#findings-table tbody tr')).filter((r) => !r.hidden).length);
      await page.fill('[data-filter-table="findings-table"] input', '');
    }
    // The portfolio report's targets as rendered (cell texts), and their order once the Pages
    // heading was clicked (the sorting script runs under the CSP).
    result.portfolioRows = await page.evaluate(() =>
      Array.from(document.querySelectorAll('#portfolio-table tbody tr')).map((row) =>
        Array.from(row.cells).map((cell) => cell.innerText.trim())));
    if (result.portfolioRows.length > 1) {
      await page.click('#portfolio-table thead th:nth-child(4)');
      result.portfolioPagesAfterSort = await page.evaluate(() =>
        Array.from(document.querySelectorAll('#portfolio-table tbody tr')).map((row) =>
          parseInt(row.cells[3].textContent, 10)));
    }
    // A long report (hundreds of rows) is shot at viewport size: a full-page shot of it takes
    // longer than a loaded test machine allows, and the top shows what a reader sees first.
    result.pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.screenshot({ path: screenshotPath, fullPage: result.pageHeight <= 16000, timeout: 120000 });
    result.screenshot = screenshotPath;
  } finally {
    await context.close();
    if (!userDataArg) fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((err) => {
  console.error(String(err && err.stack || err));
  process.exit(1);
});
