import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LocalKeystone, startKeystone } from './local-keystone.ts';
import { makeDataDir, removeDataDir, WeirProcess } from './weir-process.ts';

/** A Keystone user of the end-to-end tests: its project (alpha, beta) and its roles there. */
export interface KeystoneUser {
  name: string;
  project: 'alpha' | 'beta';
  roles: readonly string[];
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const PASSWORD = 'e2e-password';

/**
 * A real Keystone with projects alpha, beta and service and the given users, and a `weir serve` in keystone mode
 * (default provider noop: these tests are about identity, not traffic) that Keystone's catalog names as
 * load-balancer, network (the CLI's subnet look-ups) and key-manager, all at weir's one URL.
 */
export class KeystoneWeir {
  private constructor(
    readonly keystone: LocalKeystone,
    readonly weir: WeirProcess,
    private readonly dataDir: string,
  ) {}

  static async start(users: readonly KeystoneUser[]): Promise<KeystoneWeir> {
    const keystone = await startKeystone();
    const dataDir = makeDataDir();
    try {
      const projects = {
        alpha: await keystone.createProject('alpha'),
        beta: await keystone.createProject('beta'),
        service: await keystone.createProject('service'),
      };
      await keystone.createUser('weir', PASSWORD, projects.service, ['service']);
      for (const user of users) {
        await keystone.createUser(user.name, PASSWORD, projects[user.project], [...user.roles]);
      }
      const configFile = join(dataDir, 'weir.yaml');
      writeFileSync(
        configFile,
        ['server:', '  auth: keystone', '  default_provider: noop', 'keystone:', `  auth_url: ${keystone.url}`]
          .concat(['  username: weir', `  password: ${PASSWORD}`, '  project_name: service'])
          .join('\n'),
      );
      const weir = await WeirProcess.start(dataDir, { configFile });
      await keystone.addLoadBalancerEndpoint(weir.baseUrl);
      await keystone.addEndpoint('network', 'neutron', weir.baseUrl);
      await keystone.addEndpoint('key-manager', 'barbican', weir.baseUrl);
      return new KeystoneWeir(keystone, weir, dataDir);
    } catch (error) {
      await keystone.close();
      removeDataDir(dataDir);
      throw error;
    }
  }

  /** Runs `openstack <args>` as `user`, with a password login through Keystone. */
  openstack(user: KeystoneUser, args: readonly string[]): Promise<CliResult> {
    const env = {
      ...process.env,
      OS_AUTH_URL: this.keystone.url,
      OS_USERNAME: user.name,
      OS_PASSWORD: PASSWORD,
      OS_PROJECT_NAME: user.project,
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
      OS_IDENTITY_API_VERSION: '3',
    };
    return new Promise((resolve) => {
      execFile('openstack', [...args], { env, timeout: 90_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });
  }

  async close(): Promise<void> {
    await this.weir.kill('SIGKILL');
    await this.keystone.close();
    removeDataDir(this.dataDir);
  }
}
