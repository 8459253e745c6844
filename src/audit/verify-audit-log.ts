import { createReadStream } from 'node:fs';
import type { Output } from '../config/config-commands.ts';
import { GENESIS_HASH, lineHash } from './audit-log.ts';

export type Verdict = { intact: true; entries: number } | { intact: false; line: number; reason: string };

/**
 * Walks the chain line by line and names the first line that breaks it. Lines cut off at the end of the file
 * cannot be told from a shorter trail; keep the last hash elsewhere to detect that.
 */
export async function verifyAuditLog(path: string): Promise<Verdict> {
  let prev = GENESIS_HASH;
  let lineNo = 0;
  let rest = Buffer.alloc(0);
  for await (const chunk of createReadStream(path)) {
    let data = Buffer.concat([rest, chunk as Buffer]);
    // Split bytes, not text: a chunk can end inside a multi-byte character.
    for (let end = data.indexOf(0x0a); end >= 0; end = data.indexOf(0x0a)) {
      lineNo += 1;
      const problem = checkLine(data.subarray(0, end).toString('utf8'), lineNo, prev);
      if (typeof problem === 'string') return { intact: false, line: lineNo, reason: problem };
      prev = problem.hash;
      data = data.subarray(end + 1);
    }
    rest = data;
  }
  if (rest.length > 0) return { intact: false, line: lineNo + 1, reason: 'the line is cut off (no line end)' };
  return { intact: true, entries: lineNo };
}

/** The line's hash when it continues the chain, else why it does not. */
function checkLine(text: string, lineNo: number, prev: string): { hash: string } | string {
  let line: Record<string, unknown>;
  try {
    line = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return 'not valid JSON';
  }
  if (line === null || typeof line !== 'object' || Array.isArray(line)) return 'not a JSON object';
  const { hash, ...content } = line;
  if (typeof hash !== 'string') return 'no hash';
  if (lineHash(content) !== hash) return 'content does not match its hash: the line was changed';
  if (content.seq !== lineNo) {
    if (typeof content.seq === 'number' && content.seq > lineNo) {
      return `seq ${content.seq} where ${lineNo} was expected: a line before it was removed or moved`;
    }
    return `seq ${String(content.seq)} where ${lineNo} was expected: the line was inserted or moved`;
  }
  if (content.prev !== prev) return 'prev is not the hash of the line before: a line was inserted, removed or moved';
  return { hash };
}

/** `weir audit verify FILE`: 0 and a count when the chain holds, 1 and the first broken line when not. */
export async function auditVerifyCommand(file: string, out: Output, err: Output): Promise<number> {
  let verdict: Verdict;
  try {
    verdict = await verifyAuditLog(file);
  } catch (error) {
    err.write(`${file}: ${(error as Error).message}\n`);
    return 2;
  }
  if (verdict.intact) {
    out.write(`${verdict.entries} entries, chain intact\n`);
    return 0;
  }
  err.write(`${file}: line ${verdict.line}: ${verdict.reason}\n`);
  return 1;
}
