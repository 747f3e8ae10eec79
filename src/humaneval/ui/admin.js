// The admin page: studies with progress, links to results, inviting raters (their secret links are
// shown once) and creating a study from a path on the server's machine.
/* global document, FormData */
import { api, el, fragment, showError } from './common.js';

const admin = fragment().get('admin');
const errorBox = document.getElementById('error');

function showLinks(raters) {
  document.getElementById('links').hidden = false;
  document.getElementById('link-list').replaceChildren(...raters.map((r) => el('li', {}, `${r.name}: `, el('a', { href: r.link, class: 'rater-link' }, el('code', {}, r.link)))));
}

async function invite(studyId) {
  try {
    const { raters } = await api(`/api/admin/studies/${encodeURIComponent(studyId)}/raters`, { token: admin, method: 'POST', body: { count: 1 } });
    showLinks(raters);
    await refresh();
  } catch (error) {
    showError(errorBox, error);
  }
}

async function refresh() {
  const { studies } = await api('/api/admin/studies', { token: admin });
  const target = document.getElementById('studies');
  target.classList.remove('muted');
  if (studies.length === 0) {
    target.replaceChildren('No studies yet: create one below or with seer humaneval create.');
    return;
  }
  target.replaceChildren(
    el(
      'table',
      {},
      el('thead', {}, el('tr', {}, ...['study', 'kind', 'items', 'raters', 'votes', ''].map((h) => el('th', {}, h)))),
      el(
        'tbody',
        {},
        studies.map((s) =>
          el(
            'tr',
            { 'data-study': s.id },
            el('td', {}, el('a', { href: `/results#admin=${encodeURIComponent(admin)}&study=${encodeURIComponent(s.id)}` }, s.name), el('br'), el('code', {}, s.id)),
            el('td', {}, s.kind),
            el('td', {}, s.items),
            el('td', {}, s.raters),
            el('td', {}, `${s.votes} / ${s.items * s.raters}`),
            el('td', {}, el('button', { class: 'action', type: 'button', onclick: () => invite(s.id) }, 'Invite a rater')),
          ),
        ),
      ),
    ),
  );
}

async function create(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const kind = String(form.get('kind'));
  const path = String(form.get('path')).trim();
  const vs = String(form.get('vs')).split(',').map((s) => s.trim()).filter(Boolean);
  const raters = Number(form.get('raters'));
  const body =
    kind === 'verification'
      ? { kind, candidates: path, raters }
      : { kind: 'pairwise', ...(kind === 'pairs' ? { pairs: path } : { run: path }), ...(vs.length ? { vs } : {}), raters };
  try {
    const created = await api('/api/admin/studies', { token: admin, method: 'POST', body });
    errorBox.hidden = true;
    showLinks(created.raters);
    await refresh();
  } catch (error) {
    showError(errorBox, error);
  }
}

async function start() {
  if (!admin) {
    showError(errorBox, 'Open the admin URL printed by "seer humaneval serve" (it ends in #admin=TOKEN).');
    return;
  }
  document.getElementById('create').addEventListener('submit', create);
  try {
    await refresh();
  } catch (error) {
    showError(errorBox, error);
  }
}

void start();
