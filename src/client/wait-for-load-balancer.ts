import { ApiError, ClientError } from './client-errors.ts';
import { COLLECTIONS } from './collections.ts';
import type { Json, OctaviaClient } from './octavia-client.ts';

/** `active`: until the load balancer is ACTIVE again; `deleted`: until it is gone. */
export type WaitGoal = 'active' | 'deleted';

export interface WaitOptions {
  timeoutMs: number;
  /** Called with the provisioning status after every poll, for a progress indicator. */
  onPoll?: (provisioningStatus: string) => void;
}

/** The first poll comes soon (weir applies most changes in milliseconds); later ones back off to this. */
const MAX_POLL_INTERVAL_MS = 1000;

/**
 * Polls a load balancer until it reaches the goal. ERROR fails with the objects the API shows in ERROR and the data
 * plane's reason (weir's `.../reconcile` extension); the timeout fails with the status it was left in.
 */
export async function waitForLoadBalancer(
  client: OctaviaClient,
  id: string,
  goal: WaitGoal,
  options: WaitOptions,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let interval = 50;
  for (;;) {
    let lb: Json;
    try {
      lb = await client.show(COLLECTIONS.loadbalancer, id);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
      if (goal === 'deleted') return;
      throw new ClientError(`load balancer ${id} was deleted while waiting for it to be ACTIVE`);
    }
    const status = String(lb.provisioning_status);
    options.onPoll?.(status);
    if (status === 'ACTIVE' && goal === 'active') return;
    if (status === 'ERROR') throw new ClientError(await errorReport(client, lb));
    const left = deadline - Date.now();
    if (left <= 0) {
      const wanted = goal === 'active' ? 'ACTIVE' : 'deleted';
      throw new ClientError(
        `timed out after ${options.timeoutMs / 1000} s waiting for load balancer ${label(lb)} to be ${wanted}: it is ${status}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(interval, left)));
    interval = Math.min(interval * 2, MAX_POLL_INTERVAL_MS);
  }
}

/** Names the load balancer and every object below it in its status tree that is in ERROR, and why. */
async function errorReport(client: OctaviaClient, lb: Json): Promise<string> {
  const inError: string[] = [];
  const path = `${COLLECTIONS.loadbalancer.path}/${lb.id}`;
  try {
    const tree = await client.request('GET', `${path}/status`);
    const root = (tree?.statuses as Json | undefined)?.loadbalancer as Json | undefined;
    collectErrors(root?.listeners, 'listener', inError);
  } catch {
    // The report is an aid: without the tree the load balancer's own status still says what happened.
  }
  const which = inError.length > 0 ? `; in ERROR: ${inError.join(', ')}` : '';
  return `load balancer ${label(lb)} went to provisioning status ERROR${which}: ${await errorReason(client, path)}`;
}

/** The data plane's reason from weir's reconcile record; another Octavia, or a restarted weir, has none. */
async function errorReason(client: OctaviaClient, path: string): Promise<string> {
  try {
    const record = (await client.request('GET', `${path}/reconcile`))?.reconcile as Json | undefined;
    const errors = (record?.errors as Json[] | undefined) ?? [];
    const reason = errors.find((error) => error.kind !== 'loadbalancer')?.reason ?? errors[0]?.reason ?? record?.reason;
    if (typeof reason === 'string' && reason !== '') return reason;
  } catch {
    // Not weir, or not allowed: the log is the place then.
  }
  return "no reason on record (weir's log says why)";
}

const TREE_CHILDREN: Record<string, string> = {
  listeners: 'listener',
  pools: 'pool',
  members: 'member',
  health_monitor: 'health monitor',
};

function collectErrors(node: unknown, kind: string, found: string[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collectErrors(item, kind, found);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const object = node as Json;
  if (object.provisioning_status === 'ERROR' && !found.includes(`${kind} ${label(object)}`)) {
    found.push(`${kind} ${label(object)}`);
  }
  for (const [key, childKind] of Object.entries(TREE_CHILDREN)) collectErrors(object[key], childKind, found);
}

function label(object: Json): string {
  return object.name ? `${object.name} (${object.id})` : String(object.id);
}
