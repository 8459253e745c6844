/**
 * Runs `weir <client command>` in this process against a weir on loopback: the same commands `weir` registers,
 * with their output captured, commander's exits turned into exit codes, and an environment of the test's own (the
 * runner's OS_* variables never leak in).
 */
import { Command, CommanderError } from 'commander';
import type { CliIo } from '../../../../src/cli/commands/cli-io.ts';
import { clientCommands } from '../../../../src/cli/commands/client-commands.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  /** Whether stderr claims to be a terminal (the --wait progress line). */
  tty?: boolean;
}

export async function runWeir(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text), isTTY: options.tty ?? false },
    env: options.env ?? {},
    exitCode: 0,
  };
  const program = new Command('weir');
  for (const command of clientCommands(io)) program.addCommand(command);
  captureCommander(program, out);
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { code: error.exitCode, ...out };
  }
  return { code: io.exitCode, ...out };
}

/** commander's settings are not inherited through addCommand: every command gets them. */
function captureCommander(command: Command, out: { stdout: string; stderr: string }): void {
  command.exitOverride().configureOutput({
    writeOut: (text) => (out.stdout += text),
    writeErr: (text) => (out.stderr += text),
  });
  for (const sub of command.commands) captureCommander(sub, out);
}

/** A client bound to one endpoint: `cli.ok(...)` fails the test with the output when the command fails. */
export class WeirCli {
  constructor(
    readonly env: Record<string, string>,
    private readonly tty = false,
  ) {}

  run(...args: string[]): Promise<CliRun> {
    return runWeir(args, { env: this.env, tty: this.tty });
  }

  async ok(...args: string[]): Promise<string> {
    const result = await this.run(...args);
    if (result.code !== 0) throw new Error(`weir ${args.join(' ')} failed (${result.code}):\n${result.stderr}`);
    return result.stdout;
  }

  // biome-ignore lint/suspicious/noExplicitAny: parsed output is checked field by field
  async json(...args: string[]): Promise<any> {
    return JSON.parse(await this.ok(...args, '-f', 'json'));
  }
}
