import { COLLECTIONS } from '../../client/collections.ts';
import { HTTP_METHODS, MONITOR_TYPES } from '../../model/constants.ts';
import type { FieldOption } from '../commands/field-options.ts';
import { decimal, integer } from '../commands/option-parsers.ts';
import type { ResourceSpec } from '../commands/resource-spec.ts';
import { enableSwitch, nameFilter, nameOption, tagFilters, unsetFlag, unsetName } from './common-options.ts';

const TITLE = 'health monitor';

/** The options create requires and set takes as they are. */
const required = (flag: string, field: string, help: string): FieldOption => ({
  flag,
  field,
  help,
  parse: integer,
  required: true,
});
const TIMING: readonly FieldOption[] = [
  required('--delay <delay>', 'delay', 'seconds between checks of a member'),
  required('--timeout <timeout>', 'timeout', 'seconds a check may take (less than the delay)'),
  required('--max-retries <max_retries>', 'max_retries', 'checks in a row that must pass to bring a member up, 1-10'),
];

const SETTABLE: readonly FieldOption[] = [
  nameOption(TITLE),
  { flag: '--domain-name <domain_name>', field: 'domain_name', help: 'Host header of HTTP checks' },
  {
    flag: '--expected-codes <codes>',
    field: 'expected_codes',
    help: 'HTTP statuses that pass: 200, 200,202 or 200-204',
  },
  { flag: '--http-method <method>', field: 'http_method', help: 'method of HTTP checks', choices: HTTP_METHODS },
  { flag: '--http-version <http_version>', field: 'http_version', help: 'HTTP version, 1.0 or 1.1', parse: decimal },
  {
    flag: '--max-retries-down <max_retries_down>',
    field: 'max_retries_down',
    help: 'checks in a row that must fail to take a member down, 1-10 (default 3)',
    parse: integer,
  },
  { flag: '--url-path <url_path>', field: 'url_path', help: 'path of HTTP checks' },
  enableSwitch(TITLE),
];

export const HEALTHMONITOR: ResourceSpec = {
  kind: 'healthmonitor',
  collection: COLLECTIONS.healthmonitor,
  plural: 'health monitors',
  objectArgument: '<health_monitor>',
  createTarget: {
    argument: '<pool>',
    help: 'pool whose members it checks (name or ID)',
    collection: COLLECTIONS.pool,
    field: 'pool_id',
  },
  listColumns: ['id', 'name', 'project_id', 'type', 'admin_state_up'],
  showColumns: [
    'project_id',
    'name',
    'admin_state_up',
    'pools',
    'created_at',
    'provisioning_status',
    'updated_at',
    'delay',
    'expected_codes',
    'max_retries',
    'http_method',
    'timeout',
    'max_retries_down',
    'url_path',
    'type',
    'id',
    'operating_status',
    'http_version',
    'domain_name',
    'tags',
  ],
  createOptions: [
    { flag: '--type <type>', field: 'type', help: 'how members are checked', required: true, choices: MONITOR_TYPES },
    ...TIMING,
    ...SETTABLE,
  ],
  setOptions: [...TIMING, ...SETTABLE],
  unsetFlags: [
    unsetFlag('--domain-name', 'domain_name', 'no Host header of its own'),
    unsetFlag('--expected-codes', 'expected_codes', 'default expected codes (200)'),
    unsetFlag('--http-method', 'http_method', 'default method (GET)'),
    unsetFlag('--http-version', 'http_version', 'default HTTP version'),
    unsetFlag('--max-retries-down', 'max_retries_down', 'default (3)'),
    unsetName,
    unsetFlag('--url-path', 'url_path', 'default path (/)'),
  ],
  listFilters: [nameFilter, ...tagFilters],
};
