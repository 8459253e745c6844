#!/usr/bin/env node
// First: V8's linear-time regular expression engine is switched on before any module makes a regular expression.
import '../l7/linear-regex.ts';
import { Command } from 'commander';
import { auditVerifyCommand } from '../audit/verify-audit-log.ts';
import { configCheckCommand, configSchemaCommand } from '../config/config-commands.ts';
import { ConfigError } from '../config/config-error.ts';
import { loadConfig } from '../config/load-config.ts';
import { dsrMemberCommand } from '../dataplanes/nftables/dsr-member-command.ts';
import { StartupError } from '../server/startup-error.ts';
import type { CliIo } from './commands/cli-io.ts';
import { clientCommands } from './commands/client-commands.ts';

const program = new Command('weir')
  .description('Load balancing as a service behind an OpenStack Octavia v2 API')
  .version('0.1.0');

interface ServeOptions {
  config?: string;
  listen?: string;
  dataDir?: string;
  logRequests?: boolean;
  watch?: string;
}

program
  .command('serve')
  .description('run the API, the controller and the local data planes in one process')
  .option('-c, --config <file>', 'YAML configuration file (see docs/config.md)')
  .option('--listen <host:port>', 'API address, overrides server.listen (default 127.0.0.1:9876)')
  .option('--data-dir <dir>', 'state directory, overrides server.data_dir (default ./var)')
  .option('--log-requests', 'log every API request')
  .option('--watch <file>', "keep weir's default project in line with a declarative file (applied now and on change)")
  .action(async (options: ServeOptions) => {
    let config: ReturnType<typeof loadConfig>;
    try {
      config = loadConfig(options.config, { listen: options.listen, dataDir: options.dataDir });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    // Imported here, as the server below: client commands need none of it.
    const watching = options.watch === undefined ? undefined : await import('../declarative/serve-watch.ts');
    const refusal = watching?.watchRefusal(config);
    if (refusal) {
      process.stderr.write(`${refusal}\n`);
      process.exit(2);
    }
    const log = {
      info: (message: string) => process.stdout.write(`${message}\n`),
      error: (message: string) => process.stderr.write(`${message}\n`),
    };
    // Imported here: the server's dependencies (fastify, SQLite, the data planes) would slow every client command.
    const { WeirServer } = await import('../server/weir-server.ts');
    let server: Awaited<ReturnType<typeof WeirServer.start>>;
    try {
      server = await WeirServer.start(config, log, { logRequests: options.logRequests });
    } catch (error) {
      if (!(error instanceof StartupError)) throw error;
      log.error(`weir cannot start: ${error.message}`);
      process.exit(1);
    }
    log.info(`weir listening on ${server.address} (data in ${config.server.data_dir})`);
    const watch = watching?.startWatch(server.address, config, options.watch!, log);
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info(`${signal}: shutting down`);
      Promise.resolve(watch?.close())
        .then(() => server.close())
        .then(
          () => process.exit(0),
          (error: unknown) => {
            log.error(`shutdown failed: ${String(error)}`);
            process.exit(1);
          },
        );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });

const config = program.command('config').description('the configuration file');
config
  .command('schema')
  .description('print the JSON Schema of the configuration file')
  .action(() => {
    process.exitCode = configSchemaCommand(process.stdout);
  });
config
  .command('check <file>')
  .description('validate a configuration file; problems are listed with line and column')
  .action((file: string) => {
    process.exitCode = configCheckCommand(file, process.stdout, process.stderr);
  });

program
  .command('dsr-member <vip...>')
  .description(
    'print the commands a member of a dsr load balancer needs for these VIPs (the VIP on lo, no ARP answers for it)',
  )
  .option(
    '--interface <name...>',
    'also set the ARP sysctls on these interfaces (the `all` setting already covers them)',
  )
  .option('--run', 'run the commands here (as root) instead of only printing them')
  .action((vips: string[], options: { interface?: string[]; run?: boolean }) => {
    process.exitCode = dsrMemberCommand(vips, options, process.stdout, process.stderr);
  });

program
  .command('audit')
  .description('the audit trail of API writes')
  .command('verify <file>')
  .description('check the hash chain of an audit file; the first broken line is reported')
  .action(async (file: string) => {
    process.exitCode = await auditVerifyCommand(file, process.stdout, process.stderr);
  });

const clientIo: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, exitCode: 0 };
for (const command of clientCommands(clientIo)) program.addCommand(command);

await program.parseAsync(process.argv);
if (clientIo.exitCode !== 0) process.exitCode = clientIo.exitCode;
