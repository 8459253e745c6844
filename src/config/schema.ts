/**
 * The config file, as a typebox schema: it validates the file, types the result and, published as JSON Schema,
 * documents every key (descriptions are the reference; docs/config.md is the guide). Sections marked reserved
 * are accepted now so a file written for a later version already validates.
 */
import Type, { type Static } from 'typebox';
import { NEW_POOL_MAGLEV_TABLE_SIZE } from '../balancing/maglev-table.ts';

const strict = { additionalProperties: false } as const;

const serverSchema = Type.Object(
  {
    listen: Type.String({
      default: '127.0.0.1:9876',
      description: 'Address and port the API listens on, as host:port; an IPv6 host goes in brackets, e.g. [::1]:9876.',
    }),
    data_dir: Type.String({
      minLength: 1,
      default: './var',
      description:
        'Directory for weir state (the SQLite database, runtime files), used by one weir at a time. Relative to the working directory.',
    }),
    auth: Type.Enum(['noauth', 'keystone'], {
      default: 'noauth',
      description:
        'How API requests are authenticated. `noauth` trusts the X-Project-Id header (or uses default_project_id) ' +
        'and treats every caller as an administrator, for a single machine; `keystone` validates X-Auth-Token ' +
        "with the Keystone of the `keystone` section and applies Octavia's role-based policy.",
    }),
    default_project_id: Type.String({
      pattern: '^[0-9a-f]{32}$',
      errorMessage: 'must be 32 lowercase hexadecimal characters, like a Keystone project id',
      default: '00000000000000000000000000000000',
      description: 'With `noauth`, the project a request belongs to when it carries no X-Project-Id header.',
    }),
    tls: Type.Optional(
      Type.Object(
        {
          cert_file: Type.String({ minLength: 1, description: 'PEM certificate chain the API presents.' }),
          key_file: Type.String({ minLength: 1, description: 'PEM private key of that certificate.' }),
        },
        { ...strict, description: 'Serve the API over HTTPS.' },
      ),
    ),
    allow_plaintext: Type.Boolean({
      default: false,
      description:
        'Start in `keystone` mode on a non-loopback address without `tls`. Tokens then cross the network in ' +
        'clear text; weir refuses to start that way unless this is set.',
    }),
    default_provider: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          "The provider of load balancers that name none, as Octavia's [api_settings] default_provider_driver: " +
          '`proxy`, `noop` or an alias (`amphora`, `octavia`, `noop_driver`). Default: `proxy`.',
      }),
    ),
    max_body_bytes: Type.Integer({
      minimum: 1,
      default: 1048576,
      description: 'Largest request body the API accepts, in bytes; larger requests get 413.',
    }),
    metrics: Type.Boolean({
      default: true,
      description:
        "Serve weir's own metrics in Prometheus' text format at GET /metrics on the API listener, without " +
        'authentication: they carry no tenant data (no project or object ids, no names).',
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

const projectIdSchema = Type.String({
  pattern: '^[0-9a-f]{32}$',
  errorMessage: 'must be a 32-character Keystone project id',
  description: 'A Keystone project id.',
});

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
    projects: Type.Optional(
      Type.Array(projectIdSchema, {
        description:
          'Projects whose load balancers may take VIPs on this subnet; others do not see it. Default: every project.',
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

const keystoneSchema = Type.Object(
  {
    auth_url: Type.String({
      minLength: 1,
      description: 'Keystone v3 identity endpoint, e.g. https://keystone:5000/v3.',
    }),
    username: Type.String({ minLength: 1, description: "weir's service user, which validates the callers' tokens." }),
    password: Type.String({ minLength: 1, description: 'Password of the service user. Never logged or audited.' }),
    project_name: Type.String({ minLength: 1, description: 'Project the service user scopes its token to.' }),
    user_domain_name: Type.String({ minLength: 1, default: 'Default', description: 'Domain of the service user.' }),
    project_domain_name: Type.String({ minLength: 1, default: 'Default', description: 'Domain of that project.' }),
    token_cache_time: Type.Integer({
      minimum: 0,
      default: 300,
      description:
        'Seconds a validated token is trusted before Keystone is asked again (never past its expiry). A revoked ' +
        'token stops working within this time; 0 asks Keystone on every request.',
    }),
    http_timeout: Type.Number({
      exclusiveMinimum: 0,
      default: 5,
      description: 'Seconds to wait for Keystone; a request that cannot be authenticated in time gets 503.',
    }),
    cafile: Type.Optional(Type.String({ minLength: 1, description: 'PEM CA bundle to verify an https auth_url.' })),
  },
  {
    ...strict,
    description:
      "Keystone for `server.auth: keystone`, named as Octavia's [keystone_authtoken] section names its settings.",
  },
);

const tenancySchema = Type.Object(
  {
    allow_loopback_members: Type.Optional(
      Type.Boolean({
        description:
          'Members and monitor addresses may be loopback addresses (127.0.0.0/8, ::1). Default: true with ' +
          '`server.auth: noauth` (one trusted user on one machine), false with `keystone`.',
      }),
    ),
    allow_link_local_members: Type.Boolean({
      default: false,
      description:
        'Members may be link-local addresses (169.254.0.0/16, fe80::/10), where cloud metadata services live.',
    }),
    denied_member_cidrs: Type.Array(Type.String({ description: 'A CIDR or a single address.' }), {
      default: [],
      description:
        "Further networks no member may point at, e.g. the operator's management network. weir's own API " +
        'address and its store are always denied.',
    }),
    unix_socket_directories: Type.Array(Type.String({ pattern: '^/', description: 'An absolute directory path.' }), {
      default: [],
      description:
        'Directories under which members may be local Unix sockets (`address: "unix:/path.sock"`). Empty: no ' +
        'socket members.',
    }),
    max_connections_per_load_balancer: Type.Integer({
      minimum: 0,
      default: 0,
      description:
        'Concurrent client connections one load balancer may hold, summed over its listeners, so one tenant ' +
        'cannot starve the others on a shared data plane. 0: no cap. Enforced by the data planes that hold ' +
        'connections.',
    }),
  },
  { ...strict, default: {}, description: 'Walls between tenants on a shared data plane.' },
);

const auditSchema = Type.Object(
  {
    path: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'JSON-lines file every API write is appended to. Default: audit.jsonl in server.data_dir.',
      }),
    ),
  },
  { ...strict, default: {}, description: 'The audit trail of API writes.' },
);

const keyManagerSchema = Type.Object(
  {
    key_file: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'File holding the AES-256 key that encrypts secret payloads at rest: 32 random bytes in base64 on one ' +
          'line (`openssl rand -base64 32`), readable by its owner only (mode 0600). A file named here must exist. ' +
          'Default: key-manager.key in server.data_dir, created on first start. weir refuses to start when the key ' +
          'cannot decrypt the secrets already stored.',
      }),
    ),
  },
  {
    ...strict,
    default: {},
    description: "The key manager (Barbican's v1 secrets and containers under /v1): how its payloads are encrypted.",
  },
);

