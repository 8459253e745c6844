import { closeSync, fsyncSync, openSync, renameSync, writeFileSync } from 'node:fs';

/**
 * Replaces `file` with `text` so that a crash leaves the old or the new content, never a torn one: written beside
 * it, synced, then renamed over it. A failure is reported, not thrown: what it records is in the kernel either way.
 */
export function writeFileDurably(file: string, text: string): void {
  const partial = `${file}.partial`;
  try {
    const fd = openSync(partial, 'w', 0o600);
    try {
      writeFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(partial, file);
  } catch (error) {
    console.error(`weir: ${file}: ${(error as Error).message}`);
  }
}
