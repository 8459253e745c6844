import { insertHeaderOn } from '../../protocols/http/forwarding-headers.ts';
import type { ClientAddressQuestion } from '../driver.ts';
import { KERNEL_CLIENT_ADDRESS } from '../nftables/nat-load-balancers.ts';

const NOT_DELIVERED = "not delivered: members see weir's address";

/**
 * How the proxy hands members the client's address for a listener as configured, so a tenant can check in the
 * status tree that an audit trail behind it will see clients, not the load balancer.
 */
export function proxyClientAddress(question: ClientAddressQuestion, udpInKernel: boolean): string {
  const { protocol, insertHeaders, poolProtocol } = question;
  if (protocol === 'UDP') {
    if (udpInKernel && question.connectionLimit === null && !question.poolPersistence) return KERNEL_CLIENT_ADDRESS;
    return `${NOT_DELIVERED} (UDP is relayed in user space)`;
  }
  const ways: string[] = [];
  const http = protocol === 'HTTP' || protocol === 'TERMINATED_HTTPS';
  if (http) {
    if (insertHeaderOn(insertHeaders, 'Forwarded')) ways.push('Forwarded header');
    if (insertHeaderOn(insertHeaders, 'X-Forwarded-For')) ways.push('X-Forwarded-For header');
  }
  if (poolProtocol === 'PROXY') ways.push('PROXY protocol v1 header');
  if (poolProtocol === 'PROXYV2') ways.push('PROXY protocol v2 header');
  if (ways.length > 0) return ways.join(', ');
  const remedy = http
    ? 'insert_headers X-Forwarded-For or Forwarded, or a PROXY or PROXYV2 pool'
    : 'a PROXY or PROXYV2 pool';
  return `${NOT_DELIVERED} (for the client's, use ${remedy})`;
}
