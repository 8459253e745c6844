import { COLLECTIONS } from '../../client/collections.ts';
import type { FieldOption } from '../commands/field-options.ts';
import { integer } from '../commands/option-parsers.ts';
import type { ResourceSpec } from '../commands/resource-spec.ts';
import { enableSwitch, nameFilter, nameOption, tagFilters, unsetFlag, unsetName } from './common-options.ts';

const TITLE = 'member';

/** What create and set both take. */
const SETTABLE: readonly FieldOption[] = [
  nameOption(TITLE),
  {
    on: '--enable-backup',
    off: '--disable-backup',
    field: 'backup',
    help: ['a backup: used only while no other member is up', 'not a backup (the default)'],
  },
  { flag: '--weight <weight>', field: 'weight', help: 'share of the traffic, 0-256 (default 1)', parse: integer },
  {
    flag: '--monitor-port <monitor_port>',
    field: 'monitor_port',
    help: 'port the health monitor checks instead',
    parse: integer,
  },
  {
    flag: '--monitor-address <monitor_address>',
    field: 'monitor_address',
    help: 'address the health monitor checks instead',
  },
  enableSwitch(TITLE),
];

export const MEMBER: ResourceSpec = {
  kind: 'member',
  collection: COLLECTIONS.member,
  plural: 'members of a pool',
  objectArgument: '<member>',
  parent: { argument: '<pool>', help: 'pool of the member (name or ID)', collection: COLLECTIONS.pool },
  listColumns: [
    'id',
    'name',
    'project_id',
    'provisioning_status',
    'address',
    'protocol_port',
    'operating_status',
    'weight',
  ],
  showColumns: [
    'address',
    'admin_state_up',
    'created_at',
    'id',
    'name',
    'operating_status',
    'project_id',
    'protocol_port',
    'provisioning_status',
    'subnet_id',
    'updated_at',
    'weight',
    'monitor_port',
    'monitor_address',
    'backup',
    'tags',
  ],
  createOptions: [
    { flag: '--address <ip_address>', field: 'address', help: "the member's IP address", required: true },
    {
      flag: '--protocol-port <protocol_port>',
      field: 'protocol_port',
      help: "the member's port",
      required: true,
      parse: integer,
    },
    {
      flag: '--subnet-id <subnet_id>',
      field: 'subnet_id',
      help: 'subnet the member is on (name or ID)',
      refersTo: 'subnet',
    },
    ...SETTABLE,
  ],
  setOptions: SETTABLE,
  unsetFlags: [
    unsetFlag('--backup', 'backup', 'not a backup'),
    unsetFlag('--monitor-address', 'monitor_address', 'check the member address'),
    unsetFlag('--monitor-port', 'monitor_port', 'check the member port'),
    unsetName,
    unsetFlag('--weight', 'weight', 'default weight (1)'),
  ],
  listFilters: [nameFilter, ...tagFilters],
};
