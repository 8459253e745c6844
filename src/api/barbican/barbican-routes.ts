import type { FastifyInstance } from 'fastify';
import type { SecretVault } from '../../key-manager/secret-vault.ts';
import type { StateStore } from '../../store/state-store.ts';
import { containerRoutes } from './containers.ts';
import { projectOnlyAclRoutes } from './project-only-acls.ts';
import { secretMetadataRoutes } from './secret-metadata.ts';
import { secretRoutes } from './secrets.ts';

/** The one version of the key manager API served: Barbican's v1, microversion 1.0 to 1.1 (secret consumers). */
export function keyManagerVersion(base: string) {
  return {
    id: 'v1',
    status: 'CURRENT',
    min_version: '1.0',
    max_version: '1.1',
    links: [{ rel: 'self', href: `${base}/v1/` }],
  };
}

/**
 * The subset of Barbican's v1 API that `openstack secret` and Terraform's keymanager resources use, under /v1.
 * The same routes answer at the root too: with `--os-auth-type none --os-endpoint URL` barbicanclient sends its
 * requests to URL/secrets, the URL the Octavia client gets, which appends /v2 itself.
 */
export function keyManagerRoutes(app: FastifyInstance, store: StateStore, vault: SecretVault): void {
  app.get('/v1', (request) => ({ version: keyManagerVersion(`${request.protocol}://${request.host}`) }));
  for (const prefix of ['/v1', '']) {
    app.register(
      async (scope) => {
        // A two-step secret's payload comes as the PUT's body, text or bytes; JSON stays the only other body.
        scope.addContentTypeParser(
          ['text/plain', 'application/octet-stream', 'application/pkcs8', 'application/pkix-cert'],
          { parseAs: 'buffer' },
          (_request, body, done) => done(null, body),
        );
        secretRoutes(scope, store, vault);
        secretMetadataRoutes(scope, store);
        containerRoutes(scope, store);
        projectOnlyAclRoutes(scope, store);
      },
      { prefix },
    );
  }
}
