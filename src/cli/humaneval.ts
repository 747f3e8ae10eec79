/**
 * `seer humaneval …`: the human-evaluation app (paper A.2) and sparse human verification (A.1.2).
 *   seer humaneval serve [--db FILE] [--port 8787]          start the app on 127.0.0.1, print the admin URL
 *   seer humaneval create --run runs/NAME --vs BASELINE…     a pairwise study (or --pairs FILE, or --candidates FILE)
 *   seer humaneval results --study ID [--json] [--csv FILE]  win ratios, κ, p-values, intervals, agreement
 *   seer humaneval decisions --study ID --out FILE           approve/reject per candidate for the dataset builder
 * Commands other than `serve` work on the database file directly (safe while the server runs: WAL).
 */
import { Option, type Command } from 'commander';
import { SeerError } from '../core/errors.ts';
import { writeFileAtomic, writeJsonl } from '../core/io.ts';
import { parseInteger, parsePositiveInteger, seedOption } from './options.ts';

const DEFAULT_DB = 'runs/humaneval/humaneval.sqlite';
const DEFAULT_PORT = 8787;

async function openStore(db: string) {
  const { openDatabase } = await import('../humaneval/db.ts');
  const { HumanEvalStore } = await import('../humaneval/store.ts');
  return new HumanEvalStore(openDatabase(db));
}

function fmt(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '—';
}

function printLinks(url: string, raters: readonly { id: number; name: string; token: string }[]): void {
  for (const r of raters) process.stdout.write(`  ${r.name.padEnd(12)} (id ${r.id})  ${url.replace(/\/+$/, '')}/rate#t=${r.token}\n`);
  if (raters.length) process.stdout.write('Links are shown only now; keep them (seer humaneval token rotates a lost one).\n');
}

