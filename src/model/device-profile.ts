/**
 * A firewall node's resolved device: made once per cell from `device:` + `config:` (the firewall
 * module's resolveDevice) and handed to the runtime as data — the local runtime starts the proxy
 * with it, the docker runtime writes it as JSON for `mxlab proxy --profile`. JSON-serialisable.
 */
export interface DeviceProfile {
  /** normalised device, e.g. `asa 9.12(4)` */
  device: string;
  /** device family (= file name under actors/firewall/devices) */
  family: string;
  /** the release table row the version falls in (Cisco devices) */
  release?: ReleaseInfo;
  /** prefix of the device's log lines, `%PIX` / `%ASA` / `mxlab` */
  syslogPrefix: string;
  /** SMTP inspection is active (false: pass-through) */
  inspecting: boolean;
  /** the ordered rule list: name = rule file name, options as the rule takes them */
  rules: { name: string; options?: unknown }[];
  /** every knob and its value in force */
  knobs: Record<string, string | boolean>;
  /** one line per rule, for `mxlab devices` and reports */
  summary: string[];
  /** `timeout conn` of the config: a connection idle this long is closed (ms; 0 = never) */
  idleTimeoutMs?: number;
  /** `sysopt connection tcpmss N`: segments in both directions are at most N bytes */
  mss?: number;
  /** interface names and the addresses the config gives the two sides (labels only, never contacted) */
  interfaces?: { outside: string; inside: string; server?: { address: string; port: number } };
}

export interface ReleaseInfo {
  product: 'pix' | 'asa';
  /** the version as written, normalised, e.g. `8.0(2.7)` */
  version: string;
  /** `major.minor`, e.g. `8.0` */
  train: string;
  /** the first release of the table row, e.g. `8.0(2.7)` */
  from: string;
  /** the first release of the next row, when there is one */
  until?: string;
  dialect: string;
  defects: string[];
  fixes: string[];
  note: string;
}
