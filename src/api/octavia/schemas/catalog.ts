import Type from 'typebox';
import { Bool, Description, Nullable, Uuid } from './fields.ts';

const RequiredName = Type.String({ maxLength: 255 });
const ProviderName = Type.String({ maxLength: 255 });
const Data = Type.String({ maxLength: 4096 });
const closed = { additionalProperties: false } as const;

export const FlavorProfileCreate = Type.Object(
  { name: RequiredName, provider_name: ProviderName, flavor_data: Data },
  closed,
);
export const FlavorProfileUpdate = Type.Object(
  {
    name: Type.Optional(RequiredName),
    provider_name: Type.Optional(ProviderName),
    flavor_data: Type.Optional(Data),
  },
  closed,
);
export const FlavorCreate = Type.Object(
  {
    name: RequiredName,
    description: Type.Optional(Description),
    enabled: Type.Optional(Bool),
    flavor_profile_id: Uuid,
  },
  closed,
);
export const FlavorUpdate = Type.Object(
  { name: Type.Optional(RequiredName), description: Type.Optional(Description), enabled: Type.Optional(Bool) },
  closed,
);
export const AvailabilityZoneProfileCreate = Type.Object(
  { name: RequiredName, provider_name: ProviderName, availability_zone_data: Data },
  closed,
);
export const AvailabilityZoneProfileUpdate = Type.Object(
  {
    name: Type.Optional(RequiredName),
    provider_name: Type.Optional(ProviderName),
    availability_zone_data: Type.Optional(Data),
  },
  closed,
);
export const AvailabilityZoneCreate = Type.Object(
  {
    name: RequiredName,
    description: Type.Optional(Description),
    enabled: Type.Optional(Bool),
    availability_zone_profile_id: Uuid,
  },
  closed,
);
export const AvailabilityZoneUpdate = Type.Object(
  { description: Type.Optional(Nullable(Type.String({ maxLength: 255 }))), enabled: Type.Optional(Bool) },
  closed,
);
