// <allot-board> for the board benchmark: #TOKEN|SCOPE. Records navigation → board drawn
// (the element's `allot:board-ready`, sent after the frame that shows the cards).
import { timeMove } from '/board-move.js';
const [token, scope] = location.hash.slice(1).split('|');
const el = document.querySelector('allot-board');
el.setAttribute('scope', scope);
el.setAttribute('token', token);
el.addEventListener('allot:board-ready', (e) => {
  window.allotBoard = { rendered: performance.now(), cards: e.detail };
  window.allotMove = () => timeMove(el.shadowRoot);
});
await import('/widget/allot.js');
window.allotLoaded = performance.now();
