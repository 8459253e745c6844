import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Fastify from 'fastify';
import { AuditLog } from '../audit/audit-log.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { registerAuditTrail } from './audit-trail.ts';
import { Fault, invalidInput } from './faults.ts';
import type { RequestContext } from './request-context.ts';

/** An app with a token check like Keystone's, and writes whose transactions interleave on cue. */
async function setUp() {
  const path = join(mkdtempSync(join(tmpdir(), 'weir-trail-')), 'audit.jsonl');
  const auditLog = AuditLog.open(path);
  const store = await SqliteStore.open(':memory:');
  const app = Fastify();
  app.decorateRequest('context', null as unknown as RequestContext);
  app.addHook('onRequest', async (request) => {
    if (request.headers['x-auth-token'] !== 'good') throw new Fault(401, 'Authentication required');
    request.context = {
      projectId: 'p1',
      userId: 'u1',
      userName: 'alice',
      roles: ['member'],
      systemScope: null,
      isAdmin: false,
      action: 'thing:post',
      allows: () => true,
      authorize: () => {},
    };
  });
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof Fault) return reply.code(error.status).send(error.body);
    return reply.code(500).send(new Fault(500, 'Internal Server Error').body);
  });
  registerAuditTrail(app, auditLog, store);

  const gates = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  const gate = (name: string) => {
    let entry = gates.get(name);
    if (!entry) {
      let resolve = () => {};
      const promise = new Promise<void>((done) => {
        resolve = done;
      });
      entry = { promise, resolve };
      gates.set(name, entry);
    }
    return entry;
  };
  // Inserts the thing, waits for its cue, then updates it: two transactions with others' in between.
  app.post<{ Params: { id: string }; Body: { secret?: string; name?: string } }>('/things/:id', async (request) => {
    const { id } = request.params;
    if (request.body?.name === 'bad') throw invalidInput('secret', request.body.secret, 'Not allowed.');
    await store.transaction((w) => w.insert('loadbalancer', { id, project_id: 'p1', step: 1, secret: 's' }));
    gate(`${id}:inserted`).resolve();
    await gate(`${id}:go`).promise;
    await store.transaction((w) => w.update('loadbalancer', { id, project_id: 'p1', step: 2, secret: 's' }));
    return { id };
  });
  app.get('/things', async () => store.read((r) => r.list('loadbalancer')));

  const entries = () =>
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      // biome-ignore lint/suspicious/noExplicitAny: entries are checked field by field
      .map((line) => JSON.parse(line) as Record<string, any>);
  const close = async () => {
    await app.close();
    await store.close();
    auditLog.close();
  };
  return { app, gate, entries, close };
}

const headers = { 'x-auth-token': 'good', 'content-type': 'application/json' };

test('interleaved transactions of concurrent requests are each credited to their own request', async () => {
  const { app, gate, entries, close } = await setUp();
  const ids = ['a', 'b', 'c'];
  const replies = ids.map((id) => app.inject({ method: 'POST', url: `/things/${id}`, headers, payload: {} }));
  // All three have inserted before any updates; then they finish in reverse order.
  await Promise.all(ids.map((id) => gate(`${id}:inserted`).promise));
  for (const id of [...ids].reverse()) {
    gate(`${id}:go`).resolve();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.deepEqual(
    (await Promise.all(replies)).map((reply) => reply.statusCode),
    [200, 200, 200],
  );
  await app.inject({ method: 'GET', url: '/things', headers });
  await close();

  const logged = entries();
  assert.deepEqual(
    logged.map((entry) => entry.path),
    ['/things/c', '/things/b', '/things/a'],
  );
  for (const entry of logged) {
    const id = entry.path.split('/').pop();
    // Its own two transactions, in commit order, and nobody else's; secrets redacted.
    const step = (n: number) => ({ id, project_id: 'p1', step: n, secret: '***' });
    assert.deepEqual(entry.changes, [
      { kind: 'loadbalancer', id, project_id: 'p1', before: null, after: step(1) },
      { kind: 'loadbalancer', id, project_id: 'p1', before: step(1), after: step(2) },
    ]);
    assert.deepEqual(entry.user, { id: 'u1', name: 'alice' });
    assert.equal(entry.action, 'thing:post');
    assert.deepEqual(entry.roles, ['member']);
  }
});

test('a write refused before authentication is logged without a user; secrets stay out', async () => {
  const { app, entries, close } = await setUp();
  const noToken = await app.inject({ method: 'DELETE', url: '/things/a?token=t0ps3cret&fields=id' });
  assert.equal(noToken.statusCode, 401);
  const bad = await app.inject({
    method: 'POST',
    url: '/things/x',
    headers,
    payload: { name: 'bad', secret: 'hunter2' },
  });
  assert.equal(bad.statusCode, 400);
  await close();

  const [unauthenticated, refused] = entries();
  assert.deepEqual(
    { ...unauthenticated, seq: 0, time: '', request_id: '', prev: '', hash: '' },
    {
      seq: 0,
      time: '',
      request_id: '',
      client: '127.0.0.1',
      user: null,
      project_id: null,
      roles: [],
      method: 'DELETE',
      path: '/things/a?fields=id',
      action: null,
      status: 401,
      result: 'refused',
      faultstring: 'Authentication required',
      changes: [],
      prev: '',
      hash: '',
    },
  );
  assert.equal(refused?.faultstring, "Invalid input for field/attribute secret. Value: '***'. Not allowed.");
  assert.equal(refused?.result, 'refused');
  assert.deepEqual(refused?.changes, []);
});
