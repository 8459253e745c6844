/** `dig` (Debian bind9-dnsutils) against a DNS server on 127.0.0.1, its output split into what tests assert. */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

export const hasDig = (() => {
  try {
    execFileSync('dig', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
/** node:test's `skip` for tests that need dig. */
export const skipWithoutDig = hasDig ? false : 'dig is not installed (Debian bind9-dnsutils)';

export interface DigReply {
  status: string;
  flags: string[];
  transport: string;
  question: string;
  answers: string[];
  authority: string[];
  additional: string[];
  text: string;
}

/** Asks without recursion, one try of 5 s each, and splits dig's output into what the tests assert. */
export async function digAt(port: string | number, ...args: string[]): Promise<DigReply> {
  const { stdout: text } = await promisify(execFile)(
    'dig',
    ['@127.0.0.1', '-p', String(port), '+norec', '+time=5', '+tries=1', '+nocookie', ...args],
    { timeout: 20_000 },
  );
  const section = (name: string) => {
    const match = new RegExp(`;; ${name} SECTION:\\n([\\s\\S]*?)(?:\\n\\n|$)`).exec(text);
    return match ? match[1]!.split('\n').map((line) => line.split(/\s+/).join(' ')) : [];
  };
  return {
    status: /status: (\w+)/.exec(text)?.[1] ?? '',
    flags: (/;; flags: ([a-z ]*);/.exec(text)?.[1] ?? '').trim().split(' '),
    transport: /;; SERVER: .*\((UDP|TCP)\)/.exec(text)?.[1] ?? '',
    question: section('QUESTION')[0] ?? '',
    answers: section('ANSWER'),
    authority: section('AUTHORITY'),
    additional: section('ADDITIONAL'),
    text,
  };
}
