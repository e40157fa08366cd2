/**
 * Opens a local HTML file in the distribution's Chromium (headless, through puppeteer-core: no browser
 * download), recording console errors, page errors and every request that is not the file itself.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const CHROMIUM = process.env.DRILL_CHROMIUM ?? '/usr/bin/chromium';

export interface OpenedPage {
  page: Page;
  consoleErrors: string[];
  /** Requests other than the file:// document itself. */
  requests: string[];
}

export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM} (.ci/run installs it; DRILL_CHROMIUM points elsewhere)`;
}

export async function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
}

export async function openFile(browser: Browser, file: string, viewport = { width: 1280, height: 800 }): Promise<OpenedPage> {
  const page = await browser.newPage();
  await page.setViewport(viewport);
  const url = pathToFileURL(file).href;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  page.on('request', (request) => {
    if (request.url() !== url) requests.push(request.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('body[data-charts-ready="true"]', { timeout: 10_000 });
  return { page, consoleErrors, requests };
}
