// The admin console's demo page: the demo user chosen here or in the portal (else the
// admin), then the widget loader, which sees only <allot-admin> and loads just its bundle.
let users = [];
try {
  ({ users } = await import('/demo-config.js'));
} catch {
  users = [];
}
const userSelect = document.getElementById('user');
const langSelect = document.getElementById('lang');
for (const [i, u] of users.entries()) {
  const opt = document.createElement('option');
  opt.value = String(i);
  opt.textContent = u.label;
  userSelect.append(opt);
}
const saved = localStorage.getItem('allot-demo-user');
userSelect.value = saved && users[Number(saved)] ? saved : '0';
const admin = document.querySelector('allot-admin');
function apply() {
  const user = users[Number(userSelect.value)];
  if (user) admin.setAttribute('token', user.token);
  admin.setAttribute('lang', langSelect.value);
}
userSelect.addEventListener('change', () => { localStorage.setItem('allot-demo-user', userSelect.value); apply(); });
langSelect.addEventListener('change', apply);
apply();
await import('/widget/allot.js');
