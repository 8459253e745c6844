/**
 * The config file, as a typebox schema: it validates the file, types the result and, published as JSON Schema,
 * documents every key (descriptions are the reference; docs/config.md is the guide). Sections marked reserved
 * are accepted now so a file written for a later version already validates.
 */
import Type, { type Static } from 'typebox';

const strict = { additionalProperties: false } as const;

const authSchema = Type.Object(
  {
    strategy: Type.Enum(['noauth', 'keystone'], {
      default: 'noauth',
      description:
        'How API requests are authenticated. `noauth` trusts the X-Project-Id header (or uses default_project_id); ' +
        '`keystone` validates tokens with OpenStack Keystone (reserved: not implemented yet).',
    }),
    default_project_id: Type.String({
      pattern: '^[0-9a-f]{32}$',
      errorMessage: 'must be 32 lowercase hexadecimal characters, like a Keystone project id',
      default: '00000000000000000000000000000000',
      description: 'With `noauth`, the project a request belongs to when it carries no X-Project-Id header.',
    }),
    keystone: Type.Optional(
      Type.Object(
        {
          url: Type.String({ minLength: 1, description: 'Keystone identity endpoint, e.g. https://keystone:5000/v3.' }),
        },
        {
          additionalProperties: true,
          description: 'Reserved: Keystone settings for `strategy: keystone`. Keys besides `url` are not checked yet.',
        },
      ),
    ),
  },
  { ...strict, default: {}, description: 'Who may call the API.' },
);

const serverSchema = Type.Object(
  {
    listen: Type.String({
      default: '127.0.0.1:9876',
      description: 'Address and port the API listens on, as host:port; an IPv6 host goes in brackets, e.g. [::1]:9876.',
    }),
    data_dir: Type.String({
      minLength: 1,
      default: './var',
      description: 'Directory for weir state (the SQLite database, runtime files). Relative to the working directory.',
    }),
    auth: authSchema,
    max_body_bytes: Type.Integer({
      minimum: 1,
      default: 1048576,
      description: 'Largest request body the API accepts, in bytes; larger requests get 413.',
    }),
  },
  { ...strict, default: {}, description: 'The API server.' },
);

const storeSchema = Type.Object(
  {
    driver: Type.Enum(['sqlite', 'postgres'], {
      default: 'sqlite',
      description: 'Where desired state is kept: `sqlite` (one process) or `postgres` (reserved: several API nodes).',
    }),
    sqlite: Type.Optional(
      Type.Object(
        {
          path: Type.Optional(
            Type.String({ minLength: 1, description: 'Database file. Default: weir.sqlite in server.data_dir.' }),
          ),
        },
        { ...strict, description: 'Settings of the SQLite store.' },
      ),
    ),
    postgres: Type.Optional(
      Type.Object(
        {
          url: Type.String({
            minLength: 1,
            description: 'Connection string, e.g. postgres://weir@db/weir. Required with `driver: postgres`.',
          }),
        },
        { ...strict, description: 'Reserved: settings of the PostgreSQL store.' },
      ),
    ),
  },
  { ...strict, default: {}, description: 'The state store.' },
);

const allocationPoolSchema = Type.Object(
  {
    start: Type.String({ description: 'First address of the pool.' }),
    end: Type.String({ description: 'Last address of the pool (inclusive); not below start.' }),
  },
  { ...strict, description: 'A range of addresses VIPs are allocated from automatically.' },
);

const subnetSchema = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'Unique name. The subnet id (vip_subnet_id) is derived from it, so renaming changes the id.',
    }),
    cidr: Type.String({ description: 'The subnet, e.g. 192.0.2.0/24 or 2001:db8::/64, with host bits zero.' }),
    allocation_pools: Type.Optional(
      Type.Array(allocationPoolSchema, {
        description:
          'Where automatic VIPs come from, tried in order. Default: the whole CIDR except the network and ' +
          'broadcast addresses. A VIP requested by address may be anywhere in the CIDR.',
      }),
    ),
    gateway_ip: Type.Optional(
      Type.String({ description: 'The gateway of the subnet, never allocated as a VIP. Must lie inside the CIDR.' }),
    ),
    interface: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 15,
        description: 'Host interface VIPs of this subnet are added to, e.g. eth0. Default: chosen by the data plane.',
      }),
    ),
    network_name: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 255,
        description: 'Network the subnet belongs to; its id (vip_network_id) is derived from it. Default: the name.',
      }),
    ),
  },
  { ...strict, description: 'A subnet VIPs are allocated on, described as Neutron describes one.' },
);

const bgpPeerSchema = Type.Object(
  {
    address: Type.String({ description: 'Address of the BGP neighbour.' }),
    asn: Type.Integer({ minimum: 1, maximum: 4294967295, description: 'Autonomous system number of the neighbour.' }),
  },
  { ...strict, description: 'A BGP neighbour.' },
);

export const configSchema = Type.Object(
  {
    server: serverSchema,
    store: storeSchema,
    subnets: Type.Array(subnetSchema, {
      default: [],
      description:
        'Subnets VIPs are allocated on. None configured: a single subnet `local`, 127.0.0.0/8, allocating ' +
        '127.0.100.1 to 127.0.100.254.',
    }),
    trusted_proxies: Type.Array(Type.String({ description: 'A CIDR such as 10.0.0.0/8, or a single address.' }), {
      default: [],
      description:
        'Clients whose Forwarded and X-Forwarded-* headers are believed. Requests from anyone else have ' +
        'those headers ignored.',
    }),
    secrets: Type.Optional(
      Type.Object(
        {
          directory: Type.Optional(
            Type.String({ minLength: 1, description: 'Directory TLS certificates and keys are read from.' }),
          ),
        },
        { ...strict, description: 'Reserved: where TLS material for TERMINATED_HTTPS listeners is kept.' },
      ),
    ),
    dns: Type.Optional(
      Type.Object(
        {
          listen: Type.Optional(Type.String({ description: 'Address and port the DNS server listens on.' })),
          zones: Type.Optional(
            Type.Array(Type.String({ description: 'A zone name, e.g. lb.example.com.' }), {
              description: 'Zones weir answers for.',
            }),
          ),
        },
        { ...strict, description: 'Reserved: the DNS load-balancing data plane.' },
      ),
    ),
    bgp: Type.Optional(
      Type.Object(
        {
          asn: Type.Optional(
            Type.Integer({ minimum: 1, maximum: 4294967295, description: 'Autonomous system number of this node.' }),
          ),
          router_id: Type.Optional(Type.String({ description: 'BGP router id, an IPv4 address.' })),
          peers: Type.Optional(Type.Array(bgpPeerSchema, { description: 'Routers VIPs are announced to.' })),
        },
        { ...strict, description: 'Reserved: announcing VIPs to routers over BGP.' },
      ),
    ),
    node: Type.Object(
      {
        name: Type.Optional(
          Type.String({ minLength: 1, description: 'Name of this node in status and metrics. Default: the hostname.' }),
        ),
        id: Type.Optional(
          Type.String({ minLength: 1, description: 'Stable id of this node when several share a store.' }),
        ),
      },
      { ...strict, default: {}, description: 'This machine, as other weir nodes see it.' },
    ),
  },
  { ...strict, title: 'weir configuration', description: 'The configuration file of weir, in YAML.' },
);

/** The file's content once validated, with every default filled in. */
export type ConfigFile = Static<typeof configSchema>;
