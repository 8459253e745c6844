import { execFileSync } from 'node:child_process';

/** Processes other than this one holding a listening TCP socket on `port` (ss -ltnp). */
export function listeningPids(port: number): number[] {
  const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
  const pids = new Set([...out.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])));
  pids.delete(process.pid);
  return [...pids].sort();
}
