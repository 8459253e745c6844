import { AsyncResource } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { DataPlaneDriver } from '../dataplanes/driver.ts';
import type { DriverRegistry } from '../dataplanes/registry.ts';
import type { HealthChange, HealthChecker } from '../health/health-checker.ts';
import type { SecretVault } from '../key-manager/secret-vault.ts';
import { KeyMaterialUnavailable, readSpecKeyMaterial, type SpecKeyMaterial } from '../key-manager/spec-key-material.ts';
import type { LoadBalancerSpec } from '../model/load-balancer-spec.ts';
import { loadTree, type StoredTree, TREE_KINDS } from '../store/load-balancer-tree.ts';
import type { CommitEvent, ObjectKind, StateStore, StoredObject, StoreWriter } from '../store/state-store.ts';
import { AppliedRevision } from './applied-revision.ts';
import { buildSpec, type SpecSettings } from './build-spec.ts';
import { HealthTransitions } from './health-transitions.ts';
import { memberChecks } from './member-checks.ts';
import { operatingStatuses } from './operating-status.ts';
import { NO_DRIVER, type ReconcileObserver, type ReconcileResult } from './reconcile-observer.ts';
import { ReconcileReports, type SettledObject } from './reconcile-reports.ts';
import { settledStatuses } from './settled-statuses.ts';

export interface ReconcilerLog {
  info(message: string): void;
  error(message: string): void;
}

/** How one run ended: its result, why it failed, and the pending objects it moved on. */
type RunOutcome = { result: ReconcileResult; reason: string | null; settled: SettledObject[] };

const outcome = (result: ReconcileResult, reason: string | null = null, settled: SettledObject[] = []): RunOutcome => ({
  result,
  reason,
  settled,
});

export interface ReconcilerOptions {
  /** How often every load balancer is reconciled again, whatever changed. */
  resyncMs?: number;
  /** Told of every run and of the desired and applied revisions, for metrics. */
  observer?: ReconcileObserver;
  /** Where listeners' and pools' key manager references are read from; without, a tree naming one fails. */
  vault?: SecretVault;
}

/**
 * Applies each load balancer's desired state to its provider's driver and moves provisioning statuses on: PENDING_*
 * to ACTIVE when the driver took the spec, to ERROR when it failed; PENDING_DELETE objects leave the store once the
 * data plane no longer carries them. Level-triggered: every commit and a periodic resync enqueue load balancers; one
 * run per load balancer at a time, a change during a run queues one more.
 */
