import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/** Why a kernel test cannot run here (not root, no nft), or false. */
export function kernelSkip(): string | false {
  if (process.getuid?.() !== 0) return 'needs root for network namespaces';
  try {
    execFileSync('nft', ['--version'], { stdio: 'ignore', timeout: 5_000 });
    return false;
  } catch {
    return 'needs nft (nftables)';
  }
}

export const ip = (...args: string[]) =>
  execFileSync('ip', args, { encoding: 'utf8', timeout: 15_000, stdio: ['ignore', 'pipe', 'pipe'] });

/** Creates the namespaces with loopback up and no reverse-path filtering. */
export function addNamespaces(names: readonly string[]): void {
  for (const name of names) {
    ip('netns', 'add', name);
    ip('-n', name, 'link', 'set', 'lo', 'up');
    // New namespaces inherit IPv4 sysctls from the root namespace: set the ones that matter explicitly.
    ip('netns', 'exec', name, 'sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0');
  }
}

/** A veth pair made inside namespace a, its peer moved into b; the root namespace never holds either end. */
export function link(a: string, ifA: string, b: string, ifB: string): void {
  ip('-n', a, 'link', 'add', ifA, 'type', 'veth', 'peer', 'name', ifB, 'netns', b);
  ip('-n', a, 'link', 'set', ifA, 'up');
  ip('-n', b, 'link', 'set', ifB, 'up');
}

/** Runs a Node script in a namespace and resolves once it prints `ready` (within 5 s). */
export async function startScript(namespace: string, script: string, ...args: string[]): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', namespace, process.execPath, '-e', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  for (let i = 0; i < 100 && !output.includes('ready'); i++) await sleep(50);
  if (!output.includes('ready')) child.kill('SIGKILL');
  assert.match(output, /ready/, `${args.join(' ')} did not start in ${namespace}: ${output}`);
  return child;
}

/** Kills what still runs in these namespaces (started by the test) and deletes those that exist. */
export function removeNamespaces(names: readonly string[]): void {
  const existing = new Set(
    ip('netns', 'list')
      .split('\n')
      .map((line) => line.split(' ')[0]),
  );
  for (const name of names) {
    if (!existing.has(name)) continue;
    try {
      for (const pid of ip('netns', 'pids', name).split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {}
      }
    } catch {}
    try {
      ip('netns', 'del', name);
    } catch (error) {
      console.error(`could not delete namespace ${name}: ${(error as Error).message}`);
    }
  }
}

/** The namespaces whose names start with `prefix`: after a test, there must be none. */
export const namespacesLeft = (prefix: string): string[] =>
  ip('netns', 'list')
    .split('\n')
    .filter((line) => line.startsWith(prefix));
