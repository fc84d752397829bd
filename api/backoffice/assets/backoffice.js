// The back office's only script (progressive: every page works without it). Zoom and rotate for
// document images, ready-made RETRY messages, a confirmation before a FINAL rejection (a reject or a
// screening true match).
/* global document, window */ // runs in the reviewer's browser
'use strict';

document.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-view]');
  if (!button) return;
  const img = button.closest('figure').querySelector('img[data-viewer-image]');
  const zoom = Number(img.dataset.zoom || 1);
  const turn = Number(img.dataset.turn || 0);
  const next = {
    'zoom-in': [Math.min(zoom * 1.5, 8), turn],
    'zoom-out': [Math.max(zoom / 1.5, 1), turn],
    rotate: [zoom, (turn + 90) % 360],
    reset: [1, 0],
  }[button.dataset.view];
  img.dataset.zoom = String(next[0]);
  img.dataset.turn = String(next[1]);
  img.style.transform = `scale(${next[0]}) rotate(${next[1]}deg)`;
});

document.addEventListener('change', (event) => {
  const select = event.target.closest('select[data-fills]');
  if (select && select.value) document.getElementById(select.dataset.fills).value = select.value;
});

// A form with data-confirm-when asks only when its chosen outcome is that value (a true match).
document.addEventListener('submit', (event) => {
  const form = event.target;
  const message = form.dataset.confirm;
  const when = form.dataset.confirmWhen;
  if (when && form.elements.outcome?.value !== when) return;
  if (message && !window.confirm(message)) event.preventDefault();
});
