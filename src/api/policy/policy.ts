import type { Identity } from '../request-context.ts';
import { type Check, CheckStringError, evaluate, parseCheckString, referencedRules } from './check-string.ts';
import { ACTION_PREFIX, OCTAVIA_DEFAULT_RULES } from './octavia-default-rules.ts';

/** One problem with an operator's override, keyed by the rule it names. */
export interface PolicyProblem {
  rule: string;
  reason: string;
}

/**
 * Octavia's policy with an operator's overrides applied. Actions are named without the `os_load-balancer_api:`
 * prefix (`loadbalancer:get_one`); a name the policy does not define is refused, so a route nobody mapped fails
 * closed.
 */
export class Policy {
  private readonly rules: ReadonlyMap<string, Check>;

  private constructor(rules: Map<string, Check>) {
    this.rules = rules;
  }

  /** Throws PolicyOverrideError listing every override that does not parse or refers to an unknown rule. */
  static withOverrides(overrides: Readonly<Record<string, string>> = {}): Policy {
    const problems = overrideProblems(overrides);
    if (problems.length > 0) throw new PolicyOverrideError(problems);
    const rules = new Map<string, Check>();
    for (const [name, text] of Object.entries({ ...OCTAVIA_DEFAULT_RULES, ...overrides })) {
      rules.set(name, parseCheckString(text));
    }
    return new Policy(rules);
  }

  /** Octavia computes `is_admin` once per request from this rule; it then counts in `is_admin:True` checks. */
  isAdmin(identity: Omit<Identity, 'isAdmin'>): boolean {
    return this.check('context_is_admin', { ...identity, isAdmin: false }, identity.projectId);
  }

  allows(action: string, identity: Identity, projectId: string | null): boolean {
    return this.check(ACTION_PREFIX + action, identity, projectId);
  }

  private check(name: string, identity: Identity, projectId: string | null): boolean {
    const rule = this.rules.get(name);
    if (!rule) return false;
    const credentials = {
      roles: identity.roles,
      project_id: identity.projectId,
      user_id: identity.userId,
      system_scope: identity.systemScope,
      is_admin: identity.isAdmin,
    };
    return evaluate(rule, credentials, { project_id: projectId }, (n) => this.rules.get(n));
  }
}

export class PolicyOverrideError extends Error {
  constructor(readonly problems: readonly PolicyProblem[]) {
    super(problems.map((p) => `${p.rule}: ${p.reason}`).join('\n'));
  }
}

/** What is wrong with an operator's overrides: check strings that do not parse, references to unknown rules. */
export function overrideProblems(overrides: Readonly<Record<string, string>>): PolicyProblem[] {
  const known = new Set([...Object.keys(OCTAVIA_DEFAULT_RULES), ...Object.keys(overrides)]);
  const problems: PolicyProblem[] = [];
  for (const [rule, text] of Object.entries(overrides)) {
    try {
      const unknown = referencedRules(parseCheckString(text)).filter((name) => !known.has(name));
      for (const name of unknown) problems.push({ rule, reason: `refers to rule "${name}", which does not exist` });
    } catch (error) {
      if (!(error instanceof CheckStringError)) throw error;
      problems.push({ rule, reason: error.message });
    }
  }
  return problems;
}
