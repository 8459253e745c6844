/** How a `dns` load balancer's answers are shaped: the config's `dns.answers`. */
import type { ConfigFile } from '../../config/schema.ts';

export interface AnswerPolicy {
  /** At most this many addresses per answer ("first N", as Route 53's multivalue answers up to 8). */
  readonly maxRecords: number;
  /** Bounds of the TTL that follows health: the time until the answer could change, clamped to these. */
  readonly minTtl: number;
  readonly maxTtl: number;
  /** What a name answers while every member of an address family is down. */
  readonly allDown: 'answer_all' | 'fallback' | 'servfail';
  /** The addresses `fallback` answers. */
  readonly fallback: readonly string[];
}

export function answerPolicyFromConfig(answers: ConfigFile['dns']['answers']): AnswerPolicy {
  return {
    maxRecords: answers.max_records,
    minTtl: answers.min_ttl,
    maxTtl: answers.max_ttl,
    allDown: answers.all_down,
    fallback: answers.fallback,
  };
}
