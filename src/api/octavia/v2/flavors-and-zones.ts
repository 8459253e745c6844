import type { StoredObject, StoreReader } from '../../../store/state-store.ts';
import { badRequest, notFound } from '../../faults.ts';
import type { OctaviaApiDeps } from '../deps.ts';
import { requireSupport, resolveProvider } from '../providers.ts';
import {
  AvailabilityZoneCreate,
  AvailabilityZoneProfileCreate,
  AvailabilityZoneProfileUpdate,
  AvailabilityZoneUpdate,
  FlavorCreate,
  FlavorProfileCreate,
  FlavorProfileUpdate,
  FlavorUpdate,
} from '../schemas/catalog.ts';
import type { CatalogResource } from './catalog-resource.ts';

/** Profile data is a JSON object in a string, whose keys the provider must list among its capabilities. */
function checkProfileData(
  deps: OctaviaApiDeps,
  object: StoredObject,
  field: 'flavor_data' | 'availability_zone_data',
  capabilities: 'flavorCapabilities' | 'availabilityZoneCapabilities',
): void {
  const provider = resolveProvider(deps, object.provider_name);
  let data: unknown;
  try {
    data = JSON.parse(String(object[field]));
  } catch {
    data = undefined;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw badRequest(`${object[field]} is not a valid option for ${field}`);
  }
  const known = new Map(provider.capabilities[capabilities].map((c) => [c.name, c]));
  const unknown = Object.keys(data).find((key) => !known.has(key));
  requireSupport(
    provider,
    unknown === undefined,
    `Additional properties are not allowed ('${unknown}' was unexpected)`,
  );
  // Octavia's providers check values against their schema and refuse with the same 501.
  for (const [key, value] of Object.entries(data)) {
    const allowed = known.get(key)?.values;
    const expected = allowed?.map((v) => JSON.stringify(v)).join(', ');
    requireSupport(
      provider,
      !allowed || allowed.includes(value),
      `${key}: ${JSON.stringify(value)} is not one of [${expected}]`,
    );
  }
}

async function used(
  reader: StoreReader,
  kind: 'loadbalancer' | 'flavor' | 'availabilityzone',
  field: string,
  value: unknown,
) {
  return (await reader.list(kind)).some((o) => o[field] === value);
}

async function requireProfile(
  reader: StoreReader,
  kind: 'flavorprofile' | 'availabilityzoneprofile',
  id: unknown,
  label: string,
) {
  if (!(await reader.get(kind, String(id)))) throw notFound(`${label} ${id} not found.`);
}

export const flavorProfiles: CatalogResource = {
  kind: 'flavorprofile',
  collection: 'flavorprofiles',
  linksKey: 'flavorprofile_links',
  wrapper: 'flavorprofile',
  argument: 'flavorprofile_',
  key: 'id',
  uniqueName: false,
  notFoundLabel: 'Flavor Profile',
  inUseLabel: 'Flavor profile',
  create: FlavorProfileCreate,
  update: FlavorProfileUpdate,
  defaults: {},
  validate: async (_reader, object, deps) => checkProfileData(deps, object, 'flavor_data', 'flavorCapabilities'),
  inUse: (reader, object) => used(reader, 'flavor', 'flavor_profile_id', object.id),
};

export const flavors: CatalogResource = {
  kind: 'flavor',
  collection: 'flavors',
  linksKey: 'flavors_links',
  wrapper: 'flavor',
  argument: 'flavor_',
  key: 'id',
  uniqueName: true,
  notFoundLabel: 'Flavor',
  inUseLabel: 'Flavor',
  create: FlavorCreate,
  update: FlavorUpdate,
  defaults: { description: '', enabled: true },
  validate: (reader, object) => requireProfile(reader, 'flavorprofile', object.flavor_profile_id, 'Flavor Profile'),
  inUse: (reader, object) => used(reader, 'loadbalancer', 'flavor_id', object.id),
};

export const availabilityZoneProfiles: CatalogResource = {
  kind: 'availabilityzoneprofile',
  collection: 'availability_zone_profiles',
  linksKey: 'availability_zone_profile_links',
  wrapper: 'availability_zone_profile',
  argument: 'availability_zone_profile_',
  key: 'id',
  uniqueName: false,
  notFoundLabel: 'Availability Zone Profile',
  inUseLabel: 'Availability Zone Profile',
  create: AvailabilityZoneProfileCreate,
  update: AvailabilityZoneProfileUpdate,
  defaults: {},
  validate: async (_reader, object, deps) =>
    checkProfileData(deps, object, 'availability_zone_data', 'availabilityZoneCapabilities'),
  inUse: (reader, object) => used(reader, 'availabilityzone', 'availability_zone_profile_id', object.id),
};

export const availabilityZones: CatalogResource = {
  kind: 'availabilityzone',
  collection: 'availability_zones',
  linksKey: 'availability_zones_links',
  wrapper: 'availability_zone',
  argument: 'availability_zone_',
  key: 'name',
  uniqueName: true,
  notFoundLabel: 'Availability Zone',
  inUseLabel: 'Availability Zone',
  create: AvailabilityZoneCreate,
  update: AvailabilityZoneUpdate,
  defaults: { description: '', enabled: true },
  validate: (reader, object) =>
    requireProfile(reader, 'availabilityzoneprofile', object.availability_zone_profile_id, 'Availability Zone Profile'),
  inUse: (reader, object) => used(reader, 'loadbalancer', 'availability_zone', object.name),
};
