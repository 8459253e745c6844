// Starts a real `weir serve` process for end-to-end tests and tears it down again.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** A free TCP port on 127.0.0.1: bind port 0, read the port the kernel chose, release it. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('no port'));
        return;
      }
      server.close(() => resolvePort(address.port));
    });
  });
}

export function makeDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'weir-e2e-'));
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The config of tests about the API rather than traffic: load balancers that name no provider get `noop`, which
 * accepts every option (L7 policies, TERMINATED_HTTPS, ...) and binds nothing on their VIPs and ports, where the
 * default `proxy` would refuse some options with 501 and bind every listener.
 */
export const NOOP_DEFAULT_PROVIDER = 'server:\n  default_provider: noop\n';

/** Writes `yaml` to weir.yaml in `dir` and returns its path, for `WeirProcess.start`'s `configFile`. */
export function writeConfig(dir: string, yaml: string): string {
  const file = join(dir, 'weir.yaml');
  writeFileSync(file, yaml);
  return file;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class WeirProcess {
  private out = '';
  private readonly exited: Promise<Exit>;
  private exitInfo: Exit | undefined;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly dataDir: string,
  ) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.out += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.out += chunk;
    });
    this.exited = new Promise((resolveExit) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolveExit(this.exitInfo);
      });
    });
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Everything the process wrote to stdout and stderr so far. */
  get output(): string {
    return this.out;
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  /**
   * Spawns `weir serve` and resolves once it prints `weir listening on` (bounded by timeoutMs); `args` are more
   * options of `weir serve` (`--watch FILE`).
   */
  static async start(
    dataDir: string,
    options: { port?: number; timeoutMs?: number; configFile?: string; args?: readonly string[] } = {},
  ): Promise<WeirProcess> {
    const port = options.port ?? (await freePort());
    const config = options.configFile ? ['--config', options.configFile] : [];
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'serve',
        ...config,
        '--listen',
        `127.0.0.1:${port}`,
        '--data-dir',
        dataDir,
        ...(options.args ?? []),
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
    );
    const weir = new WeirProcess(child, port, dataDir);
    const timeoutMs = options.timeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    while (!weir.out.includes('weir listening on')) {
      if (weir.hasExited)
        throw new Error(`weir exited before listening: ${JSON.stringify(weir.exitInfo)}\n${weir.out}`);
      if (Date.now() > deadline) {
        await weir.kill('SIGKILL');
        throw new Error(`weir did not listen within ${timeoutMs} ms\n${weir.out}`);
      }
      await sleep(50);
    }
    return weir;
  }

  /** Resolves with the exit, or undefined when the process is still running after timeoutMs. */
  waitExit(timeoutMs: number): Promise<Exit | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolveTimeout) => {
      timer = setTimeout(() => resolveTimeout(undefined), timeoutMs);
    });
    return Promise.race([this.exited, timeout]).finally(() => clearTimeout(timer));
  }

  /** Sends the signal and waits (bounded) for the exit; escalates to SIGKILL if the process lingers. */
  async kill(signal: NodeJS.Signals = 'SIGKILL', timeoutMs = 10_000): Promise<Exit | undefined> {
    if (this.hasExited) return this.exitInfo;
    this.child.kill(signal);
    const exit = await this.waitExit(timeoutMs);
    if (exit !== undefined || signal === 'SIGKILL') return exit;
    this.child.kill('SIGKILL');
    return this.waitExit(timeoutMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}
