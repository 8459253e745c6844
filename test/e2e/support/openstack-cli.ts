// The real `openstack loadbalancer` CLI (python-octaviaclient), run without authentication against a weir process.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import type { WeirProcess } from './weir-process.ts';

function openstackInstalled(): boolean {
  try {
    execFileSync('openstack', ['--version'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/** node:test's `skip` for tests that need the CLI. */
export const skipWithoutOpenstack = openstackInstalled()
  ? false
  : '`openstack` CLI not installed (python3-openstackclient + python3-octaviaclient; see scripts/ensure-system-packages.sh)';

/** Debian's python3-barbicanclient, asked of Debian's python, which runs `openstack`. */
function barbicanclientInstalled(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import barbicanclient'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/** node:test's `skip` for tests that need `openstack secret` as well. */
export const skipWithoutSecretCli =
  skipWithoutOpenstack ||
  (barbicanclientInstalled()
    ? false
    : '`openstack secret` not installed (python3-barbicanclient; see scripts/ensure-system-packages.sh)');

export type Json = Record<string, unknown>;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `openstack --os-auth-type none --os-endpoint <weir> loadbalancer ...` against one weir process; another command
 * group (`secret`) in place of `loadbalancer` when given.
 */
export class NoauthCli {
  constructor(
    private readonly weir: WeirProcess,
    private readonly group = 'loadbalancer',
  ) {}

  /** Runs the command and resolves with its exit code and output, whether it succeeds or not. */
  run(...args: string[]): Promise<CliRun> {
    const argv = ['--os-auth-type', 'none', '--os-endpoint', this.weir.baseUrl, this.group, ...args];
    return new Promise((resolveCli) => {
      execFile('openstack', argv, { timeout: 60_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
        // A command killed at the timeout has no exit code: -1, and stderr says by what.
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolveCli({ code, stdout, stderr: error?.signal ? `${stderr}\n(killed by ${error.signal})` : stderr });
      });
    });
  }

  /** Runs the command; rejects with its output and weir's when it fails. */
  async ok(...args: string[]): Promise<CliRun> {
    const result = await this.run(...args);
    if (result.code !== 0) {
      throw new Error(
        `openstack ${this.group} ${args.join(' ')} failed (${result.code}):\n${result.stderr}\n${result.stdout}` +
          `\n--- weir output ---\n${this.weir.output.slice(-2000)}`,
      );
    }
    return result;
  }

  /** Runs the command with `-f json` and parses the output. */
  async json<T = Json>(...args: string[]): Promise<T> {
    const { stdout, stderr } = await this.ok(...args, '-f', 'json');
    try {
      return JSON.parse(stdout) as T;
    } catch {
      throw new Error(`openstack ${this.group} ${args.join(' ')}: not JSON:\n${stdout}\n${stderr}`);
    }
  }
}

export function assertActive(object: Json, what: string): void {
  assert.equal(object.provisioning_status, 'ACTIVE', `${what}: ${JSON.stringify(object)}`);
}
