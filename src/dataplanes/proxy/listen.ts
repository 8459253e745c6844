import type { Server as HttpServer } from 'node:http';
import type { Server } from 'node:net';

/** Binds a listener's server to one VIP address and port; a port already taken there is an error, not shared. */
export function listen(server: Server | HttpServer, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
}
