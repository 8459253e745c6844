/**
 * A listener's L7 policies compiled once per configuration into what each request is routed by. Policies are taken
 * in the order the amphora's HAProxy evaluates them: REJECT first (`http-request deny`), then REDIRECT_TO_URL and
 * REDIRECT_PREFIX (`redirect`), then REDIRECT_TO_POOL (`use_backend`), each kind by position; within a policy the
 * rules are ANDed; the first policy whose rules all match decides, and a request no policy matches goes where the
 * listener sends everything else.
 */
import type { L7Action } from '../model/constants.ts';
import type { L7PolicySpec } from '../model/load-balancer-spec.ts';
import { L7Answer } from './l7-answer.ts';
import { pathAndQuery, type RequestFacts } from './request-facts.ts';
import { type RuleMatcher, ruleMatcher } from './rule-matcher.ts';

const EVALUATION_ORDER: Record<L7Action, number> = {
  REJECT: 0,
  REDIRECT_TO_URL: 1,
  REDIRECT_PREFIX: 1,
  REDIRECT_TO_POOL: 2,
};

interface CompiledPolicy<T> {
  rules: readonly RuleMatcher[];
  decide: (facts: RequestFacts) => T | L7Answer;
}

export class L7Router<T> {
  private constructor(
    private readonly policies: readonly CompiledPolicy<T>[],
    private readonly fallback: T,
  ) {}

  /**
   * `poolTarget` says where REDIRECT_TO_POOL sends requests, or null when the pool carries none (gone or disabled):
   * the policy is then left out, as the amphora leaves it out. `fallback`: where unmatched requests go.
   */
  static compile<T>(
    policies: readonly L7PolicySpec[],
    poolTarget: (poolId: string) => T | null,
    fallback: T,
  ): L7Router<T> {
    const ordered = [...policies].sort(
      (a, b) => EVALUATION_ORDER[a.action] - EVALUATION_ORDER[b.action] || a.position - b.position,
    );
    const compiled: CompiledPolicy<T>[] = [];
    for (const policy of ordered) {
      let decide: ((facts: RequestFacts) => T | L7Answer) | null;
      try {
        decide = decision(policy, poolTarget);
      } catch (error) {
        throw new Error(`l7policy ${policy.id}: ${(error as Error).message}`);
      }
      // A policy without rules is no policy (the amphora leaves it out), nor one whose pool carries nothing.
      if (decide !== null && policy.rules.length > 0) compiled.push({ rules: policy.rules.map(ruleMatcher), decide });
    }
    return new L7Router(compiled, fallback);
  }

  route(facts: RequestFacts): T | L7Answer {
    for (const policy of this.policies) if (allMatch(policy.rules, facts)) return policy.decide(facts);
    return this.fallback;
  }
}

function allMatch(rules: readonly RuleMatcher[], facts: RequestFacts): boolean {
  for (const matches of rules) if (!matches(facts)) return false;
  return true;
}

function decision<T>(
  policy: L7PolicySpec,
  poolTarget: (poolId: string) => T | null,
): ((facts: RequestFacts) => T | L7Answer) | null {
  switch (policy.action) {
    case 'REJECT': {
      const answer = L7Answer.reject();
      return () => answer;
    }
    case 'REDIRECT_TO_URL': {
      const answer = L7Answer.redirect(policy.redirectUrl ?? '', policy.redirectHttpCode);
      return () => answer;
    }
    case 'REDIRECT_PREFIX': {
      const redirect = L7Answer.prefixRedirect(policy.redirectPrefix ?? '', policy.redirectHttpCode);
      return (facts) => redirect(pathAndQuery(facts.target));
    }
    case 'REDIRECT_TO_POOL': {
      const target = policy.redirectPoolId === null ? null : poolTarget(policy.redirectPoolId);
      return target === null ? null : () => target;
    }
  }
}
