// Times one keyboard move on a board (widget or vanilla): ArrowRight on the first card of
// the first column, until that card is in the second column's DOM. Both boards share
// this, so they are measured the same way.
export function timeMove(root) {
  return new Promise((resolve) => {
    const columns = root.querySelectorAll('section.column');
    const card = columns[0].querySelector('li.card');
    const id = card.dataset.id;
    const target = columns[1];
    const observer = new MutationObserver(() => {
      if (target.querySelector(`li.card[data-id="${id}"]`)) {
        const done = performance.now();
        observer.disconnect();
        resolve(done - started);
      }
    });
    observer.observe(root, { childList: true, subtree: true });
    card.focus();
    const started = performance.now();
    card.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true, composed: true }));
  });
}
