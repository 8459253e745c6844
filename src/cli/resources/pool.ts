import { COLLECTIONS } from '../../client/collections.ts';
import { LB_ALGORITHMS, POOL_PROTOCOLS } from '../../model/constants.ts';
import type { FieldOption } from '../commands/field-options.ts';
import { sessionPersistence } from '../commands/option-parsers.ts';
import type { ResourceSpec } from '../commands/resource-spec.ts';
import {
  descriptionOption,
  enableSwitch,
  loadbalancerFilter,
  nameFilter,
  nameOption,
  tagFilters,
  tlsOptions,
  tlsUnsetFlags,
  unsetDescription,
  unsetFlag,
  unsetName,
} from './common-options.ts';

const TITLE = 'pool';

const algorithm = (required: boolean): FieldOption => ({
  flag: '--lb-algorithm <algorithm>',
  field: 'lb_algorithm',
  help: 'how members are chosen',
  choices: LB_ALGORITHMS,
  required,
});

/** What create and set both take, after the algorithm. */
const SETTABLE: readonly FieldOption[] = [
  nameOption(TITLE),
  descriptionOption(TITLE),
  {
    flag: '--session-persistence <persistence>',
    field: 'session_persistence',
    help: 'type=SOURCE_IP|HTTP_COOKIE|APP_COOKIE[,cookie_name=NAME][,persistence_timeout=S][,persistence_granularity=MASK]',
    parse: sessionPersistence,
  },
  enableSwitch(TITLE),
  {
    flag: '--tls-container-ref <container_ref>',
    field: 'tls_container_ref',
    help: 'client certificate and key for TLS to members',
  },
  {
    flag: '--ca-tls-container-ref <container_ref>',
    field: 'ca_tls_container_ref',
    help: "CA certificate to check members' certificates",
  },
  {
    flag: '--crl-container-ref <container_ref>',
    field: 'crl_container_ref',
    help: "revocation list for members' certificates",
  },
  { on: '--enable-tls', off: '--disable-tls', field: 'tls_enabled', help: ['TLS to members', 'no TLS to members'] },
  ...tlsOptions,
];

export const POOL: ResourceSpec = {
  kind: 'pool',
  collection: COLLECTIONS.pool,
  plural: 'pools',
  objectArgument: '<pool>',
  listColumns: ['id', 'name', 'project_id', 'provisioning_status', 'protocol', 'lb_algorithm', 'admin_state_up'],
  showColumns: [
    'admin_state_up',
    'created_at',
    'description',
    'healthmonitor_id',
    'id',
    'lb_algorithm',
    'listeners',
    'loadbalancers',
    'members',
    'name',
    'operating_status',
    'project_id',
    'protocol',
    'provisioning_status',
    'session_persistence',
    'updated_at',
    'tls_container_ref',
    'ca_tls_container_ref',
    'crl_container_ref',
    'tls_enabled',
    'tls_ciphers',
    'tls_versions',
    'tags',
    'alpn_protocols',
  ],
  createOptions: [
    {
      flag: '--protocol <protocol>',
      field: 'protocol',
      help: 'protocol to members',
      required: true,
      choices: POOL_PROTOCOLS,
    },
    {
      flag: '--listener <listener>',
      field: 'listener_id',
      help: 'listener whose default pool this is (name or ID); or --loadbalancer',
      refersTo: 'listener',
    },
    {
      flag: '--loadbalancer <load_balancer>',
      field: 'loadbalancer_id',
      help: 'load balancer of the pool (name or ID), for a pool L7 policies redirect to',
      refersTo: 'loadbalancer',
    },
    algorithm(true),
    ...SETTABLE,
  ],
  setOptions: [algorithm(false), ...SETTABLE],
  unsetFlags: [
    unsetName,
    unsetDescription,
    unsetFlag('--ca-tls-container-ref', 'ca_tls_container_ref', 'clear the CA certificate reference'),
    unsetFlag('--crl-container-ref', 'crl_container_ref', 'clear the revocation list reference'),
    unsetFlag('--session-persistence', 'session_persistence', 'no session persistence'),
    unsetFlag('--tls-container-ref', 'tls_container_ref', 'clear the client certificate reference'),
    ...tlsUnsetFlags,
  ],
  listFilters: [nameFilter, loadbalancerFilter, ...tagFilters],
};
