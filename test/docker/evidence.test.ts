import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mxlab } from '../helpers/cli.js';
import { fieldsOf, needsTshark, pcapsByMessage, SEED_PCAPS, smtpRequests, smtpSummary, tshark } from '../helpers/tshark.js';
import { dockerAvailable, leftovers } from './helpers.js';

const sh = promisify(execFile);
const docker = dockerAvailable();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mxlab-docker-evidence-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The bundle's versions.json, unpacked. */
async function versionsOf(bundle: string): Promise<{ runtimes: string[]; runs: { nodes: Record<string, { role: string; software: string; version: string; image?: string; imageId?: string }> }[] }> {
  return JSON.parse((await sh('tar', ['-xzOf', bundle, 'mxlab-bundle/versions.json'], { maxBuffer: 16 << 20 })).stdout);
}

/**
 * Evidence on the docker runtime (issue 9): the firewall, persona and recording-hop containers
 * record the wire, the builtin sender and the personas log their TLS keys, the bundle says what
 * ran in each container (versions read from the running images, image tags and ids), and a
 * bundle made on one runtime replays on the other. About 1.5 min with warm images.
 */
describe.skipIf(!docker || needsTshark)('evidence from docker runs: pcaps, key logs, versions, replay across runtimes', () => {
  let out: string;
  beforeAll(async () => {
    out = join(dir, 'seed');
    const r = await mxlab(['run', 'scenarios/seed-esa-behind-pix.yaml', '--runtime', 'docker', '--reporter', 'junit,html,pcap,bundle', '--out', out], { timeoutMs: 200_000 });
    expect(r.stderr).toContain(`reports: ${out}/junit.xml, ${out}/report.html, ${out}/pcap/ (7 files), ${out}/keylog.txt, ${out}/mxlab-bundle.tar.gz\n`);
    expect(r.code).toBe(0);
  }, 240_000);

  it('the seed in containers: one pcap per hop per message (the hop straight into the ESA through a recording hop)', async () => {
    expect(await pcapsByMessage(join(out, 'pcap/seed-esa-behind-pix/run'))).toEqual(SEED_PCAPS);
  });

  it('tshark decodes 250 XXXXXXXA on the outside hop, and with keylog.txt the commands inside TLS on the inside hop', async () => {
    const outside = await fieldsOf(join(out, 'pcap/seed-esa-behind-pix/run/outside/hop1-partner-fw.pcap'), 'smtp', ['smtp.rsp.parameter']);
    expect(outside.join('\n')).toContain('XXXXXXXA');
    const fwToEsa = await smtpSummary(join(out, 'pcap/seed-esa-behind-pix/run/outside/hop2-fw-esa.pcap'));
    expect(fwToEsa).toMatch(/S: 250-esa\.example\.com \| 8BITMIME \| SIZE 14680064 \| STARTTLS/);
    const inside = join(out, 'pcap/seed-esa-behind-pix/run/inside/hop1-lan-esa.pcap');
    expect(await smtpRequests(inside)).toEqual(['EHLO\tlan.example', 'STAR\tTLS']);
    const decrypted = await smtpRequests(inside, join(out, 'keylog.txt'));
    expect(decrypted.slice(0, 3)).toEqual(['EHLO\tlan.example', 'MAIL\tFROM:<lan@lan.example> SIZE=512', 'RCPT\tTO:<postmaster@esa.example.com>']);
  });

  it('versions.json: what ran in each container, read from it, with its image tag and id', async () => {
    const v = await versionsOf(join(out, 'mxlab-bundle.tar.gz'));
    expect(v.runtimes).toEqual(['docker']);
    const nodes = v.runs[0].nodes;
    expect(Object.keys(nodes).sort()).toEqual(['esa', 'fw', 'lan', 'lan-rec-esa', 'partner']);
    expect(nodes.fw).toMatchObject({ role: 'firewall', software: 'pix 7.2(2) (emulated)', version: expect.stringMatching(/^mxlab \d+\.\d+\.\d+ \(Node v\d+\.\d+\.\d+\)$/) });
    expect(nodes.esa).toMatchObject({ role: 'receiver', software: 'asyncos persona' });
    expect(nodes['lan-rec-esa']).toMatchObject({ role: 'firewall', software: 'recording hop (mxlab proxy, device none)' });
    for (const n of Object.values(nodes)) {
      expect(n.image).toMatch(/^mxlab\/node:[0-9a-f]{12}$/);
      expect(n.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
  });

  it('the docker bundle replays on the local runtime (--runtime local) to the same verdicts', async () => {
    const r = await mxlab(['replay', join(out, 'mxlab-bundle.tar.gz'), '--runtime', 'local']);
    expect(r.stdout).toMatch(/ · recorded \S+ with mxlab [\d.]+ on docker · replaying on local\n/);
    expect(r.stdout).toMatch(/\nall 4 verdicts reproduced\n$/);
    expect(r.code).toBe(0);
  });

  it('a local bundle replays in containers (--runtime docker); an edited device there is a changed verdict', async () => {
    const local = join(dir, 'local');
    const made = await mxlab(['run', 'scenarios/seed-esa-behind-pix.yaml', '--reporter', 'bundle', '--out', local]);
    expect(made.code).toBe(0);
    const x = join(dir, 'local-x');
    await mkdir(x);
    await sh('tar', ['-xzf', join(local, 'mxlab-bundle.tar.gz'), '-C', x]);
    const scenario = join(x, 'mxlab-bundle/runs/seed-esa-behind-pix/run/scenario.yaml');
    await sh('sed', ['-i', 's/device: pix 7.2(2)/device: asa 9.12(4)/', scenario]);
    const r = await mxlab(['replay', join(x, 'mxlab-bundle'), '--runtime', 'docker'], { timeoutMs: 200_000 });
    expect(r.stdout).toMatch(/ · recorded \S+ with mxlab [\d.]+ on local · replaying on docker\n/);
    expect(r.stdout).toMatch(/outside-dkim: outcome, reason +recorded held +now failed \(outcome, reason\)/);
    expect(r.stdout).toMatch(/\n1 of \d+ verdicts changed\n$/);
    expect(r.code).toBe(1);
    expect(leftovers()).toEqual({ containers: [], networks: [] });
  }, 240_000);
});

describe.skipIf(!docker || needsTshark)('evidence from real MTAs: the recording hops and the MTAs\' own versions', () => {
  it('Postfix → Postfix through the recording hop, Exim → a persona through one the capture adds; versions from postconf and exim -bV', async () => {
    const out = join(dir, 'real');
    const r = await mxlab(['run', 'test/docker/fixtures/evidence-real-mtas.yaml', '--reporter', 'console,pcap,bundle', '--out', out], { timeoutMs: 200_000 });
    expect(r.code).toBe(0);
    // a cell in containers runs longer than a few seconds: a line per finished message before the cell's line, the slowest steps at the end
    const lines = r.stdout.split('\n');
    const cellLine = lines.findIndex((l) => l.startsWith('  ✓ test/docker/fixtures/evidence-real-mtas.yaml — 2 messages'));
    for (const m of ['pf-to-postfix', 'exim-to-esa']) {
      const i = lines.findIndex((l) => new RegExp(`^ {2}… test/docker/fixtures/evidence-real-mtas\\.yaml message ${m}: delivered \\(ok\\) in [\\d.]+ m?s · [\\d.]+ m?s into the run$`).test(l));
      expect(i, r.stdout).toBeGreaterThan(-1);
      expect(i).toBeLessThan(cellLine);
    }
    expect(r.stdout).toMatch(/\nSlowest steps\n {2}[ \d.]+ m?s {2}test\/docker\/fixtures\/evidence-real-mtas\.yaml /);
    const run = join(out, 'pcap/evidence-real-mtas/run');
    const pf = join(run, 'pf-to-postfix/hop1-pf-mx.pcap');
    const exim = join(run, 'exim-to-esa/hop1-exim-esa.pcap');
    // Postfix logs no TLS keys: the handshake and the records are there, the commands inside stay encrypted
    const pfSmtp = await smtpSummary(pf);
    expect(pfSmtp).toMatch(/S: 250-mx\.example\.com \| PIPELINING \| .*STARTTLS/);
    expect(pfSmtp).toContain('S: 220 2.0.0 Ready to start TLS');
    expect((await tshark(['-r', pf, '-Y', 'tls.handshake.type == 1'])).length).toBe(1);
    // the persona logs its keys: Exim's commands inside TLS decode
    expect(await fieldsOf(exim, 'smtp.req.command == "MAIL" && tls', ['smtp.req.parameter'], join(out, 'keylog.txt'))).toEqual([expect.stringMatching(/^FROM:<exim@exim\.example>/)]);
    const nodes = (await versionsOf(join(out, 'mxlab-bundle.tar.gz'))).runs[0].nodes;
    expect(nodes.pf).toMatchObject({ role: 'sender', software: 'postfix', version: expect.stringMatching(/^Postfix \d+\.\d+\.\d+$/), image: expect.stringMatching(/^mxlab\/postfix:/) });
    expect(nodes.mx).toMatchObject({ role: 'receiver', software: 'postfix', version: expect.stringMatching(/^Postfix \d+\.\d+\.\d+$/) });
    expect(nodes.exim).toMatchObject({ role: 'sender', software: 'exim', version: expect.stringMatching(/^Exim \d+\.\d+/), image: expect.stringMatching(/^mxlab\/exim:/) });
    expect(Object.keys(nodes).sort()).toEqual(['esa', 'exim', 'exim-rec-esa', 'mx', 'pf', 'pf-rec-mx']);
    expect(leftovers()).toEqual({ containers: [], networks: [] });
  }, 240_000);
});

describe.skipIf(!docker)('recording in containers does not change a verdict', () => {
  it('the timeline fixture with --reporter pcap: a stopped receiver still refuses through its recording hop, every expectation holds', async () => {
    const out = join(dir, 'timeline');
    const r = await mxlab(['run', 'test/docker/fixtures/timeline-steps.yaml', '--reporter', 'console,pcap', '--out', out], { timeoutMs: 200_000 });
    expect(r.stdout).toContain('all 6 expectations held');
    expect(r.code).toBe(0);
    // the recorded hop into esb: the refused first attempt made no connection; the second greets once (then STARTTLS, decrypted with the key log)
    const pcap = join(out, 'pcap/timeline-steps/run/down/hop1-lan-esb.pcap');
    if (!needsTshark) {
      expect(await fieldsOf(pcap, 'smtp.req.command == "EHLO"', ['smtp.req.parameter'])).toEqual(['lan.example']);
      expect(await fieldsOf(pcap, 'smtp.req.command == "MAIL" && tls', ['smtp.req.parameter'], join(out, 'keylog.txt'))).toEqual([expect.stringMatching(/^FROM:<lan@lan\.example>/)]);
    }
    expect(leftovers()).toEqual({ containers: [], networks: [] });
  }, 240_000);
});
