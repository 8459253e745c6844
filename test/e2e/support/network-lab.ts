import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { after, before } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

/** Runs a command to its end and gives its output; throws with its stderr when it fails. */
export const run = (command: string, args: readonly string[], timeout = 15_000): string =>
  execFileSync(command, args, { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });

function hasNft(): boolean {
  try {
    execFileSync('nft', ['--version'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

/** Why a kernel e2e test cannot run here, or false when it can. */
export const kernelTestSkip: string | false =
  process.getuid?.() !== 0 ? 'needs root for network namespaces' : hasNft() ? false : 'needs nft (nftables)';

/**
 * Network namespaces of one test, named `<prefix>-<name>`, and the veth pairs between them: every interface is
 * made inside a namespace, so the root namespace never holds one, and teardown removes all of it.
 */
export class NetworkLab<Name extends string> {
  constructor(
    private readonly prefix: string,
    private readonly names: readonly Name[],
  ) {}

  ns(name: Name): string {
    return `${this.prefix}-${name}`;
  }

  ip(...args: string[]): string {
    return run('ip', args);
  }

  inNs(name: Name, ...command: string[]): string {
    return run('ip', ['netns', 'exec', this.ns(name), ...command]);
  }

  /** Every namespace, with loopback up and reverse path filtering off (new namespaces inherit the root's). */
  create(): void {
    for (const name of this.names) {
      this.ip('netns', 'add', this.ns(name));
      this.ip('-n', this.ns(name), 'link', 'set', 'lo', 'up');
      this.inNs(name, 'sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0');
    }
  }

  /** A veth pair made inside namespace a, its peer moved into b, both up. */
  link(a: Name, ifA: string, b: Name, ifB: string): void {
    this.ip('-n', this.ns(a), 'link', 'add', ifA, 'type', 'veth', 'peer', 'name', ifB, 'netns', this.ns(b));
    this.ip('-n', this.ns(a), 'link', 'set', ifA, 'up');
    this.ip('-n', this.ns(b), 'link', 'set', ifB, 'up');
  }

  /** Runs a node `script` with `args` in a namespace and resolves once it prints `ready` (bounded: 5 s). */
  async startReady(name: Name, script: string, args: readonly string[]): Promise<ChildProcess> {
    const child = spawn('ip', ['netns', 'exec', this.ns(name), process.execPath, '-e', script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk;
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    for (let i = 0; i < 100 && !output.includes('ready'); i++) await sleep(50);
    assert.match(output, /ready/, `${name}: ${args.join(' ')} did not start: ${output}`);
    return child;
  }

  /** Kills what still runs in the namespaces (this test started it all) and deletes them. */
  teardown(): void {
    const ours = new Set(
      this.ip('netns', 'list')
        .split('\n')
        .map((line) => line.split(' ')[0]),
    );
    for (const name of this.names) {
      if (!ours.has(this.ns(name))) continue;
      try {
        for (const pid of this.ip('netns', 'pids', this.ns(name)).split('\n').filter(Boolean)) {
          try {
            process.kill(Number(pid), 'SIGKILL');
          } catch {}
        }
      } catch {}
      try {
        this.ip('netns', 'del', this.ns(name));
      } catch (error) {
        console.error(`could not delete namespace ${this.ns(name)}: ${(error as Error).message}`);
      }
    }
  }

  /**
   * The suite's hooks: `setUp` before its tests (torn down at once if it fails), `teardown` after them, and a check
   * that no namespace of this lab is left.
   */
  hooks(setUp: () => Promise<void>, teardown: () => Promise<void>): void {
    before(async () => {
      try {
        await setUp();
      } catch (error) {
        await teardown();
        throw error;
      }
    });
    after(async () => {
      await teardown();
      assert.deepEqual(this.leftBehind(), [], 'namespaces left behind');
    });
  }

  /** This test's namespaces that still exist. */
  leftBehind(): string[] {
    return this.ip('netns', 'list')
      .split('\n')
      .filter((line) => line.startsWith(`${this.prefix}-`));
  }
}
