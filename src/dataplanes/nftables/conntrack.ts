import { execFile } from 'node:child_process';
import { isIPv6 } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Flows towards a VIP and port; with `member`, only those translated to that member. */
export interface FlowSelector {
  vip: string;
  protocol: 'tcp' | 'udp';
  port: number;
  member?: { address: string; port: number };
}

function selectorArgs({ vip, protocol, port, member }: FlowSelector): string[] {
  const args = [
    '-f',
    isIPv6(vip) ? 'ipv6' : 'ipv4',
    '-p',
    protocol,
    '--orig-dst',
    vip,
    '--orig-port-dst',
    String(port),
  ];
  if (member) args.push('--reply-src', member.address, '--reply-port-src', String(member.port));
  return args;
}

/** Flows conntrack holds (established TCP connections, live UDP flows); 0 without the conntrack tool. */
export async function activeFlows(selector: FlowSelector): Promise<number> {
  // Closed TCP connections linger in TIME_WAIT for two minutes; they are not open any more.
  const state = selector.protocol === 'tcp' ? ['--state', 'ESTABLISHED'] : [];
  try {
    const { stdout } = await run('conntrack', ['-L', ...selectorArgs(selector), ...state], {
      timeout: 10_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout.split('\n').filter((line) => line.trim() !== '').length;
  } catch {
    return 0;
  }
}

/**
 * Forgets flows, so their next packet is a new flow that the table sends to a member that is there: how a deleted
 * or failed member's connections are cut (a drained one keeps them). conntrack exits non-zero when nothing matched.
 */
export async function cutFlows(selector: FlowSelector): Promise<void> {
  try {
    await run('conntrack', ['-D', ...selectorArgs(selector)], { timeout: 10_000 });
  } catch (error) {
    const said = String((error as { stderr?: string }).stderr ?? (error as Error).message);
    if (!said.includes('0 flow entries')) console.error(`weir: conntrack -D: ${said.trim()}`);
  }
}
