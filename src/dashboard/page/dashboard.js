// weir's dashboard: every few seconds, reads the Octavia API and weir's status extensions (docs/dashboard.md) with
// the caller's own token, and draws what that caller may see. Every value from the API is set as text, never as HTML.

const API = '/v2/lbaas';
const TOKEN_KEY = 'weir-token';
const SHOWN_TRANSITIONS = 20;

const fragment = new URLSearchParams(location.hash.slice(1));
const refreshMs = Math.max(1, Number(fragment.get('refresh')) || 2) * 1000;
if (fragment.has('token')) {
  // Kept for this tab only, and taken out of the address bar and its history.
  sessionStorage.setItem(TOKEN_KEY, fragment.get('token'));
  fragment.delete('token');
  const rest = fragment.toString();
  history.replaceState(null, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
}

class Unauthorized extends Error {}

async function get(path) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const headers = { accept: 'application/json', ...(token ? { 'x-auth-token': token } : {}) };
  const response = await fetch(API + path, { headers });
  if (response.status === 401) throw new Unauthorized('this weir wants a Keystone token');
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${path}: ${body.faultstring ?? `HTTP ${response.status}`}`);
  return body;
}

/** One object's counters per second since the last poll; null on its first. */
const samples = new Map();
function rates(id, stats, at) {
  const before = samples.get(id);
  samples.set(id, { at, stats });
  if (!before || at <= before.at) return null;
  const per = (field) => Math.max(0, stats[field] - before.stats[field]) / ((at - before.at) / 1000);
  return {
    // HTTP requests: only where the data plane reads them (weir's total_requests), undefined elsewhere.
    requests: stats.total_requests === undefined ? undefined : per('total_requests'),
    connections: per('total_connections'),
    bytesIn: per('bytes_in'),
    bytesOut: per('bytes_out'),
    errors: per('request_errors'),
  };
}

async function readLoadBalancer(lb, listeners, at) {
  const own = listeners.filter((listener) => listener.loadbalancers.some((owner) => owner.id === lb.id));
  const [health, reconcile, stats, listenerStats] = await Promise.all([
    get(`/loadbalancers/${lb.id}/health`),
    get(`/loadbalancers/${lb.id}/reconcile`),
    get(`/loadbalancers/${lb.id}/stats`),
    Promise.all(own.map((listener) => get(`/listeners/${listener.id}/stats`))),
  ]);
  return {
    health: health.health,
    reconcile: reconcile.reconcile,
    stats: stats.stats,
    rates: rates(lb.id, stats.stats, at),
    listeners: own.map((listener, i) => ({
      ...listener,
      stats: listenerStats[i].stats,
      rates: rates(listener.id, listenerStats[i].stats, at),
    })),
  };
}

async function poll() {
  try {
    const [lbs, listeners, pools, monitors] = await Promise.all(
      ['loadbalancers', 'listeners', 'pools', 'healthmonitors'].map((kind) => get(`/${kind}`)),
    );
    const at = Date.now();
    const views = await Promise.all(
      lbs.loadbalancers.map((lb) =>
        readLoadBalancer(lb, listeners.listeners, at).then(
          (view) => ({ lb, ...view }),
          (error) => ({ lb, error }),
        ),
      ),
    );
    render(views, pools.pools, monitors.healthmonitors);
    setState(`Updated ${new Date(at).toLocaleTimeString()}, every ${refreshMs / 1000} s`);
  } catch (error) {
    if (error instanceof Unauthorized) return askForToken(sessionStorage.getItem(TOKEN_KEY) !== null);
    setState(`Could not read the API: ${error.message}`, true);
  }
  setTimeout(poll, refreshMs);
}

function setState(text, failed = false) {
  const state = document.getElementById('state');
  state.textContent = text;
  state.classList.toggle('failed', failed);
}

function askForToken(refused) {
  sessionStorage.removeItem(TOKEN_KEY);
  document.getElementById('loadbalancers').replaceChildren();
  document.getElementById('forget').hidden = true;
  document.getElementById('login').hidden = false;
  setState(refused ? 'Keystone refused that token: give another.' : 'A token is needed.', refused);
}

document.getElementById('login').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = document.getElementById('token');
  sessionStorage.setItem(TOKEN_KEY, input.value.trim());
  input.value = '';
  document.getElementById('login').hidden = true;
  document.getElementById('forget').hidden = false;
  poll();
});

document.getElementById('forget').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  location.reload();
});

// Drawing. `el` builds an element from a tag, attributes and children (strings become text nodes).
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(name, String(value));
  }
  node.append(...children.flat().filter((child) => child !== null && child !== undefined));
  return node;
}

const badge = (status) => el('span', { class: `badge status-${status}` }, String(status));

function bytes(value) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let scaled = value;
  let unit = 0;
  while (scaled >= 1024 && unit < units.length - 1) {
    scaled /= 1024;
    unit++;
  }
  return `${unit === 0 ? scaled : scaled.toFixed(1)} ${units[unit]}`;
}

function duration(ms) {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

const ago = (iso) => (iso ? `${duration(Date.now() - Date.parse(iso))} ago` : '—');
const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '—');
const perSecond = (value, format = (v) => v.toFixed(1)) => (value === undefined ? '…' : `${format(value)}/s`);

/** The counters of a load balancer or listener: totals, with their rates once two polls have been made. */
function counters(stats, rate) {
  const cell = (name, label, value, detail) =>
    el(
      'div',
      { class: 'counter', 'data-counter': name, 'data-value': stats[name] },
      el('dt', {}, label),
      el('dd', {}, value, detail ? el('small', {}, ` ${detail}`) : null),
    );
  return el(
    'dl',
    { class: 'counters' },
    stats.total_requests === undefined
      ? null
      : cell('total_requests', 'requests', perSecond(rate?.requests), `${stats.total_requests} in all`),
    cell('total_connections', 'new connections', perSecond(rate?.connections), `${stats.total_connections} in all`),
    cell('active_connections', 'active connections', String(stats.active_connections)),
    cell('bytes_in', 'bytes in', perSecond(rate?.bytesIn, bytes), bytes(stats.bytes_in)),
    cell('bytes_out', 'bytes out', perSecond(rate?.bytesOut, bytes), bytes(stats.bytes_out)),
    cell('request_errors', 'errors', perSecond(rate?.errors), `${stats.request_errors} in all`),
  );
}

function memberRow(member) {
  const checked = member.monitored;
  return el(
    'tr',
    {
      class: `member op-${member.operating_status}`,
      'data-member-id': member.id,
      'data-operating-status': member.operating_status,
    },
    el('td', {}, member.name || member.id),
    el('td', {}, `${member.address}:${member.protocol_port}`),
    el('td', {}, badge(member.operating_status)),
    el('td', {}, checked ? member.health : 'not monitored'),
    el('td', {}, checked ? duration(Date.now() - Date.parse(member.status_since)) : '—'),
    el('td', {}, checked ? ago(member.last_check_at) : '—'),
    el('td', { class: member.last_check_ok === false ? 'failed' : null }, checked ? checkResult(member) : '—'),
  );
}

function checkResult(member) {
  if (member.last_check_ok === null) return 'not checked yet';
  const latency = member.last_check_latency_ms === null ? '' : ` in ${member.last_check_latency_ms} ms`;
  return `${member.last_check_ok ? 'ok' : 'failed'}: ${member.last_check_reason}${latency}`;
}

function poolSection(pool, members, monitor) {
  const rows = members.filter((member) => member.pool_id === pool.id);
  return el(
    'section',
    { class: 'pool', 'data-pool-id': pool.id },
    el(
      'h4',
      {},
      `pool ${pool.name || pool.id} `,
      el('small', {}, `${pool.protocol} ${pool.lb_algorithm} `),
      badge(pool.operating_status),
    ),
    el(
      'p',
      { class: 'monitor' },
      monitor
        ? `${monitor.type} monitor every ${monitor.delay} s, timeout ${monitor.timeout} s, up after ${monitor.max_retries} ` +
            `success(es), down after ${monitor.max_retries_down} failure(s)${monitor.admin_state_up ? '' : ' (disabled)'}`
        : 'no health monitor',
    ),
    rows.length === 0
      ? el('p', { class: 'empty' }, 'no members')
      : el(
          'table',
          { class: 'members' },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ...['member', 'address', 'status', 'health', 'in state for', 'last check', 'result'].map((h) =>
                el('th', {}, h),
              ),
            ),
          ),
          el('tbody', {}, rows.map(memberRow)),
        ),
  );
}

function transitionsSection(transitions) {
  const shown = transitions.slice(0, SHOWN_TRANSITIONS);
  return el(
    'section',
    { class: 'transitions' },
    el('h3', {}, 'Recent health transitions'),
    shown.length === 0
      ? el('p', { class: 'empty' }, 'none since weir started')
      : el(
          'table',
          {},
          el('thead', {}, el('tr', {}, ...['time', 'member', 'change', 'reason'].map((h) => el('th', {}, h)))),
          el(
            'tbody',
            {},
            shown.map((t) =>
              el(
                'tr',
                { class: `to-${t.to}` },
                el('td', {}, time(t.at)),
                el(
                  'td',
                  {},
                  t.member_name || t.member_id,
                  t.address ? el('small', {}, ` ${t.address}:${t.protocol_port}`) : null,
                ),
                el('td', {}, `${t.from} → ${t.to}`),
                el('td', {}, t.reason),
              ),
            ),
          ),
        ),
  );
}

function reconcileSection(report) {
  const result = report.result === null ? 'not run yet' : `${report.result} at ${time(report.last_run_at)}`;
  return el(
    'section',
    { class: 'reconcile' },
    el('h3', {}, 'Last reconcile: ', el('span', { class: report.result === 'failed' ? 'failed' : null }, result)),
    report.reason ? el('p', { class: 'failed' }, report.reason) : null,
    report.errors.length === 0
      ? null
      : el(
          'table',
          { class: 'errors' },
          el('thead', {}, el('tr', {}, ...['object', 'status', 'since', 'why'].map((h) => el('th', {}, h)))),
          el(
            'tbody',
            {},
            report.errors.map((error) =>
              el(
                'tr',
                { 'data-object-id': error.id },
                el('td', {}, `${error.kind} ${error.name || error.id}`),
                el('td', {}, badge(error.provisioning_status)),
                el('td', {}, time(error.at)),
                el('td', {}, error.reason),
              ),
            ),
          ),
        ),
  );
}

function loadBalancerSection(view, pools, monitors) {
  const { lb } = view;
  const heading = el(
    'h2',
    {},
    `${lb.name || lb.id} `,
    badge(lb.provisioning_status),
    ' ',
    badge(lb.operating_status),
    el('small', {}, ` ${lb.vip_address} · ${lb.provider} · ${lb.id}`),
  );
  if (view.error)
    return el(
      'section',
      { class: 'lb', 'data-lb-id': lb.id },
      heading,
      el('p', { class: 'failed' }, view.error.message),
    );
  const ownPools = pools.filter((pool) => pool.loadbalancers.some((owner) => owner.id === lb.id));
  const monitorOf = (pool) => monitors.find((monitor) => monitor.id === pool.healthmonitor_id);
  const poolsOf = (listener) =>
    ownPools.filter((pool) => pool.id === listener.default_pool_id || pool.listeners.some((l) => l.id === listener.id));
  const reached = new Set(view.listeners.flatMap((listener) => poolsOf(listener).map((pool) => pool.id)));
  const unreached = ownPools.filter((pool) => !reached.has(pool.id));
  return el(
    'section',
    { class: 'lb', 'data-lb-id': lb.id },
    heading,
    counters(view.stats, view.rates),
    view.listeners.map((listener) =>
      el(
        'article',
        { class: 'listener', 'data-listener-id': listener.id },
        el(
          'h3',
          {},
          `listener ${listener.name || listener.id} `,
          el('small', {}, `${listener.protocol}:${listener.protocol_port} `),
          badge(listener.operating_status),
        ),
        counters(listener.stats, listener.rates),
        poolsOf(listener).map((pool) => poolSection(pool, view.health.members, monitorOf(pool))),
      ),
    ),
    unreached.length > 0
      ? el(
          'article',
          { class: 'listener' },
          el('h3', {}, 'pools behind no listener'),
          unreached.map((pool) => poolSection(pool, view.health.members, monitorOf(pool))),
        )
      : null,
    transitionsSection(view.health.transitions),
    reconcileSection(view.reconcile),
  );
}

function render(views, pools, monitors) {
  const main = document.getElementById('loadbalancers');
  if (views.length === 0) return main.replaceChildren(el('p', { class: 'empty' }, 'No load balancers to show.'));
  main.replaceChildren(...views.map((view) => loadBalancerSection(view, pools, monitors)));
}

if (sessionStorage.getItem(TOKEN_KEY)) document.getElementById('forget').hidden = false;
poll();
