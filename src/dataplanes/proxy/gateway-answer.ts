/** weir's answer when no member answers a request: 503 with none to send to, 502 or 504 when members failed it. */
export interface GatewayAnswer {
  /** Lower-case names. */
  readonly fields: Readonly<Record<string, string | number>>;
  readonly body: string;
}

function gatewayAnswer(body: string, more: Record<string, string> = {}): GatewayAnswer {
  const fields = { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), ...more };
  return Object.freeze({ fields: Object.freeze(fields), body });
}

export const GATEWAY_ANSWERS: Readonly<Record<502 | 503 | 504, GatewayAnswer>> = Object.freeze({
  502: gatewayAnswer('Bad Gateway\n'),
  // Retry-After: a member may be back up soon (health checks, a reconfiguration).
  503: gatewayAnswer('No server is available to handle this request.\n', { 'retry-after': '1' }),
  504: gatewayAnswer('Gateway Timeout\n'),
});
