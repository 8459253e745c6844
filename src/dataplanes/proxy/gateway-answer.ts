import { STATUS_CODES } from 'node:http';

/** weir's answer when no member answers a request: 503 with none to send to, 502 or 504 when members failed it. */
export interface GatewayAnswer {
  /** Lower-case names. */
  readonly fields: Readonly<Record<string, string | number>>;
  readonly body: string;
  /** The whole HTTP/1.1 answer, for a connection that ends after it. */
  readonly closingWire: string;
}

function gatewayAnswer(status: number, body: string, more: Record<string, string> = {}): GatewayAnswer {
  const fields = { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), ...more };
  let wire = `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n`;
  for (const [name, value] of Object.entries(fields)) wire += `${name}: ${value}\r\n`;
  return Object.freeze({ fields: Object.freeze(fields), body, closingWire: `${wire}connection: close\r\n\r\n${body}` });
}

export const GATEWAY_ANSWERS: Readonly<Record<502 | 503 | 504, GatewayAnswer>> = Object.freeze({
  502: gatewayAnswer(502, 'Bad Gateway\n'),
  // Retry-After: a member may be back up soon (health checks, a reconfiguration).
  503: gatewayAnswer(503, 'No server is available to handle this request.\n', { 'retry-after': '1' }),
  504: gatewayAnswer(504, 'Gateway Timeout\n'),
});
