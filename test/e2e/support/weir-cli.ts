// weir's own client commands as a real process (`weir loadbalancer ...`), run against one weir process.
import { execFile } from 'node:child_process';
import type { CliRun } from './openstack-cli.ts';
import { repoRoot, type WeirProcess } from './weir-process.ts';

/** The weir CLI from the sources, as bin/weir runs it on a fresh checkout. */
export const WEIR_CLI = [process.execPath, '--import', 'tsx', 'src/cli/main.ts'];

/** The environment without the runner's OS_* variables, so only what a test sets reaches the CLI. */
export function cleanEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OS_')));
  return { ...env, NODE_OPTIONS: '', ...extra };
}

export class WeirCliProcess {
  constructor(private readonly weir: WeirProcess) {}

  /** Runs `weir ...` with OS_ENDPOINT set to the weir process; resolves with its exit code and output. */
  run(...args: string[]): Promise<CliRun> {
    const [node, ...prefix] = WEIR_CLI;
    return new Promise((resolveRun) => {
      execFile(
        node!,
        [...prefix, ...args],
        { cwd: repoRoot, env: cleanEnvironment({ OS_ENDPOINT: this.weir.baseUrl }), timeout: 60_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
          resolveRun({ code, stdout, stderr: error?.signal ? `${stderr}\n(killed by ${error.signal})` : stderr });
        },
      );
    });
  }

  async ok(...args: string[]): Promise<string> {
    const result = await this.run(...args);
    if (result.code !== 0) {
      throw new Error(`weir ${args.join(' ')} failed (${result.code}):\n${result.stderr}\n${result.stdout}`);
    }
    return result.stdout;
  }

  async json<T = Record<string, unknown>>(...args: string[]): Promise<T> {
    return JSON.parse(await this.ok(...args, '-f', 'json')) as T;
  }
}
