import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeDataDir, removeDataDir, repoRoot } from './weir-process.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field by the assertions
export type Json = Record<string, any>;

/**
 * `weir serve` inside a network namespace, with a data dir and config of its own; its API answers on the
 * namespace's loopback (127.0.0.1:9876) and is called with curl inside the namespace.
 */
export class NamespacedWeir {
  private out = '';

  private constructor(
    readonly namespace: string,
    private readonly child: ChildProcess,
    private readonly dataDir: string,
  ) {
    child.stdout!.on('data', (chunk) => {
      this.out += chunk;
    });
    child.stderr!.on('data', (chunk) => {
      this.out += chunk;
    });
  }

  /** Starts weir with `yaml` (server.data_dir is added) and resolves once it listens, bounded by 30 s. */
  static async start(namespace: string, yaml: string): Promise<NamespacedWeir> {
    const dataDir = makeDataDir();
    const config = join(dataDir, 'weir.yaml');
    writeFileSync(config, `server:\n  data_dir: ${dataDir}\n${yaml}`);
    const child = spawn(
      'ip',
      ['netns', 'exec', namespace, process.execPath, '--import', 'tsx', 'src/cli/main.ts', 'serve', '--config', config],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
    );
    const weir = new NamespacedWeir(namespace, child, dataDir);
    for (let i = 0; i < 300 && !weir.out.includes('weir listening on') && child.exitCode === null; i++) {
      await sleep(100);
    }
    if (!weir.out.includes('weir listening on')) {
      await weir.stop();
      throw new Error(`weir did not start in ${namespace}:\n${weir.out}`);
    }
    return weir;
  }

  /** Everything weir wrote so far. */
  get output(): string {
    return this.out;
  }

  api(method: string, path: string, body?: unknown): { status: number; json: Json } {
    const args = ['netns', 'exec', this.namespace, 'curl', '-s', '--max-time', '10', '-o', '-', '-w', '\n%{http_code}'];
    args.push('-X', method, `http://127.0.0.1:9876${path}`);
    if (body !== undefined) args.push('-H', 'content-type: application/json', '-d', JSON.stringify(body));
    const out = execFileSync('ip', args, { encoding: 'utf8', timeout: 15_000 });
    const at = out.lastIndexOf('\n');
    const text = out.slice(0, at);
    return { status: Number(out.slice(at + 1)), json: text ? JSON.parse(text) : {} };
  }

  async stop(): Promise<void> {
    this.child.kill('SIGKILL');
    if (this.child.exitCode === null && this.child.signalCode === null) {
      await new Promise((resolve) => this.child.once('exit', resolve));
    }
    removeDataDir(this.dataDir);
  }
}
