import { createHash } from 'node:crypto';
import {
  closeSync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

/** The `prev` of the first line: no line comes before it. */
export const GENESIS_HASH = '0'.repeat(64);

/** sha256 hex of a line's content, `hash` left out, keys sorted so the digest does not depend on key order. */
export function lineHash(content: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * An append-only JSON-lines file where each line carries the hash of the one before it, so a line changed, removed,
 * inserted or reordered breaks the chain (`weir audit verify`). The descriptor is opened write-only with O_APPEND:
 * every write lands at the end, so nothing holding it can rewrite what is there. Appends are synchronous, so lines
 * never interleave, and fdatasync'd before returning (~0.4 ms here), so a line appended survives a crash of the
 * process or of the machine.
 */
export class AuditLog {
  private constructor(
    private fd: number | undefined,
    private seq: number,
    private prev: string,
  ) {}

  static open(path: string): AuditLog {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(path, 'a', 0o600);
    try {
      const torn = setAsideTornTail(path, fd);
      const last = lastLine(path);
      if (last === undefined && torn === undefined) {
        // A new file: its directory entry must be durable too, or the first lines could vanish with it.
        syncDirectory(dirname(path));
      }
      const log = last === undefined ? new AuditLog(fd, 0, GENESIS_HASH) : new AuditLog(fd, last.seq, last.hash);
      if (torn) log.append({ event: 'torn_tail_set_aside', ...torn });
      return log;
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** Appends `{seq, time, ...entry, prev, hash}` as one line; returns the line's content. */
  append(entry: Record<string, unknown>): Record<string, unknown> {
    if (this.fd === undefined) throw new Error('audit log is closed');
    const content = { seq: this.seq + 1, time: new Date().toISOString(), ...entry, prev: this.prev };
    const line = { ...content, hash: lineHash(content) };
    writeAll(this.fd, Buffer.from(`${JSON.stringify(line)}\n`));
    fdatasyncSync(this.fd);
    this.seq = content.seq;
    this.prev = line.hash;
    return line;
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}

/** A short write would leave half a line; write until all of it is out. */
function writeAll(fd: number, buffer: Buffer): void {
  for (let offset = 0; offset < buffer.length; ) offset += writeSync(fd, buffer, offset);
}

function syncDirectory(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * A crash while a line was being appended leaves part of it at the end of the file; that request was never
 * answered. The fragment is moved to a file of its own, kept as evidence, and the trail continues after the last
 * whole line, recording the move in the chain itself. Anything else that is not an entry is refused by lastLine.
 */
function setAsideTornTail(path: string, fd: number): { bytes: number; saved_to: string } | undefined {
  const size = fstatSync(fd).size;
  if (size === 0) return undefined;
  const tail = Buffer.alloc(Math.min(size, 1 << 20));
  const reader = openSync(path, 'r');
  try {
    readSync(reader, tail, 0, tail.length, size - tail.length);
  } finally {
    closeSync(reader);
  }
  if (tail[tail.length - 1] === 0x0a) return undefined;
  const newline = tail.lastIndexOf(0x0a);
  if (newline < 0 && tail.length < size) throw new Error(`${path}: the last line is longer than 1 MiB`);
  const fragment = tail.subarray(newline + 1);
  const savedTo = `${path}.torn-${Date.now()}`;
  writeFileSync(savedTo, fragment, { mode: 0o600, flush: true });
  ftruncateSync(fd, size - fragment.length);
  fsyncSync(fd);
  return { bytes: fragment.length, saved_to: savedTo };
}

/**
 * The seq and hash of the file's last line, read backwards from the end so opening a long trail stays cheap.
 * A file that does not end in a whole, hashed line is refused: appending after it would hide the damage.
 */
function lastLine(path: string): { seq: number; hash: string } | undefined {
  const fd = openSync(path, 'r');
  const chunks: Buffer[] = [];
  let text = '';
  try {
    for (let start = fstatSync(fd).size; start > 0; ) {
      const length = Math.min(65536, start);
      start -= length;
      const chunk = Buffer.alloc(length);
      readSync(fd, chunk, 0, length, start);
      chunks.unshift(chunk);
      text = Buffer.concat(chunks).toString('utf8');
      if (text.lastIndexOf('\n', text.length - 2) >= 0) break;
    }
  } finally {
    closeSync(fd);
  }
  if (text === '') return undefined;
  if (!text.endsWith('\n')) throw new Error(`${path}: the last line is incomplete; run weir audit verify ${path}`);
  const line = text.slice(text.lastIndexOf('\n', text.length - 2) + 1, -1);
  try {
    const parsed = JSON.parse(line) as { seq?: unknown; hash?: unknown };
    if (Number.isInteger(parsed.seq) && typeof parsed.hash === 'string') {
      return { seq: parsed.seq as number, hash: parsed.hash };
    }
  } catch {
    // reported below
  }
  throw new Error(`${path}: the last line is not an audit entry; run weir audit verify ${path}`);
}
