import type { HealthChange, HealthChecker } from '../health-checker.ts';

/** The next change event that matches, or a rejection after `withinMs`; the listener and timer are always removed. */
export function waitForChange(
  checker: HealthChecker,
  matches: (change: HealthChange) => boolean,
  withinMs: number,
): Promise<HealthChange> {
  return new Promise((resolve, reject) => {
    const onChange = (change: HealthChange): void => {
      if (!matches(change)) return;
      clearTimeout(timer);
      checker.off('change', onChange);
      resolve(change);
    };
    const timer = setTimeout(() => {
      checker.off('change', onChange);
      reject(new Error(`no matching change within ${withinMs} ms`));
    }, withinMs);
    checker.on('change', onChange);
  });
}
