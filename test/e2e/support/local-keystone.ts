// A real Keystone (Debian's package, SQLite backend) for end-to-end tests: its own temp dir, its own free loopback
// port, torn down by close(). Everything after start-up goes through Keystone's v3 REST API with fetch.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { onPath } from '../../support/on-path.ts';
import { freePort, sleep } from './weir-process.ts';

const UWSGI_PYTHON_PLUGIN = '/usr/lib/uwsgi/plugins/python3_plugin.so';
const WSGI_SCRIPT = '/usr/bin/keystone-wsgi-public';

export const ADMIN_USER = 'admin';
export const ADMIN_PROJECT = 'admin';
export const REGION = 'RegionOne';

/** Why the Keystone tests cannot run here, or false when they can. */
export function keystoneSkipReason(): string | false {
  if (process.getuid?.() !== 0) return 'not root: Keystone is installed and run only as root';
  if (!onPath('keystone-manage') || !onPath('uwsgi') || !existsSync(UWSGI_PYTHON_PLUGIN) || !existsSync(WSGI_SCRIPT))
    return 'Keystone not installed (Debian `keystone`; see scripts/ensure-system-packages.sh)';
  return false;
}

export interface StartOptions {
  /** Bounds each keystone-manage step and the wait for the server to answer. */
  timeoutMs?: number;
}

type Json = Record<string, unknown>;

export class LocalKeystone {
  readonly url: string;
  readonly adminPassword = 'weir-admin-secret';
  /** Milliseconds from startKeystone() until GET /v3 answered. */
  startupMs = 0;
  /** Milliseconds from startKeystone() until each step ended: key setup and db_sync, then bootstrap. */
  readonly startupPhases: Record<string, number> = {};
  private server: ChildProcess | undefined;
  private serverOut = '';
  private serverExited = false;
  private closed = false;
  private cachedAdminToken: Promise<string> | undefined;
  private readonly onExit = () => this.killNow();

  constructor(
    readonly dir: string,
    readonly port: number,
  ) {
    this.url = `http://127.0.0.1:${port}/v3`;
    process.once('exit', this.onExit);
  }

  get configFile(): string {
    return join(this.dir, 'keystone.conf');
  }

  /** The server's output and Keystone's own log, for failure messages. */
  logs(): string {
    const logFile = join(this.dir, 'keystone.log');
    const keystoneLog = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    return `--- uwsgi ---\n${this.serverOut.slice(-4000)}\n--- keystone.log ---\n${keystoneLog.slice(-4000)}`;
  }

  writeConfig(): void {
    // bcrypt at 4 rounds (its minimum): every user creation and password login would otherwise spend ~0.25 s.
    // Keystone leaks the odd database connection until the garbage collector resets it, often on another uwsgi
    // thread: check_same_thread=false lets that reset succeed instead of failing and leaving its transaction open.
    const config = [
      '[DEFAULT]',
      `log_file = ${join(this.dir, 'keystone.log')}`,
      '[database]',
      `connection = sqlite:///${join(this.dir, 'keystone.db')}?check_same_thread=false`,
      '[fernet_tokens]',
      `key_repository = ${join(this.dir, 'fernet-keys')}`,
      // Its default is /etc/keystone/fernet-keys/, which fernet_setup would create and the server would require.
      '[fernet_receipts]',
      `key_repository = ${join(this.dir, 'fernet-keys')}`,
      '[credential]',
      `key_repository = ${join(this.dir, 'credential-keys')}`,
      '[identity]',
      'password_hash_rounds = 4',
      '',
    ].join('\n');
    writeFileSync(this.configFile, config);
  }

  /** Runs `keystone-manage --config-file <ours> ...args`, bounded; rejects with its output on failure. */
  manage(args: string[], timeoutMs: number): Promise<void> {
    return new Promise((resolveRun, reject) => {
      execFile(
        'keystone-manage',
        ['--config-file', this.configFile, ...args],
        { cwd: this.dir, timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (!error) resolveRun();
          else {
            const why = error.killed ? `killed after ${timeoutMs} ms` : `exit ${error.code}`;
            // It logs to keystone.log, not to its stdout.
            reject(new Error(`keystone-manage ${args[0]} failed (${why})\n${stdout}${stderr}\n${this.logs()}`));
          }
        },
      );
    });
  }

