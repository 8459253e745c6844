import type { BenchNamespaces } from './bench-namespaces.ts';

/**
 * The load the kernel benchmarks put on a path, from a client namespace to a server namespace: iperf3 bulk transfer
 * (one stream) and new TCP connections per second. Each command is pinned with `taskset` to the CPU given.
 */

/** A server that answers each connection with one byte and closes it. */
const CONNECT_SERVER = `
const port = Number(process.argv[1]);
require('node:net').createServer((s) => { s.on('error', () => {}); s.end('x'); })
  .listen(port, '0.0.0.0', () => console.log('ready'));`;

/**
 * Keeps `concurrency` connections going for `seconds`: connect, read the byte, close, connect again. Prints the
 * connections completed per second and the errors.
 */
const CONNECT_LOOP = `
const net = require('node:net');
const [host, port, seconds, concurrency] = process.argv.slice(1).map((v, i) => (i ? Number(v) : v));
let done = 0, errors = 0, open = 0;
const end = Date.now() + seconds * 1000;
const start = Date.now();
const one = () => {
  if (Date.now() >= end) { if (--open === 0) finish(); return; }
  const s = net.connect({ host, port });
  let ok = false;
  s.setTimeout(2000, () => s.destroy(new Error('timeout')));
  s.on('data', () => { ok = true; });
  s.on('error', () => {});
  s.on('close', () => { if (ok) done++; else errors++; one(); });
};
const finish = () => console.log(JSON.stringify({ perSecond: done / ((Date.now() - start) / 1000), errors }));
for (let i = 0; i < concurrency; i++) { open++; one(); }`;

/** Concurrent connections the connection loop keeps going. */
export const CONNECT_CONCURRENCY = 32;

/** Starts an iperf3 server and the one-byte connection server in `name`, both pinned to `cpu`. */
export async function startTcpServers(
  net: BenchNamespaces,
  name: string,
  ports: { iperf: number; connect: number },
  cpu: number,
): Promise<void> {
  await net.start(name, ['iperf3', '-s', '--forceflush', '-p', String(ports.iperf)], { cpu, ready: /listening/ });
  await net.start(name, [process.execPath, '-e', CONNECT_SERVER, String(ports.connect)], { cpu, ready: /ready/ });
}

/**
 * One iperf3 run of `seconds` from `client` to host:port, pinned to `cpu`: Gbit/s received. With `reverse` (`-R`)
 * the server sends and the client receives.
 */
export function iperf(
  net: BenchNamespaces,
  client: string,
  [host, port]: readonly [string, number],
  options: { seconds: number; cpu: number; reverse?: boolean },
): number {
  const args = ['taskset', '-c', String(options.cpu), 'iperf3', '-J', '-c', host, '-p', String(port)];
  if (options.reverse) args.push('-R');
  const out = net.run(client, [...args, '-t', String(options.seconds)], (options.seconds + 20) * 1000);
  const result = JSON.parse(out) as { end: { sum_received: { bits_per_second: number } } };
  return result.end.sum_received.bits_per_second / 1e9;
}

/** The connection loop for `seconds` from `client` to host:port, pinned to `cpu`. */
export function connections(
  net: BenchNamespaces,
  client: string,
  [host, port]: readonly [string, number],
  options: { seconds: number; cpu: number },
): { perSecond: number; errors: number } {
  const loop = ['taskset', '-c', String(options.cpu), process.execPath, '-e', CONNECT_LOOP];
  const args = [host, String(port), String(options.seconds), String(CONNECT_CONCURRENCY)];
  return JSON.parse(net.run(client, [...loop, ...args], (options.seconds + 20) * 1000));
}

/** `value` as a ratio to `reference`, e.g. `0.973x routing`. */
export function ratio(value: number, reference: number, name: string): string {
  return `${(value / reference).toFixed(3)}x ${name}`;
}
