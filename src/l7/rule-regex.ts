/**
 * The regular expression a REGEX rule runs in the data plane, compiled the same way for the API's check: what the
 * API accepts is what a worker compiles. HOST_NAME ignores case (HAProxy's `-i`), which the linear-time engine
 * cannot do with a flag, so its pattern is case-folded and tested against the lower-cased host.
 */
import type { L7RuleType } from '../model/constants.ts';
import { caseFoldedPattern } from './case-folded-pattern.ts';
import { linearRegex } from './linear-regex.ts';

/** Throws LinearRegexError when the pattern cannot be compiled for the linear-time engine. */
export function ruleRegex(type: L7RuleType, pattern: string): RegExp {
  return linearRegex(compiledPattern(type, pattern));
}

/** The pattern the engine runs for a rule's value, whose cost the API bounds (regex-cost.ts). */
export function compiledPattern(type: L7RuleType, pattern: string): string {
  return type === 'HOST_NAME' ? caseFoldedPattern(pattern) : pattern;
}
