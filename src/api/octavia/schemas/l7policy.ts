import Type from 'typebox';
import { L7_ACTIONS, REDIRECT_HTTP_CODES } from '../../../model/constants.ts';
import { Bool, Description, Enum, Name, Nullable, ProjectId, Tags, Uuid } from './fields.ts';

const mutable = {
  name: Type.Optional(Name),
  description: Type.Optional(Description),
  admin_state_up: Type.Optional(Bool),
  action: Type.Optional(Enum(L7_ACTIONS)),
  redirect_pool_id: Type.Optional(Nullable(Uuid)),
  redirect_url: Type.Optional(Nullable(Type.String({ maxLength: 2048 }))),
  redirect_prefix: Type.Optional(Nullable(Type.String({ maxLength: 2048 }))),
  redirect_http_code: Type.Optional(Nullable(Enum(REDIRECT_HTTP_CODES))),
  position: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
  tags: Type.Optional(Tags),
};

export const L7PolicyCreate = Type.Object(
  {
    ...mutable,
    action: Enum(L7_ACTIONS),
    listener_id: Uuid,
    project_id: Type.Optional(ProjectId),
    tenant_id: Type.Optional(ProjectId),
    rules: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown()))),
  },
  { additionalProperties: false },
);

export const L7PolicyUpdate = Type.Object(mutable, { additionalProperties: false });
