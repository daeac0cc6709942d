// The mobile page of a personal access link (`/m/#pl_…`): the rep's board, reminders and
// pool as tabs, for phones, with no portal.
//
// The link's text is read from the fragment (never sent to the server in a URL), removed
// from the address bar at once, and exchanged once for a token of an hour; the exchange
// also stores the link as an HttpOnly cookie, so later visits (a reload, the home-screen
// app) exchange again without the page's JavaScript ever holding the long-lived secret.
// Only the board's code loads first; a tab's element (and its bundle) is created the
// first time the tab is opened.
import '/widget/allot.js';

const zh = !navigator.language || navigator.language.startsWith('zh');
const lang = zh ? 'zh-CN' : 'en';
const words = {
  expired: zh ? '此链接已失效或已被收回，请向主管索取新链接。' : 'This link has expired or was revoked — ask your manager for a new one.',
  network: zh ? '网络不可用，请稍后重试。' : 'No network — please try again shortly.',
};
const status = document.getElementById('status');
const panels = [...document.querySelectorAll('[role=tabpanel]')];
let token = null;
let timer = null;

function say(text) {
  status.textContent = text;
  status.hidden = !text;
}

/** The element of a panel, created the first time it is shown. */
function element(panel) {
  let el = panel.firstElementChild;
  if (!el) {
    el = document.createElement(`allot-${panel.dataset.kind}`);
    el.setAttribute('lang', lang);
    if (panel.dataset.kind === 'board' || panel.dataset.kind === 'reminders') el.setAttribute('scope', 'me');
    if (token) el.setAttribute('token', token);
    panel.append(el);
  }
  return el;
}

function show(kind) {
  for (const tab of document.querySelectorAll('[role=tab]')) tab.setAttribute('aria-selected', String(tab.dataset.kind === kind));
  for (const panel of panels) {
    panel.hidden = panel.dataset.kind !== kind;
    if (!panel.hidden) element(panel);
  }
}
for (const tab of document.querySelectorAll('[role=tab]')) tab.addEventListener('click', () => show(tab.dataset.kind));

async function exchange(link) {
  const answer = await fetch('/api/v1/links/exchange', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(link ? { link } : {}),
    credentials: 'same-origin',
  });
  if (answer.status === 401) throw Object.assign(new Error('expired'), { expired: true });
  if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
  return answer.json();
}

function use(answer) {
  token = answer.token;
  document.getElementById('who').textContent = answer.name;
  for (const panel of panels) panel.firstElementChild?.setAttribute('token', token);
  say('');
  clearTimeout(timer);
  // A new token five minutes before this one ends (the cookie presents the link).
  const seconds = Math.max(60, answer.expires_at - Date.now() / 1000 - 300);
  timer = setTimeout(() => exchange(null).then(use, fail), seconds * 1000);
}

function fail(error) {
  say(error.expired ? words.expired : words.network);
}

// The board's bundle loads while the link is exchanged.
element(panels[0]);
const fromFragment = location.hash.startsWith('#pl_') ? decodeURIComponent(location.hash.slice(1)) : null;
if (location.hash) history.replaceState(null, '', location.pathname);
exchange(fromFragment).then(use, fail);
