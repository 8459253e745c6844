import { createWriteStream, type WriteStream } from 'node:fs';
import { haproxyLine, jsonLine } from './access-log-formats.ts';
import type { AccessRecord } from './access-record.ts';

export interface AccessLogSettings {
  path: string;
  format: 'httplog' | 'json';
}

/**
 * Appends access records to a file (or stdout) without blocking the data path: lines go to a buffered stream, and
 * when the disk falls behind, lines are dropped and counted rather than queued without bound.
 */
export class AccessLog {
  dropped = 0;
  private readonly format: (record: AccessRecord) => string;

  private constructor(
    private readonly out: WriteStream | NodeJS.WriteStream,
    format: AccessLogSettings['format'],
  ) {
    this.format = format === 'json' ? jsonLine : haproxyLine;
  }

  static open(settings: AccessLogSettings): AccessLog {
    const out = settings.path === '-' ? process.stdout : createWriteStream(settings.path, { flags: 'a', mode: 0o640 });
    return new AccessLog(out, settings.format);
  }

  write(record: AccessRecord): void {
    if (this.out.writableLength > 4 * 1024 * 1024) {
      this.dropped++;
      return;
    }
    this.out.write(`${this.format(record)}\n`);
  }

  async close(): Promise<void> {
    if (this.out === process.stdout) return;
    await new Promise<void>((resolve) => (this.out as WriteStream).end(resolve));
  }
}
