import { execFile } from 'node:child_process';
import { isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Whether any interface of this host already carries the address. */
function isLocal(address: string): boolean {
  return Object.values(networkInterfaces()).some((addresses) => addresses?.some((a) => a.address === address));
}

const prefixOf = (address: string) => (isIPv6(address) ? `${address}/128` : `${address}/32`);

/**
 * Puts a VIP on the subnet's interface so listeners can bind it, unless the host has it already (loopback VIPs,
 * addresses the operator manages). Resolves whether weir added it, and so must take it away again.
 */
async function plugVip(address: string, device: string): Promise<boolean> {
  if (isLocal(address)) return false;
  // nodad: an IPv6 VIP is usable at once instead of after duplicate address detection.
  const options = isIPv6(address) ? ['nodad'] : [];
  await run('ip', ['address', 'add', prefixOf(address), 'dev', device, ...options]);
  return true;
}

/** Takes away a VIP weir added; one already gone is fine. */
async function unplugVip(address: string, device: string): Promise<void> {
  try {
    await run('ip', ['address', 'del', prefixOf(address), 'dev', device]);
  } catch (error) {
    if (!String((error as { stderr?: string }).stderr).includes('Cannot assign requested address')) throw error;
  }
}

/** The VIPs weir put on an interface, by load balancer, so that each goes with its load balancer. */
export class PluggedVips {
  private readonly plugged = new Map<string, { address: string; device: string }>();

  /** Puts the load balancer's VIP on its subnet's interface, once; a subnet without an interface needs nothing. */
  async plug(spec: { id: string; vip: { address: string; interface: string | null } }): Promise<void> {
    const device = spec.vip.interface;
    if (device && !this.plugged.has(spec.id) && (await plugVip(spec.vip.address, device))) {
      this.plugged.set(spec.id, { address: spec.vip.address, device });
    }
  }

  async unplug(loadbalancerId: string): Promise<void> {
    const plugged = this.plugged.get(loadbalancerId);
    this.plugged.delete(loadbalancerId);
    if (plugged) await unplugVip(plugged.address, plugged.device);
  }

  async unplugAll(): Promise<void> {
    await Promise.all([...this.plugged.keys()].map((id) => this.unplug(id)));
  }
}
