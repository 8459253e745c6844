/** Many DNS queries over one UDP socket, for tests that count answers (dig per query would take minutes). */
import { createSocket } from 'node:dgram';
import dnsPacket, { type Answer } from 'dns-packet';

/**
 * Sends `count` A queries for `name` to 127.0.0.1:`port`, `window` outstanding at a time, and returns the first
 * answer record's address of each reply. Fails after `timeoutMs` in all.
 */
export async function firstAddresses(port: number, name: string, count: number, timeoutMs = 30_000): Promise<string[]> {
  const socket = createSocket('udp4');
  const window = 32;
  const firsts: string[] = [];
  let sent = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${firsts.length} of ${count} answers in ${timeoutMs} ms`)),
        timeoutMs,
      );
      const send = () => {
        const query = dnsPacket.encode({ id: sent & 0xffff, type: 'query', questions: [{ name, type: 'A' }] });
        sent++;
        socket.send(query, port, '127.0.0.1');
      };
      socket.on('message', (message) => {
        const first = dnsPacket.decode(message).answers?.[0] as (Answer & { data: string }) | undefined;
        firsts.push(first?.data ?? '');
        if (firsts.length === count) {
          clearTimeout(timer);
          resolve();
        } else if (sent < count) send();
      });
      socket.on('error', reject);
      for (let i = 0; i < Math.min(window, count); i++) send();
    });
  } finally {
    socket.close();
  }
  return firsts;
}
