import tls from 'node:tls';
import { startReceiver } from '../dist/actors/receiver/index.js';
import { deliver } from '../dist/actors/sender/index.js';
import { monotonicClock } from '../dist/model/clock.js';
import { generateRunCertificates } from '../dist/tls/certs.js';
import { startMiniServer } from './lib/mini-server.js';
import { miniSession } from './lib/mini-client.js';
import { smallMessage } from './lib/body.js';
const clock = monotonicClock();
const certs = await generateRunCertificates(['esa.example.com']);
const receiver = await startReceiver({ name: 'esa', persona: 'asyncos', hostname: 'esa.example.com', tls: 'preferred', certs, clock });
const mini = await startMiniServer({ hostname: 'esa.example.com', secureContext: tls.createSecureContext({ key: certs.key, cert: certs.cert }) });
const ctx = tls.createSecureContext({});
const c = [], a = [];
for (let i = 0; i < 150; i++) {
  let c0 = process.cpuUsage(), t = performance.now();
  await deliver({ name: 'p', tls: 'opportunistic', clock }, { id: 'x', from: 'a@p.example', to: 'b@esa.example.com', size: 1024 }, { host: '127.0.0.1', port: receiver.port, node: 'esa' });
  let d = process.cpuUsage(c0); c.push([performance.now() - t, (d.user + d.system) / 1000]);
  c0 = process.cpuUsage(); t = performance.now();
  await miniSession({ host: '127.0.0.1', port: mini.port, tls: { secureContext: ctx, servername: 'esa.example.com' }, body: smallMessage('x') });
  d = process.cpuUsage(c0); a.push([performance.now() - t, (d.user + d.system) / 1000]);
}
const hist = (xs) => { const b = {}; for (const [w] of xs.slice(10)) { const k = w < 40 ? Math.floor(w / 5) * 5 : Math.floor(w / 10) * 10; b[k] = (b[k] ?? 0) + 1; } return Object.entries(b).map(([k, v]) => `${k}:${v}`).join(' '); };
console.log('c wall hist', hist(c)); console.log('a wall hist', hist(a));
const gap = (xs) => xs.slice(10).map(([w, u]) => w - u).sort((x, y) => x - y);
console.log('c wall-cpu median', gap(c)[70].toFixed(2), 'a', gap(a)[70].toFixed(2));
await receiver.stop(); await mini.stop();
