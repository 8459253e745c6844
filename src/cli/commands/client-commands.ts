import type { Command } from 'commander';
import { ALL_RESOURCES } from '../resources/all-resources.ts';
import { LOADBALANCER } from '../resources/loadbalancer.ts';
import { applyCommand } from './apply-command.ts';
import type { CliIo } from './cli-io.ts';
import { diffCommand } from './diff-command.ts';
import { exportCommand } from './export-command.ts';
import { statusCommand } from './object-commands.ts';
import { resourceGroup } from './resource-group.ts';

/**
 * `weir loadbalancer|listener|pool|member|healthmonitor|l7policy|l7rule ...`, and `weir loadbalancer status`. The
 * child kinds also answer under `weir loadbalancer` (hidden there), so `openstack loadbalancer listener create ...`
 * lines work with `weir` in place of `openstack`. Then the declarative files' `weir export`, `diff` and `apply`.
 */
export function clientCommands(io: CliIo): Command[] {
  const groups = ALL_RESOURCES.map((spec) => resourceGroup(spec, io));
  const loadbalancer = groups[0]!;
  loadbalancer.addCommand(statusCommand(LOADBALANCER, io));
  for (const spec of ALL_RESOURCES.slice(1)) loadbalancer.addCommand(resourceGroup(spec, io), { hidden: true });
  return [...groups, exportCommand(io), diffCommand(io), applyCommand(io)];
}
