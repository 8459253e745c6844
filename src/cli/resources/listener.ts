import { COLLECTIONS } from '../../client/collections.ts';
import { CLIENT_AUTHENTICATION_MODES, LISTENER_PROTOCOLS } from '../../model/constants.ts';
import type { FieldOption } from '../commands/field-options.ts';
import { integer, keyValues } from '../commands/option-parsers.ts';
import type { ResourceSpec } from '../commands/resource-spec.ts';
import {
  descriptionOption,
  enableFilter,
  enableSwitch,
  loadbalancerFilter,
  nameFilter,
  nameOption,
  projectFilter,
  tagFilters,
  tlsOptions,
  tlsUnsetFlags,
  unsetDescription,
  unsetFlag,
  unsetName,
} from './common-options.ts';

const TITLE = 'listener';

const timeout = (name: string, what: string, byDefault: number): FieldOption => ({
  flag: `--timeout-${name} <timeout>`,
  field: `timeout_${name.replaceAll('-', '_')}`,
  help: `${what}, in milliseconds (default ${byDefault})`,
  parse: integer,
});

/** What create and set both take. */
const SETTABLE: readonly FieldOption[] = [
  nameOption(TITLE),
  descriptionOption(TITLE),
  {
    flag: '--connection-limit <limit>',
    field: 'connection_limit',
    help: 'most connections at once (-1: no limit)',
    parse: integer,
  },
  {
    flag: '--default-pool <pool>',
    field: 'default_pool_id',
    help: 'pool for requests no L7 policy takes (name or ID)',
    refersTo: 'pool',
  },
  {
    flag: '--default-tls-container-ref <container_ref>',
    field: 'default_tls_container_ref',
    help: 'certificate and key of a TERMINATED_HTTPS listener',
  },
  {
    flag: '--sni-container-refs <container_ref...>',
    field: 'sni_container_refs',
    help: 'certificates and keys chosen by SNI',
  },
  {
    flag: '--insert-headers <headers>',
    field: 'insert_headers',
    help: 'headers to add to requests: header=value,... (X-Forwarded-For=true)',
    parse: keyValues,
  },
  timeout('client-data', 'client inactivity timeout', 50000),
  timeout('member-connect', 'member connect timeout', 5000),
  timeout('member-data', 'member inactivity timeout', 50000),
  timeout('tcp-inspect', 'time to wait for content inspection', 0),
  enableSwitch(TITLE),
  {
    flag: '--client-ca-tls-container-ref <container_ref>',
    field: 'client_ca_tls_container_ref',
    help: 'CA certificate that client certificates must chain to',
  },
  {
    flag: '--client-authentication <mode>',
    field: 'client_authentication',
    help: 'TLS client authentication',
    choices: CLIENT_AUTHENTICATION_MODES,
  },
  {
    flag: '--client-crl-container-ref <container_ref>',
    field: 'client_crl_container_ref',
    help: 'revocation list for client certificates',
  },
  {
    flag: '--allowed-cidr <cidr>',
    field: 'allowed_cidrs',
    help: 'CIDR allowed to connect (repeatable)',
    repeatable: true,
  },
  ...tlsOptions,
];

export const LISTENER: ResourceSpec = {
  kind: 'listener',
  collection: COLLECTIONS.listener,
  plural: 'listeners',
  objectArgument: '<listener>',
  createTarget: {
    argument: '<loadbalancer>',
    help: 'load balancer to add the listener to (name or ID)',
    collection: COLLECTIONS.loadbalancer,
    field: 'loadbalancer_id',
  },
  listColumns: ['id', 'default_pool_id', 'name', 'project_id', 'protocol', 'protocol_port', 'admin_state_up'],
  showColumns: [
    'admin_state_up',
    'connection_limit',
    'created_at',
    'default_pool_id',
    'default_tls_container_ref',
    'description',
    'id',
    'insert_headers',
    'l7policies',
    'loadbalancers',
    'name',
    'operating_status',
    'project_id',
    'protocol',
    'protocol_port',
    'provisioning_status',
    'sni_container_refs',
    'timeout_client_data',
    'timeout_member_connect',
    'timeout_member_data',
    'timeout_tcp_inspect',
    'updated_at',
    'client_ca_tls_container_ref',
    'client_authentication',
    'client_crl_container_ref',
    'allowed_cidrs',
    'tls_ciphers',
    'tls_versions',
    'alpn_protocols',
    'tags',
  ],
  createOptions: [
    { flag: '--protocol <protocol>', field: 'protocol', help: 'protocol', required: true, choices: LISTENER_PROTOCOLS },
    { flag: '--protocol-port <port>', field: 'protocol_port', help: 'port', required: true, parse: integer },
    ...SETTABLE,
  ],
  setOptions: SETTABLE,
  unsetFlags: [
    unsetName,
    unsetDescription,
    unsetFlag('--connection-limit', 'connection_limit', 'no connection limit (the default)'),
    unsetFlag('--default-pool', 'default_pool_id', 'clear the default pool'),
    unsetFlag('--default-tls-container-ref', 'default_tls_container_ref', 'clear the certificate reference'),
    unsetFlag('--sni-container-refs', 'sni_container_refs', 'clear the SNI certificate references'),
    unsetFlag('--insert-headers', 'insert_headers', 'insert no headers'),
    unsetFlag('--timeout-client-data', 'timeout_client_data', 'default client inactivity timeout'),
    unsetFlag('--timeout-member-connect', 'timeout_member_connect', 'default member connect timeout'),
    unsetFlag('--timeout-member-data', 'timeout_member_data', 'default member inactivity timeout'),
    unsetFlag('--timeout-tcp-inspect', 'timeout_tcp_inspect', 'default content inspection time'),
    unsetFlag('--client-ca-tls-container-ref', 'client_ca_tls_container_ref', 'clear the client CA reference'),
    unsetFlag('--client-authentication', 'client_authentication', 'default client authentication (NONE)'),
    unsetFlag('--client-crl-container-ref', 'client_crl_container_ref', 'clear the client CRL reference'),
    unsetFlag('--allowed-cidrs', 'allowed_cidrs', 'allow every address'),
    ...tlsUnsetFlags,
  ],
  listFilters: [nameFilter, loadbalancerFilter, enableFilter, projectFilter, ...tagFilters],
  hasStats: true,
};