  /** Starts uwsgi serving Keystone's public WSGI app on our port. */
  spawnServer(): void {
    const uwsgiArgs = [
      '--plugin',
      'python3',
      '--http-socket',
      `127.0.0.1:${this.port}`,
      // uwsgi's plain http-socket closes every connection without saying so; fetch reuses connections and then
      // fails with "other side closed" now and then unless the response says Connection: close.
      '--add-header',
      'Connection: close',
      '--wsgi-file',
      WSGI_SCRIPT,
      '--threads',
      '8',
      '--need-app',
      // As Debian's keystone-uwsgi.ini: request headers up to 64 KiB rather than 4 KiB.
      '--buffer-size',
      '65535',
    ];
    // setpriv's parent-death signal: a test process that dies without close() takes Keystone with it.
    const [command, args] = onPath('setpriv')
      ? ['setpriv', ['--pdeathsig', 'KILL', '--', 'uwsgi', ...uwsgiArgs]]
      : ['uwsgi', uwsgiArgs];
    const child = spawn(command, args as string[], {
      cwd: this.dir,
      // Its own process group, so close() can kill whatever uwsgi forked with one signal.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OS_KEYSTONE_CONFIG_FILES: this.configFile },
    });
    const collect = (chunk: string) => {
      this.serverOut = (this.serverOut + chunk).slice(-64 * 1024);
    };
    child.stdout?.setEncoding('utf8').on('data', collect);
    child.stderr?.setEncoding('utf8').on('data', collect);
    child.once('exit', () => {
      this.serverExited = true;
    });
    this.server = child;
  }

  /** Polls GET /v3 until it answers 200, the server exits, or timeoutMs passes. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.serverExited) throw new Error(`Keystone exited before answering\n${this.logs()}`);
      try {
        const response = await fetch(this.url, { signal: AbortSignal.timeout(2_000) });
        await response.arrayBuffer();
        if (response.status === 200) return;
      } catch {
        // Not listening yet, or still loading the app.
      }
      if (Date.now() > deadline)
        throw new Error(`Keystone did not answer GET /v3 within ${timeoutMs} ms\n${this.logs()}`);
      await sleep(100);
    }
  }

  /** Sends a v3 request; rejects unless the status is one of `expect`. */
  async request(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string>; expect?: number[] } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.token !== undefined) headers['x-auth-token'] = options.token;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(30_000),
    });
    const expect = options.expect ?? [200, 201, 204];
    if (!expect.includes(response.status))
      throw new Error(`Keystone ${method} ${path}: ${response.status} ${await response.text()}`);
    return response;
  }

  private async adminJson(method: string, path: string, body?: unknown, expect?: number[]): Promise<Json> {
    const response = await this.request(method, path, { token: await this.adminToken(), body, expect });
    const text = await response.text();
    return text === '' ? {} : (JSON.parse(text) as Json);
  }

  /** A project-scoped token of the bootstrap admin (role admin on project admin), fetched once and reused. */
  adminToken(): Promise<string> {
    this.cachedAdminToken ??= this.token(ADMIN_USER, this.adminPassword, ADMIN_PROJECT);
    this.cachedAdminToken.catch(() => {
      this.cachedAdminToken = undefined;
    });
    return this.cachedAdminToken;
  }

  /** Password authentication scoped to a project of the Default domain; returns the token (X-Subject-Token). */
  async token(userName: string, password: string, projectName: string): Promise<string> {
    const response = await this.request('POST', '/auth/tokens', {
      body: passwordAuth(userName, password, { project: { name: projectName, domain: { id: 'default' } } }),
      expect: [201],
    });
    await response.arrayBuffer();
    const token = response.headers.get('x-subject-token');
    if (token === null) throw new Error('Keystone issued no X-Subject-Token');
    return token;
  }

  async createProject(name: string): Promise<string> {
    const body = await this.adminJson('POST', '/projects', { project: { name, domain_id: 'default', enabled: true } });
    return (body.project as Json).id as string;
  }

  /** Returns the role's id, creating it when missing; a concurrent creation's 409 counts as found. */
  async createRole(name: string): Promise<string> {
    const existing = await this.findRole(name);
    if (existing !== undefined) return existing;
    const body = await this.adminJson('POST', '/roles', { role: { name } }, [201, 409]);
    const created = (body.role as Json | undefined)?.id as string | undefined;
    return created ?? (await this.findRole(name)) ?? raise(`role ${name} neither created nor found`);
  }

  private async findRole(name: string): Promise<string | undefined> {
    const body = await this.adminJson('GET', `/roles?name=${encodeURIComponent(name)}`);
    const roles = body.roles as Json[];
    return roles[0]?.id as string | undefined;
  }

  /** Creates a Default-domain user and grants it each role (created when missing) on the project. */
  async createUser(name: string, password: string, projectId: string, roles: string[]): Promise<string> {
    const body = await this.adminJson('POST', '/users', {
      user: { name, password, domain_id: 'default', default_project_id: projectId, enabled: true },
    });
    const userId = (body.user as Json).id as string;
    for (const role of roles) {
      const roleId = await this.createRole(role);
      await this.adminJson('PUT', `/projects/${projectId}/users/${userId}/roles/${roleId}`);
    }
    return userId;
  }

  /** DELETE /v3/auth/tokens: Keystone records a revocation event, later validations of the token fail. */
  async revoke(token: string): Promise<void> {
    const response = await this.request('DELETE', '/auth/tokens', {
      token: await this.adminToken(),
      headers: { 'x-subject-token': token },
      expect: [204],
    });
    await response.arrayBuffer();
  }

  /**
   * Registers service `octavia` of type `load-balancer` with public, internal and admin endpoints in RegionOne at
   * url; a second call re-points the same service (its old endpoints are deleted).
   */
  addLoadBalancerEndpoint(url: string): Promise<void> {
    return this.addEndpoint('load-balancer', 'octavia', url);
  }

  /** Registers (or re-points) a service of `type` at url, as addLoadBalancerEndpoint does for `load-balancer`. */
  async addEndpoint(type: string, name: string, url: string): Promise<void> {
    const serviceId = await this.serviceId(type, name);
    const endpoints = (await this.adminJson('GET', `/endpoints?service_id=${serviceId}`)).endpoints as Json[];
    for (const endpoint of endpoints) await this.adminJson('DELETE', `/endpoints/${endpoint.id as string}`);
    for (const iface of ['public', 'internal', 'admin']) {
      await this.adminJson('POST', '/endpoints', {
        endpoint: { service_id: serviceId, interface: iface, url, region_id: REGION, enabled: true },
      });
    }
  }

  private async serviceId(type: string, name: string): Promise<string> {
    const services = (await this.adminJson('GET', `/services?type=${type}`)).services as Json[];
    const existing = services[0]?.id as string | undefined;
    if (existing !== undefined) return existing;
    const created = await this.adminJson('POST', '/services', { service: { type, name } });
    return (created.service as Json).id as string;
  }

  /** Kills the server's process group and removes the temp dir; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    process.removeListener('exit', this.onExit);
    const server = this.server;
    if (server !== undefined && !this.serverExited) {
      let timer: NodeJS.Timeout | undefined;
      const exited = new Promise<void>((resolveExit) => {
        server.once('exit', () => resolveExit());
        timer = setTimeout(resolveExit, 10_000);
      });
      this.killGroup();
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private killGroup(): void {
    const pid = this.server?.pid;
    if (pid === undefined || this.serverExited) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  /** The process is exiting without close(): only synchronous work is possible. */
  private killNow(): void {
    this.killGroup();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function passwordAuth(name: string, password: string, scope: Json): Json {
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { name, domain: { id: 'default' }, password } } },
      scope,
    },
  };
}

