import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AuditLog, lineHash } from './audit-log.ts';
import { auditVerifyCommand, verifyAuditLog } from './verify-audit-log.ts';

/** A trail of five entries, as lines, and a function writing a tampered version of them to a file. */
function trail() {
  const dir = mkdtempSync(join(tmpdir(), 'weir-verify-'));
  const path = join(dir, 'audit.jsonl');
  const log = AuditLog.open(path);
  for (let n = 1; n <= 5; n++) log.append({ method: 'PUT', path: `/v2/lbaas/pools/${n}`, status: 200 });
  log.close();
  const lines = readFileSync(path, 'utf8').split('\n').slice(0, -1);
  const tampered = (edit: (lines: string[]) => string[] | string) => {
    const edited = edit([...lines]);
    const file = join(dir, 'tampered.jsonl');
    writeFileSync(file, typeof edited === 'string' ? edited : edited.map((line) => `${line}\n`).join(''));
    return file;
  };
  return { path, lines, tampered };
}

test('an untouched trail verifies, with its entry count', async () => {
  const { path, tampered } = trail();
  assert.deepEqual(await verifyAuditLog(path), { intact: true, entries: 5 });
  assert.deepEqual(await verifyAuditLog(tampered(() => [])), { intact: true, entries: 0 });
});

test('each kind of tampering is reported at the first broken line', async () => {
  const { lines, tampered } = trail();
  const cases: [string, (lines: string[]) => string[] | string, number, RegExp][] = [
    [
      'changed',
      (l) => l.map((line, i) => (i === 2 ? line.replace('"status":200', '"status":500') : line)),
      3,
      /changed/,
    ],
    ['removed', (l) => l.filter((_, i) => i !== 1), 2, /seq 3 where 2 was expected: a line before it was removed/],
    ['removed first', (l) => l.slice(1), 1, /seq 2 where 1 was expected/],
    ['inserted (a copy)', (l) => [...l.slice(0, 3), l[0]!, ...l.slice(3)], 4, /seq 1 where 4 was expected: .*inserted/],
    ['reordered', (l) => [l[0]!, l[2]!, l[1]!, l[3]!, l[4]!], 2, /seq 3 where 2 was expected/],
    ['cut mid-line', (l) => `${l.join('\n')}`, 5, /cut off/],
    ['cut mid-line, earlier', (l) => `${l[0]}\n${l[1]!.slice(0, 40)}`, 2, /cut off/],
    ['not JSON', (l) => [l[0]!, 'garbage', ...l.slice(1)], 2, /not valid JSON/],
    ['hash removed', (l) => [l[0]!, l[1]!.replace(/,"hash":"[0-9a-f]+"/, '')], 2, /no hash/],
  ];
  for (const [kind, edit, line, reason] of cases) {
    const verdict = await verifyAuditLog(tampered(edit));
    assert.equal(verdict.intact, false, kind);
    if (verdict.intact) continue;
    assert.equal(verdict.line, line, `${kind}: ${verdict.reason}`);
    assert.match(verdict.reason, reason, kind);
  }
  assert.equal(lines.length, 5);
});

test('a line forged with a valid hash of its own but the wrong predecessor breaks the chain', async () => {
  const { tampered } = trail();
  const content = { seq: 2, time: new Date().toISOString(), method: 'PUT', status: 200, prev: 'f'.repeat(64) };
  const forged = JSON.stringify({ ...content, hash: lineHash(content) });
  const verdict = await verifyAuditLog(tampered((l) => [l[0]!, forged, ...l.slice(2)]));
  assert.deepEqual(verdict, {
    intact: false,
    line: 2,
    reason: 'prev is not the hash of the line before: a line was inserted, removed or moved',
  });
});

test('`weir audit verify` prints the count or the broken line and exits accordingly', async () => {
  const { path, tampered } = trail();
  const out: string[] = [];
  const err: string[] = [];
  const sink = (chunks: string[]) => ({ write: (text: string) => chunks.push(text) });
  assert.equal(await auditVerifyCommand(path, sink(out), sink(err)), 0);
  assert.deepEqual(out, ['5 entries, chain intact\n']);
  const broken = tampered((l) => l.slice(0, 2).concat(l.slice(3)));
  assert.equal(await auditVerifyCommand(broken, sink(out), sink(err)), 1);
  assert.match(err[0]!, /tampered\.jsonl: line 3: seq 4 where 3 was expected/);
  assert.equal(await auditVerifyCommand(`${path}.missing`, sink(out), sink(err)), 2);
});
