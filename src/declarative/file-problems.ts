/**
 * What a declarative file must get right beyond its schema, checked before anything is sent: every object
 * identifiable (no two siblings with one identity), every pool a listener or policy names present in its load
 * balancer, and Octavia's rules on combinations (src/model/compatibility.ts) that the API would refuse with 400.
 * Also refused: values the API would silently drop (a redirect target for another action), as a file asking for them
 * could never match the service.
 */
import ipaddr from 'ipaddr.js';
import type { Json } from '../client/octavia-client.ts';
import type { ObjectKind } from '../client/owning-load-balancer.ts';
import { formatKeyPath, type KeyPath, type Problem } from '../config/problem.ts';
import {
  INSERT_HEADERS_FOR_LISTENER,
  MONITOR_TYPES_FOR_POOL,
  POOL_PROTOCOLS_FOR_LISTENER,
} from '../model/compatibility.ts';
import type { ListenerProtocol, PoolProtocol } from '../model/constants.ts';
import { HTTP_MONITOR_TYPES, URL_REDIRECT_ACTIONS } from '../model/field-defaults.ts';
import { unixSocketPath } from '../tenancy/unix-socket-member.ts';
import { identityOf } from './identity.ts';
import { KIND_RULES } from './kind-rules.ts';

const L7_LISTENER_PROTOCOLS = ['HTTP', 'TERMINATED_HTTPS'];
const KEYED_RULE_TYPES = ['HEADER', 'COOKIE', 'SSL_DN_FIELD'];
const HTTP_CHECK_FIELDS = ['http_method', 'url_path', 'expected_codes'];
/** Each policy action's own target field; the others must be absent. */
const ACTION_TARGETS: Record<string, string | undefined> = {
  REDIRECT_TO_POOL: 'redirect_pool',
  REDIRECT_TO_URL: 'redirect_url',
  REDIRECT_PREFIX: 'redirect_prefix',
  REJECT: undefined,
};

/** A file that passed its schema, as plain data. */
export function fileProblems(file: Json): Problem[] {
  const problems: Problem[] = [];
  const loadbalancers = list(file.loadbalancers);
  problems.push(...duplicates('loadbalancer', loadbalancers, ['loadbalancers']));
  loadbalancers.forEach((lb, i) => {
    problems.push(...loadbalancerProblems(lb, ['loadbalancers', i]));
  });
  return problems;
}

function loadbalancerProblems(lb: Json, at: KeyPath): Problem[] {
  const problems: Problem[] = [];
  if (lb.vip_subnet_id == null && lb.vip_network_id == null) {
    problems.push({ path: at, reason: 'one of vip_subnet_id and vip_network_id is required: where the VIP is' });
  }
  const pools = list(lb.pools);
  const poolsByName = new Map(pools.map((pool) => [String(pool.name), pool]));
  problems.push(...duplicates('pool', pools, [...at, 'pools']));
  pools.forEach((pool, i) => {
    problems.push(...poolProblems(pool, [...at, 'pools', i]));
  });
  const listeners = list(lb.listeners);
  problems.push(...duplicates('listener', listeners, [...at, 'listeners']));
  listeners.forEach((listener, i) => {
    problems.push(...listenerProblems(listener, [...at, 'listeners', i], poolsByName));
  });
  return problems;
}

function listenerProblems(listener: Json, at: KeyPath, pools: Map<string, Json>): Problem[] {
  const problems: Problem[] = [];
  const protocol = listener.protocol as ListenerProtocol;
  usablePool(protocol, listener.default_pool, [...at, 'default_pool'], pools, problems);
  for (const header of Object.keys((listener.insert_headers as Json | undefined) ?? {})) {
    if (!INSERT_HEADERS_FOR_LISTENER[protocol].includes(header)) {
      problems.push({
        path: [...at, 'insert_headers', header],
        atKey: true,
        reason: `a ${protocol} listener cannot insert "${header}" (it can: ${listOrNone(INSERT_HEADERS_FOR_LISTENER[protocol])})`,
      });
    }
  }
  const policies = list(listener.l7policies);
  if (policies.length > 0 && !L7_LISTENER_PROTOCOLS.includes(protocol)) {
    problems.push({
      path: [...at, 'l7policies'],
      atKey: true,
      reason: `L7 policies are only for ${L7_LISTENER_PROTOCOLS.join(' and ')} listeners, not ${protocol}`,
    });
  }
  policies.forEach((policy, i) => {
    problems.push(...policyProblems(policy, [...at, 'l7policies', i], pools, protocol));
  });
  return problems;
}

/** The pool named at `path`, which a listener of `protocol` must be able to use, as default or redirect pool. */
function usablePool(
  protocol: ListenerProtocol,
  name: unknown,
  path: KeyPath,
  pools: Map<string, Json>,
  problems: Problem[],
) {
  const poolProtocol = poolNamed(name, path, pools, problems)?.protocol as PoolProtocol | undefined;
  if (poolProtocol && !POOL_PROTOCOLS_FOR_LISTENER[protocol].includes(poolProtocol)) {
    problems.push({
      path,
      reason: `a ${protocol} listener cannot use a ${poolProtocol} pool (it can: ${listOrNone(POOL_PROTOCOLS_FOR_LISTENER[protocol])})`,
    });
  }
}

