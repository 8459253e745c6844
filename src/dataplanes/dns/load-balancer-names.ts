/** Every name a `dns` load balancer publishes, with its records. */
import { canonicalName } from '../../dns/domain-name.ts';
import type { NameRecords } from '../../dns/published-records.ts';
import type { LoadBalancerSpec } from '../../model/load-balancer-spec.ts';
import type { AnswerPolicy } from './answer-policy.ts';
import { hostNameRecords, memberHostNames } from './member-host-names.ts';
import { nameRecords } from './name-records.ts';
import { mailExchangeRecords, serviceRecords } from './service-records.ts';

export interface LoadBalancerNames {
  /** The load balancer's own name, canonical: A, AAAA and MX. */
  readonly main: string;
  readonly mainRecords: NameRecords;
  /** SRV owners and member host names, canonical, below the main name. */
  readonly subNames: ReadonlyMap<string, NameRecords>;
}

export function loadBalancerNames(
  spec: LoadBalancerSpec,
  down: ReadonlySet<string>,
  policy: AnswerPolicy,
): LoadBalancerNames {
  const hostNames = memberHostNames(spec);
  const mx = mailExchangeRecords(spec, down, policy, hostNames);
  return {
    main: canonicalName(spec.name),
    mainRecords: { ...nameRecords(spec, down, policy), ...(mx && { MX: mx }) },
    subNames: new Map([...serviceRecords(spec, down, policy, hostNames), ...hostNameRecords(spec, hostNames, policy)]),
  };
}
