import Type from 'typebox';
import { LB_ALGORITHMS, PERSISTENCE_TYPES, POOL_PROTOCOLS } from '../../../model/constants.ts';
import { Bool, ContainerRef, Description, Enum, Name, Nullable, ProjectId, StringList, Tags, Uuid } from './fields.ts';

const SessionPersistence = Nullable(
  Type.Object(
    {
      type: Enum(PERSISTENCE_TYPES),
      cookie_name: Type.Optional(Nullable(Type.String({ maxLength: 255, pattern: '^[^\\s,;\\\\]+$' }))),
      persistence_timeout: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 2147483647 }))),
      persistence_granularity: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    },
    { additionalProperties: false },
  ),
);

const mutable = {
  name: Type.Optional(Name),
  description: Type.Optional(Description),
  admin_state_up: Type.Optional(Bool),
  lb_algorithm: Type.Optional(Enum(LB_ALGORITHMS)),
  session_persistence: Type.Optional(SessionPersistence),
  tags: Type.Optional(Tags),
  tls_container_ref: Type.Optional(ContainerRef),
  ca_tls_container_ref: Type.Optional(ContainerRef),
  crl_container_ref: Type.Optional(ContainerRef),
  tls_enabled: Type.Optional(Bool),
  tls_ciphers: Type.Optional(Nullable(Type.String({ maxLength: 2048 }))),
  tls_versions: Type.Optional(StringList),
  alpn_protocols: Type.Optional(StringList),
};

export const PoolCreate = Type.Object(
  {
    ...mutable,
    lb_algorithm: Enum(LB_ALGORITHMS),
    protocol: Enum(POOL_PROTOCOLS),
    listener_id: Type.Optional(Nullable(Uuid)),
    loadbalancer_id: Type.Optional(Nullable(Uuid)),
    project_id: Type.Optional(ProjectId),
    tenant_id: Type.Optional(ProjectId),
    healthmonitor: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    members: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown()))),
  },
  { additionalProperties: false },
);

export const PoolUpdate = Type.Object(mutable, { additionalProperties: false });
