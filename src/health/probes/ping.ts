import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { isIP } from 'node:net';
import { delimiter, join } from 'node:path';
import type { HealthProbe } from '../health-probe.ts';
import { UnsupportedMonitorTypeError } from '../unsupported-monitor-type.ts';
import { boundedProbe } from './bounded-probe.ts';

/**
 * PING: one ICMP echo through the system's `ping` (iputils-ping on Debian), since raw ICMP sockets need privileges
 * Node cannot request. Throws at construction when `ping` is not on the PATH, so PING is not advertised as supported.
 */
export function createPingProbe(command = 'ping'): HealthProbe {
  const executable = findExecutable(command);
  if (!executable)
    throw new UnsupportedMonitorTypeError('PING', `'${command}' was not found on the PATH (install iputils-ping)`);
  return {
    type: 'PING',
    probe: (target, spec, signal) =>
      boundedProbe(spec.timeout, signal, (settle) => {
        if ('socketPath' in target) throw new Error('PING cannot probe a Unix socket member');
        // Also keeps anything that is not an address from reaching ping's command line as an option.
        if (isIP(target.address) === 0) throw new Error(`PING needs an IP address, not '${target.address}'`);
        // ping's own wait is whole seconds in older iputils; boundedProbe enforces the exact timeout.
        const waitSeconds = String(Math.max(1, Math.ceil(spec.timeout)));
        const child = spawn(executable, ['-n', '-c', '1', '-W', waitSeconds, target.address], { stdio: 'ignore' });
        child.once('error', (error) => settle(false, error.message));
        child.once('exit', (code, signalName) => {
          if (code === 0) settle(true, 'echo reply');
          else if (code === 1) settle(false, 'no echo reply');
          else settle(false, `ping failed (${signalName ?? `exit code ${code}`})`);
        });
        return () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        };
      }),
  };
}

function findExecutable(command: string): string | undefined {
  const candidates = command.includes('/')
    ? [command]
    : (process.env.PATH ?? '').split(delimiter).map((directory) => join(directory, command));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
