import Type from 'typebox';
import { Bool, IpAddress, Name, Nullable, Port, ProjectId, Tags, Uuid } from './fields.ts';

/** An IP address, or a weir `unix:` socket path: room for Linux's longest (107 bytes) after the prefix. */
const MemberAddress = Type.String({ maxLength: 'unix:'.length + 107 });

const mutable = {
  name: Type.Optional(Name),
  admin_state_up: Type.Optional(Bool),
  weight: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 256 }))),
  backup: Type.Optional(Bool),
  monitor_address: Type.Optional(Nullable(IpAddress)),
  monitor_port: Type.Optional(Nullable(Port)),
  tags: Type.Optional(Tags),
};

export const MemberCreate = Type.Object(
  {
    ...mutable,
    address: MemberAddress,
    protocol_port: Port,
    subnet_id: Type.Optional(Nullable(Uuid)),
    project_id: Type.Optional(ProjectId),
    tenant_id: Type.Optional(ProjectId),
  },
  { additionalProperties: false },
);

// A PUT may send backup null, as `openstack loadbalancer member unset --backup` does: it means false again.
export const MemberUpdate = Type.Object(
  { ...mutable, backup: Type.Optional(Nullable(Bool)) },
  { additionalProperties: false },
);

export const MembersBatch = Type.Object({ members: Type.Array(Type.Unknown()) }, { additionalProperties: false });