const sourceNatSchema = Type.Object(
  {
    sources: Type.Array(Type.String({ description: 'A CIDR or a single address.' }), {
      minItems: 1,
      description:
        "The members' networks: their own new flows leaving through this node are translated. Flows to " +
        'destinations inside these networks are not.',
    }),
    addresses: Type.Array(Type.String({ description: 'An IP address.' }), {
      minItems: 1,
      description:
        "Public addresses of this node the members' flows leave from, at least one of each address family among " +
        '`sources`. Each member always leaves from the same one, picked by a hash of its address.',
    }),
    interface: Type.Optional(
      Type.String({
        pattern: '^(?!\\.{1,2}$)[^\\s/:"\\\\*]{1,15}$',
        errorMessage: 'must be a network interface name: 1 to 15 characters, without spaces, /, :, ", \\ or *',
        description: 'Only flows leaving through this interface, e.g. eth0, are translated. Default: all of them.',
      }),
    ),
  },
  { ...strict, description: "A pool of this node's addresses that members' own outbound flows leave from." },
);

const dnsZoneSchema = Type.Object(
  {
    name: Type.String({ description: 'The zone apex, a domain name such as lb.example.org.' }),
    nameservers: Type.Array(Type.String({ description: 'A host name.' }), {
      minItems: 1,
      description:
        "Names of the zone's authoritative servers, answered as its NS records; the first is the SOA's primary.",
    }),
    hostmaster: Type.String({
      description: "The zone's contact mailbox in DNS form (hostmaster.example.org for hostmaster@example.org).",
    }),
    glue: Type.Record(
      Type.String(),
      Type.Array(Type.String({ description: 'An IPv4 or IPv6 address.' }), { minItems: 1 }),
      {
        default: {},
        description:
          'Addresses of the nameservers inside the zone, by name: answered as their A and AAAA records and as glue ' +
          'with the NS records. Required for every nameserver inside the zone, refused for others.',
      },
    ),
    ttl: Type.Integer({
      minimum: 0,
      maximum: 2147483647,
      default: 3600,
      description: 'TTL of the SOA and NS records and the glue, in seconds.',
    }),
    refresh: Type.Integer({ minimum: 0, maximum: 2147483647, default: 3600, description: 'SOA refresh, in seconds.' }),
    retry: Type.Integer({ minimum: 0, maximum: 2147483647, default: 600, description: 'SOA retry, in seconds.' }),
    expire: Type.Integer({ minimum: 0, maximum: 2147483647, default: 1209600, description: 'SOA expire, in seconds.' }),
    minimum: Type.Integer({
      minimum: 0,
      maximum: 2147483647,
      default: 300,
      description: "The SOA's minimum field: the longest time resolvers may cache a negative answer (RFC 2308).",
    }),
    negative_ttl: Type.Integer({
      minimum: 0,
      maximum: 2147483647,
      default: 60,
      description:
        'TTL of the SOA sent with NXDOMAIN and NODATA answers; resolvers cache those for the lesser of this and `minimum`.',
    }),
    projects: Type.Optional(
      Type.Array(projectIdSchema, {
        description: 'Projects whose load balancers may publish names in this zone. Default: every project.',
      }),
    ),
  },
  { ...strict, description: 'A zone weir answers for with authority.' },
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
    keystone: Type.Optional(keystoneSchema),
    policy: Type.Record(Type.String({ minLength: 1 }), Type.String(), {
      default: {},
      description:
        "Overrides of Octavia's policy rules, as in Octavia's policy file: rule name to check string, e.g. " +
        '`os_load-balancer_api:loadbalancer:post: "rule:load-balancer:admin"`. Only with `server.auth: keystone`.',
    }),
    tenancy: tenancySchema,
    audit: auditSchema,
    key_manager: keyManagerSchema,
    access_log: Type.Optional(
      Type.Object(
        {
          path: Type.String({
            minLength: 1,
            description: 'File each connection and request through the proxy data plane is appended to; `-`: stdout.',
          }),
          format: Type.Enum(['httplog', 'json'], {
            default: 'httplog',
            description:
              "`httplog`: HAProxy's httplog layout for HTTP listeners and its tcplog layout for TCP and UDP ones; " +
              '`json`: one JSON object per line with the same facts, named.',
          }),
        },
        { ...strict, description: 'Access logs of the proxy data plane. Without this section nothing is logged.' },
      ),
    ),
    proxy: Type.Object(
      {
        workers: Type.Union([Type.Literal('auto'), Type.Integer({ minimum: 0, maximum: 256 })], {
          default: 'auto',
          description:
            'Worker processes the proxy data plane runs its listeners in, sharing each listening socket; ' +
            'connection limits hold over all of them. `auto`: one per core. 0: in the weir process itself.',
        }),
        udp: Type.Enum(['auto', 'kernel', 'user_space'], {
          default: 'auto',
          description:
            "Where UDP listeners are forwarded. `kernel`: by nftables DNAT, so members see each client's own " +
            "address (they must route back through weir's node); needs root and nft. `user_space`: relayed by the " +
            'workers, members see weir. `auto`: the kernel when weir may program it, else user space. Listeners ' +
            'with a connection_limit, and all of them when tenancy.max_connections_per_load_balancer is set, stay ' +
            'in user space, where flows are counted.',
        }),
      },
      { ...strict, default: {}, description: 'The proxy data plane (provider `proxy`).' },
    ),
    balancing: Type.Object(
      {
        maglev_table_size: Type.Integer({
          minimum: 2,
          maximum: 1048573,
          default: NEW_POOL_MAGLEV_TABLE_SIZE,
          description:
            'Slots of the Maglev lookup table SOURCE_IP and SOURCE_IP_PORT pools (every pool of the dsr provider) ' +
            'hash clients into; a prime, at least the members of any such pool. Stored with each pool when it is created (with a random seed), so ' +
            'every node builds the same table and changing this later leaves existing pools as they are. Larger ' +
            'spreads load closer to the weights; smaller loads faster into the kernel (kernel providers).',
        }),
      },
      { ...strict, default: {}, description: 'How pools spread connections over their members.' },
    ),
    nat: Type.Object(
      {
        source_nat: Type.Array(sourceNatSchema, {
          default: [],
          description:
            "Source NAT of the members' own new flows (not of load-balanced ones), for members that use this node " +
            'as their gateway. Needs root and nft.',
        }),
      },
      { ...strict, default: {}, description: 'The kernel NAT data plane (provider `nat`).' },
    ),
    trusted_proxies: Type.Array(Type.String({ description: 'A CIDR such as 10.0.0.0/8, or a single address.' }), {
      default: [],
      description:
        'Clients whose Forwarded and X-Forwarded-* headers are believed. Requests from anyone else have ' +
        'those headers ignored.',
    }),
    dns: Type.Object(
      {
        listen: Type.Array(Type.String({ description: 'host:port; an IPv6 host goes in brackets, e.g. [::1]:5353.' }), {
          default: [],
          description:
            'Addresses the authoritative DNS server answers on, over UDP and TCP each. None: no DNS server starts.',
        }),
        zones: Type.Array(dnsZoneSchema, {
          default: [],
          description: 'Zones weir is authoritative for; a query for a name outside all of them is refused.',
        }),
        answers: Type.Object(
          {
            max_records: Type.Integer({
              minimum: 1,
              maximum: 64,
              default: 8,
              description: 'At most this many addresses per answer, chosen by the pool algorithm ("first N").',
            }),
            min_ttl: Type.Integer({
              minimum: 0,
              maximum: 2147483647,
              default: 5,
              description: 'Lower bound of the TTL of answers that follow health, in seconds.',
            }),
            max_ttl: Type.Integer({
              minimum: 0,
              maximum: 2147483647,
              default: 60,
              description:
                'Upper bound of the TTL of answers that follow health, in seconds: the TTL is the time until the ' +
                "answer could change by the monitors' timing, clamped to min_ttl and max_ttl.",
            }),
            all_down: Type.Union([Type.Literal('answer_all'), Type.Literal('fallback'), Type.Literal('servfail')], {
              default: 'answer_all',
              description:
                'While every member of an address family is down: answer them all anyway (answer_all), answer the ' +
                'fallback addresses (fallback), or answer SERVFAIL (servfail). Members admin down are never answered.',
            }),
            fallback: Type.Array(Type.String({ description: 'An IPv4 or IPv6 address.' }), {
              default: [],
              description: 'The addresses all_down: fallback answers, of the family asked for.',
            }),
          },
          {
            ...strict,
            default: {},
            description: "How the dns provider's load balancers answer their names.",
          },
        ),
      },
      { ...strict, default: {}, description: "weir's authoritative DNS server (the DNS load-balancing data plane)." },
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
