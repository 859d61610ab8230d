/** The firewall actor, when it is built (it is optional for the benches: variants using it are skipped). */
export async function loadFirewall() {
  try {
    const mod = await import('../../dist/actors/firewall/index.js');
    if (typeof mod.startFirewall !== 'function') return { reason: 'dist/actors/firewall/index.js has no startFirewall' };
    return { startFirewall: mod.startFirewall };
  } catch (err) {
    return { reason: `firewall not built (${err.code ?? err.message})` };
  }
}
