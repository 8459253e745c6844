/** Options most kinds of object share, worded once. */
import { OPERATING_STATUSES, PROVISIONING_STATUSES } from '../../model/constants.ts';
import type { FieldOption, SwitchOption, ValueOption } from '../commands/field-options.ts';
import type { UnsetFlag } from '../commands/resource-spec.ts';

export const nameOption = (title: string): ValueOption => ({
  flag: '--name <name>',
  field: 'name',
  help: `name of the ${title}`,
});

export const descriptionOption = (title: string): ValueOption => ({
  flag: '--description <description>',
  field: 'description',
  help: `description of the ${title}`,
});

export const enableSwitch = (title: string): SwitchOption => ({
  on: '--enable',
  off: '--disable',
  field: 'admin_state_up',
  help: [`enable the ${title} (admin_state_up true; the default on create)`, `disable the ${title}`],
});

export const unsetFlag = (flag: string, field: string, help: string): UnsetFlag => ({ flag, field, help });
export const unsetName = unsetFlag('--name', 'name', 'clear the name');
export const unsetDescription = unsetFlag('--description', 'description', 'clear the description');

/** list filters every collection takes. */
export const nameFilter: ValueOption = { flag: '--name <name>', field: 'name', help: 'only those with this name' };
export const enableFilter: SwitchOption = {
  on: '--enable',
  off: '--disable',
  field: 'admin_state_up',
  help: ['only enabled ones', 'only disabled ones'],
};
export const loadbalancerFilter: ValueOption = {
  flag: '--loadbalancer <loadbalancer>',
  field: 'loadbalancer_id',
  help: 'only those of this load balancer (name or ID)',
  refersTo: 'loadbalancer',
};
export const projectFilter: ValueOption = {
  flag: '--project <project_id>',
  field: 'project_id',
  help: 'only those of this project (ID)',
};
export const statusFilters: readonly FieldOption[] = [
  {
    flag: '--provisioning-status <status>',
    field: 'provisioning_status',
    help: 'only those in this provisioning status',
    choices: PROVISIONING_STATUSES,
  },
  {
    flag: '--operating-status <status>',
    field: 'operating_status',
    help: 'only those in this operating status',
    choices: OPERATING_STATUSES,
  },
];
export const tagFilters: readonly FieldOption[] = [
  { flag: '--tags <tags>', field: 'tags', help: 'only those with all of these tags (comma-separated)' },
  { flag: '--any-tags <tags>', field: 'tags-any', help: 'only those with any of these tags (comma-separated)' },
  { flag: '--not-tags <tags>', field: 'not-tags', help: 'leave out those with all of these tags (comma-separated)' },
  {
    flag: '--not-any-tags <tags>',
    field: 'not-tags-any',
    help: 'leave out those with any of these tags (comma-separated)',
  },
];

/** TLS settings of listeners (towards clients) and pools (towards members). */
export const tlsOptions: readonly FieldOption[] = [
  { flag: '--tls-ciphers <ciphers>', field: 'tls_ciphers', help: 'TLS ciphers, OpenSSL cipher string' },
  { flag: '--tls-version <version>', field: 'tls_versions', help: 'TLS version (repeatable)', repeatable: true },
  { flag: '--alpn-protocol <protocol>', field: 'alpn_protocols', help: 'ALPN protocol (repeatable)', repeatable: true },
];
export const tlsUnsetFlags: readonly UnsetFlag[] = [
  unsetFlag('--tls-versions', 'tls_versions', 'default TLS versions'),
  unsetFlag('--tls-ciphers', 'tls_ciphers', 'default TLS ciphers'),
  unsetFlag('--alpn-protocols', 'alpn_protocols', 'default ALPN protocols'),
];
