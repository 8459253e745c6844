import type { ResourceSpec } from '../commands/resource-spec.ts';
import { HEALTHMONITOR } from './healthmonitor.ts';
import { L7POLICY } from './l7policy.ts';
import { L7RULE } from './l7rule.ts';
import { LISTENER } from './listener.ts';
import { LOADBALANCER } from './loadbalancer.ts';
import { MEMBER } from './member.ts';
import { POOL } from './pool.ts';

/** Every kind of object the client commands manage, the load balancer first. */
export const ALL_RESOURCES: readonly ResourceSpec[] = [
  LOADBALANCER,
  LISTENER,
  POOL,
  MEMBER,
  HEALTHMONITOR,
  L7POLICY,
  L7RULE,
];
