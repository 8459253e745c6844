import { randomBytes } from 'node:crypto';

/**
 * Keys for sealing TLS session tickets, made once per weir process and handed to every worker: OpenSSL's own are
 * random per secure context, so a client would resume only when its next connection reached the worker, and the
 * listener configuration, that issued its ticket. As HAProxy's default, they live as long as the process; 48 bytes,
 * as Node's setTicketKeys takes them (name, HMAC and AES keys).
 */
export const newTicketKeys = (): Buffer => randomBytes(48);
