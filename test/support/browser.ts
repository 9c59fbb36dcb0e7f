import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** The system Chromium the browser tests drive (Debian's package). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether the browser suite can run here; in CI it must, so a missing browser fails there. */
export const hasChromium = existsSync(CHROMIUM);
export const skipBrowser = !hasChromium && !process.env.CI;
if (skipBrowser) console.warn(`browser tests skipped: no Chromium at ${CHROMIUM} (set CHROMIUM_PATH, or install the chromium package)`);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
