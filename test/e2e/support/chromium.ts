// Debian's chromium driven by playwright-core, for tests that look at weir's pages as a person would. Never a
// downloaded browser: scripts/ensure-system-packages.sh installs the Debian package when running as root.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { repoRoot } from './weir-process.ts';

export const CHROMIUM = '/usr/bin/chromium';

/** Why browser tests cannot run here; false when they can. As root the package must be there: no skipping in CI. */
export const skipWithoutChromium: string | false =
  !existsSync(CHROMIUM) && process.getuid?.() !== 0
    ? `${CHROMIUM} is missing and this is not root (apt-get install chromium, or run scripts/ensure-system-packages.sh as root)`
    : false;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    timeout: 30_000,
  });
}

/** Where a test's screenshots go (gitignored), created empty of nothing else. */
export function artifactsDir(name: string): string {
  const dir = join(repoRoot, 'test-artifacts', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}
