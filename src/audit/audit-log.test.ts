import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AuditLog, GENESIS_HASH, lineHash } from './audit-log.ts';
import { verifyAuditLog } from './verify-audit-log.ts';

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

test('a line torn by a crash is set aside as evidence, and the chain goes on, recording it', async () => {
  const path = freshPath();
  const log = AuditLog.open(path);
  const first = log.append({ n: 1 });
  log.close();
  appendFileSync(path, '{"seq":2,"ti');
  const reopened = AuditLog.open(path);
  const next = reopened.append({ n: 2 });
  reopened.close();
  const lines = readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(lines.length, 3);
  assert.equal(lines[1].event, 'torn_tail_set_aside');
  assert.equal(lines[1].prev, first.hash);
  assert.equal(lines[1].bytes, 12);
  assert.equal(readFileSync(lines[1].saved_to, 'utf8'), '{"seq":2,"ti');
  assert.equal(next.prev, lines[1].hash);
  assert.deepEqual(await verifyAuditLog(path), { intact: true, entries: 3 });
});

test('a whole last line that is not an entry is refused rather than appended to', () => {
  const path = freshPath();
  const log = AuditLog.open(path);
  log.append({ n: 1 });
  log.close();
  appendFileSync(path, 'not json\n');
  assert.throws(() => AuditLog.open(path), /not an audit entry/);
});

test('a closed log refuses appends', () => {
  const log = AuditLog.open(freshPath());
  log.close();
  assert.throws(() => log.append({}), /closed/);
});
