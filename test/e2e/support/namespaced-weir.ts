import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

  private child: ChildProcess | null = null;

  private constructor(
    readonly namespace: string,
    private readonly dataDir: string,
  ) {}

  /** Starts weir with `yaml` (server.data_dir is added) and resolves once it listens, bounded by 30 s. */
  static async start(namespace: string, yaml: string): Promise<NamespacedWeir> {
    const dataDir = makeDataDir();
    writeFileSync(join(dataDir, 'weir.yaml'), `server:\n  data_dir: ${dataDir}\n${yaml}`);
    const weir = new NamespacedWeir(namespace, dataDir);
    await weir.run();
    return weir;
  }

  /**
   * A second weir in `namespace` on a copy of this one's store, as another node reading the same state: this weir
   * is killed while its database files are copied (so the copy is whole), then started again.
   */
  async replicate(namespace: string): Promise<NamespacedWeir> {
    const dataDir = makeDataDir();
    const yaml = readFileSync(join(this.dataDir, 'weir.yaml'), 'utf8').replaceAll(this.dataDir, dataDir);
    writeFileSync(join(dataDir, 'weir.yaml'), yaml);
    await this.restart(() => {
      for (const file of readdirSync(this.dataDir).filter((f) => f.startsWith('weir.sqlite'))) {
        copyFileSync(join(this.dataDir, file), join(dataDir, file));
      }
    });
    const replica = new NamespacedWeir(namespace, dataDir);
    await replica.run();
    return replica;
  }

  /** Kills weir (SIGKILL, as a crash would), runs `whileDown`, and starts it again on the same data dir. */
  async restart(whileDown: () => void = () => {}): Promise<void> {
    await this.kill();
    whileDown();
    await this.run();
  }

  private async run(): Promise<void> {
    this.out = '';
    const config = join(this.dataDir, 'weir.yaml');
    const child = spawn(
      'ip',
      [
        'netns',
        'exec',
        this.namespace,
        process.execPath,
        '--import',
        'tsx',
        'src/cli/main.ts',
        'serve',
        '--config',
        config,
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
    );
    this.child = child;
    child.stdout!.on('data', (chunk) => {
      this.out += chunk;
    });
    child.stderr!.on('data', (chunk) => {
      this.out += chunk;
    });
    for (let i = 0; i < 300 && !this.out.includes('weir listening on') && child.exitCode === null; i++) {
      await sleep(100);
    }
    if (!this.out.includes('weir listening on')) {
      const said = this.out;
      await this.stop();
      throw new Error(`weir did not start in ${this.namespace}:\n${said}`);
    }
  }

  private async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    if (child.exitCode === null && child.signalCode === null)
      await new Promise((resolve) => child.once('exit', resolve));
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

  /** POSTs `{ [wrapper]: fields }`, asserts 201 and returns the object created. */
  created(path: string, wrapper: string, fields: Json): Json {
    const response = this.api('POST', path, { [wrapper]: fields });
    assert.equal(response.status, 201, `POST ${path}: ${JSON.stringify(response.json)}`);
    return response.json[wrapper];
  }

  /** Resolves once the load balancer is ACTIVE; fails at ERROR or after `tries` polls 100 ms apart. */
  async waitActive(loadbalancerId: string, tries = 300): Promise<void> {
    let last = '';
    for (let i = 0; i < tries; i++) {
      last = this.api('GET', `/v2/lbaas/loadbalancers/${loadbalancerId}`).json.loadbalancer?.provisioning_status;
      if (last === 'ACTIVE') return;
      if (last === 'ERROR') break;
      await sleep(100);
    }
    // What weir logs about a failed apply may come a moment after the status.
    await sleep(500);
    assert.fail(`load balancer ${loadbalancerId} is ${last}, not ACTIVE; weir said:\n${this.out.slice(-2000)}`);
  }

  async stop(): Promise<void> {
    await this.kill();
    removeDataDir(this.dataDir);
  }
}
