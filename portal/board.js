// The single-element demo page: the demo user chosen in the portal (else the first rep),
// then the widget loader, which sees only <allot-board> and loads just its bundle.
let users = [];
try {
  ({ users } = await import('/demo-config.js'));
} catch {
  users = [];
}
const user = users[Number(localStorage.getItem('allot-demo-user') ?? 2)] ?? users[0];
const board = document.querySelector('allot-board');
if (user) board.setAttribute('token', user.token);
await import('/widget/allot.js');
