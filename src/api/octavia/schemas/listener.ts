import Type from 'typebox';
import { CLIENT_AUTHENTICATION_MODES, LISTENER_PROTOCOLS } from '../../../model/constants.ts';
import {
  Bool,
  ContainerRef,
  Description,
  Enum,
  Name,
  Nullable,
  Port,
  ProjectId,
  StringList,
  Tags,
  TimeoutMs,
  Uuid,
} from './fields.ts';

const mutable = {
  name: Type.Optional(Name),
  description: Type.Optional(Description),
  admin_state_up: Type.Optional(Bool),
  connection_limit: Type.Optional(Nullable(Type.Integer({ minimum: -1, maximum: 2147483647 }))),
  default_tls_container_ref: Type.Optional(ContainerRef),
  sni_container_refs: Type.Optional(StringList),
  default_pool_id: Type.Optional(Nullable(Uuid)),
  insert_headers: Type.Optional(Nullable(Type.Record(Type.String(), Type.Union([Type.String(), Type.Boolean()])))),
  timeout_client_data: Type.Optional(TimeoutMs),
  timeout_member_connect: Type.Optional(TimeoutMs),
  timeout_member_data: Type.Optional(TimeoutMs),
  timeout_tcp_inspect: Type.Optional(TimeoutMs),
  tags: Type.Optional(Tags),
  client_ca_tls_container_ref: Type.Optional(ContainerRef),
  client_authentication: Type.Optional(Nullable(Enum(CLIENT_AUTHENTICATION_MODES))),
  client_crl_container_ref: Type.Optional(ContainerRef),
  allowed_cidrs: Type.Optional(StringList),
  tls_ciphers: Type.Optional(Nullable(Type.String({ maxLength: 2048 }))),
  tls_versions: Type.Optional(StringList),
  alpn_protocols: Type.Optional(StringList),
};

export const ListenerCreate = Type.Object(
  {
    ...mutable,
    protocol: Enum(LISTENER_PROTOCOLS),
    protocol_port: Port,
    loadbalancer_id: Uuid,
    project_id: Type.Optional(ProjectId),
    tenant_id: Type.Optional(ProjectId),
    default_pool: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    l7policies: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown()))),
  },
  { additionalProperties: false },
);

export const ListenerUpdate = Type.Object(mutable, { additionalProperties: false });
