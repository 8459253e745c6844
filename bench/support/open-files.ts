import { readFileSync } from 'node:fs';

/** `command` run by sh with its open-file limit raised to the hard limit first. */
export function withOpenFiles(command: readonly string[]): string[] {
  return ['sh', '-c', 'ulimit -n "$(ulimit -Hn)" && exec "$0" "$@"', ...command];
}

/** This process's hard limit of open files, which its children can raise theirs to. */
export function openFilesHardLimit(): number {
  const match = /^Max open files\s+\S+\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  return match ? Number(match[1]) : Number.POSITIVE_INFINITY;
}
