import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

/** Counts of the active libuv handles and requests by kind (TCPWRAP, UDPWRAP, Timeout, ...). */
export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/**
 * Fails when more resources are active than before, after giving closes a moment to finish: sockets and child
 * processes release their handles a few event-loop turns after destroy().
 */
export async function assertNoLeaks(before: Map<string, number>, withinMs = 500): Promise<void> {
  const deadline = performance.now() + withinMs;
  let extra = leaked(before);
  while (extra.length > 0 && performance.now() < deadline) {
    await sleep(10);
    extra = leaked(before);
  }
  assert.deepEqual(extra, [], 'resources left active after the probe');
}

function leaked(before: Map<string, number>): string[] {
  return [...activeResources()]
    .filter(([kind, count]) => count > (before.get(kind) ?? 0))
    .map(([kind, count]) => `${kind} x${count - (before.get(kind) ?? 0)}`);
}
