// The rater's page: shows one item at a time in the rater's own stored order and sides, records a
// vote by click or key, and resumes at the first item without a vote after a reload.
// Keys — pairwise: 1 / ← left, 2 / → right, 3 / T / ↓ tie; verification: A / Y approve, R / N reject;
// both: [ previous, ] next.
/* global document, window, performance */
import { api, el, fragment, showError } from './common.js';

const token = fragment().get('t');
const errorBox = document.getElementById('error');
const state = { session: null, items: [], index: 0, busy: false, shownAt: 0, urls: [] };

const KEYS = {
  pairwise: { 1: 'left', ArrowLeft: 'left', 2: 'right', ArrowRight: 'right', 3: 'tie', t: 'tie', T: 'tie', ArrowDown: 'tie' },
  verification: { a: 'approve', A: 'approve', y: 'approve', Y: 'approve', r: 'reject', R: 'reject', n: 'reject', N: 'reject' },
};
const LABELS = { left: 'Left', right: 'Right', tie: 'Tie', approve: 'Approve', reject: 'Reject' };
const KEY_HINT = { left: '1 / ←', right: '2 / →', tie: '3 / T', approve: 'A', reject: 'R' };

function setProgress(progress) {
  document.getElementById('progress').textContent = `${progress.done} / ${progress.total} done`;
  document.getElementById('bar').style.width = `${progress.total ? (100 * progress.done) / progress.total : 0}%`;
}

async function imageUrl(itemId, side) {
  const blob = await api(`/api/rater/items/${itemId}/image/${side}`, { token, blob: true });
  const url = URL.createObjectURL(blob);
  state.urls.push(url);
  return url;
}

function firstUnvoted(from) {
  const n = state.items.length;
  for (let k = 0; k < n; k++) {
    const i = (from + k) % n;
    if (!state.items[i].choice) return i;
  }
  return -1;
}

async function show(index) {
  const item = state.items[index];
  if (!item) return;
  state.index = index;
  document.getElementById('done').hidden = true;
  const section = document.getElementById('item');
  section.hidden = false;
  section.dataset.itemId = String(item.item_id);
  document.getElementById('instruction').textContent = item.instruction;
  document.getElementById('prompt').textContent = item.prompt;
  for (const url of state.urls.splice(0)) URL.revokeObjectURL(url);
  const images = document.getElementById('images');
  const kind = state.session.study.kind;
  const actions = document.getElementById('actions');
  actions.replaceChildren();
  if (kind === 'pairwise') {
    const [left, right] = await Promise.all([imageUrl(item.item_id, 'left'), imageUrl(item.item_id, 'right')]);
    images.className = 'pair';
    images.replaceChildren(
      el('button', { class: 'choice', id: 'left', type: 'button', onclick: () => vote('left') }, el('img', { src: left, alt: 'left image' }), el('span', { class: 'label' }, 'Left ', el('kbd', {}, KEY_HINT.left))),
      el('button', { class: 'choice', id: 'right', type: 'button', onclick: () => vote('right') }, el('img', { src: right, alt: 'right image' }), el('span', { class: 'label' }, 'Right ', el('kbd', {}, KEY_HINT.right))),
    );
    actions.append(el('button', { class: 'action', id: 'tie', type: 'button', onclick: () => vote('tie') }, 'Tie — equally good or bad ', el('kbd', {}, KEY_HINT.tie)));
  } else {
    const url = await imageUrl(item.item_id, 'candidate');
    images.className = 'single';
    images.replaceChildren(el('div', { class: 'choice' }, el('img', { src: url, alt: 'candidate image' })));
    for (const choice of ['approve', 'reject']) {
      actions.append(el('button', { class: 'action', id: choice, type: 'button', onclick: () => vote(choice) }, `${LABELS[choice]} `, el('kbd', {}, KEY_HINT[choice])));
    }
  }
  for (const node of document.querySelectorAll('.selected')) node.classList.remove('selected');
  if (item.choice) document.getElementById(item.choice)?.classList.add('selected');
  document.getElementById('prev').disabled = index === 0;
  document.getElementById('next').disabled = index === state.items.length - 1;
  state.shownAt = performance.now();
  section.dataset.ready = 'true';
}

function showDone() {
  document.getElementById('item').hidden = true;
  document.getElementById('done').hidden = false;
}

async function vote(choice) {
  const item = state.items[state.index];
  if (!item || state.busy) return;
  state.busy = true;
  document.getElementById('item').dataset.ready = 'false';
  for (const b of document.querySelectorAll('button')) b.disabled = true;
  try {
    const ms = Math.round(performance.now() - state.shownAt);
    const result = await api(`/api/rater/items/${item.item_id}/vote`, { token, method: 'PUT', body: { choice, ms } });
    item.choice = choice;
    setProgress(result.progress);
    errorBox.hidden = true;
    const next = firstUnvoted(state.index + 1);
    if (next === -1) showDone();
    else await show(next);
  } catch (error) {
    showError(errorBox, error);
    await show(state.index);
  } finally {
    state.busy = false;
    for (const b of document.querySelectorAll('button')) b.disabled = false;
    if (!document.getElementById('item').hidden) {
      document.getElementById('prev').disabled = state.index === 0;
      document.getElementById('next').disabled = state.index === state.items.length - 1;
    }
  }
}

function onKey(event) {
  if (event.repeat || event.ctrlKey || event.metaKey || event.altKey || !state.session) return;
  if (event.key === '[') {
    event.preventDefault();
    if (!state.busy) void show(document.getElementById('item').hidden ? state.items.length - 1 : Math.max(0, state.index - 1));
    return;
  }
  if (event.key === ']') {
    event.preventDefault();
    if (!state.busy) void show(Math.min(state.items.length - 1, state.index + 1));
    return;
  }
  if (document.getElementById('item').hidden) return;
  const choice = KEYS[state.session.study.kind][event.key];
  if (choice) {
    event.preventDefault();
    void vote(choice);
  }
}

async function start() {
  if (!token) {
    showError(errorBox, 'This page needs your personal rating link (…/rate#t=YOUR-TOKEN). Ask the study admin for it.');
    document.getElementById('study').textContent = 'No rating link';
    return;
  }
  try {
    state.session = await api('/api/rater/session', { token });
    const { items, progress } = await api('/api/rater/items', { token });
    state.items = items;
    const s = state.session;
    document.getElementById('study').textContent = `${s.study.name} — ${s.rater.name}`;
    document.getElementById('question').textContent = s.question;
    document.getElementById('help').replaceChildren(
      'Keys: ',
      ...s.choices.flatMap((c) => [el('kbd', {}, KEY_HINT[c]), ` ${LABELS[c].toLowerCase()}  `]),
      el('kbd', {}, '['), ' previous  ', el('kbd', {}, ']'), ' next',
    );
    setProgress(progress);
    document.getElementById('prev').addEventListener('click', () => void show(Math.max(0, state.index - 1)));
    document.getElementById('next').addEventListener('click', () => void show(Math.min(state.items.length - 1, state.index + 1)));
    window.addEventListener('keydown', onKey);
    const first = firstUnvoted(0);
    if (first === -1) showDone();
    else await show(first);
  } catch (error) {
    showError(errorBox, error);
  }
}

void start();
