import { COLLECTIONS } from '../../client/collections.ts';
import { L7_ACTIONS } from '../../model/constants.ts';
import type { FieldOption } from '../commands/field-options.ts';
import { integer } from '../commands/option-parsers.ts';
import type { ResourceSpec } from '../commands/resource-spec.ts';
import {
  descriptionOption,
  enableSwitch,
  nameFilter,
  nameOption,
  tagFilters,
  unsetDescription,
  unsetFlag,
  unsetName,
} from './common-options.ts';

const TITLE = 'L7 policy';

const action = (required: boolean): FieldOption => ({
  flag: '--action <action>',
  field: 'action',
  help: 'what a matching request gets',
  choices: L7_ACTIONS,
  required,
});

/** What create and set both take, after the action. */
const SETTABLE: readonly FieldOption[] = [
  nameOption(TITLE),
  descriptionOption(TITLE),
  {
    flag: '--redirect-pool <pool>',
    field: 'redirect_pool_id',
    help: 'pool for REDIRECT_TO_POOL (name or ID)',
    refersTo: 'pool',
  },
  { flag: '--redirect-url <url>', field: 'redirect_url', help: 'URL for REDIRECT_TO_URL' },
  { flag: '--redirect-prefix <url>', field: 'redirect_prefix', help: 'URL prefix for REDIRECT_PREFIX' },
  {
    flag: '--redirect-http-code <code>',
    field: 'redirect_http_code',
    help: 'status of redirects: 301, 302, 303, 307 or 308',
    parse: integer,
  },
  {
    flag: '--position <position>',
    field: 'position',
    help: "place among the listener's policies, from 1",
    parse: integer,
  },
  enableSwitch(TITLE),
];

export const L7POLICY: ResourceSpec = {
  kind: 'l7policy',
  collection: COLLECTIONS.l7policy,
  plural: 'L7 policies',
  objectArgument: '<policy>',
  createTarget: {
    argument: '<listener>',
    help: 'listener of the policy (name or ID)',
    collection: COLLECTIONS.listener,
    field: 'listener_id',
  },
  listColumns: ['id', 'name', 'project_id', 'provisioning_status', 'action', 'position', 'admin_state_up'],
  showColumns: [
    'listener_id',
    'description',
    'admin_state_up',
    'rules',
    'project_id',
    'created_at',
    'provisioning_status',
    'updated_at',
    'redirect_pool_id',
    'redirect_url',
    'redirect_prefix',
    'action',
    'position',
    'id',
    'operating_status',
    'name',
    'redirect_http_code',
    'tags',
  ],
  createOptions: [action(true), ...SETTABLE],
  setOptions: [action(false), ...SETTABLE],
  unsetFlags: [
    unsetDescription,
    unsetName,
    unsetFlag('--redirect-http-code', 'redirect_http_code', 'default redirect status (302)'),
  ],
  listFilters: [
    nameFilter,
    {
      flag: '--listener <listener>',
      field: 'listener_id',
      help: 'only those of this listener (name or ID)',
      refersTo: 'listener',
    },
    ...tagFilters,
  ],
};
