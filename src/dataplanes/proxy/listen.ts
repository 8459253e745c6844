import type { Server } from 'node:net';

/**
 * Binds a listener's server to one VIP address and port; a port already taken there is an error. In a proxy worker
 * the socket is shared: the control process binds it once and every worker accepts from it.
 */
export function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
}
