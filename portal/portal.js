// The demo host portal: picks a demo user, hands its token to every Allot element, and
// logs the events the widgets emit. A real portal mints tokens on its own backend.
import '/widget/allot.js';

const elements = () => document.querySelectorAll('allot-customers, allot-allocate, allot-pool, allot-board, allot-reminders, allot-dashboard');
const userSelect = document.getElementById('user');
const langSelect = document.getElementById('lang');

let users = [];
try {
  ({ users } = await import('/demo-config.js'));
} catch {
  users = [];
}
for (const [i, u] of users.entries()) {
  const opt = document.createElement('option');
  opt.value = String(i);
  opt.textContent = u.label;
  userSelect.append(opt);
}
const saved = localStorage.getItem('allot-demo-user');
if (saved && users[Number(saved)]) userSelect.value = saved;

function apply() {
  const user = users[Number(userSelect.value)];
  for (const el of elements()) {
    if (user) el.setToken(user.token);
    el.setAttribute('lang', langSelect.value);
  }
}
userSelect.addEventListener('change', () => { localStorage.setItem('allot-demo-user', userSelect.value); apply(); });
langSelect.addEventListener('change', apply);
apply();

const log = document.getElementById('events');
for (const name of ['allot:customer-created', 'allot:customer-updated', 'allot:allocation-applied', 'allot:customer-claimed', 'allot:customer-released', 'allot:stage-changed', 'allot:follow-up-added', 'allot:edit-rules', 'allot:unauthorized']) {
  document.addEventListener(name, (e) => {
    const li = document.createElement('li');
    li.textContent = `${new Date().toLocaleTimeString()} ${name} ${e.detail?.name ?? ''}`;
    log.prepend(li);
  });
}

const menu = document.getElementById('menu');
menu.addEventListener('click', () => {
  const nav = document.getElementById('nav');
  nav.classList.toggle('open');
  menu.setAttribute('aria-expanded', String(nav.classList.contains('open')));
});