function policyProblems(policy: Json, at: KeyPath, pools: Map<string, Json>, protocol: ListenerProtocol): Problem[] {
  const problems: Problem[] = [];
  const action = String(policy.action);
  const target = ACTION_TARGETS[action];
  if (target !== undefined && policy[target] == null) {
    problems.push({ path: at, reason: `action ${action} needs ${target}` });
  }
  for (const other of Object.values(ACTION_TARGETS)) {
    if (other !== undefined && other !== target && policy[other] != null) {
      problems.push({ path: [...at, other], atKey: true, reason: `${other} is only for action ${actionOf(other)}` });
    }
  }
  if (policy.redirect_http_code != null && !URL_REDIRECT_ACTIONS.includes(action)) {
    problems.push({
      path: [...at, 'redirect_http_code'],
      atKey: true,
      reason: `redirect_http_code is only for actions ${URL_REDIRECT_ACTIONS.join(' and ')}`,
    });
  }
  if (target === 'redirect_pool') usablePool(protocol, policy.redirect_pool, [...at, 'redirect_pool'], pools, problems);
  const rules = list(policy.rules);
  problems.push(...duplicates('l7rule', rules, [...at, 'rules']));
  rules.forEach((rule, i) => {
    if (KEYED_RULE_TYPES.includes(String(rule.type)) && rule.key == null) {
      problems.push({ path: [...at, 'rules', i], reason: `a ${rule.type} rule needs a key` });
    }
  });
  return problems;
}

function poolProblems(pool: Json, at: KeyPath): Problem[] {
  const problems: Problem[] = [];
  const protocol = pool.protocol as PoolProtocol;
  const persistence = pool.session_persistence as Json | null | undefined;
  if (persistence) {
    const appCookie = persistence.type === 'APP_COOKIE';
    if (appCookie && persistence.cookie_name == null) {
      problems.push({ path: [...at, 'session_persistence'], reason: 'type APP_COOKIE needs a cookie_name' });
    }
    if (!appCookie && persistence.cookie_name != null) {
      problems.push({
        path: [...at, 'session_persistence', 'cookie_name'],
        atKey: true,
        reason: 'cookie_name is only for type APP_COOKIE',
      });
    }
  }
  const members = list(pool.members);
  problems.push(...duplicates('member', members, [...at, 'members']));
  members.forEach((member, i) => {
    const address = String(member.address);
    if (!ipaddr.isValid(address) && unixSocketPath(address) === undefined) {
      problems.push({
        path: [...at, 'members', i, 'address'],
        reason: `"${address}" is neither an IP address nor unix:/path/of/a/socket`,
      });
    }
  });
  const monitor = pool.healthmonitor as Json | undefined;
  if (monitor) {
    const type = String(monitor.type);
    if (!MONITOR_TYPES_FOR_POOL[protocol].includes(type as never)) {
      problems.push({
        path: [...at, 'healthmonitor', 'type'],
        reason: `a ${protocol} pool cannot have a ${type} monitor (it can: ${MONITOR_TYPES_FOR_POOL[protocol].join(', ')})`,
      });
    }
    for (const field of HTTP_CHECK_FIELDS) {
      if (!HTTP_MONITOR_TYPES.includes(type) && monitor[field] != null) {
        problems.push({
          path: [...at, 'healthmonitor', field],
          atKey: true,
          reason: `${field} is only for ${HTTP_MONITOR_TYPES.join(' and ')} monitors`,
        });
      }
    }
  }
  return problems;
}

/** The pool `name` names among the load balancer's, or a problem when there is none of that name. */
function poolNamed(name: unknown, at: KeyPath, pools: Map<string, Json>, problems: Problem[]): Json | undefined {
  if (name == null) return undefined;
  const pool = pools.get(String(name));
  if (!pool) {
    const known = [...pools.keys()].map((key) => `"${key}"`);
    problems.push({
      path: at,
      reason: `no pool named "${name}" in this load balancer's pools (${known.length > 0 ? known.join(', ') : 'it has none'})`,
    });
  }
  return pool;
}

/** Siblings with one identity: the second and later ones, each naming the first. */
function duplicates(kind: ObjectKind, siblings: Json[], at: KeyPath): Problem[] {
  const first = new Map<string, number>();
  const problems: Problem[] = [];
  siblings.forEach((sibling, i) => {
    const { key, segment } = identityOf(kind, sibling, i + 1);
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, i);
      return;
    }
    const title = KIND_RULES[kind].collection.title;
    problems.push({
      path: [...at, i],
      reason: `the same ${IDENTITY_WORDS[kind]} as ${formatKeyPath([...at, earlier])} (${segment}): each ${title} needs its own`,
    });
  });
  return problems;
}

const IDENTITY_WORDS: Partial<Record<ObjectKind, string>> = {
  loadbalancer: 'name',
  pool: 'name',
  listener: 'port and transport',
  member: 'address and protocol_port',
  l7rule: 'type, key, compare_type, value and invert',
};

function actionOf(target: string): string {
  return Object.entries(ACTION_TARGETS).find(([, field]) => field === target)![0];
}

const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const listOrNone = (values: readonly string[]): string => (values.length > 0 ? values.join(', ') : 'none');
