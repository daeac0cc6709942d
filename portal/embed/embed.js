// `/embed/<element>`: one Allot element, full-size, for pages that can only frame a URL.
//
// The token never travels in a URL the server sees: it comes in the fragment
// (`#token=…&lang=en`, removed from the address bar at once, never sent in a request)
// or from the framing page by `postMessage({type: 'allot:token', token})`, accepted only
// from the parent window. The parent's origin (from the message, or as the browser
// reports the frame's ancestors) becomes the element's `embedder`: every API call
// carries it and the server holds it to the tenant's allowed origins, and the element
// posts its `allot:*` events to that origin only. The frame's height follows its content
// (`{type: 'allot:resize', height}`, from every element but the board, whose columns fill
// the frame), so the parent can size the iframe.
import '/widget/allot.js';

const element = document.querySelector('[data-embedded]');
const status = document.getElementById('status');
const ATTRIBUTES = ['lang', 'scope', 'view', 'mode', 'fields', 'team', 'page-size', 'rules-href'];

const hash = new URLSearchParams(location.hash.slice(1));
if (location.hash) history.replaceState(null, '', location.pathname + location.search);
for (const name of ATTRIBUTES) {
  const value = hash.get(name) ?? new URLSearchParams(location.search).get(name);
  if (value) element.setAttribute(name, value);
}

const framed = window.parent !== window;
let embedder = null;
if (framed) {
  embedder = location.ancestorOrigins?.[0] ?? (document.referrer ? new URL(document.referrer).origin : null);
  if (embedder) element.setAttribute('embedder', embedder);
}
if (hash.get('token')) element.setAttribute('token', hash.get('token'));

window.addEventListener('message', (event) => {
  if (!framed || event.source !== window.parent) return;
  const data = event.data;
  if (!data || typeof data !== 'object' || data.type !== 'allot:token' || typeof data.token !== 'string') return;
  embedder = event.origin;
  element.setAttribute('embedder', embedder);
  element.setAttribute('token', data.token);
  status.hidden = true;
});

// The board's columns fill the frame (their height follows the viewport): the host
// sizes that frame, and reporting its height would only chase itself. The other
// elements are as tall as their content, which the parent can follow.
const followsViewport = element.localName === 'allot-board';
if (framed && embedder && !followsViewport) {
  let last = 0;
  // The content's height (the body's box), not the frame's: a frame taller than its
  // content must be able to shrink to it.
  new ResizeObserver(() => {
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      window.parent.postMessage({ type: 'allot:resize', height }, embedder);
    }
  }).observe(document.body);
}
// Tells the parent the frame is ready for a token.
if (framed && embedder) window.parent.postMessage({ type: 'allot:ready' }, embedder);
if (!element.getAttribute('token')) {
  status.textContent = (navigator.language || '').startsWith('zh') ? '等待访问令牌…' : 'Waiting for an access token…';
  status.hidden = false;
}
