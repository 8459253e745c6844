import { Command } from 'commander';
import { ApiError, ClientError, EndpointUnreachable } from '../../client/client-errors.ts';
import type { CliIo } from './cli-io.ts';
import { addEndpointOption, ClientSession } from './client-session.ts';

/**
 * A command that talks to the API: it takes `--os-endpoint`, and its action gets a session. What the API refused
 * (its faultstring and HTTP status), an unreachable endpoint and a failed look-up or wait are printed on stderr
 * with exit code 1; anything else is a bug and is thrown.
 */
export function clientCommand(
  name: string,
  description: string,
  io: CliIo,
  run: (session: ClientSession, command: Command) => Promise<void>,
): Command {
  const command = addEndpointOption(new Command(name).description(description));
  return command.action(async () => {
    try {
      await run(await ClientSession.open(io, command), command);
    } catch (error) {
      if (!(error instanceof ApiError || error instanceof EndpointUnreachable || error instanceof ClientError)) {
        throw error;
      }
      io.stderr.write(`${error.message}\n`);
      io.exitCode = 1;
    }
  });
}
