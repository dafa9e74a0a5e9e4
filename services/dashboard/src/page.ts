import { APP_SCRIPT } from './browser-app.js';

const STYLE = `
:root { color-scheme: light; --green: #1a7f37; --yellow: #b7791f; --red: #cf222e; --muted: #57606a; --line: #d0d7de; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; background: #f6f8fa; }
header { display: flex; align-items: center; gap: 16px; padding: 12px 24px; background: #fff; border-bottom: 1px solid var(--line); }
header h1 { font-size: 18px; margin: 0; }
header .org { color: var(--muted); }
#conn { margin-left: auto; font-size: 13px; color: var(--muted); }
#conn.live::before { content: "● "; color: var(--green); }
#conn.down::before { content: "● "; color: var(--red); }
#conn.wait::before { content: "● "; color: var(--yellow); }
main { padding: 16px 24px; display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; overflow-x: auto; }
section.wide { grid-column: 1 / -1; }
h2 { font-size: 15px; margin: 0 0 8px; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #eaeef2; white-space: nowrap; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
tr.pool { cursor: pointer; }
tr.pool:hover, tr.pool.selected { background: #f3f6fb; }
.badge { display: inline-block; padding: 1px 10px; border-radius: 12px; font-weight: 600; font-size: 12px; color: #fff; }
.badge.green { background: var(--green); } .badge.yellow { background: var(--yellow); } .badge.red { background: var(--red); }
.dot.ok { color: var(--green); } .dot.bad { color: var(--red); }
.muted, .sub { color: var(--muted); }
.sub { display: block; font-size: 12px; }
.empty { color: var(--muted); padding: 16px 0; }
.banner { grid-column: 1 / -1; padding: 10px 14px; border-radius: 8px; background: #fff8c5; border: 1px solid #d4a72c; }
.banner.error { background: #ffebe9; border-color: #ff8182; }
code { background: #eff1f3; padding: 1px 5px; border-radius: 4px; }
.hidden { display: none; }
`;

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The org's page: a static shell; the script fills it from the server-sent events. `org` is a token already. */
export function orgPage(org: string): string {
  const name = escapeHtml(org);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>gateway pools · ${name}</title>
<style>${STYLE}</style>
</head>
<body data-org="${name}">
<header><h1>Gateway pools</h1><span class="org">org <b>${name}</b></span><span id="conn" class="wait">connecting…</span></header>
<main>
  <div id="banner" class="banner hidden" role="status"></div>
  <section><h2>Pools</h2><div id="pools"><p class="empty">Loading the pools of ${name}…</p></div></section>
  <section><h2 id="detail-title">Pool detail</h2><div id="detail"><p class="empty">Select a pool to see its members and consumers.</p></div></section>
  <section><h2>Gateways</h2><div id="gateways"><p class="empty">Loading…</p></div></section>
  <section><h2>Recent health transitions</h2><div id="transitions"><p class="empty">Loading…</p></div></section>
</main>
<script type="module">${APP_SCRIPT}</script>
</body>
</html>`;
}

/** The landing page: where to go for an org. */
export function indexPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>gateway pools</title><style>${STYLE}</style></head>
<body><header><h1>Gateway pools</h1></header>
<main><section class="wide"><h2>Open an org</h2>
<form onsubmit="location.href='/orgs/'+encodeURIComponent(this.org.value.trim());return false">
<input name="org" placeholder="org, e.g. demo" pattern="[A-Za-z0-9_-]{1,64}" required autofocus> <button>Open</button>
</form><p class="muted">Or go straight to <code>/orgs/{org}</code>.</p></section></main></body></html>`;
}
