import Type, { type TSchema } from 'typebox';

/** Building blocks shared by every Octavia resource schema. */

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Name = Nullable(Type.String({ maxLength: 255 }));
export const Description = Nullable(Type.String({ maxLength: 255 }));
export const Bool = Type.Boolean();
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$';
export const URL_PATH_PATTERN = '^/[^\\s]*$';
export const Uuid = Type.String({ pattern: UUID_PATTERN });
export const ProjectId = Type.String({ maxLength: 36 });
export const Tags = Type.Array(Type.String({ maxLength: 255 }));
export const Port = Type.Integer({ minimum: 1, maximum: 65535 });
export const Enum = <T extends readonly (string | number)[]>(values: T) => Type.Enum([...values]);
export const ContainerRef = Nullable(Type.String({ maxLength: 255 }));
export const IpAddress = Type.String({ maxLength: 64 });
export const TimeoutMs = Nullable(Type.Integer({ minimum: 0, maximum: 31536000000 }));
export const StringList = Nullable(Type.Array(Type.String({ maxLength: 255 })));
