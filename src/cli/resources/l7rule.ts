import { COLLECTIONS } from '../../client/collections.ts';
import { L7_COMPARE_TYPES, L7_RULE_TYPES } from '../../model/constants.ts';
import type { FieldOption } from '../commands/field-options.ts';
import type { ResourceSpec } from '../commands/resource-spec.ts';
import { enableSwitch, tagFilters, unsetFlag } from './common-options.ts';

/** create requires these; set takes them as they are. */
const matching = (required: boolean): FieldOption[] => [
  {
    flag: '--compare-type <compare_type>',
    field: 'compare_type',
    help: 'how the value is compared',
    choices: L7_COMPARE_TYPES,
    required,
  },
  { flag: '--value <value>', field: 'value', help: 'value to compare with', required },
  { flag: '--type <type>', field: 'type', help: 'what of the request is compared', choices: L7_RULE_TYPES, required },
];

const SETTABLE: readonly FieldOption[] = [
  { on: '--invert', field: 'invert', help: ['match what does not compare'] },
  { flag: '--key <key>', field: 'key', help: 'header or cookie name (HEADER, COOKIE) or DN field (SSL_DN_FIELD)' },
  enableSwitch('L7 rule'),
];

export const L7RULE: ResourceSpec = {
  kind: 'l7rule',
  collection: COLLECTIONS.l7rule,
  plural: 'rules of an L7 policy',
  objectArgument: '<l7rule_id>',
  parent: { argument: '<l7policy>', help: 'L7 policy of the rule (name or ID)', collection: COLLECTIONS.l7policy },
  listColumns: [
    'id',
    'project_id',
    'provisioning_status',
    'compare_type',
    'type',
    'key',
    'value',
    'invert',
    'admin_state_up',
  ],
  showColumns: [
    'created_at',
    'compare_type',
    'provisioning_status',
    'invert',
    'admin_state_up',
    'updated_at',
    'value',
    'key',
    'project_id',
    'type',
    'id',
    'operating_status',
    'tags',
  ],
  createOptions: [...matching(true), ...SETTABLE],
  setOptions: [...matching(false), ...SETTABLE],
  unsetFlags: [
    unsetFlag('--invert', 'invert', 'match what compares (the default)'),
    unsetFlag('--key', 'key', 'clear the key'),
  ],
  listFilters: tagFilters,
};
