import { Command } from 'commander';
import { ApiError, ClientError, EndpointUnreachable } from '../../client/client-errors.ts';
import { ConfigError } from '../../config/config-error.ts';
import type { CliIo } from './cli-io.ts';
import { addEndpointOption, ClientSession } from './client-session.ts';

/**
 * A command that talks to the API: it takes `--os-endpoint`, and its action gets a session. What the API refused
 * (its faultstring and HTTP status), an unreachable endpoint, a failed look-up or wait and a refused file are
 * printed on stderr with exit code `failureCode` (1 unless the command says otherwise, as `weir diff` does); anything
 * else is a bug and is thrown.
 */
export function clientCommand(
  name: string,
  description: string,
  io: CliIo,
  run: (session: ClientSession, command: Command) => Promise<void>,
  failureCode = 1,
): Command {
  const command = addEndpointOption(new Command(name).description(description));
  return command.action(async () => {
    try {
      await run(await ClientSession.open(io, command), command);
    } catch (error) {
      const known = [ApiError, EndpointUnreachable, ClientError, ConfigError];
      if (!known.some((kind) => error instanceof kind)) throw error;
      io.stderr.write(`${(error as Error).message}\n`);
      io.exitCode = failureCode;
    }
  });
}
