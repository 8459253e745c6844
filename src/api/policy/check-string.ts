/**
 * oslo.policy's check-string language, which Octavia's policy file and so operators' overrides are written in:
 * `@`, `!`, `rule:NAME`, `role:NAME`, `KEY:VALUE` (VALUE may be `%(target_key)s`), `not`, `and`, `or` and
 * parentheses, `not` binding tightest and `or` loosest. An empty string allows everyone, as in oslo.policy.
 */

export type Check =
  | { kind: 'always' }
  | { kind: 'never' }
  | { kind: 'rule'; name: string }
  | { kind: 'role'; name: string }
  | { kind: 'generic'; key: string; value: string }
  | { kind: 'not'; check: Check }
  | { kind: 'and'; checks: Check[] }
  | { kind: 'or'; checks: Check[] };

/** What the caller brings: oslo.context's policy values. */
export interface Credentials {
  readonly roles: readonly string[];
  readonly [key: string]: unknown;
}

/** What is being acted on: Octavia passes the owning project. */
export type Target = Readonly<Record<string, string | null>>;

export class CheckStringError extends Error {}

export function parseCheckString(text: string): Check {
  const tokens = tokenize(text);
  if (tokens.length === 0) return { kind: 'always' };
  let position = 0;
  const peek = (): string | undefined => tokens[position];

  // `or` of `and`s of `not`s: each level collects operands joined by its operator.
  const parseJoined = (operator: 'and' | 'or', operand: () => Check): Check => {
    const checks = [operand()];
    while (peek() === operator) {
      position++;
      checks.push(operand());
    }
    return checks.length === 1 ? checks[0]! : { kind: operator, checks };
  };
  const parseOr = (): Check => parseJoined('or', parseAnd);
  const parseAnd = (): Check => parseJoined('and', parseNot);
  const parseNot = (): Check => {
    if (peek() === 'not') {
      position++;
      return { kind: 'not', check: parseNot() };
    }
    return parseAtom();
  };
  const parseAtom = (): Check => {
    const token = tokens[position++];
    if (token === undefined) throw new CheckStringError(`"${text}": ends where a check was expected`);
    if (token === '(') {
      const inner = parseOr();
      if (tokens[position++] !== ')') throw new CheckStringError(`"${text}": a "(" is not closed`);
      return inner;
    }
    if (token === ')' || token === 'and' || token === 'or') {
      throw new CheckStringError(`"${text}": unexpected "${token}"`);
    }
    return parseLeaf(token, text);
  };

  const check = parseOr();
  if (position < tokens.length) throw new CheckStringError(`"${text}": unexpected "${tokens[position]}"`);
  return check;
}

/** Words split on whitespace, with parentheses peeled off their ends only, so `%(project_id)s` stays whole. */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const word of text.split(/\s+/)) {
    const open = /^\(*/.exec(word)![0].length;
    const close = /\)*$/.exec(word.slice(open))![0].length;
    const core = word.slice(open, word.length - close);
    for (let i = 0; i < open; i++) tokens.push('(');
    if (core !== '') tokens.push(/^(and|or|not)$/i.test(core) ? core.toLowerCase() : core);
    for (let i = 0; i < close; i++) tokens.push(')');
  }
  return tokens;
}

function parseLeaf(token: string, text: string): Check {
  if (token === '@') return { kind: 'always' };
  if (token === '!') return { kind: 'never' };
  const colon = token.indexOf(':');
  if (colon <= 0 || colon === token.length - 1) {
    throw new CheckStringError(`"${text}": "${token}" is not a check (expected KIND:VALUE, @ or !)`);
  }
  const key = token.slice(0, colon);
  const value = token.slice(colon + 1);
  if (key === 'rule') return { kind: 'rule', name: value };
  if (key === 'role') return { kind: 'role', name: value.toLowerCase() };
  if (key === 'http' || key === 'https') {
    throw new CheckStringError(`"${text}": remote ${key} checks are not supported`);
  }
  return { kind: 'generic', key, value };
}

/** Names of the rules a check refers to, to find references to rules that do not exist. */
export function referencedRules(check: Check): string[] {
  switch (check.kind) {
    case 'rule':
      return [check.name];
    case 'not':
      return referencedRules(check.check);
    case 'and':
    case 'or':
      return check.checks.flatMap(referencedRules);
    default:
      return [];
  }
}

export function evaluate(
  check: Check,
  credentials: Credentials,
  target: Target,
  rule: (name: string) => Check | undefined,
  depth = 0,
): boolean {
  // Rules may refer to each other; a cycle an operator wrote must not hang a request.
  if (depth > 32) return false;
  switch (check.kind) {
    case 'always':
      return true;
    case 'never':
      return false;
    case 'rule': {
      const referenced = rule(check.name);
      return referenced !== undefined && evaluate(referenced, credentials, target, rule, depth + 1);
    }
    case 'role':
      return credentials.roles.includes(check.name);
    case 'generic':
      return genericMatches(check.key, check.value, credentials, target);
    case 'not':
      return !evaluate(check.check, credentials, target, rule, depth + 1);
    case 'and':
      return check.checks.every((c) => evaluate(c, credentials, target, rule, depth + 1));
    case 'or':
      return check.checks.some((c) => evaluate(c, credentials, target, rule, depth + 1));
  }
}

/**
 * `KEY:VALUE`: VALUE, with `%(name)s` filled from the target, must equal the credential KEY (a dotted path), or,
 * when KEY is itself a literal such as `True` or `'x'`, equal that literal. A target key that is missing fails.
 */
function genericMatches(key: string, value: string, credentials: Credentials, target: Target): boolean {
  let missing = false;
  const expected = value.replace(/%\((\w+)\)s/g, (_, name: string) => {
    const filled = target[name];
    if (filled === undefined || filled === null) missing = true;
    return String(filled);
  });
  if (missing) return false;
  const literal = literalValue(key);
  if (literal !== undefined) return literal === expected;
  let found: unknown = credentials;
  for (const segment of key.split('.')) {
    if (found === null || typeof found !== 'object') return false;
    found = (found as Record<string, unknown>)[segment];
  }
  if (Array.isArray(found)) return found.some((item) => pythonString(item) === expected);
  return found !== undefined && pythonString(found) === expected;
}

function literalValue(key: string): string | undefined {
  if (key === 'True' || key === 'False' || key === 'None') return key;
  if (/^-?\d+(\.\d+)?$/.test(key)) return key;
  const quoted = /^'(.*)'$|^"(.*)"$/.exec(key);
  return quoted ? (quoted[1] ?? quoted[2]) : undefined;
}

/** Credentials are compared as Python's str() would render them: `True`, not `true`. */
function pythonString(value: unknown): string {
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null) return 'None';
  return String(value);
}
