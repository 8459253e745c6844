/**
 * From a file's text to what must change, and the changes made: what `weir diff`, `weir apply` and `weir serve
 * --watch` share. Every problem that belongs to a place in the file (its checks, a subnet name that names nothing,
 * a change the planner refuses, one the API refuses) comes back as a ConfigError naming file:line:column.
 */
import type { OctaviaClient } from '../client/octavia-client.ts';
import { ConfigError } from '../config/config-error.ts';
import { ApplyFailed, applyPlan } from './apply-plan.ts';
import { type DesiredFile, readDesiredFile } from './desired-file.ts';
import { readLiveState } from './live-state.ts';
import { NameLookups, resolveNames } from './name-lookups.ts';
import { type Change, type Plan, PlanRefused, planChanges } from './plan.ts';

export interface Scope {
  /** The project whose load balancers the file describes; all the caller may list when undefined. */
  readonly project?: string;
  /** Delete the project's load balancers the file does not name. */
  readonly prune: boolean;
}

export interface FilePlan {
  readonly file: DesiredFile;
  readonly plan: Plan;
}

export async function planFile(client: OctaviaClient, text: string, fileName: string, scope: Scope): Promise<FilePlan> {
  const file = readDesiredFile(text, fileName);
  await resolveNames(file, new NameLookups(client));
  const live = await readLiveState(client, scope.project);
  try {
    return { file, plan: planChanges(file.loadbalancers, live, { prune: scope.prune }) };
  } catch (error) {
    if (!(error instanceof PlanRefused)) throw error;
    throw new ConfigError(error.problems.map((problem) => file.locate(problem.path, problem.reason)));
  }
}

export async function applyFilePlan(
  client: OctaviaClient,
  { file, plan }: FilePlan,
  options: { project?: string; timeoutMs: number; onChange?: (change: Change) => void },
): Promise<void> {
  try {
    await applyPlan(client, plan, options);
  } catch (error) {
    if (!(error instanceof ApplyFailed) || error.path === undefined) throw error;
    throw new ConfigError([file.locate(error.path, error.message)]);
  }
}
