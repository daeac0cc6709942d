// Times <allot-customers>: navigation start → first rows, then → 1,000 rows shown.
const token = location.hash.slice(1);
const el = document.querySelector('allot-customers');
el.setAttribute('token', token);
await import('/widget/allot.js');
const rows = () => el.shadowRoot?.querySelectorAll('li.row').length ?? 0;
const until = (cond) => new Promise((resolve) => {
  const tick = () => (cond() ? resolve(performance.now()) : requestAnimationFrame(tick));
  tick();
});
const first = await until(() => rows() > 0);
const started = performance.now();
while (rows() < 1000) {
  const before = rows();
  const more = el.shadowRoot.querySelector('button.more');
  if (!more) break;
  more.click();
  await until(() => rows() > before);
}
const thousand = performance.now() - started + first;
window.allotBench = { first, thousand, rows: rows() };
