import type { FastifyRequest } from 'fastify';
import type { Authenticate } from '../authentication.ts';
import { type KeystoneClient, KeystoneUnavailable, type ValidatedToken } from './keystone-client.ts';
import { TokenCache } from './token-cache.ts';

/** A refusal worded as keystonemiddleware words it, which is what Octavia's clients see and handle. */
export class AuthError extends Error {
  constructor(
    readonly status: 401 | 503,
    readonly authUrl: string,
  ) {
    super(
      status === 401
        ? 'The request you have made requires authentication.'
        : 'The server is currently unavailable. Please try again at a later time.',
    );
  }

  get body(): { error: { code: number; title: string; message: string } } {
    return {
      error: {
        code: this.status,
        title: this.status === 401 ? 'Unauthorized' : 'Service Unavailable',
        message: this.message,
      },
    };
  }
}

/** keystone mode: `X-Auth-Token` is validated with Keystone (cached), and the identity comes from the token. */
export function keystoneIdentity(client: KeystoneClient, authUrl: string, tokenCacheSeconds: number): Authenticate {
  const cache = new TokenCache<ValidatedToken>(tokenCacheSeconds * 1000);
  return async (request: FastifyRequest) => {
    const header = request.headers['x-auth-token'];
    const token = (Array.isArray(header) ? header[0] : header)?.trim();
    if (!token) throw new AuthError(401, authUrl);
    let validated: ValidatedToken | null;
    try {
      validated = await cache.get(token, (t) => client.validate(t));
    } catch (error) {
      if (error instanceof KeystoneUnavailable) {
        request.log.error({ err: error }, 'token validation failed');
        throw new AuthError(503, authUrl);
      }
      throw error;
    }
    if (!validated || validated.expiresAt <= Date.now()) throw new AuthError(401, authUrl);
    return { ...validated.identity, isAdmin: false };
  };
}
