import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AuditLog, GENESIS_HASH, lineHash } from './audit-log.ts';

const freshPath = () => join(mkdtempSync(join(tmpdir(), 'weir-audit-')), 'nested', 'audit.jsonl');
const readLines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

test('each line carries seq, time, the entry, the previous hash and its own', () => {
  const path = freshPath();
  const log = AuditLog.open(path);
  log.append({ method: 'POST', status: 201 });
  log.append({ method: 'DELETE', status: 404 });
  log.close();

  assert.equal(statSync(path).mode & 0o777, 0o600);
  const [first, second] = readLines(path);
  assert.deepEqual(Object.keys(first!), ['seq', 'time', 'method', 'status', 'prev', 'hash']);
  assert.equal(first!.seq, 1);
  assert.ok(!Number.isNaN(Date.parse(first!.time as string)));
  assert.equal(first!.prev, GENESIS_HASH);
  const { hash, ...content } = first!;
  assert.equal(hash, lineHash(content));
  assert.equal(second!.seq, 2);
  assert.equal(second!.prev, first!.hash);
});

test('the hash does not depend on key order', () => {
  assert.equal(lineHash({ a: 1, b: { c: [1, { d: 2, e: 3 }] } }), lineHash({ b: { c: [1, { e: 3, d: 2 }] }, a: 1 }));
  assert.notEqual(lineHash({ a: 1 }), lineHash({ a: 2 }));
});

test('reopening continues the chain where it ended', () => {
  const path = freshPath();
  const first = AuditLog.open(path);
  const last = first.append({ n: 1 });
  first.close();
  const again = AuditLog.open(path);
  const next = again.append({ n: 2 });
  again.close();
  assert.equal(next.seq, 2);
  assert.equal(next.prev, last.hash);
});

test('a file that does not end in a whole entry is refused rather than appended to', () => {
  const path = freshPath();
  const log = AuditLog.open(path);
  log.append({ n: 1 });
  log.close();
  appendFileSync(path, '{"seq":2,"ti');
  assert.throws(() => AuditLog.open(path), /last line is incomplete/);
  appendFileSync(path, '\n');
  assert.throws(() => AuditLog.open(path), /not an audit entry/);
});

test('a closed log refuses appends', () => {
  const log = AuditLog.open(freshPath());
  log.close();
  assert.throws(() => log.append({}), /closed/);
});
