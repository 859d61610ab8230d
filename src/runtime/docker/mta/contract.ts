import type { MtaSettings } from './types.js';

/** Where the runtime puts the run's TLS material, the node's `config:` and the scripts in every real-MTA container. */
export const CONTRACT_PATHS = {
  ca: '/etc/mxlab/tls/ca.pem',
  cert: '/etc/mxlab/tls/cert.pem',
  key: '/etc/mxlab/tls/key.pem',
  config: '/etc/mxlab/config',
  entrypoint: '/usr/local/bin/mxlab-entrypoint',
  store: '/usr/local/bin/mxlab-store',
  maildir: '/var/mail/mxlab',
} as const;

/** The environment contract (containers/README.md): one MXLAB_* variable per setting. */
export function contractEnv(s: MtaSettings, hasConfig: boolean): Record<string, string> {
  const env: Record<string, string> = {
    MXLAB_ROLE: s.role,
    MXLAB_HOSTNAME: s.hostname,
    MXLAB_TLS: s.tls,
    MXLAB_CA_FILE: CONTRACT_PATHS.ca,
    MXLAB_CERT_FILE: CONTRACT_PATHS.cert,
    MXLAB_KEY_FILE: CONTRACT_PATHS.key,
    MXLAB_MAX_SIZE: String(s.maxSize),
  };
  if (s.relay !== undefined) env.MXLAB_RELAY = s.relay;
  if (s.resolver !== undefined) env.MXLAB_RESOLVER = s.resolver;
  if (s.tlsName !== undefined) env.MXLAB_TLS_NAME = s.tlsName;
  if (s.timeoutS !== undefined) env.MXLAB_TIMEOUT_S = String(s.timeoutS);
  if (s.role === 'receiver') env.MXLAB_MAILDIR = CONTRACT_PATHS.maildir;
  if (hasConfig) env.MXLAB_CONFIG_FILE = CONTRACT_PATHS.config;
  for (const [k, v] of Object.entries(s.extra ?? {})) env[`MXLAB_${k}`] = v;
  return env;
}
