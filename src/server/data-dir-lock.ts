import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from './startup-error.ts';

/**
 * One weir per data directory: two would overwrite each other's kernel table and its saved services. The lock is a
 * file naming the holder's pid and start time; a holder that is gone (a crash, SIGKILL) leaves a stale file, which
 * the next start replaces. The start time tells a live holder from an unrelated process that got the same pid since.
 */
export class DataDirLock {
  private constructor(private readonly path: string) {}

  static acquire(dataDir: string): DataDirLock {
    mkdirSync(dataDir, { recursive: true });
    const path = join(dataDir, 'weir.lock');
    const me = holderOf(process.pid);
    for (let attempt = 0; attempt < 2; attempt++) {
      // Written aside and linked into place, so the lock never exists without its holder in it.
      const draft = `${path}.${process.pid}`;
      writeFileSync(draft, me, { mode: 0o644 });
      try {
        linkSync(draft, path);
        return new DataDirLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      } finally {
        unlinkSync(draft);
      }
      const holder = readHolder(path);
      if (holder !== undefined && holderOf(holder.pid) === holder.line) {
        throw new StartupError(
          `${dataDir} is in use by another weir (pid ${holder.pid}); give each weir its own server.data_dir`,
        );
      }
      unlinkSync(path);
    }
    throw new StartupError(`${path}: another weir started at the same time; try again`);
  }

  release(): void {
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone: nothing to release.
    }
  }
}

/** "pid start-time" of a process, or an empty string when it does not exist. */
function holderOf(pid: number): string {
  try {
    // Field 22 of /proc/<pid>/stat, counted after the command name, which may itself contain spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const startTime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return `${pid} ${startTime}\n`;
  } catch {
    return '';
  }
}

function readHolder(path: string): { pid: number; line: string } | undefined {
  try {
    const line = readFileSync(path, 'utf8');
    const pid = Number.parseInt(line, 10);
    return Number.isInteger(pid) && pid > 0 ? { pid, line } : undefined;
  } catch {
    return undefined;
  }
}
