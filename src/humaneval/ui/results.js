// The results page: win ratios per baseline split by ID/OOD × Simple/Hard (paper A.2 scoring),
// per-rater scores, Fleiss' κ, sign-test p-value, bootstrap interval, agreement with the oracle and
// SEER's judge; or, for a verification study, the decisions. Exports via the admin API.
/* global document */
import { api, download, el, fmt, fmtP, fragment, showError } from './common.js';

const params = fragment();
const admin = params.get('admin');
const studyId = params.get('study');
const errorBox = document.getElementById('error');

function cellText(c) {
  return c.votes ? `${fmt(c.win_ratio)} (${c.votes})` : '—';
}

function baselineSection(b) {
  const rows = ['id', 'ood', 'all'].map((split) =>
    el('tr', {}, el('th', {}, split === 'all' ? 'All' : split.toUpperCase()), ...['simple', 'hard', 'all'].map((d) => el('td', { 'data-cell': `${split}-${d}` }, cellText(b.cells[split][d])))),
  );
  const agreement = (name, a) =>
    el('tr', {}, el('td', {}, name), el('td', {}, fmt(a.vote_agreement)), el('td', {}, a.votes), el('td', {}, fmt(a.majority_agreement)), el('td', {}, a.items), el('td', {}, fmt(a.cohen_kappa)));
  return el(
    'section',
    { class: 'card', 'data-baseline': b.baseline },
    el('h2', {}, `SEER vs ${b.baseline}`),
    el(
      'p',
      {},
      'Win ratio ',
      el('strong', { class: 'win-ratio' }, fmt(b.win_ratio)),
      ` (95% bootstrap interval over test cases ${fmt(b.interval.low)}–${fmt(b.interval.high)}), `,
      `${b.sign_test.wins} wins / ${b.sign_test.ties} ties / ${b.sign_test.losses} losses, sign test p = `,
      el('span', { class: 'p-value' }, fmtP(b.sign_test.p_value)),
      `, Fleiss κ = ${fmt(b.fleiss_kappa.kappa)} over ${b.fleiss_kappa.items} items; ${b.votes} votes on ${b.items} items.`,
    ),
    el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'win ratio (votes)'), el('th', {}, 'Simple'), el('th', {}, 'Hard'), el('th', {}, 'All'))), el('tbody', {}, rows)),
    el(
      'table',
      {},
      el('thead', {}, el('tr', {}, el('th', {}, 'rater'), el('th', {}, 'votes'), el('th', {}, 'win ratio'))),
      el('tbody', {}, b.per_rater.map((r) => el('tr', {}, el('td', {}, r.rater), el('td', {}, r.votes), el('td', {}, fmt(r.win_ratio))))),
    ),
    el(
      'table',
      {},
      el('thead', {}, el('tr', {}, el('th', {}, 'humans agree with'), el('th', {}, 'per vote'), el('th', {}, 'votes'), el('th', {}, 'majority'), el('th', {}, 'items'), el('th', {}, 'Cohen κ'))),
      el('tbody', {}, agreement('oracle', b.oracle), agreement("SEER's judge", b.judge)),
    ),
  );
}

function verificationSection(r) {
  return el(
    'section',
    { class: 'card' },
    el('h2', {}, 'Sparse human verification'),
    el('p', {}, `${r.approved} approved, ${r.rejected} rejected (${r.unvoted} without votes; a tie or no vote is a reject). Fleiss κ = ${fmt(r.fleiss_kappa.kappa)}.`),
    el(
      'table',
      {},
      el('thead', {}, el('tr', {}, el('th', {}, 'candidate'), el('th', {}, 'approve'), el('th', {}, 'reject'), el('th', {}, 'decision'))),
      el('tbody', {}, r.decisions.map((d) => el('tr', {}, el('td', {}, d.id), el('td', {}, d.votes.approve), el('td', {}, d.votes.reject), el('td', {}, d.decision)))),
    ),
  );
}

async function start() {
  if (!admin || !studyId) {
    showError(errorBox, 'Open this page from the admin page (it needs #admin=TOKEN&study=ID).');
    return;
  }
  document.getElementById('back').href = `/#admin=${encodeURIComponent(admin)}`;
  const base = `/api/admin/studies/${encodeURIComponent(studyId)}`;
  for (const [id, path, name] of [
    ['export-json', 'export/results.json', 'results.json'],
    ['export-csv', 'export/results.csv', 'results.csv'],
    ['export-votes', 'export/votes.csv', 'votes.csv'],
    ['export-decisions', 'export/decisions.jsonl', 'decisions.jsonl'],
  ]) {
    document.getElementById(id).addEventListener('click', () => download(`${base}/${path}`, admin, `${studyId}-${name}`).catch((e) => showError(errorBox, e)));
  }
  try {
    const r = await api(`${base}/results`, { token: admin });
    document.getElementById('title').textContent = `Results — ${r.study.name}`;
    const raters = r.raters.map((x) => `${x.name} ${x.done}/${x.total}`).join(', ');
    document.getElementById('summary').textContent = `${r.study.kind} study ${r.study.id}: ${r.votes} votes. Raters: ${raters || 'none yet'}.`;
    const target = document.getElementById('results');
    if (r.kind === 'pairwise') target.replaceChildren(...r.baselines.map(baselineSection));
    else {
      document.getElementById('export-decisions').hidden = false;
      target.replaceChildren(verificationSection(r));
    }
    target.dataset.ready = 'true';
  } catch (error) {
    showError(errorBox, error);
  }
}

void start();
