import { execFileSync } from 'node:child_process';

/** Whether a command is installed, for tests that drive it to skip with a reason when it is not. */
export function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}
