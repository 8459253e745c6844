import Type from 'typebox';
import { HTTP_METHODS, HTTP_VERSIONS, MONITOR_TYPES } from '../../../model/constants.ts';
import { Bool, Enum, Name, Nullable, ProjectId, Tags, URL_PATH_PATTERN, Uuid } from './fields.ts';

/** Octavia's own pattern, which its error message quotes. */
const EXPECTED_CODES_PATTERN = '^(\\d{3}(\\s*,\\s*\\d{3})*)$|^(\\d{3}-\\d{3})$';

const Seconds = Type.Integer({ minimum: 0, maximum: 2147483647 });
const Retries = Type.Integer({ minimum: 1, maximum: 10 });

const mutable = {
  name: Type.Optional(Name),
  delay: Type.Optional(Seconds),
  timeout: Type.Optional(Seconds),
  max_retries: Type.Optional(Retries),
  max_retries_down: Type.Optional(Retries),
  http_method: Type.Optional(Nullable(Enum(HTTP_METHODS))),
  url_path: Type.Optional(Nullable(Type.String({ maxLength: 2048, pattern: URL_PATH_PATTERN }))),
  expected_codes: Type.Optional(Nullable(Type.String({ pattern: EXPECTED_CODES_PATTERN }))),
  admin_state_up: Type.Optional(Bool),
  tags: Type.Optional(Tags),
  http_version: Type.Optional(Nullable(Enum(HTTP_VERSIONS))),
  domain_name: Type.Optional(
    Nullable(Type.String({ maxLength: 255, pattern: '^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$' })),
  ),
};

export const HealthMonitorCreate = Type.Object(
  {
    ...mutable,
    pool_id: Uuid,
    type: Enum(MONITOR_TYPES),
    delay: Seconds,
    timeout: Seconds,
    max_retries: Retries,
    project_id: Type.Optional(ProjectId),
    tenant_id: Type.Optional(ProjectId),
  },
  { additionalProperties: false },
);

// A PUT may send max_retries_down null (`openstack loadbalancer healthmonitor unset --max-retries-down`): 3 again.
export const HealthMonitorUpdate = Type.Object(
  { ...mutable, max_retries_down: Type.Optional(Nullable(Retries)) },
  { additionalProperties: false },
);
