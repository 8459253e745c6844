import type { FastifyInstance } from 'fastify';
import { keyManagerVersion } from './barbican/barbican-routes.ts';
import { requestUrl } from './octavia/collection.ts';

/** The v2 minor versions weir answers to, with Octavia's release dates; clients gate features on the last one. */
const VERSIONS: readonly [string, string][] = [
  ['v2.0', '2016-12-11'],
  ['v2.1', '2018-04-20'],
  ['v2.2', '2018-07-31'],
  ['v2.3', '2018-12-18'],
  ['v2.4', '2018-12-19'],
  ['v2.5', '2019-01-21'],
  ['v2.6', '2019-01-25'],
  ['v2.7', '2018-01-25'],
  ['v2.8', '2019-02-12'],
  ['v2.9', '2019-03-04'],
  ['v2.10', '2019-03-05'],
  ['v2.11', '2019-06-24'],
  ['v2.12', '2019-09-11'],
  ['v2.13', '2019-09-13'],
  ['v2.14', '2019-11-10'],
  ['v2.15', '2020-03-10'],
  ['v2.16', '2020-03-15'],
  ['v2.17', '2020-04-29'],
  ['v2.18', '2020-04-29'],
  ['v2.19', '2020-05-12'],
  ['v2.20', '2020-08-02'],
  ['v2.21', '2020-09-03'],
  ['v2.22', '2020-09-04'],
  ['v2.23', '2020-09-07'],
  ['v2.24', '2020-10-15'],
  ['v2.25', '2021-10-02'],
  ['v2.26', '2022-08-29'],
];

export function versionRoutes(app: FastifyInstance): void {
  app.get('/', (request) => {
    const base = requestUrl(request).replace(/\/$/, '');
    return {
      // The key manager's v1 first: keystoneauth finds it here when the catalog gives weir's unversioned URL for
      // key-manager, and Octavia's clients take the last entry, which stays Octavia's newest and only CURRENT one.
      versions: [
        { ...keyManagerVersion(base), status: 'SUPPORTED' },
        ...VERSIONS.map(([id, updated], index) => ({
          id,
          status: index === VERSIONS.length - 1 ? 'CURRENT' : 'SUPPORTED',
          updated: `${updated}T00:00:00Z`,
          links: [{ href: `${base}/v2`, rel: 'self' }],
        })),
      ],
    };
  });
  app.get('/healthcheck', async (_request, reply) => {
    reply.type('text/plain');
    return 'OK';
  });
}
