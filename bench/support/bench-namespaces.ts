import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Network namespaces a kernel benchmark creates for itself, named `<prefix>-<name>`, with the processes it starts in
 * them; `destroy` (also run on SIGINT, SIGTERM and on an uncaught failure) kills those processes and deletes the
 * namespaces. Veths are made inside the namespaces: the root namespace is never touched.
 */
export class BenchNamespaces {
  private readonly children: ChildProcess[] = [];
  private destroying: Promise<void> | undefined;

  private constructor(
    readonly prefix: string,
    private readonly names: readonly string[],
  ) {}

  /** Creates the namespaces with loopback up and reverse-path filtering off (namespaces inherit it from the root). */
  static create(tag: string, names: readonly string[]): BenchNamespaces {
    const namespaces = new BenchNamespaces(`weir-bench-${tag}-${process.pid}`, names);
    const onSignal = () => {
      void namespaces.destroy().finally(() => process.exit(130));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      for (const name of names) {
        ip('netns', 'add', namespaces.ns(name));
        ip('-n', namespaces.ns(name), 'link', 'set', 'lo', 'up');
        namespaces.run(name, ['sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0']);
      }
    } catch (error) {
      void namespaces.destroy();
      throw error;
    }
    return namespaces;
  }

  ns(name: string): string {
    return `${this.prefix}-${name}`;
  }

  /** Runs a command in a namespace and returns what it printed; throws on failure or after `timeoutMs`. */
  run(name: string, command: readonly string[], timeoutMs = 30_000, input?: string): string {
    return execFileSync('ip', ['netns', 'exec', this.ns(name), ...command], {
      encoding: 'utf8',
      timeout: timeoutMs,
      input,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  }

  /** The pid of the one process in namespace `name` whose command line contains `pattern`. */
  pidOf(name: string, pattern: string): number {
    const pids = ip('netns', 'pids', this.ns(name))
      .split('\n')
      .filter(Boolean)
      .map(Number)
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(pattern);
        } catch {
          return false;
        }
      });
    if (pids.length !== 1) throw new Error(`expected one process matching ${pattern} in ${this.ns(name)}: ${pids}`);
    return pids[0]!;
  }

  /** A veth pair made inside namespace a, its peer moved into b, both up. */
  link(a: string, ifA: string, b: string, ifB: string): void {
    ip('-n', this.ns(a), 'link', 'add', ifA, 'type', 'veth', 'peer', 'name', ifB, 'netns', this.ns(b));
    ip('-n', this.ns(a), 'link', 'set', ifA, 'up');
    ip('-n', this.ns(b), 'link', 'set', ifB, 'up');
  }

  /** A bridge `device` in namespace `name`, with a port `p-<peer>` linked to `peerDevice` in each peer namespace. */
  bridge(name: string, device: string, peers: readonly (readonly [peer: string, peerDevice: string])[]): void {
    ip('-n', this.ns(name), 'link', 'add', device, 'type', 'bridge');
    ip('-n', this.ns(name), 'link', 'set', device, 'up');
    for (const [peer, peerDevice] of peers) {
      this.link(name, `p-${peer}`, peer, peerDevice);
      ip('-n', this.ns(name), 'link', 'set', `p-${peer}`, 'master', device);
    }
  }

  /** The packets and bytes an interface received and sent so far (`ip -s link`). */
  linkStats(name: string, device: string): LinkStats {
    const [link] = JSON.parse(ip('-j', '-s', '-n', this.ns(name), 'link', 'show', 'dev', device)) as {
      stats64: Record<'rx' | 'tx', { packets: number; bytes: number }>;
    }[];
    const { rx, tx } = link!.stats64;
    return { rx: { packets: rx.packets, bytes: rx.bytes }, tx: { packets: tx.packets, bytes: tx.bytes } };
  }

  address(name: string, device: string, cidr: string): void {
    ip('-n', this.ns(name), 'address', 'add', cidr, 'dev', device);
  }

  route(name: string, destination: string, via: string): void {
    ip('-n', this.ns(name), 'route', 'add', destination, 'via', via);
  }

  /**
   * Starts a long-running command in a namespace, pinned to `cpu` when given, and waits (at most 10 s) until its
   * output matches `ready`, or for half a second when there is nothing to wait for.
   */
  async start(name: string, command: readonly string[], options: { cpu?: number; ready?: RegExp } = {}) {
    const pinned = options.cpu === undefined ? command : ['taskset', '-c', String(options.cpu), ...command];
    const child = spawn('ip', ['netns', 'exec', this.ns(name), ...pinned], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    let output = '';
    child.stdout!.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr!.on('data', (chunk) => {
      output += chunk;
    });
    if (!options.ready) {
      await sleep(500);
    } else {
      for (let i = 0; i < 200 && !options.ready.test(output) && child.exitCode === null; i++) await sleep(50);
    }
    if (child.exitCode !== null || (options.ready && !options.ready.test(output))) {
      throw new Error(`${command.join(' ')} did not start in ${this.ns(name)}: ${output}`);
    }
    return child;
  }

  /** Kills what was started and whatever else runs in the namespaces (only this benchmark's), then deletes them. */
  destroy(): Promise<void> {
    // One teardown: a second caller (the benchmark's own `finally` after a signal started it) waits for it to end,
    // rather than exiting while the namespaces still exist.
    this.destroying ??= this.tearDown();
    return this.destroying;
  }

  private async tearDown(): Promise<void> {
    for (const child of this.children) if (child.exitCode === null) child.kill('SIGKILL');
    const existing = new Set(
      ip('netns', 'list')
        .split('\n')
        .map((line) => line.split(' ')[0]),
    );
    for (const name of this.names) {
      const ns = this.ns(name);
      if (!existing.has(ns)) continue;
      for (let attempt = 0; attempt < 20; attempt++) {
        const pids = ip('netns', 'pids', ns).split('\n').filter(Boolean);
        if (pids.length === 0) break;
        for (const pid of pids) {
          try {
            process.kill(Number(pid), 'SIGKILL');
          } catch {}
        }
        await sleep(100);
      }
      try {
        ip('netns', 'del', ns);
      } catch (error) {
        console.error(`could not delete namespace ${ns}: ${(error as Error).message}`);
      }
    }
  }
}

export interface Count {
  packets: number;
  bytes: number;
}

export interface LinkStats {
  rx: Count;
  tx: Count;
}

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', timeout: 15_000, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Exits with a message naming what is missing, if anything: root, or one of the commands the benchmark drives, and
 * the Debian packages that bring them.
 */
export function requireRootAnd(commands: readonly string[], debianPackages = 'iperf3 haproxy nftables'): void {
  const missing = commands.filter((command) => spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0);
  const problems = [
    ...(process.getuid?.() === 0 ? [] : ['root (network namespaces)']),
    ...missing.map((command) => `the ${command} command`),
  ];
  if (problems.length === 0) return;
  console.error(`this benchmark needs ${problems.join(', ')}; Debian: apt-get install -y ${debianPackages}`);
  process.exit(2);
}

/** Runs `body` with the namespaces, and deletes them however it ends. */
export async function withNamespaces(
  tag: string,
  names: readonly string[],
  body: (namespaces: BenchNamespaces) => Promise<void>,
): Promise<void> {
  const namespaces = BenchNamespaces.create(tag, names);
  try {
    await body(namespaces);
  } finally {
    await namespaces.destroy();
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
