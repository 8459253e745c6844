import type { Environment } from '../../client/connect-from-environment.ts';
import type { MaybeTerminal } from '../output/progress-indicator.ts';

/** Where client commands write and what they read: the process's in `weir`, captured ones in tests. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: MaybeTerminal;
  readonly env: Environment;
  /** Set to non-zero by a command that failed; the caller hands it to the process. */
  exitCode: number;
}
