import Type from 'typebox';
import { Bool, Description, IpAddress, Name, Nullable, ProjectId, Tags, Uuid } from './fields.ts';

const AdditionalVip = Type.Object(
  { subnet_id: Uuid, ip_address: Type.Optional(IpAddress) },
  { additionalProperties: false },
);

export const LoadBalancerCreate = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    admin_state_up: Type.Optional(Bool),
    vip_address: Type.Optional(IpAddress),
    vip_port_id: Type.Optional(Uuid),
    vip_subnet_id: Type.Optional(Uuid),
    vip_network_id: Type.Optional(Uuid),
    vip_qos_policy_id: Type.Optional(Uuid),
    additional_vips: Type.Optional(Type.Array(AdditionalVip)),
    project_id: Type.Optional(ProjectId),
    tenant_id: Type.Optional(ProjectId),
    provider: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    flavor_id: Type.Optional(Nullable(Uuid)),
    availability_zone: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
    tags: Type.Optional(Tags),
    listeners: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown()))),
    pools: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown()))),
  },
  { additionalProperties: false },
);

export const LoadBalancerUpdate = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    admin_state_up: Type.Optional(Bool),
    vip_qos_policy_id: Type.Optional(Nullable(Uuid)),
    tags: Type.Optional(Tags),
  },
  { additionalProperties: false },
);
