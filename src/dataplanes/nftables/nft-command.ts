import { spawn, spawnSync } from 'node:child_process';

/** Runs one `nft -f -` script: one netlink transaction, all of it applied or none. */
export function runNft(script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('nft', ['-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      errors += chunk;
    });
    child.once('error', (error) => reject(new Error(`nft: ${error.message}`)));
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`nft: ${errors.trim() || `exit ${code}`}`));
    });
    child.stdin.end(script);
  });
}

export const KERNEL_PRIVILEGES_NEEDED =
  'It programs the kernel through nftables: weir must run as root (CAP_NET_ADMIN) with the nft command installed.';

let available: boolean | undefined;

/**
 * Whether this process may program the kernel's tables: root, with the nft command installed. Asked once: start-up
 * asks it for each kernel provider, the proxy's UDP and the source NAT, and neither answer changes while weir runs.
 */
export function kernelForwardingAvailable(): boolean {
  available ??= process.getuid?.() === 0 && spawnSync('nft', ['--version'], { stdio: 'ignore' }).status === 0;
  return available;
}
