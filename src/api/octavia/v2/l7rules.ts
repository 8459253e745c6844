import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { MAX_REGEX_COST, regexCost } from '../../../l7/regex-cost.ts';
import { compiledPattern, ruleRegex } from '../../../l7/rule-regex.ts';
import type { L7RuleType } from '../../../model/constants.ts';
import { l7ruleDefaults } from '../../../model/field-defaults.ts';
import type { StoredObject, StoreReader } from '../../../store/state-store.ts';
import { badRequest, conflict, notFound } from '../../faults.ts';
import type { RequestContext } from '../../request-context.ts';
import { parseWrapped } from '../../validation.ts';
import { listCollection, showObject } from '../collection.ts';
import type { OctaviaApiDeps } from '../deps.ts';
import { lockLoadBalancer, setStatus } from '../lb-state-machine.ts';
import { findVisible } from '../lookup.ts';
import { enforceQuota } from '../quota-check.ts';
import { L7RuleCreate, L7RuleUpdate } from '../schemas/l7rule.ts';
import { now } from '../timestamps.ts';
import { renderOne } from '../views.ts';

const ARGUMENT = 'l7rule_';
/** Octavia's MAX_L7RULES_PER_L7POLICY: a policy holds at most this many rules, whatever the project's quota. */
const MAX_RULES_PER_POLICY = 50;
const KEYED_TYPES = new Set(['HEADER', 'COOKIE', 'SSL_DN_FIELD']);
type PolicyParams = { Params: { policyId: string } };
type RuleParams = { Params: { policyId: string; id: string } };

export function l7ruleRoutes(app: FastifyInstance, deps: OctaviaApiDeps): void {
  const { store } = deps;

  app.get<PolicyParams>('/lbaas/l7policies/:policyId/rules', (request) =>
    store.read(async (reader) => {
      const policy = await findVisible(reader, 'l7policy', request.params.policyId, request.context);
      return listCollection(request, reader, 'l7rule', 'rules', { parent_id: policy.id });
    }),
  );

  app.get<RuleParams>('/lbaas/l7policies/:policyId/rules/:id', (request) =>
    store.read(async (reader) => {
      const rule = await ruleOf(reader, request.params, request.context);
      return { rule: await showObject(request, reader, 'l7rule', rule) };
    }),
  );

  app.post<PolicyParams>('/lbaas/l7policies/:policyId/rules', async (request, reply) => {
    const body = parseWrapped(L7RuleCreate, request.body, 'rule', ARGUMENT);
    const view = await store.transaction(async (tx) => {
      const policy = await findVisible(tx, 'l7policy', request.params.policyId, request.context);
      const rule = newRule(body, policy, policy.project_id as string);
      checkRule(rule);
      // After the rule's own checks and before the quota's, as Octavia checks them.
      if ((await tx.count('l7rule', { parent_id: policy.id })) >= MAX_RULES_PER_POLICY) {
        throw conflict(`Too many rules on L7 policy ${policy.id}`);
      }
      await enforceQuota(tx, rule.project_id as string, 'l7rule', deps.quotaDefaults);
      await lockLoadBalancer(tx, policy.loadbalancer_id as string, [policy.listener_id as string]);
      await tx.insert('l7rule', rule);
      return renderOne(tx, 'l7rule', rule);
    });
    reply.code(201);
    return { rule: view };
  });

  app.put<RuleParams>('/lbaas/l7policies/:policyId/rules/:id', async (request) => {
    const changes = parseWrapped(L7RuleUpdate, request.body, 'rule', ARGUMENT);
    const view = await store.transaction(async (tx) => {
      const current = await ruleOf(tx, request.params, request.context);
      const updated = { ...current, ...changes, provisioning_status: 'PENDING_UPDATE', updated_at: now() };
      checkRule(updated);
      await lockLoadBalancer(tx, current.loadbalancer_id as string, [current.listener_id as string]);
      await tx.update('l7rule', updated);
      return renderOne(tx, 'l7rule', updated);
    });
    return { rule: view };
  });

  app.delete<RuleParams>('/lbaas/l7policies/:policyId/rules/:id', async (request, reply) => {
    await store.transaction(async (tx) => {
      const rule = await ruleOf(tx, request.params, request.context);
      await lockLoadBalancer(tx, rule.loadbalancer_id as string, [rule.listener_id as string]);
      await setStatus(tx, 'l7rule', rule, 'PENDING_DELETE');
    });
    reply.code(204);
  });
}

