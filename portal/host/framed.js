// The framing page's part of /embed/<element>: hands the frame a token when it is ready
// (and on load, whichever comes first), sizes the iframe to what the frame reports, and
// lists the events the frame forwards. Messages are taken only from the frame's window
// and Allot's origin, and the token is posted to Allot's origin only.
const { users } = await import('/config.js');
const frame = document.getElementById('board');
const allot = new URL(frame.src).origin;
const token = users.find((u) => u.role === 'rep').token;
const hand = () => frame.contentWindow.postMessage({ type: 'allot:token', token }, allot);
frame.addEventListener('load', hand);
const log = document.getElementById('events');
window.addEventListener('message', (event) => {
  if (event.origin !== allot || event.source !== frame.contentWindow) return;
  const { type, detail, height } = event.data ?? {};
  if (type === 'allot:ready') hand();
  else if (type === 'allot:resize') frame.height = String(Math.max(200, Math.min(height, 4000)));
  else if (typeof type === 'string' && type.startsWith('allot:')) {
    const li = document.createElement('li');
    li.dataset.event = type;
    li.dataset.detail = JSON.stringify(detail ?? null);
    li.textContent = `${new Date().toLocaleTimeString()} ${type} ${detail?.name ?? detail?.origin ?? ''}`;
    log.prepend(li);
  }
});