export class Reconciler {
  private readonly running = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();
  private readonly applied = new Map<string, string>();
  /**
   * Per load balancer, the health verdicts its data plane has taken. Statuses are written from these, never from the
   * checker's newer results, so a status the API shows is already true of the traffic, whichever run writes it.
   */
  private readonly verdicts = new Map<string, Map<string, 'UP' | 'DOWN'>>();
  private readonly revisions = new AppliedRevision();
  /** The members' recent health transitions, per load balancer, for the API's runtime view. */
  readonly healthTransitions = new HealthTransitions();
  /** How each load balancer's last run ended and why its objects went to ERROR, for the API's runtime view. */
  readonly reports = new ReconcileReports();
  private readonly abort = new AbortController();
  private readonly resyncMs: number;
  private readonly observer: ReconcileObserver | undefined;
  private readonly vault: SecretVault | undefined;
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: StateStore,
    private readonly drivers: DriverRegistry,
    private readonly specSettings: SpecSettings,
    private readonly log: ReconcilerLog,
    private readonly health: HealthChecker,
    options: ReconcilerOptions = {},
  ) {
    this.resyncMs = options.resyncMs ?? 30_000;
    this.observer = options.observer;
    this.vault = options.vault;
    health.on('change', (change) => void this.onHealthChange(change));
  }

  /**
   * A member went up or down: its data plane learns at once, its statuses on the next run, queued once the data plane
   * follows, so that a status the API shows is already true of the traffic.
   */
  private async onHealthChange(change: HealthChange): Promise<void> {
    const { memberId, from, status: to, reason, at } = change;
    this.healthTransitions.record(change.groupId, { at, memberId, from, to, reason });
    const lb = await this.store.read((reader) => reader.get('loadbalancer', change.groupId));
    const driver = this.drivers.find(String(lb?.provider));
    await driver?.setMemberHealth(change.groupId, change.memberId, change.status === 'UP');
    const verdicts = this.verdicts.get(change.groupId) ?? new Map<string, 'UP' | 'DOWN'>();
    this.verdicts.set(change.groupId, verdicts.set(change.memberId, change.status));
    this.log.info(`member ${change.memberId} is ${change.status}: ${change.reason}`);
    await this.enqueue(change.groupId);
  }

  async start(): Promise<void> {
    // Bound to this context: runs a commit starts must not inherit the committing request's (its audit scope).
    this.unsubscribe = this.store.onCommit(AsyncResource.bind((event: CommitEvent) => this.onCommit(event)));
    // Nothing is applied yet: whatever each load balancer holds may date from any revision.
    const revision = await this.store.revision();
    const ids = await this.loadbalancerIds();
    this.revisions.committed(revision, ids, 1);
    this.reportRevisions();
    await Promise.all(ids.map((id) => this.enqueue(id)));
    this.timer = setInterval(() => void this.resync(), this.resyncMs);
    this.timer.unref();
  }

  private onCommit(event: CommitEvent): void {
    this.revisions.committed(event.revision, event.loadbalancerIds);
    this.reportRevisions();
    for (const id of event.loadbalancerIds) this.enqueue(id);
  }

  private reportRevisions(): void {
    this.observer?.revisions(this.revisions.desired, this.revisions.applied);
  }

  /** Reconciles every load balancer in the store; resolves when all have been applied once. */
  async resync(): Promise<void> {
    await Promise.all((await this.loadbalancerIds()).map((id) => this.enqueue(id)));
  }

  private async loadbalancerIds(): Promise<string[]> {
    const lbs = await this.store.read((reader) => reader.list('loadbalancer'));
    return lbs.map((lb) => lb.id);
  }

  enqueue(loadbalancerId: string): Promise<void> {
    const current = this.running.get(loadbalancerId);
    if (current) {
      this.dirty.add(loadbalancerId);
      return current;
    }
    const run = (async () => {
      do {
        this.dirty.delete(loadbalancerId);
        await this.run(loadbalancerId);
      } while (this.dirty.has(loadbalancerId) && !this.abort.signal.aborted);
      this.running.delete(loadbalancerId);
    })();
    this.running.set(loadbalancerId, run);
    return run;
  }

  /** Resolves once no load balancer is being reconciled: for tests and orderly shutdown. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    clearInterval(this.timer);
    this.abort.abort();
    await this.idle();
    this.health.close();
  }

  /**
   * One reconciliation, timed and reported. The revision is read before the tree, so the tree holds every change up
   * to it: a run that succeeds has applied the load balancer as of that revision at least.
   */
  private async run(loadbalancerId: string): Promise<void> {
    if (this.abort.signal.aborted) return;
    const startedAt = performance.now();
    let driverName = NO_DRIVER;
    let ended: RunOutcome;
    try {
      const revision = await this.store.revision();
      const tree = await this.store.read((reader) => loadTree(reader, loadbalancerId));
      const driver = tree && this.drivers.find(String(tree.loadbalancer.provider));
      driverName = driver?.name ?? NO_DRIVER;
      ended = await this.reconcile(loadbalancerId, tree, driver);
      if (ended.result !== 'failed') this.revisions.reconciled(loadbalancerId, revision);
    } catch (error) {
      this.log.error(`reconciling load balancer ${loadbalancerId} failed: ${String(error)}`);
      ended = outcome('failed', messageOf(error));
    }
    if (ended.result !== 'removed') this.reports.ran(loadbalancerId, { at: Date.now(), ...ended });
    this.observer?.reconciled(driverName, ended.result, (performance.now() - startedAt) / 1000);
    this.reportRevisions();
  }

  private async reconcile(
    loadbalancerId: string,
    tree: StoredTree | undefined,
    driver: DataPlaneDriver | undefined,
  ): Promise<RunOutcome> {
    if (!tree) {
      await this.forget(loadbalancerId, this.drivers.drivers);
      return outcome('removed');
    }
    if (!driver) {
      // Deletes still go through: a provider this node does not run (not enabled here, say) has nothing to undo.
      const reason = `load balancer ${loadbalancerId} names provider ${tree.loadbalancer.provider}, which this node does not run`;
      this.log.error(reason);
      if (tree.loadbalancer.provisioning_status === 'PENDING_DELETE') {
        await this.forget(loadbalancerId, []);
        await this.store.transaction((tx) => deleteTree(tx, tree));
        return outcome('removed');
      }
      return outcome('failed', reason, await this.settle(tree, false, true));
    }
    if (tree.loadbalancer.provisioning_status === 'PENDING_DELETE') {
      await this.forget(loadbalancerId, [driver]);
      await this.store.transaction((tx) => deleteTree(tx, tree));
      this.log.info(`load balancer ${loadbalancerId} deleted`);
      return outcome('removed');
    }
    let keys: SpecKeyMaterial;
    try {
      keys = await this.store.read((reader) => readSpecKeyMaterial(reader, tree, this.vault));
    } catch (error) {
      // The API refuses references it cannot read, and a secret in use cannot be deleted: this is a key that no
      // longer opens them, or a store changed behind weir's back. What the data plane holds keeps serving.
      if (!(error instanceof KeyMaterialUnavailable)) throw error;
      this.log.error(`load balancer ${loadbalancerId}: ${error.message}`);
      return outcome('failed', error.message, await this.settle(tree, false));
    }
    const spec = buildSpec(tree, this.specSettings, keys);
    const { result, reason } = await this.apply(driver, spec, tree);
    const ok = result !== 'failed';
    const settled = await this.settle(tree, ok);
    if (ok && driver.capabilities.healthChecks === 'weir') await this.reportHealth(spec, driver);
    return outcome(result, reason, settled);
  }

  /** Takes a load balancer off its data planes and out of health checking. */
  private async forget(loadbalancerId: string, drivers: readonly DataPlaneDriver[]): Promise<void> {
    this.health.removeGroup(loadbalancerId);
    this.verdicts.delete(loadbalancerId);
    this.healthTransitions.forget(loadbalancerId);
    this.reports.forget(loadbalancerId);
    await Promise.all(drivers.map((driver) => driver.remove(loadbalancerId, this.abort.signal)));
    this.applied.delete(loadbalancerId);
  }

  /** Keeps the checker probing what the spec holds and writes the operating statuses its results give. */
  private async reportHealth(spec: LoadBalancerSpec, driver: DataPlaneDriver): Promise<void> {
    const checks = memberChecks(spec);
    this.health.setChecks(spec.id, checks);
    await this.forgetUnchecked(spec.id, driver, new Set(checks.map((check) => check.memberId)));
    await this.store.transaction(async (tx) => {
      const now = await loadTree(tx, spec.id);
      if (!now) return;
      const verdicts = this.verdicts.get(spec.id);
      const statuses = operatingStatuses(now, (id) => verdicts?.get(id));
      const write = async (kind: ObjectKind, object: StoredObject) => {
        const status = statuses.get(object.id);
        if (status) await writeIfChanged(tx, kind, object, { operating_status: status });
      };
      for (const [kind, field] of TREE_KINDS) for (const object of now[field]) await write(kind, object);
      await write('loadbalancer', now.loadbalancer);
    });
  }

  /**
   * Verdicts on members no check probes any more (their monitor deleted or disabled, or they left it) say nothing
   * now: the data plane takes such members as up again, as members without a monitor are. A verdict that arrived
   * after its check was removed is undone here too, on the run its arrival queued.
   */
  private async forgetUnchecked(loadbalancerId: string, driver: DataPlaneDriver, checked: ReadonlySet<string>) {
    const verdicts = this.verdicts.get(loadbalancerId);
    for (const [memberId, verdict] of verdicts ?? []) {
      if (checked.has(memberId)) continue;
      verdicts!.delete(memberId);
      if (verdict === 'DOWN') await driver.setMemberHealth(loadbalancerId, memberId, true);
    }
  }

  private async apply(driver: DataPlaneDriver, spec: LoadBalancerSpec, tree: StoredTree): Promise<RunOutcome> {
    // A digest, not the text: the spec carries private keys, which need no second copy kept for the process's life.
    const fingerprint = createHash('sha256').update(JSON.stringify(spec)).digest('base64');
    const pending = String(tree.loadbalancer.provisioning_status).startsWith('PENDING_');
    if (!pending && this.applied.get(spec.id) === fingerprint) return outcome('unchanged');
    try {
      await driver.apply(spec, this.abort.signal);
      this.applied.set(spec.id, fingerprint);
      return outcome('applied');
    } catch (error) {
      this.applied.delete(spec.id);
      this.log.error(`provider ${driver.name} failed to apply load balancer ${spec.id}: ${String(error)}`);
      return outcome('failed', `provider ${driver.name}: ${messageOf(error)}`);
    }
  }

  /**
   * Moves the objects that were pending when the spec was built to their settled status; objects pending deletion
   * leave the store when the data plane took the change (`dropDeleted`, by default `ok`). An object changed since
   * (a new API write) is left pending for the next run, which the commit of that write has already queued. Returns
   * the objects it moved on.
   */
  private async settle(snapshot: StoredTree, ok: boolean, dropDeleted = ok): Promise<SettledObject[]> {
    return this.store.transaction(async (tx) => {
      const settled: SettledObject[] = [];
      const move = async (kind: ObjectKind, object: StoredObject) => {
        const changes = settledStatuses(kind, object, ok);
        await writeIfChanged(tx, kind, object, changes);
        const status = changes.provisioning_status;
        if (status === 'ACTIVE' || status === 'ERROR') settled.push({ kind, id: object.id, status });
      };
      const now = await loadTree(tx, snapshot.loadbalancer.id);
      if (!now) return settled;
      const before = new Map<string, StoredObject>();
      for (const [, field] of TREE_KINDS) for (const o of snapshot[field]) before.set(o.id, o);
      before.set(snapshot.loadbalancer.id, snapshot.loadbalancer);
      const unchanged = (o: StoredObject) => {
        const seen = before.get(o.id);
        return (
          seen !== undefined && seen.updated_at === o.updated_at && seen.provisioning_status === o.provisioning_status
        );
      };
      for (const [kind, field] of TREE_KINDS) {
        for (const object of now[field]) {
          if (!unchanged(object)) continue;
          if (object.provisioning_status === 'PENDING_DELETE') {
            if (dropDeleted) {
              await tx.delete(kind, object.id);
              settled.push({ kind, id: object.id, status: 'DELETED' });
            }
            continue;
          }
          await move(kind, object);
        }
      }
      if (unchanged(now.loadbalancer)) await move('loadbalancer', now.loadbalancer);
      return settled;
    });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function writeIfChanged(
  tx: StoreWriter,
  kind: ObjectKind,
  object: StoredObject,
  changes: Partial<StoredObject>,
): Promise<void> {
  const differs = Object.entries(changes).some(([key, value]) => object[key] !== value);
  if (differs) await tx.update(kind, { ...object, ...changes, updated_at: changes.updated_at ?? object.updated_at });
}

async function deleteTree(tx: StoreWriter, tree: StoredTree): Promise<void> {
  for (const [kind, field] of TREE_KINDS) for (const object of tree[field]) await tx.delete(kind, object.id);
  await tx.delete('loadbalancer', tree.loadbalancer.id);
}
