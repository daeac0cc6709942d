// The minimal hand-written board the benchmark compares <allot-board> with: the same two
// requests (settings, then every card), every card rendered as DOM (no virtualisation),
// columns with count and amount, and a keyboard move. #TOKEN|SCOPE.
import { timeMove } from '/board-move.js';
const [token, scope] = location.hash.slice(1).split('|');
const get = async (path) => (await fetch(`/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } })).json();
const settings = await get('/settings');
const { cards } = await get(`/board?owner=${scope}`);
const board = document.getElementById('board');
const columns = new Map();
for (const stage of settings.stages) {
  const section = document.createElement('section');
  section.className = 'column';
  section.dataset.stage = stage.key;
  const h3 = document.createElement('h3');
  const ul = document.createElement('ul');
  section.append(h3, ul);
  board.append(section);
  columns.set(stage.key, { section, h3, ul, name: stage.en, count: 0, amount: 0 });
}
const header = (c) => { c.h3.textContent = `${c.name} · ${c.count} · ¥${Math.round(c.amount)}`; };
const order = settings.stages.map((s) => s.key);
function cardElement(card) {
  const li = document.createElement('li');
  li.className = 'card';
  li.tabIndex = 0;
  li.dataset.id = card.id;
  const title = document.createElement('div');
  title.textContent = card.name;
  const sub = document.createElement('div');
  sub.className = 'sub';
  sub.textContent = card.company ?? '';
  const meta = document.createElement('div');
  meta.className = 'meta';
  meta.textContent = `${card.amount ? `¥${card.amount}` : ''} ${card.owner_name ?? ''}`;
  li.append(title, sub, meta);
  li.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const to = order[order.indexOf(card.stage) + (e.key === 'ArrowRight' ? 1 : -1)];
    if (!to) return;
    const from = columns.get(card.stage);
    const target = columns.get(to);
    from.count -= 1; from.amount -= card.amount ?? 0; header(from);
    target.count += 1; target.amount += card.amount ?? 0; header(target);
    card.stage = to;
    target.ul.prepend(li);
    li.focus();
  });
  return li;
}
for (const card of cards) {
  const c = columns.get(card.stage);
  if (!c) continue;
  c.ul.append(cardElement(card));
  c.count += 1;
  c.amount += card.amount ?? 0;
}
for (const c of columns.values()) header(c);
requestAnimationFrame(() => {
  window.allotBoard = { rendered: performance.now(), cards: cards.length };
  window.allotMove = () => timeMove(document);
});
