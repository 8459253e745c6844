/**
 * Regular expressions that run in time linear in their input, whatever the pattern: L7 rules come from tenants, and a
 * pattern such as `^(a+)+$` would otherwise let one request stall a proxy worker (catastrophic backtracking). They are
 * compiled only by V8's linear-time engine (an automaton, as RE2), which Node 20 has behind a flag: importing this
 * module sets it, and checks that it took, so a process that could not get it fails at once rather than running
 * tenants' patterns on the backtracking engine. The engine refuses what no automaton can run: backreferences,
 * lookahead and lookbehind, and repetition counts too large to unroll; and it takes no `i` or `u` flag.
 */
import { setFlagsFromString } from 'node:v8';

/** The flag that asks V8 for its linear-time engine. */
const LINEAR = 'l';

setFlagsFromString('--enable-experimental-regexp-engine');
assertLinearEngine();

/** Why a pattern cannot be used: it is not a regular expression, or it cannot be run in linear time. */
export class LinearRegexError extends Error {}

/** Compiles `pattern` (JavaScript syntax, no flags) for the linear-time engine; throws LinearRegexError. */
export function linearRegex(pattern: string): RegExp {
  try {
    return new RegExp(pattern, LINEAR);
  } catch (error) {
    throw new LinearRegexError(reason(pattern, (error as Error).message));
  }
}

/** V8 says `Invalid regular expression: /<pattern>/l: <reason>`; the reason is what a tenant needs. */
function reason(pattern: string, message: string): string {
  const prefix = `Invalid regular expression: /${pattern}/l: `;
  const said = message.startsWith(prefix) ? message.slice(prefix.length) : message;
  if (said === 'Cannot be executed in linear time') {
    return 'it cannot be run in linear time (backreferences, lookahead, lookbehind and large repetition counts are not supported)';
  }
  return said;
}

/**
 * The flag is honoured when the `l` flag is accepted and refuses what only backtracking can run; V8 ignoring the
 * flag would otherwise leave patterns on the backtracking engine unnoticed.
 */
function assertLinearEngine(): void {
  const refusal = (pattern: string): string | null => {
    try {
      new RegExp(pattern, LINEAR);
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  };
  const refused = refusal('^(a+)+$');
  if (refused !== null) throw new Error(`V8's linear-time regular expression engine is not available: ${refused}`);
  if (refusal('(a)\\1') === null)
    throw new Error("V8's linear-time regular expression engine accepted a backreference");
}
