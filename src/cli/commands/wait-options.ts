import type { Command } from 'commander';
import { type WaitGoal, waitForLoadBalancer } from '../../client/wait-for-load-balancer.ts';
import { ProgressIndicator } from '../output/progress-indicator.ts';
import type { ClientSession } from './client-session.ts';
import { integer } from './option-parsers.ts';

const DEFAULT_TIMEOUT_SECONDS = 300;

/** `--wait` and `--wait-timeout` of the commands that change something. */
export function addWaitOptions(command: Command): Command {
  return addWaitTimeoutOption(
    command.option(
      '--wait',
      'wait until the change is applied: its load balancer ACTIVE again (or gone, when deleted)',
    ),
  );
}

/** `--wait-timeout`, alone for commands that always wait (`weir apply`). */
export function addWaitTimeoutOption(command: Command): Command {
  return command.option(
    '--wait-timeout <seconds>',
    'give up waiting after this long',
    integer,
    DEFAULT_TIMEOUT_SECONDS,
  );
}

/** `--wait-timeout` in milliseconds. */
export const waitTimeoutMs = (command: Command): number => (command.opts().waitTimeout as number) * 1000;

export function wantsWait(command: Command): boolean {
  return command.opts().wait === true;
}

/**
 * Polls the load balancer to the goal, with a progress line on stderr while it is PENDING (on a terminal only);
 * fails with the reason on ERROR or when `--wait-timeout` passes.
 */
export async function waitFor(session: ClientSession, command: Command, loadbalancerId: string, goal: WaitGoal) {
  const progress = new ProgressIndicator(session.io.stderr, `load balancer ${loadbalancerId}`);
  try {
    await waitForLoadBalancer(session.client, loadbalancerId, goal, {
      timeoutMs: waitTimeoutMs(command),
      onPoll: (status) => progress.update(status),
    });
  } finally {
    progress.clear();
  }
}
