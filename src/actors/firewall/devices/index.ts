import { parseConfig } from '../config/parse.js';
import { dialectOf } from '../config/dialect.js';
import { emptyCiscoConfig, type CiscoConfig, type ConfigError, type ConfigReport, type ConfigWarning } from '../config/model.js';
import { deviceFromConfig, versionLineOf } from './config-device.js';
import { asaDefaultMap } from './asa-default-map.js';
import { asaInspectClassic } from './asa-inspect-classic.js';
import { DEFAULT_KNOBS, setKnob, type Knobs } from './knobs.js';
import { faultRules, isFault, setFault, type Faults } from './faults.js';
import { mxlabLine } from '../config/mxlab-lines.js';
import { dlinkDfl } from './dlink-dfl.js';
import { fSecureIgk } from './f-secure-igk.js';
import { ispStripper } from './isp-stripper.js';
import { none } from './none.js';
import { parseDevice } from './parse-device.js';
import { pixMailguard } from './pix-mailguard.js';
import { pixMailhost } from './pix-mailhost.js';
import { nextRow, type Release } from './release.js';
import { zorp } from './zorp.js';
import type { DeviceFamily, DeviceProfile, FamilyName, ReleaseInfo } from './types.js';
import { configLines } from '../config/screen.js';

export type { DeviceFamily, DeviceProfile, FamilyName, ReleaseInfo } from './types.js';

/** The family table: key = family name = file name. Which family a device is comes from the release table (PIX/ASA) or the device's name. */
export const FAMILIES: { [K in FamilyName]: DeviceFamily } = {
  none,
  'pix-mailhost': pixMailhost,
  'pix-mailguard': pixMailguard,
  'asa-inspect-classic': asaInspectClassic,
  'asa-default-map': asaDefaultMap,
  'isp-stripper': ispStripper,
  zorp,
  'f-secure-igk': fSecureIgk,
  'dlink-dfl': dlinkDfl,
};

export function knownDevices(): string[] {
  return Object.values(FAMILIES).flatMap((f) => f.examples);
}

export type ResolveResult =
  | { ok: true; profile: DeviceProfile; report?: ConfigReport; config: CiscoConfig; warnings: ConfigWarning[] }
  | { ok: false; errors: ConfigError[]; warnings: ConfigWarning[] };

/**
 * Device string and/or config (+ knobs, faults) → the rule list that release had. The config's
 * `ASA Version …` / `PIX Version …` line names the device when `device` is absent, and must agree
 * with it when both are given. All errors at once; warnings (unused definitions, unknown commands
 * outside the SMTP modes) do not stop it. A pure function of its arguments: call it again whenever
 * the device or config changes.
 */
export function resolveDevice(device: string | undefined, config?: string, knobs?: Partial<Knobs>, faults?: Faults): ResolveResult {
  const vl = versionLineOf(config);
  if (vl.errors.length) return { ok: false, errors: vl.errors, warnings: [] };
  const which = deviceFromConfig(device, vl.line);
  if ('error' in which) return { ok: false, errors: [which.error], warnings: [] };
  const parsed = parseDevice(which.device, knownDevices());
  if (!parsed.ok) {
    // a version the config names: the error belongs to its line
    const e = which.fromConfig && vl.line ? { ...parsed.error, line: vl.line.line, col: vl.line.col } : parsed.error;
    return { ok: false, errors: [e], warnings: [] };
  }
  const d = parsed.device;
  const release = parsed.release;
  const family = FAMILIES[release ? release.row.family : (d.product as FamilyName)];
  let cfg: CiscoConfig = emptyCiscoConfig();
  const errors: ConfigError[] = [];
  const warnings: ConfigWarning[] = [];
  let report: ConfigReport | undefined;
  if (config && config.trim()) {
    if (release && family.cisco) {
      const r = parseConfig(config, dialectOf(release.row.dialect, d.label));
      cfg = r.config;
      report = cfg.report;
      errors.push(...r.errors);
      warnings.push(...r.warnings);
    } else {
      errors.push(...parseKnobOnly(config, d.label, cfg));
    }
  }
  for (const [k, v] of Object.entries(knobs ?? {})) {
    const text = typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v);
    const err = isFault(k) ? setFault(cfg.faults, k, text) : setKnob(cfg.knobs, k, text);
    if (err) errors.push({ line: 0, col: 1, message: `mxlab: ${err}` });
  }
  for (const [k, v] of Object.entries(faults ?? {})) {
    const err = setFault(cfg.faults, k, String(v));
    if (err) errors.push({ line: 0, col: 1, message: `mxlab: ${err}` });
  }
  if (errors.length) return { ok: false, errors, warnings };
  if (!report && release && family.cisco) {
    cfg.inspectWhy = release.row.dialect === 'fixup' ? 'fixup protocol smtp 25 (the factory default)' : 'the factory default: service-policy global_policy global → class inspection_default → inspect esmtp';
  }
  const k: Knobs = { ...DEFAULT_KNOBS, ...cfg.knobs };
  const built = family.build({ release, cfg, knobs: k });
  const rules = [...built.rules, ...faultRules(cfg.faults)];
  const syslogPrefix = d.product === 'pix' ? '%PIX' : d.product === 'asa' ? '%ASA' : 'mxlab';
  const sides = cfg.sides;
  return {
    ok: true,
    profile: {
      device: d.label,
      family: family.name,
      ...(release ? { release: releaseInfo(release) } : {}),
      syslogPrefix,
      inspecting: built.inspecting,
      rules,
      knobs: { ...k },
      summary: rules.map((r) => `${r.name} ${JSON.stringify(r.options ?? {})}`),
      ...(cfg.timeoutConn ? { idleTimeoutMs: cfg.timeoutConn.ms } : {}),
      ...(cfg.tcpMss ? { mss: cfg.tcpMss.bytes } : {}),
      ...(sides ? { interfaces: { outside: sides.outside, inside: sides.inside, ...(sides.receiver ? { server: { address: sides.receiver.address, port: sides.receiver.port } } : {}) } } : {}),
    },
    ...(report ? { report } : {}),
    config: cfg,
    warnings,
  };
}

function releaseInfo(r: Release): ReleaseInfo {
  const until = nextRow(r.row)?.from;
  return {
    product: r.product,
    version: r.version.text,
    train: r.train,
    from: r.row.from,
    ...(until ? { until } : {}),
    dialect: r.row.dialect,
    defects: [...r.row.defects],
    fixes: [...(r.row.fixes ?? [])],
    note: r.row.note,
  };
}

/** Devices without a CLI take only comments and `! mxlab knob|fault` lines. */
function parseKnobOnly(text: string, label: string, into: CiscoConfig): ConfigError[] {
  const errors: ConfigError[] = [];
  configLines(text).forEach((raw, i) => {
    const t = raw.trim();
    if (!t) return;
    if (t.startsWith('!')) {
      const err = mxlabLine(raw, i + 1, into);
      if (err) errors.push(err);
      return;
    }
    errors.push({ line: i + 1, col: raw.length - raw.trimStart().length + 1, message: `device "${label}" takes no configuration`, hint: 'remove `config:`, or pick a Cisco device such as "asa 9.x"' });
  });
  return errors;
}
