/** The page's only stylesheet, inlined. Colours: green held/delivered, amber deferred, red failed. */
export const CSS = `
:root { --ok: #e6f4ea; --okb: #1e7e34; --fail: #fde8e8; --failb: #b02a37; --warn: #fff4d6; --bounce: #ffe3cc; --mark: #ffd54f; --dim: #6c757d; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; padding: 1em 2em; max-width: 1600px; color: #212529; }
code, pre { font: 12.5px/1.35 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap; word-break: break-all; }
header { border-bottom: 2px solid #dee2e6; margin-bottom: 1em; }
header .totals span { margin-right: 1.5em; }
h2 { margin-top: 2em; border-bottom: 1px solid #dee2e6; }
h4, h5 { display: inline; margin: 0; }
h5 { display: block; margin: .8em 0 .3em; }
table { border-collapse: collapse; margin: .4em 0 1em; }
th, td { border: 1px solid #dee2e6; padding: 2px 6px; vertical-align: top; text-align: left; }
thead th { background: #f1f3f5; }
.ok, .out-delivered { background: var(--ok); }
.fail { background: var(--fail); }
.out-deferred { background: var(--warn); }
.out-bounced { background: var(--bounce); }
.bad { color: var(--failb); font-weight: 600; }
.good { color: var(--okb); font-weight: 600; }
.dim, .t { color: var(--dim); }
.t { white-space: nowrap; font-size: 12px; }
.badge { padding: 0 6px; border-radius: 3px; border: 1px solid #ced4da; }
details { margin: .3em 0; }
details.cell { border-left: 3px solid #ced4da; padding-left: .8em; }
details.session { border: 1px solid #dee2e6; border-radius: 4px; padding: .3em .8em; }
details > summary { cursor: pointer; }
table.seq td.c2s { background: #f3f7ff; }
table.seq td.s2c { background: #f7fbf3; }
table.seq td.tls, table.sbs .tlsmark, .tlsmark { }
.tlsmark { color: #6f42c1; font-size: 11px; }
.arr { color: var(--dim); }
tr.fwev td { background: #fff8e1; }
table.sbs tr.changed td { background: #fff3cd; }
table.sbs tr.left-only td, table.sbs tr.right-only td { background: #fde8e8; }
mark { background: var(--mark); padding: 0 1px; }
.ctl { color: #fff; background: #6c757d; border-radius: 2px; font-size: 11px; padding: 0 2px; }
.act-rewrite, .act-reply { color: #8a6d00; font-weight: 600; }
.act-reset, .act-drop-connection { color: var(--failb); font-weight: 600; }
nav ul { columns: 2; }
.tools { float: right; }
@media print { .tools { display: none; } }
`;

/** Optional progressive enhancement: expand/collapse everything, open a session when its link is followed. */
export const SCRIPT = `
document.querySelectorAll('button[data-open]').forEach(function (b) {
  b.addEventListener('click', function () {
    var open = b.getAttribute('data-open') === '1';
    document.querySelectorAll('details').forEach(function (d) { d.open = open; });
  });
});
function reveal() {
  var el = location.hash && document.getElementById(location.hash.slice(1));
  for (; el; el = el.parentElement) if (el.tagName === 'DETAILS') el.open = true;
}
window.addEventListener('hashchange', reveal);
reveal();
`;
