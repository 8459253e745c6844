import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchNamespaces } from './bench-namespaces.ts';
import { withOpenFiles } from './open-files.ts';

/**
 * Opens `count` connections to host:port, at most `concurrency` being opened at a time, and keeps them: in `http`
 * mode each sends one GET and reads the whole answer (Content-Length) before it counts as open; in `tcp` mode a
 * connection counts once connected. Prints `{"opened":..,"failed":..}` when every one is settled, then, when its
 * stdin ends, destroys them all and prints `{"closedMeanwhile":..}` (those the other side closed while idle).
 */
const IDLE_CLIENT = `
const net = require('node:net');
const [host, port, count, mode, concurrency] = process.argv.slice(1).map((v, i) => (i === 1 || i === 2 || i === 4 ? Number(v) : v));
const sockets = [];
let started = 0, opening = 0, opened = 0, failed = 0, closedMeanwhile = 0;
const settled = () => opened + failed === count;
const next = () => {
  while (opening < concurrency && started < count) { started++; opening++; one(); }
};
const one = () => {
  const socket = net.connect({ host, port });
  sockets.push(socket);
  let state = 'opening';
  const settle = (ok) => {
    if (state !== 'opening') { if (state === 'open') { closedMeanwhile++; state = 'closed'; } return; }
    state = ok ? 'open' : 'failed';
    opening--;
    if (ok) opened++; else { failed++; socket.destroy(); }
    socket.setTimeout(0);
    if (settled()) console.log(JSON.stringify({ opened, failed }));
    else next();
  };
  socket.setTimeout(10000, () => settle(false));
  socket.on('error', () => {});
  socket.on('close', () => settle(false));
  if (mode === 'tcp') { socket.on('connect', () => settle(true)); return; }
  let got = '';
  socket.on('connect', () => socket.write('GET / HTTP/1.1\\r\\nHost: bench\\r\\n\\r\\n'));
  socket.on('data', (chunk) => {
    if (state !== 'opening') return;
    got += chunk;
    const end = got.indexOf('\\r\\n\\r\\n');
    if (end < 0) return;
    const length = Number(/content-length: *(\\d+)/i.exec(got.slice(0, end))?.[1] ?? NaN);
    if (got.length >= end + 4 + length) settle(got.startsWith('HTTP/1.1 200 '));
  });
};
process.stdin.resume();
process.stdin.on('end', () => {
  for (const socket of sockets) socket.destroy();
  console.log(JSON.stringify({ closedMeanwhile }));
});
next();`;

/** Sockets a namespace holds in state ESTABLISHED with local port `port`. */
export function establishedFrom(net: BenchNamespaces, ns: string, port: number): number {
  return net
    .run(ns, ['ss', '-Htn', 'state', 'established', `( sport = :${port} )`])
    .split('\n')
    .filter(Boolean).length;
}

export interface IdleClients {
  opened: number;
  failed: number;
  /** Destroys every connection; resolves with how many the other side had closed meanwhile. */
  close(): Promise<number>;
}

/**
 * Runs the idle client in namespace `ns` (its own process, open-file limit raised to the hard limit) against host:port and
 * resolves once every connection is settled, failing after `timeoutMs`.
 */
export async function openIdle(
  net: BenchNamespaces,
  ns: string,
  [host, port]: readonly [string, number],
  options: { count: number; mode: 'http' | 'tcp'; concurrency: number; timeoutMs: number },
): Promise<IdleClients> {
  const args = [host, port, options.count, options.mode, options.concurrency].map(String);
  const child = spawn(
    'ip',
    ['netns', 'exec', net.ns(ns), ...withOpenFiles([process.execPath, '-e', IDLE_CLIENT, ...args])],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    out += chunk;
  });
  const line = await nextLine(child, () => out, 0, options.timeoutMs);
  const { opened, failed } = JSON.parse(line) as { opened: number; failed: number };
  return {
    opened,
    failed,
    close: async () => {
      child.stdin!.end();
      const closed = JSON.parse(await nextLine(child, () => out, 1, 30_000)) as { closedMeanwhile: number };
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
      return closed.closedMeanwhile;
    },
  };
}

/** Line `index` (from 0) of what `child` printed, waiting for it at most `timeoutMs`; kills the child on failure. */
async function nextLine(child: ChildProcess, out: () => string, index: number, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const lines = out().split('\n');
    if (lines.length > index + 1) return lines[index]!;
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`idle client printed no line ${index + 1} in ${timeoutMs} ms: ${out()}`);
}
