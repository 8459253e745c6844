/**
 * `weir dsr-member VIP...`: what a member of a `dsr` load balancer needs, printed as commands or, with --run, run.
 * A member takes frames addressed to its own MAC whose packets are for the VIP, so it must hold the VIP (on `lo`,
 * where it is announced to no one) and must never answer ARP for it: the VIP's neighbours must reach weir.
 */
import { execFileSync } from 'node:child_process';
import { isIP, isIPv6 } from 'node:net';
import type { Output } from '../../config/config-commands.ts';

/** The commands, one argument vector each. Running them again changes nothing. */
export function dsrMemberCommands(vips: readonly string[], interfaces: readonly string[] = []): string[][] {
  const commands = vips.map((vip) =>
    isIPv6(vip)
      ? ['ip', '-6', 'address', 'replace', `${vip}/128`, 'dev', 'lo']
      : ['ip', 'address', 'replace', `${vip}/32`, 'dev', 'lo'],
  );
  // IPv4 answers ARP for any local address on every interface unless told not to: arp_ignore=1 answers only for
  // addresses of the interface asked on, arp_announce=2 never uses the VIP as an ARP source. The kernel applies the
  // larger of `all` and the interface's value, so `all` is enough; named interfaces get theirs too, for clarity.
  // IPv6 needs nothing: neighbour discovery answers only for addresses of the interface a solicitation came in on.
  if (vips.some((vip) => !isIPv6(vip))) {
    for (const scope of ['all', ...interfaces]) {
      commands.push(['sysctl', '-qw', `net.ipv4.conf.${scope}.arp_ignore=1`, `net.ipv4.conf.${scope}.arp_announce=2`]);
    }
  }
  return commands;
}

/** Prints the commands, or runs them (each printed first); returns the exit code. */
export function dsrMemberCommand(
  vips: readonly string[],
  options: { interface?: string[]; run?: boolean },
  out: Output,
  err: Output,
): number {
  const bad = vips.filter((vip) => isIP(vip) === 0);
  if (vips.length === 0 || bad.length > 0) {
    err.write(`weir dsr-member: give the VIP addresses to prepare for${bad.length ? `; not addresses: ${bad}` : ''}\n`);
    return 2;
  }
  for (const command of dsrMemberCommands(vips, options.interface)) {
    out.write(`${command.join(' ')}\n`);
    if (!options.run) continue;
    try {
      execFileSync(command[0]!, command.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
    } catch (error) {
      err.write(`failed: ${String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim()}\n`);
      return 1;
    }
  }
  return 0;
}
