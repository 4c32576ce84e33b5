/**
 * /docs: the OpenAPI document rendered as one self-contained HTML page (inline CSS, no
 * script, no CDN), so the reference works offline and behind any firewall.
 */
type Json = Record<string, unknown>;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
/** `code` spans in descriptions, the only markup they use. */
const prose = (text: unknown) => escapeHtml(String(text ?? '')).replace(/`([^`]+)`/g, '<code>$1</code>');

function resolveRef(doc: Json, node: unknown): unknown {
  if (node && typeof node === 'object' && typeof (node as Json).$ref === 'string') {
    const name = String((node as Json).$ref).split('/').pop() ?? '';
    return { [`(schema ${name})`]: '' };
  }
  return node;
}

function schemaBlock(doc: Json, schema: unknown): string {
  return `<pre>${escapeHtml(JSON.stringify(resolveRef(doc, schema), null, 2))}</pre>`;
}

function operationHtml(doc: Json, path: string, method: string, op: Json): string {
  const params = (op.parameters as Json[] | undefined) ?? [];
  const body = op.requestBody as Json | undefined;
  const responses = (op.responses as Record<string, Json>) ?? {};
  const scope = op['x-required-scope'];
  const id = escapeHtml(String(op.operationId));
  return `<section class="op" id="${id}">
<h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p class="sum">${prose(op.summary)}${scope ? ` <span class="scope">scope: ${escapeHtml(String(scope))}</span>` : ' <span class="scope">no authentication</span>'}</p>
${op.description ? `<p>${prose(op.description)}</p>` : ''}
${params.length ? `<h4>Parameters</h4><ul>${params.map((p) => `<li><code>${escapeHtml(String(p.name))}</code> (${escapeHtml(String(p.in))}${p.required ? ', required' : ''}) ${prose(p.description ?? '')}</li>`).join('')}</ul>` : ''}
${body ? `<h4>Request body</h4>${Object.entries((body.content as Record<string, Json>) ?? {}).map(([type, media]) => `<p><code>${escapeHtml(type)}</code></p>${schemaBlock(doc, media.schema)}`).join('')}` : ''}
<h4>Responses</h4><table>${Object.entries(responses)
    .map(([status, r]) => `<tr><td><b>${escapeHtml(status)}</b></td><td>${prose(r.description)}${Object.keys((r.content as Json) ?? {}).map((t) => ` <code>${escapeHtml(t)}</code>`).join('')}</td></tr>`)
    .join('')}</table>
</section>`;
}

export function renderDocsPage(doc: Json): string {
  const info = (doc.info as Json) ?? {};
  const paths = (doc.paths as Record<string, Record<string, Json>>) ?? {};
  const ops = Object.entries(paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  const tags = [...new Set(ops.map(({ op }) => String((op.tags as string[] | undefined)?.[0] ?? 'Other')))];
  const schemas = ((doc.components as Json)?.schemas as Record<string, unknown>) ?? {};
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(String(info.title ?? 'API'))} reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d1d1f;display:flex}
nav{width:260px;flex:none;height:100vh;overflow:auto;position:sticky;top:0;background:#f5f5f7;padding:16px;box-sizing:border-box}
nav a{display:block;color:#0050a0;text-decoration:none;font-size:13px;margin:2px 0}
main{padding:24px 40px;max-width:980px;overflow:hidden}
code{font:13px ui-monospace,monospace;background:#f0f0f3;padding:1px 4px;border-radius:3px}
pre{background:#f7f7f9;border:1px solid #e3e3e8;padding:10px;overflow:auto;font-size:12px;max-height:420px}
.op{border-top:1px solid #ddd;padding:12px 0}.m{font:bold 12px ui-monospace,monospace;color:#fff;padding:2px 6px;border-radius:3px}
.get{background:#2b7bb9}.post{background:#2f9e44}.delete{background:#c92a2a}.scope{font-size:12px;color:#666;margin-left:8px}
table{border-collapse:collapse}td{padding:2px 10px 2px 0;vertical-align:top}.sum{font-weight:600}
</style></head><body>
<nav><b>${escapeHtml(String(info.title ?? 'API'))}</b> <small>${escapeHtml(String(info.version ?? ''))}</small>
${tags.map((tag) => `<p><b>${escapeHtml(tag)}</b></p>${ops.filter(({ op }) => ((op.tags as string[] | undefined)?.[0] ?? 'Other') === tag).map(({ path, method, op }) => `<a href="#${escapeHtml(String(op.operationId))}">${method.toUpperCase()} ${escapeHtml(path)}</a>`).join('')}`).join('')}
<p><b>Schemas</b></p>${Object.keys(schemas).map((name) => `<a href="#schema-${escapeHtml(name)}">${escapeHtml(name)}</a>`).join('')}
<p><a href="/openapi.json">openapi.json</a></p></nav>
<main><h1>${escapeHtml(String(info.title ?? 'API'))}</h1><p>${prose(info.description)}</p>
<p>Authenticate with <code>x-api-key: pt_live_…</code> or <code>Authorization: Bearer pt_live_…</code>.</p>
${tags.map((tag) => `<h2>${escapeHtml(tag)}</h2>${ops.filter(({ op }) => ((op.tags as string[] | undefined)?.[0] ?? 'Other') === tag).map(({ path, method, op }) => operationHtml(doc, path, method, op)).join('\n')}`).join('\n')}
<h2>Schemas</h2>${Object.entries(schemas).map(([name, schema]) => `<section class="op" id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3>${schemaBlock(doc, schema)}</section>`).join('\n')}
</main></body></html>`;
}
