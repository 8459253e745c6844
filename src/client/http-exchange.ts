import { request } from 'undici';
import { EndpointUnreachable } from './client-errors.ts';

export interface HttpAnswer {
  status: number;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  text: string;
}

/** Whose endpoint a request goes to, for the message when nothing answers. */
export interface Peer {
  service: string;
  endpoint: string;
  /** Appended to the message: where the endpoint came from. */
  hint: string;
}

/**
 * One HTTP request and its whole answer, or EndpointUnreachable saying in a few words why nothing came back
 * (refused, unknown host, timed out). undici's request rather than fetch: fetch refuses "bad ports" (6000, 10080,
 * ...), which a weir or a Keystone may well listen on.
 */
export async function httpExchange(
  url: URL | string,
  options: { method: string; headers: Record<string, string>; body?: string; timeoutMs: number; peer: Peer },
): Promise<HttpAnswer> {
  try {
    const answer = await request(url, {
      method: options.method as 'GET',
      headers: options.headers,
      body: options.body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    return { status: answer.statusCode, headers: answer.headers, text: await answer.body.text() };
  } catch (error) {
    const { service, endpoint, hint } = options.peer;
    throw new EndpointUnreachable(service, endpoint, reason(error, options.timeoutMs), hint);
  }
}

function reason(error: unknown, timeoutMs: number): string {
  const { name, code, message } = error as { name?: string; code?: unknown; message?: string };
  if (name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'unknown host';
  return message ?? String(error);
}
