import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError } from './client-errors.ts';
import { catalogEndpoint, connectFromEnvironment, DEFAULT_ENDPOINT } from './connect-from-environment.ts';

test('the endpoint: --os-endpoint, else OS_ENDPOINT, else weir on its default address', async () => {
  assert.equal((await connectFromEnvironment({})).endpoint, DEFAULT_ENDPOINT);
  assert.equal((await connectFromEnvironment({ OS_ENDPOINT: 'http://a:1' })).endpoint, 'http://a:1');
  assert.equal((await connectFromEnvironment({ OS_ENDPOINT: 'http://a:1' }, 'http://b:2')).endpoint, 'http://b:2');
});

test('an endpoint that is not an http(s) URL is an error naming it', async () => {
  for (const endpoint of ['127.0.0.1:9876', 'ftp://host/']) {
    await assert.rejects(
      connectFromEnvironment({ OS_ENDPOINT: endpoint }),
      (error: unknown) => error instanceof ClientError && error.message.includes(`"${endpoint}" is not an http(s) URL`),
    );
  }
});

test('OS_AUTH_URL without a user or password is an error that says what is missing', async () => {
  await assert.rejects(
    connectFromEnvironment({ OS_AUTH_URL: 'http://127.0.0.1:1/v3', OS_USERNAME: 'alice' }),
    (error: unknown) => error instanceof ClientError && /OS_USERNAME and OS_PASSWORD/.test(error.message),
  );
});

test("the catalog's load-balancer endpoint of the interface (publicURL spelling too) and region asked for", () => {
  const catalog = [
    { type: 'identity', endpoints: [{ interface: 'public', region_id: 'one', url: 'http://keystone' }] },
    {
      type: 'load-balancer',
      endpoints: [
        { interface: 'internal', region_id: 'one', url: 'http://lb-internal' },
        { interface: 'public', region_id: 'one', url: 'http://lb-one' },
        { interface: 'public', region_id: 'two', url: 'http://lb-two' },
      ],
    },
  ];
  assert.equal(catalogEndpoint(catalog, 'public'), 'http://lb-one');
  assert.equal(catalogEndpoint(catalog, 'publicURL', 'two'), 'http://lb-two');
  assert.equal(catalogEndpoint(catalog, 'internal'), 'http://lb-internal');
  assert.equal(catalogEndpoint(catalog, 'admin'), undefined);
  assert.equal(catalogEndpoint([], 'public'), undefined);
});
