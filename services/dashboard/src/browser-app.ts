// The page's script, sent inline as it is. Plain browser JavaScript in a string: the build compiles TypeScript for
// Node, and this small script needs no bundler. It writes text only through textContent, never as HTML.
export const APP_SCRIPT = String.raw`
const org = document.body.dataset.org;
const $ = (id) => document.getElementById(id);
let selected = null;
let last = null;

function el(tag, props, children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (key === 'text') node.textContent = value;
    else if (key === 'onclick') node.addEventListener('click', value);
    else node.setAttribute(key, value);
  }
  for (const child of children || []) node.append(child);
  return node;
}

function age(at, now) {
  if (!at) return 'never';
  const s = Math.max(0, Math.floor((now - Date.parse(at)) / 1000));
  if (s < 2) return 'just now';
  if (s < 60) return s + 's ago';
  if (s < 3600) return Math.floor(s / 60) + 'm ago';
  if (s < 172800) return Math.floor(s / 3600) + 'h ago';
  return Math.floor(s / 86400) + 'd ago';
}

const plural = (n, word) => n + ' ' + word + (n === 1 ? '' : 's');
const badge = (pool) =>
  el('span', { class: 'badge ' + pool.status, 'data-testid': 'badge-' + pool.name, text: '● ' + pool.status + '  ' + pool.healthy + '/' + pool.total + ' healthy' });
const health = (healthy) => el('span', { class: 'dot ' + (healthy ? 'ok' : 'bad'), text: healthy ? '● healthy' : '● unhealthy' });

function table(head, rows) {
  return el('table', {}, [
    el('thead', {}, [el('tr', {}, head.map((h) => el('th', { text: h })))]),
    el('tbody', {}, rows),
  ]);
}

function setConn(state, text) {
  const conn = $('conn');
  conn.className = state;
  conn.textContent = text;
}

function banner(text, kind) {
  const node = $('banner');
  node.textContent = text || '';
  node.className = 'banner' + (kind ? ' ' + kind : '') + (text ? '' : ' hidden');
}

function renderPools(s) {
  const box = $('pools');
  if (s.poolsUnavailable) return box.replaceChildren(el('p', { class: 'empty', text: 'Pools are not available for this org: ' + s.poolsUnavailable }));
  if (s.pools.length === 0)
    return box.replaceChildren(el('p', { class: 'empty', 'data-testid': 'no-pools' }, [
      'No pools in org ' + org + ' yet. Create one with ',
      el('code', { text: 'npx gwpool --org ' + org + ' pools create NAME' }),
      '.',
    ]));
  const rows = s.pools.map((pool) =>
    el('tr', { class: 'pool' + (pool.poolId === selected ? ' selected' : ''), 'data-testid': 'pool-' + pool.name, onclick: () => { selected = pool.poolId; render(last); } }, [
      el('td', {}, [el('b', { text: pool.name })]),
      el('td', {}, [badge(pool)]),
      el('td', { text: plural(pool.total, 'member') }),
      el('td', { text: plural(pool.consumerCount, 'consumer') }),
    ]),
  );
  const nodes = [table(['POOL', 'HEALTH', 'MEMBERS', 'CONSUMERS'], rows)];
  if (s.poolCount > s.pools.length) nodes.push(el('p', { class: 'muted', text: 'Showing ' + s.pools.length + ' of ' + s.poolCount + ' pools.' }));
  box.replaceChildren(...nodes);
}

function renderDetail(s) {
  const pool = s.pools.find((p) => p.poolId === selected) || null;
  $('detail-title').textContent = pool ? 'Pool ' + pool.name : 'Pool detail';
  const box = $('detail');
  if (!pool) return box.replaceChildren(el('p', { class: 'empty', text: s.pools.length ? 'Select a pool to see its members and consumers.' : 'No pool to show.' }));
  const now = Date.parse(s.at);
  const members = pool.members.length
    ? table(['GATEWAY', 'ZONE', 'HEALTH', 'LAST CHECK', 'HEARTBEAT'], pool.members.map((m) =>
        el('tr', { 'data-testid': 'member-' + m.gatewayId }, [
          el('td', {}, [m.gatewayId, el('span', { class: 'sub', text: m.name || '' })]),
          el('td', { text: m.zone || '-' }),
          el('td', {}, [health(m.healthy)]),
          el('td', { text: m.lastCheck || '-' }),
          el('td', { text: age(m.lastHeartbeatAt, now) }),
        ])))
    : el('p', { class: 'empty', text: 'No members yet.' });
  const consumers = pool.consumers.length
    ? table(['CONSUMER', 'TYPE'], pool.consumers.map((c) => el('tr', {}, [el('td', { text: c.consumerId }), el('td', { text: c.consumerType })])))
    : el('p', { class: 'empty', text: 'No consumer routes through this pool.' });
  box.replaceChildren(
    el('p', {}, [badge(pool), ' ', el('span', { class: 'muted', text: pool.description || '' })]),
    members,
    el('h2', { text: 'Consumers' }),
    consumers,
  );
}

function renderGateways(s) {
  const box = $('gateways');
  if (s.gateways.length === 0) return box.replaceChildren(el('p', { class: 'empty', text: 'No gateways registered in org ' + org + '.' }));
  const names = new Map(s.pools.map((p) => [p.poolId, p.name]));
  const now = Date.parse(s.at);
  box.replaceChildren(table(['GATEWAY', 'ZONE', 'HEALTH', 'HEARTBEAT', 'POOLS'], s.gateways.map((g) =>
    el('tr', { 'data-testid': 'gateway-' + g.gatewayId }, [
      el('td', { text: g.gatewayId }),
      el('td', { text: g.zone || '-' }),
      el('td', {}, [health(g.healthy)]),
      el('td', { text: age(g.lastHeartbeatAt, now) }),
      el('td', { text: g.pools.map((id) => names.get(id) || id).join(', ') || '-' }),
    ]))));
}

function renderTransitions(s) {
  const box = $('transitions');
  if (s.transitions.length === 0) return box.replaceChildren(el('p', { class: 'empty', text: 'No health transition recorded yet.' }));
  box.replaceChildren(table(['AT', 'GATEWAY', 'BECAME', 'REASON'], s.transitions.map((t) =>
    el('tr', {}, [
      el('td', { text: new Date(t.at).toLocaleTimeString() }),
      el('td', { text: t.data.gatewayId }),
      el('td', {}, [health(t.type === 'GatewayBecameHealthy')]),
      el('td', { text: t.data.reason || '' }),
    ]))));
}

function render(s) {
  if (!s) return;
  if (selected === null && s.pools.length > 0) selected = s.pools[0].poolId;
  renderPools(s);
  renderDetail(s);
  renderGateways(s);
  renderTransitions(s);
  banner(s.degraded ? 'This org is degraded: ' + s.degraded : '', '');
}

const source = new EventSource('/orgs/' + encodeURIComponent(org) + '/events');
source.addEventListener('open', () => setConn('live', 'live'));
source.addEventListener('snapshot', (event) => {
  last = JSON.parse(event.data);
  setConn('live', 'live · updated ' + new Date(last.at).toLocaleTimeString());
  render(last);
});
source.addEventListener('failure', (event) => {
  setConn('down', 'the API does not answer');
  banner('The gateway-pools API did not answer: ' + JSON.parse(event.data).message + '. Retrying…', 'error');
});
source.addEventListener('error', () => {
  setConn('down', 'disconnected · reconnecting…');
  banner('Disconnected from the dashboard server. Reconnecting…', 'error');
});
`;