async function ruleOf(
  reader: StoreReader,
  params: { policyId: string; id: string },
  context: RequestContext,
): Promise<StoredObject> {
  await findVisible(reader, 'l7policy', params.policyId, context);
  const rule = await findVisible(reader, 'l7rule', params.id, context);
  if (rule.l7policy_id !== params.policyId) throw notFound(`L7 Rule ${params.id} not found.`);
  return rule;
}

function newRule(body: Record<string, unknown>, policy: StoredObject, projectId: string): StoredObject {
  const { tenant_id: _tenant, ...fields } = body;
  return {
    ...l7ruleDefaults(),
    id: randomUUID(),
    provisioning_status: 'PENDING_CREATE',
    operating_status: 'OFFLINE',
    created_at: now(),
    updated_at: null,
    ...fields,
    project_id: projectId,
    l7policy_id: policy.id,
    listener_id: policy.listener_id,
    loadbalancer_id: policy.loadbalancer_id,
  };
}

const ruleError = (reason: string) => badRequest(`Error parsing L7Rule: ${reason}`);

/** Octavia's per-type rules for L7 rule values, keys and comparisons. */
function checkRule(rule: StoredObject): void {
  const type = rule.type as string;
  const compare = rule.compare_type as string;
  const value = String(rule.value);
  if (KEYED_TYPES.has(type) && !rule.key) throw ruleError('Invalid L7 Rule: L7 rule type requires a key');
  if (compare === 'REGEX') {
    // Refused unless the data plane can run it in linear time: Octavia's `re` would take more (see linear-regex.ts).
    // Compiled as the data plane compiles it, so that a rule accepted here cannot fail to apply.
    try {
      ruleRegex(type as L7RuleType, value);
    } catch (error) {
      throw ruleError(`Unable to parse regular expression: ${(error as Error).message}`);
    }
    // A tenant's pattern runs in a worker every tenant shares: its work per request is bounded here.
    const cost = regexCost(compiledPattern(type as L7RuleType, value));
    if (cost > MAX_REGEX_COST) {
      throw ruleError(
        `Unable to parse regular expression: it is too costly to run: up to ${cost} steps per character of a ` +
          `request value, at most ${MAX_REGEX_COST} are allowed (anchor it with ^, drop a leading .*, or use fewer ` +
          'repetitions, alternatives and classes)',
      );
    }
  } else if (/[\s"]/.test(value)) {
    throw ruleError('Invalid characters in comparison value');
  }
  if (type === 'FILE_TYPE' && compare !== 'EQUAL_TO' && compare !== 'REGEX') {
    throw ruleError('Invalid L7 Rule: invalid comparison type for rule type');
  }
  if (type === 'SSL_CONN_HAS_CERT') {
    if (compare !== 'EQUAL_TO') throw ruleError('Invalid L7 Rule: invalid comparison type for rule type');
    if (value !== 'True') throw ruleError(`Invalid L7 Rule: L7rule value ${value} is not a boolean True string.`);
  }
  if (type === 'SSL_VERIFY_RESULT') {
    if (compare !== 'EQUAL_TO') throw ruleError('Invalid L7 Rule: invalid comparison type for rule type');
    if (!/^\d+$/.test(value)) throw ruleError(`Invalid L7 Rule: L7rule value ${value} is not an integer.`);
  }
}
