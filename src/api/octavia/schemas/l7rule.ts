import Type from 'typebox';
import { L7_COMPARE_TYPES, L7_RULE_TYPES } from '../../../model/constants.ts';
import { Bool, Enum, Nullable, ProjectId, Tags } from './fields.ts';

const RuleValue = Type.String({ minLength: 1, maxLength: 255 });

const mutable = {
  type: Type.Optional(Enum(L7_RULE_TYPES)),
  compare_type: Type.Optional(Enum(L7_COMPARE_TYPES)),
  key: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
  value: Type.Optional(RuleValue),
  invert: Type.Optional(Bool),
  admin_state_up: Type.Optional(Bool),
  tags: Type.Optional(Tags),
};

export const L7RuleCreate = Type.Object(
  {
    ...mutable,
    type: Enum(L7_RULE_TYPES),
    compare_type: Enum(L7_COMPARE_TYPES),
    value: RuleValue,
    project_id: Type.Optional(ProjectId),
    tenant_id: Type.Optional(ProjectId),
  },
  { additionalProperties: false },
);

export const L7RuleUpdate = Type.Object(mutable, { additionalProperties: false });
