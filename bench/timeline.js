/**
 * Bench 4 — time (issue 13): scenario time against wall time on the local runtime. The scenario clock
 * jumps over the idle time between attempts and timeline steps, so hours of queue time should cost the
 * time of the sessions only. Three scenarios, each run `rounds` times in this process (runScenario from
 * dist/, nothing else in the process):
 *   fix-then-deliver  scenarios/fix-then-deliver.yaml: 3 messages, 19 sessions, a step at 10m, 4h15m of scenario time
 *   two-days          20 DKIM-signed messages through an unfixed pix 7.2(2), retry [5m, 10m, 20m, 40m], 2d queue
 *                     lifetime (every message bounces, expired, after 76 attempts: 1520 sessions), 2d0h of scenario time
 *   one-attempt       the same 20 messages, no retry: one attempt each (20 sessions) — what a session costs here
 * Prints wall ms (median, p90), scenario time, sessions, and ms of wall time per session.
 */
import { readFile } from 'node:fs/promises';
import { runScenario } from '../dist/run/run-scenario.js';
import { fmt, median, p90, table } from './lib/stats.js';

const twoDays = (retry) => `name: two days
nodes:
  esa: { role: receiver, persona: asyncos, hostname: esa.example.com }
  fw: { role: firewall, device: pix 7.2(2), forwards-to: esa }
  partner: { role: sender, via: fw${retry ? ', retry: [5m, 10m, 20m, 40m], queue-lifetime: 2d' : ''} }
messages:
${Array.from({ length: 20 }, (_, i) => `  - { id: m${i}, from: partner, to: esa, dkim: true }`).join('\n')}
`;

async function once(source, file) {
  const t0 = performance.now();
  const r = await runScenario({ source, file }, { reporter: {} });
  const wall = performance.now() - t0;
  const cell = r.scenarios[0].cells[0];
  if (cell.error) throw new Error(`${file}: ${cell.error.message}`);
  if (!r.ok) throw new Error(`${file}: an expectation failed`);
  const sessions = cell.sessions.reduce((n, s) => n + s.attempts, 0);
  return { wall, scenario: cell.scenarioMs ?? 0, sessions };
}

export async function timelineBench({ quick = false, log = console.log } = {}) {
  const rounds = quick ? 3 : 5;
  const cases = [
    ['fix-then-deliver', await readFile(new URL('../scenarios/fix-then-deliver.yaml', import.meta.url), 'utf8')],
    ['two-days', twoDays(true)],
    ['one-attempt', twoDays(false)],
  ];
  await once(cases[0][1], 'warm-up.yaml');
  const rows = [['scenario', 'wall median', 'wall p90', 'scenario time', 'sessions', 'wall per session']];
  for (const [name, source] of cases) {
    const samples = [];
    for (let i = 0; i < rounds; i++) samples.push(await once(source, `${name}.yaml`));
    const walls = samples.map((s) => s.wall);
    const { scenario, sessions } = samples[0];
    rows.push([name, `${fmt(median(walls))} ms`, `${fmt(p90(walls))} ms`, hours(scenario), String(sessions), `${fmt(median(walls) / sessions)} ms`]);
  }
  log(table(rows));
}

function hours(ms) {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.round((ms % 3_600_000) / 60_000);
  return h >= 24 ? `${Math.floor(h / 24)}d${h % 24}h${m}m` : `${h}h${m}m`;
}
