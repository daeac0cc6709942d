// The host's own script: picks a demo user, hands its token to the Allot elements, and
// lists the events they send. A real portal would mint the token on its backend.
const { users } = await import('/config.js');
const select = document.getElementById('user');
for (const [i, u] of users.entries()) select.append(new Option(u.label, String(i)));
select.value = String(users.findIndex((u) => u.role === 'rep'));

function apply() {
  const user = users[Number(select.value)];
  for (const el of document.querySelectorAll('allot-board, allot-customers')) el.setAttribute('token', user.token);
}
select.addEventListener('change', apply);
apply();

const log = document.getElementById('events');
for (const name of ['allot:stage-changed', 'allot:customer-created', 'allot:customer-updated', 'allot:follow-up-added', 'allot:unauthorized', 'allot:origin-not-allowed']) {
  document.addEventListener(name, (e) => {
    const li = document.createElement('li');
    li.dataset.event = name;
    li.dataset.detail = JSON.stringify(e.detail ?? null);
    li.textContent = `${new Date().toLocaleTimeString()} ${name} ${e.detail?.name ?? e.detail?.origin ?? ''}`;
    log.prepend(li);
  });
}