export function registerHumanEvalCommands(program: Command): void {
  const he = program.command('humaneval').description('human evaluation app: blind pairwise studies (A.2) and sparse verification (A.1.2)');
  const dbOption = () => new Option('--db <file>', 'SQLite database').default(DEFAULT_DB);
  const urlOption = () => new Option('--url <url>', 'server address used in the printed rater links').default(`http://127.0.0.1:${DEFAULT_PORT}`);

  he.command('serve')
    .description('start the app (bound to 127.0.0.1) and print the admin URL')
    .addOption(dbOption())
    .option('--port <n>', 'port (0 picks a free one)', parseInteger, DEFAULT_PORT)
    .option('--host <host>', 'address to bind; anything but loopback exposes the app to the network', '127.0.0.1')
    .option('--admin-token <token>', 'admin token (default: $SEER_HUMANEVAL_ADMIN_TOKEN, else a new random one)')
    .action(async (opts: { db: string; port: number; host: string; adminToken?: string }) => {
      const { startServer } = await import('../humaneval/serve.ts');
      const server = await startServer({
        db: opts.db,
        port: opts.port,
        host: opts.host,
        adminToken: opts.adminToken ?? process.env.SEER_HUMANEVAL_ADMIN_TOKEN,
      });
      const studies = server.store.listStudies();
      process.stdout.write(`seer humaneval: listening on ${server.url} (database ${opts.db})\n`);
      process.stdout.write(`admin: ${server.adminUrl}\n`);
      for (const s of studies) process.stdout.write(`  study ${s.id} (${s.kind}): ${s.items} items, ${s.raters} raters, ${s.votes} votes\n`);
      const stop = () => {
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await new Promise<never>(() => {}); // serve until a signal
    });

  he.command('create')
    .description('create a study: pairwise from a run folder or pairs file, or verification from candidates')
    .addOption(dbOption())
    .option('--run <dir>', 'run folder whose eval/pairs.jsonl holds SEER-vs-baseline image pairs')
    .option('--pairs <file>', 'any pairs JSONL (image paths relative to the file)')
    .option('--vs <baseline...>', 'baselines to compare against (default: every baseline in the file)')
    .option('--candidates <file>', 'candidates.jsonl of the dataset builder: a verification study of the auto_check=pass rows')
    .option('--name <name>', 'study name')
    .option('--raters <n>', 'raters to invite now', parseInteger, 6)
    .addOption(seedOption('seed of the per-rater item order and left/right sides', 0))
    .addOption(urlOption())
    .option('--json', 'print JSON')
    .action(async (opts: { db: string; run?: string; pairs?: string; vs?: string[]; candidates?: string; name?: string; raters: number; seed: number; url: string; json?: boolean }) => {
      const sources = [opts.run, opts.pairs, opts.candidates].filter((x) => x !== undefined).length;
      if (sources !== 1) throw new SeerError('bad_input', 'give exactly one of --run DIR, --pairs FILE or --candidates FILE');
      if (opts.candidates !== undefined && opts.vs) throw new SeerError('bad_input', '--vs applies to pairwise studies, not to --candidates');
      const { createPairwiseStudy, createVerificationStudy } = await import('../humaneval/studies.ts');
      const store = await openStore(opts.db);
      try {
        const created =
          opts.candidates !== undefined
            ? createVerificationStudy(store, { candidates: opts.candidates, name: opts.name, raters: opts.raters, seed: opts.seed })
            : createPairwiseStudy(store, { run: opts.run, pairs: opts.pairs, vs: opts.vs, name: opts.name, raters: opts.raters, seed: opts.seed });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ ...created, raters: created.raters.map((r) => ({ ...r, link: `${opts.url}/rate#t=${r.token}` })) })}\n`);
          return;
        }
        process.stdout.write(`study ${created.study.id} (${created.study.kind}): ${created.items} items${created.skipped ? `, ${created.skipped} candidates skipped (auto_check fail)` : ''}\n`);
        printLinks(opts.url, created.raters);
      } finally {
        store.close();
      }
    });

  he.command('list')
    .description('list studies with their progress')
    .addOption(dbOption())
    .option('--json', 'print JSON')
    .action(async (opts: { db: string; json?: boolean }) => {
      const store = await openStore(opts.db);
      try {
        const studies = store.listStudies();
        if (opts.json) process.stdout.write(`${JSON.stringify(studies)}\n`);
        else for (const s of studies) process.stdout.write(`${s.id}  ${s.kind.padEnd(12)} ${s.items} items  ${s.raters} raters  ${s.votes} votes  ${s.name}\n`);
      } finally {
        store.close();
      }
    });

  he.command('invite')
    .description('invite more raters to a study and print their links')
    .addOption(dbOption())
    .requiredOption('--study <id>', 'study id')
    .option('--count <n>', 'number of raters', parsePositiveInteger)
    .option('--name <name...>', 'rater names')
    .addOption(urlOption())
    .action(async (opts: { db: string; study: string; count?: number; name?: string[]; url: string }) => {
      const store = await openStore(opts.db);
      try {
        printLinks(opts.url, store.invite(opts.study, { count: opts.count ?? (opts.name ? undefined : 1), names: opts.name }));
      } finally {
        store.close();
      }
    });

  he.command('token')
    .description("replace a rater's secret link (the old one stops working; votes are kept)")
    .addOption(dbOption())
    .requiredOption('--study <id>', 'study id')
    .requiredOption('--rater <id>', 'rater id', parsePositiveInteger)
    .addOption(urlOption())
    .action(async (opts: { db: string; study: string; rater: number; url: string }) => {
      const store = await openStore(opts.db);
      try {
        printLinks(opts.url, [store.rotateToken(opts.study, opts.rater)]);
      } finally {
        store.close();
      }
    });

  he.command('results')
    .description('win ratios (A.2) by ID/OOD × Simple/Hard, per rater, Fleiss κ, sign test, bootstrap interval, agreement with oracle and judge')
    .addOption(dbOption())
    .requiredOption('--study <id>', 'study id')
    .option('--json', 'print JSON')
    .option('--csv <file>', 'also write the results table as CSV')
    .option('--votes-csv <file>', 'also write every vote as CSV')
    .option('--resamples <n>', 'bootstrap resamples', parsePositiveInteger, 2000)
    .addOption(seedOption('bootstrap seed', 0))
    .action(async (opts: { db: string; study: string; json?: boolean; csv?: string; votesCsv?: string; resamples: number; seed: number }) => {
      const { studyResults, resultsCsv, votesCsv } = await import('../humaneval/results.ts');
      const store = await openStore(opts.db);
      try {
        const results = studyResults(store, opts.study, { resamples: opts.resamples, seed: opts.seed });
        if (opts.csv) writeFileAtomic(opts.csv, resultsCsv(results));
        if (opts.votesCsv) writeFileAtomic(opts.votesCsv, votesCsv(store, opts.study));
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(results)}\n`);
          return;
        }
        process.stdout.write(`study ${results.study.id} (${results.kind}): ${results.votes} votes from ${results.raters.length} raters\n`);
        if (results.kind === 'verification') {
          process.stdout.write(`  ${results.approved} approved, ${results.rejected} rejected (${results.unvoted} without votes), Fleiss κ ${fmt(results.fleiss_kappa.kappa)}\n`);
          return;
        }
        for (const b of results.baselines) {
          const c = b.cells;
          process.stdout.write(
            `  vs ${b.baseline}: win ratio ${fmt(b.win_ratio)} [95% ${fmt(b.interval.low)}, ${fmt(b.interval.high)}], sign p ${b.sign_test.p_value.toExponential(2)}, κ ${fmt(b.fleiss_kappa.kappa)}\n` +
              `    ID simple ${fmt(c.id.simple.win_ratio)} hard ${fmt(c.id.hard.win_ratio)} | OOD simple ${fmt(c.ood.simple.win_ratio)} hard ${fmt(c.ood.hard.win_ratio)}\n` +
              `    agreement with oracle ${fmt(b.oracle.vote_agreement)} (${b.oracle.votes} votes), with SEER's judge ${fmt(b.judge.vote_agreement)} (${b.judge.votes} votes)\n`,
          );
        }
      } finally {
        store.close();
      }
    });

  he.command('decisions')
    .description('export approve/reject per candidate of a verification study (majority; a tie, also 0–0, is a reject)')
    .addOption(dbOption())
    .requiredOption('--study <id>', 'verification study id')
    .requiredOption('--out <file>', 'decisions.jsonl to write')
    .action(async (opts: { db: string; study: string; out: string }) => {
      const { decisions } = await import('../humaneval/results.ts');
      const store = await openStore(opts.db);
      try {
        const study = store.requireStudy(opts.study);
        if (study.kind !== 'verification') throw new SeerError('bad_input', `study ${study.id} is pairwise; decisions come from verification studies (create --candidates)`);
        const rows = decisions(store.items(study.id), store.votes(study.id));
        writeJsonl(opts.out, rows);
        const approved = rows.filter((r) => r.decision === 'approve').length;
        process.stdout.write(`wrote ${rows.length} decisions (${approved} approve, ${rows.length - approved} reject) to ${opts.out}\n`);
      } finally {
        store.close();
      }
    });
}
