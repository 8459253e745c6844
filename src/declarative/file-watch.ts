import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

export interface FileWatch {
  close(): void;
}

/**
 * Calls `onChange` once a file has changed and then been left alone for `quietMs` (an editor's save is often several
 * writes). The directory is watched, not the file: editors save by writing a new file and renaming it over the old
 * one, which a watch on the old file's inode would never see; a file deleted and created again is seen the same way.
 */
export function watchFile(path: string, quietMs: number, onChange: () => void): FileWatch {
  const file = basename(path);
  let timer: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(dirname(resolve(path)), { persistent: false }, (_event, name) => {
    // Some platforms do not say which file; then any change in the directory may be this one.
    if (name !== null && name !== file) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, quietMs);
  });
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
