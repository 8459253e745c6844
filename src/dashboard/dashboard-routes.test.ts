import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import Fastify from 'fastify';
import { registerDashboard } from './dashboard-routes.ts';

test('serves the page and its two files as they are in the repository, with a policy that keeps them to this API', async () => {
  // As the API builds it (app.ts): `/dashboard/` is `/dashboard`.
  const app = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
  registerDashboard(app);
  try {
    for (const [url, file, type] of [
      ['/dashboard', 'index.html', 'text/html'],
      ['/dashboard/', 'index.html', 'text/html'],
      ['/dashboard/dashboard.js', 'dashboard.js', 'text/javascript'],
      ['/dashboard/dashboard.css', 'dashboard.css', 'text/css'],
    ] as const) {
      const reply = await app.inject({ url });
      assert.equal(reply.statusCode, 200, url);
      assert.match(String(reply.headers['content-type']), new RegExp(`^${type}`));
      assert.equal(reply.body, readFileSync(new URL(`page/${file}`, import.meta.url), 'utf8'));
      assert.match(String(reply.headers['content-security-policy']), /default-src 'none'.*connect-src 'self'/);
      assert.equal(reply.headers['x-content-type-options'], 'nosniff');
    }
    for (const url of ['/dashboard/nope.js', '/dashboard/..%2Fdashboard-routes.ts']) {
      assert.equal((await app.inject({ url })).statusCode, 404, url);
    }
  } finally {
    await app.close();
  }
});

test('the page loads nothing from elsewhere and sets API values as text only', () => {
  const page = ['index.html', 'dashboard.js', 'dashboard.css']
    .map((file) => readFileSync(new URL(`page/${file}`, import.meta.url), 'utf8'))
    .join('\n');
  assert.doesNotMatch(page, /https?:\/\//);
  assert.doesNotMatch(page, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
});
