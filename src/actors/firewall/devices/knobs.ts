/**
 * Knobs: behaviour the sources leave open (INFERRED or conflicting). Each has a documented
 * default; set them with `! mxlab knob NAME VALUE` lines in `config:` or the `knobs` option.
 */
export interface Knobs {
  /** Mailguard: what happens to a verb outside the allow-list. Default `noop` (5.1–6.x). */
  disallowed: 'noop' | 'mask' | 'ok';
  /** Mailguard defect: an end-of-data split across segments is dropped. Default off. */
  'split-eod-drop': boolean;
  /** ASA and PIX 5.1–6.3 Mailguard banner: the character after `220` survives (`keep`) or becomes `*`. Default keep. */
  'banner-space': 'keep' | 'mask';
  /** ASA EHLO masking: VRFY passes or is masked (captures conflict). Default mask. */
  vrfy: 'pass' | 'mask';
  /** Duplicate-header defect: RST (`reset`) or a silent close. Default reset. */
  'duplicate-header-action': 'reset' | 'close';
  /** isp-stripper: banner rewritten like Cricket's (`200 ****`) or left alone (Vodafone). Default cricket. */
  'isp-banner': 'cricket' | 'keep';
  /** dlink-dfl: the ALG's own setting, default No [DLINK]: STARTTLS removed (`no`) or passed (`yes`). */
  SMTP_AllowSTARTTLS: 'yes' | 'no';
}

export const DEFAULT_KNOBS: Knobs = {
  disallowed: 'noop',
  'split-eod-drop': false,
  'banner-space': 'keep',
  vrfy: 'mask',
  'duplicate-header-action': 'reset',
  'isp-banner': 'cricket',
  SMTP_AllowSTARTTLS: 'no',
};

const CHOICES: { [K in keyof Knobs]: readonly string[] } = {
  disallowed: ['noop', 'mask', 'ok'],
  'split-eod-drop': ['on', 'off'],
  'banner-space': ['keep', 'mask'],
  vrfy: ['pass', 'mask'],
  'duplicate-header-action': ['reset', 'close'],
  'isp-banner': ['cricket', 'keep'],
  SMTP_AllowSTARTTLS: ['yes', 'no'],
};

export const KNOB_NAMES = Object.keys(CHOICES) as (keyof Knobs)[];

export function knobChoices(name: keyof Knobs): readonly string[] {
  return CHOICES[name];
}

/** The text a knob's value is set with (`split-eod-drop` is a boolean: on / off). */
export function knobText(name: keyof Knobs, value: Knobs[keyof Knobs]): string {
  return name === 'split-eod-drop' ? (value ? 'on' : 'off') : String(value);
}

/** Sets one knob from text; returns an error message or undefined. */
export function setKnob(k: Partial<Knobs>, name: string, value: string): string | undefined {
  if (!(name in CHOICES)) return `unknown knob "${name}"`;
  const key = name as keyof Knobs;
  if (!CHOICES[key].includes(value)) return `knob ${name} takes ${CHOICES[key].join(' | ')}, got "${value}"`;
  (k as Record<string, unknown>)[key] = key === 'split-eod-drop' ? value === 'on' : value;
  return undefined;
}
