/**
 * One L7 rule compiled into a test of a request, with the fetch and match Octavia's amphora gives it in HAProxy:
 * HOST_NAME `req.hdr(host) -i`, PATH `path`, FILE_TYPE `path_end`, HEADER `req.hdr(key)`, COOKIE `req.cook(key)`,
 * SSL_CONN_HAS_CERT `ssl_c_used`, SSL_VERIFY_RESULT `ssl_c_verify eq`, SSL_DN_FIELD `ssl_c_s_dn(key)`; compare types
 * `-m str`, `beg`, `end`, `sub` and `reg` (a search, not anchored); `invert` negates the whole rule, so an inverted
 * rule on a header the request lacks matches.
 */
import type { L7RuleSpec } from '../model/load-balancer-spec.ts';
import { type RequestFacts, requestPath } from './request-facts.ts';
import { ruleRegex } from './rule-regex.ts';

export type RuleMatcher = (facts: RequestFacts) => boolean;

/**
 * The longest value a REGEX rule tests (HAProxy's default bufsize, 16 KiB); a longer one does not match. HAProxy
 * never evaluates a rule on such a value: a request whose head outgrows its buffer is refused first. Only HTTP/2
 * heads (64 KiB) bring such values here; not matching rather than testing the first 16 KiB, because a prefix would
 * pass patterns meant for the whole value (`^[a-z0-9.]+$`). The linear engine's time grows with value length times
 * pattern size, so this also bounds what one request can cost (see regex-cost.ts).
 */
export const MAX_REGEX_SAMPLE = 16_384;

/** Throws when a REGEX value cannot be compiled for the linear-time engine (the API lets none such through). */
export function ruleMatcher(rule: L7RuleSpec): RuleMatcher {
  let matches: RuleMatcher;
  try {
    matches = fetchAndMatch(rule);
  } catch (error) {
    throw new Error(
      `L7 rule ${rule.id}: regular expression ${JSON.stringify(rule.value)}: ${(error as Error).message}`,
    );
  }
  return rule.invert ? (facts) => !matches(facts) : matches;
}

function fetchAndMatch(rule: L7RuleSpec): RuleMatcher {
  const { value } = rule;
  switch (rule.type) {
    case 'HOST_NAME': {
      // Host names compare without regard to case (HAProxy's -i): the host is lowered, and so is the value (a
      // pattern is case-folded by ruleRegex).
      const test = compare(rule, rule.compareType === 'REGEX' ? value : value.toLowerCase());
      return (facts) => facts.anyField('host', (field) => anyListed(field, (host) => test(host.toLowerCase())));
    }
    case 'PATH': {
      const test = compare(rule, value);
      return (facts) => test(requestPath(facts.target));
    }
    case 'FILE_TYPE': {
      // `path_end`: EQUAL_TO is a suffix of the path; REGEX searches the whole path.
      const test = compare(rule, value, rule.compareType === 'EQUAL_TO' ? 'ENDS_WITH' : rule.compareType);
      return (facts) => test(requestPath(facts.target));
    }
    case 'HEADER': {
      const test = compare(rule, value);
      const name = (rule.key ?? '').toLowerCase();
      return (facts) => facts.anyField(name, (field) => anyListed(field, test));
    }
    case 'COOKIE': {
      const test = compare(rule, value);
      const name = rule.key ?? '';
      return (facts) => facts.anyField('cookie', (field) => anyCookie(field, name, test));
    }
    case 'SSL_CONN_HAS_CERT':
      return (facts) => facts.clientCertificate()?.presented === true;
    case 'SSL_VERIFY_RESULT': {
      const code = Number(value);
      return (facts) => facts.clientCertificate()?.verifyResult === code;
    }
    case 'SSL_DN_FIELD': {
      const test = compare(rule, value);
      const field = rule.key ?? '';
      return (facts) => {
        const found = facts.clientCertificate()?.subjectFields.get(field);
        return found !== undefined && test(found);
      };
    }
  }
}

function compare(rule: L7RuleSpec, value: string, compareType = rule.compareType): (sample: string) => boolean {
  switch (compareType) {
    case 'EQUAL_TO':
      return (sample) => sample === value;
    case 'STARTS_WITH':
      return (sample) => sample.startsWith(value);
    case 'ENDS_WITH':
      return (sample) => sample.endsWith(value);
    case 'CONTAINS':
      return (sample) => sample.includes(value);
    case 'REGEX': {
      const regex = ruleRegex(rule.type, value);
      return (sample) => sample.length <= MAX_REGEX_SAMPLE && regex.test(sample);
    }
  }
}

/** HAProxy's `req.hdr` takes a field's comma-separated elements one by one, without the spaces around them. */
function anyListed(field: string, test: (element: string) => boolean): boolean {
  if (!field.includes(',')) return test(field.trim());
  for (const element of field.split(',')) if (test(element.trim())) return true;
  return false;
}

/** `req.cook(name)`: each cookie of that name in a Cookie field (`a=1; b=2`), its value as sent. */
function anyCookie(field: string, name: string, test: (value: string) => boolean): boolean {
  for (const pair of field.split(';')) {
    const equals = pair.indexOf('=');
    if (equals < 0 || pair.slice(0, equals).trim() !== name) continue;
    if (test(pair.slice(equals + 1).trim())) return true;
  }
  return false;
}
