import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where a member is on this node's link: the interface it is reached on and its MAC. */
export interface MemberLink {
  device: string;
  mac: string;
}

/** A member this node cannot hand frames to, and why. */
export class NotOnLink extends Error {}

/** The neighbour states whose MAC is usable; INCOMPLETE and FAILED have none. */
const USABLE = new Set(['REACHABLE', 'STALE', 'DELAY', 'PROBE', 'PERMANENT', 'NOARP']);

/** How long resolution of a member's MAC may take: 10 looks, 100 ms apart. */
const LOOKS = 10;

/**
 * Learns a member's interface and MAC from the kernel: the route to it must be direct (no gateway, not this node),
 * and its neighbour entry is read, after a datagram to its discard port made the kernel resolve it when there was
 * none. Throws NotOnLink with the reason for a member that is not L2 adjacent; null when its MAC cannot be learned
 * (it does not answer ARP or neighbour discovery now).
 */
export async function learnMemberLink(address: string): Promise<MemberLink | null> {
  const device = await directDevice(address);
  for (let look = 0; look < LOOKS; look++) {
    const mac = await neighbourMac(address, device);
    if (mac) return { device, mac };
    if (look === 0) await provoke(address);
    await sleep(100);
  }
  return null;
}

async function directDevice(address: string): Promise<string> {
  const { stdout } = await run('ip', ['-j', 'route', 'get', address], { timeout: 10_000 });
  const route = (JSON.parse(stdout) as { dev?: string; gateway?: string; type?: string }[])[0];
  if (!route?.dev) throw new NotOnLink(`member ${address}: no route to it`);
  if (route.type === 'local' || route.dev === 'lo') throw new NotOnLink(`member ${address} is this node`);
  if (route.gateway) {
    throw new NotOnLink(
      `member ${address} is reached through the gateway ${route.gateway}, not on a link of this node; direct ` +
        'server return needs members on the same link (L2) as weir',
    );
  }
  return route.dev;
}

async function neighbourMac(address: string, device: string): Promise<string | null> {
  const { stdout } = await run('ip', ['-j', 'neigh', 'show', 'to', address, 'dev', device], { timeout: 10_000 });
  const entry = (JSON.parse(stdout || '[]') as { lladdr?: string; state?: string[] }[])[0];
  return entry?.lladdr && entry.state?.some((s) => USABLE.has(s)) ? entry.lladdr : null;
}

/** One datagram to the discard port: the kernel resolves the member's MAC to send it. */
function provoke(address: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = createSocket(isIPv6(address) ? 'udp6' : 'udp4');
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.close();
      resolve();
    };
    socket.once('error', finish);
    socket.send(Buffer.alloc(0), 9, address, finish);
  });
}

/** This node's MAC on an interface. */
export async function interfaceMac(device: string): Promise<string> {
  const { stdout } = await run('ip', ['-j', 'link', 'show', 'dev', device], { timeout: 10_000 });
  const mac = (JSON.parse(stdout) as { address?: string }[])[0]?.address;
  if (!mac) throw new Error(`interface ${device} has no MAC address`);
  return mac;
}