/**
 * A leaked connection's open read transaction blocks every commit in SQLite's default rollback journal ("database is
 * locked" after 5 s, seen on the first POST /v3/roles after a POST /v3/projects); in WAL mode readers never block the
 * writer. The mode is stored in the database file, so setting it once after db_sync suffices.
 */
function useWriteAheadLog(path: string): void {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
}

function raise(message: string): never {
  throw new Error(message);
}

/**
 * Creates the temp dir and keystone.conf, runs db_sync, fernet_setup, credential_setup and bootstrap, starts the
 * server on a free 127.0.0.1 port and waits until GET /v3 answers. On any failure it tears everything down again.
 */
export async function startKeystone(options: StartOptions = {}): Promise<LocalKeystone> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'weir-keystone-'));
  let keystone: LocalKeystone | undefined;
  try {
    keystone = new LocalKeystone(dir, await freePort());
    keystone.writeConfig();
    const owner = ['--keystone-user', 'root', '--keystone-group', 'root'];
    // The key repositories do not touch the database: the three steps run side by side.
    // allSettled: none may still be writing into the dir when a failure removes it.
    const steps = await Promise.allSettled([
      keystone.manage(['db_sync'], timeoutMs),
      keystone.manage(['fernet_setup', ...owner], timeoutMs),
      keystone.manage(['credential_setup', ...owner], timeoutMs),
    ]);
    for (const step of steps) if (step.status === 'rejected') throw step.reason;
    keystone.startupPhases.setup = Date.now() - started;
    useWriteAheadLog(join(dir, 'keystone.db'));
    // The app reads nothing at import that bootstrap writes, so uwsgi loads it while bootstrap runs.
    keystone.spawnServer();
    await keystone.manage(
      [
        'bootstrap',
        '--bootstrap-username',
        ADMIN_USER,
        '--bootstrap-password',
        keystone.adminPassword,
        '--bootstrap-project-name',
        ADMIN_PROJECT,
        '--bootstrap-role-name',
        'admin',
        '--bootstrap-service-name',
        'keystone',
        '--bootstrap-region-id',
        REGION,
        '--bootstrap-admin-url',
        keystone.url,
        '--bootstrap-internal-url',
        keystone.url,
        '--bootstrap-public-url',
        keystone.url,
      ],
      timeoutMs,
    );
    keystone.startupPhases.bootstrap = Date.now() - started;
    await keystone.waitReady(timeoutMs);
    keystone.startupMs = Date.now() - started;
    return keystone;
  } catch (error) {
    if (keystone !== undefined) await keystone.close();
    else rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
