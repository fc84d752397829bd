import { chromium, type Browser, type Page } from 'playwright-core';
import { existsSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/**
 * Debian's chromium driven by playwright-core (no browser download; `npm run tools` installs the
 * package). Playwright gives each launch a fresh temporary profile (--user-data-dir).
 */
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function chromiumPath(): string | null {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('which', [name], { encoding: 'utf8' }).trim() || null;
    } catch { /* try the next name */ }
  }
  return null;
}

export const skipWithoutChromium = !chromiumPath() && 'chromium is not installed: `npm run tools` installs the Debian package (or set CHROMIUM_PATH)';

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: chromiumPath()!, args: CHROMIUM_FLAGS, headless: true, chromiumSandbox: false });

const FAILURES_DIR = new URL('../../test-results/', import.meta.url);

/** Runs a browser step; on failure saves a screenshot of every open page (test-results/) before rethrowing. */
export async function withScreenshots<T>(name: string, pages: Page[], body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    if (!existsSync(FAILURES_DIR)) mkdirSync(FAILURES_DIR, { recursive: true });
    for (const [i, page] of pages.entries()) {
      const file = new URL(`${name.replace(/\W+/g, '-')}-${i}.png`, FAILURES_DIR);
      await page.screenshot({ path: file.pathname, fullPage: true }).catch(() => undefined);
      console.error(`screenshot of the failing page: ${file.pathname}`);
    }
    throw err;
  }
}
