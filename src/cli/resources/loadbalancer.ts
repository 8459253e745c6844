import { COLLECTIONS } from '../../client/collections.ts';
import type { ValueOption } from '../commands/field-options.ts';
import { additionalVip } from '../commands/option-parsers.ts';
import type { ResourceSpec } from '../commands/resource-spec.ts';
import {
  descriptionOption,
  enableFilter,
  enableSwitch,
  nameFilter,
  nameOption,
  projectFilter,
  statusFilters,
  tagFilters,
  unsetDescription,
  unsetFlag,
  unsetName,
} from './common-options.ts';

const TITLE = 'load balancer';

const qosPolicy: ValueOption = {
  flag: '--vip-qos-policy-id <vip_qos_policy_id>',
  field: 'vip_qos_policy_id',
  help: 'QoS policy of the VIP port',
};
const vipSubnet: ValueOption = {
  flag: '--vip-subnet-id <vip_subnet_id>',
  field: 'vip_subnet_id',
  help: 'subnet of the VIP (name or ID)',
  refersTo: 'subnet',
};
const vipNetwork: ValueOption = {
  flag: '--vip-network-id <vip_network_id>',
  field: 'vip_network_id',
  help: 'network of the VIP (name or ID)',
  refersTo: 'network',
};
const vipPort: ValueOption = {
  flag: '--vip-port-id <vip_port_id>',
  field: 'vip_port_id',
  help: 'port of the VIP (name or ID)',
  refersTo: 'port',
};
const provider: ValueOption = { flag: '--provider <provider>', field: 'provider', help: 'provider (data plane)' };
const flavor: ValueOption = {
  flag: '--flavor <flavor>',
  field: 'flavor_id',
  help: 'flavor (name or ID)',
  refersTo: 'flavor',
};
const zone: ValueOption = {
  flag: '--availability-zone <availability_zone>',
  field: 'availability_zone',
  help: 'availability zone',
};

export const LOADBALANCER: ResourceSpec = {
  kind: 'loadbalancer',
  collection: COLLECTIONS.loadbalancer,
  plural: 'load balancers',
  objectArgument: '<load_balancer>',
  listColumns: ['id', 'name', 'project_id', 'vip_address', 'provisioning_status', 'operating_status', 'provider'],
  showColumns: [
    'admin_state_up',
    'availability_zone',
    'created_at',
    'description',
    'flavor_id',
    'id',
    'listeners',
    'name',
    'operating_status',
    'pools',
    'project_id',
    'provider',
    'provisioning_status',
    'updated_at',
    'vip_address',
    'vip_network_id',
    'vip_port_id',
    'vip_qos_policy_id',
    'vip_subnet_id',
    'tags',
    'additional_vips',
  ],
  createOptions: [
    nameOption(TITLE),
    descriptionOption(TITLE),
    { flag: '--vip-address <vip_address>', field: 'vip_address', help: 'the VIP address' },
    vipPort,
    vipSubnet,
    vipNetwork,
    qosPolicy,
    {
      flag: '--additional-vip <vip>',
      field: 'additional_vips',
      help: 'another VIP: subnet-id=<name or ID>[,ip-address=<ip>] (repeatable)',
      parse: additionalVip,
      repeatable: true,
      refersTo: 'subnet',
      refersToKey: 'subnet_id',
    },
    { flag: '--project <project_id>', field: 'project_id', help: 'project of the load balancer (ID)' },
    provider,
    zone,
    enableSwitch(TITLE),
    flavor,
  ],
  setOptions: [nameOption(TITLE), descriptionOption(TITLE), qosPolicy, enableSwitch(TITLE)],
  unsetFlags: [
    unsetName,
    unsetDescription,
    unsetFlag('--vip-qos-policy-id', 'vip_qos_policy_id', 'clear the QoS policy of the VIP port'),
  ],
  listFilters: [
    nameFilter,
    enableFilter,
    projectFilter,
    { ...vipNetwork, help: 'only those with a VIP on this network (name or ID)' },
    { ...vipSubnet, help: 'only those with a VIP on this subnet (name or ID)' },
    { ...qosPolicy, help: 'only those with this VIP QoS policy' },
    { ...vipPort, help: 'only those with this VIP port (name or ID)' },
    ...statusFilters,
    { ...provider, help: 'only those of this provider' },
    { ...flavor, help: 'only those of this flavor (name or ID)' },
    { ...zone, help: 'only those in this availability zone' },
    ...tagFilters,
  ],
  deleteFlags: [{ flag: '--cascade', query: 'cascade', help: 'delete its listeners, pools and all below them too' }],
  hasStats: true,
};
