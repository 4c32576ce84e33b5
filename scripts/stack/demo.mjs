/**
 * The demo, driven only through the HTTP API of a running stack: a demo tenant and key
 * (admin CLI), a webhook endpoint on a local receiver, every photo of samples/ uploaded,
 * `auto` and explicit-map jobs (one followed over Server-Sent Events), a plain-language
 * instruction and its follow-up, a batch over all
 * photos, the webhooks checked with the reference verifier, and out/demo/: the API
 * responses (api/*.json), the results and a before/after contact sheet.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { apiClient } from './client.mjs';
import { contactSheet } from './contact-sheet.mjs';
import { admin, ROOT } from './launcher.mjs';
import { startWebhookReceiver } from './webhook-receiver.mjs';

const SAMPLES = path.join(ROOT, 'samples');
const OUT = path.join(ROOT, 'out/demo');
const PHOTO = /\.(jpe?g|png|webp|tiff?|avif)$/i;

/**
 * Explicit maps the demo asks for (regions by label; a missing label fails that job
 * clearly). Values are absolute: aitzgorri's sky is an overcast, nearly white one as shot
 * (brightness ≈ 0.98, colourfulness ≈ −0.7, temperature ≈ −0.58), so the edit is a step
 * from there — a far target (it once asked brightness −0.3, colourfulness +0.3) only
 * greys a colourless sky, every attribute clipped.
 */
const MAP_JOBS = [
  { photo: 'aitzgorri_by_Aitzol_Berasategi.jpg', map: { regions: [{ label: 'sky', values: { brightness: 0.75, temperature: -0.75 } }] }, why: 'a less blown, cooler sky' },
  { photo: 'sunset_by_Aitzol_Berasategi.jpg', map: { regions: [{ label: 'sky', values: { temperature: 0.5, colorfulness: 0.3 } }] }, why: 'a warmer, richer sky' },
  { photo: 'picosdeeuropa_by_Aitzol_Berasategi.jpg', map: { regions: [{ label: 'vegetation', values: { colorfulness: 0.3, brightness: 0.15 } }] }, why: 'livelier greens' },
];

export async function runDemo({ env, baseUrl, log = console.log }) {
  await rm(OUT, { recursive: true, force: true });
  await mkdir(path.join(OUT, 'api'), { recursive: true });
  const save = (name, value) => writeFile(path.join(OUT, 'api', `${name}.json`), `${JSON.stringify(value, null, 2)}\n`);

  const tenantId = `demo-${Date.now().toString(36)}`;
  const tenant = await admin(env, ['tenant', 'create', tenantId, '--name', 'PerTouch demo']);
  const key = await admin(env, ['key', 'create', tenantId, '--name', 'demo']);
  await save('tenant', { tenant, key: { ...key, key: `${String(key.key).slice(0, 12)}…` } });
  const api = apiClient(baseUrl, key.key);
  log(`tenant ${tenantId}, key ${String(key.key).slice(0, 12)}…`);

  const receiver = await startWebhookReceiver();
  try {
    const endpoint = await api.createWebhookEndpoint({ url: `${receiver.url}/hooks`, description: 'demo receiver' });
    receiver.trust(endpoint.secret);
    await save('webhook-endpoint', { ...endpoint, secret: 'whsec_…' });

    const names = (await readdir(SAMPLES)).filter((n) => PHOTO.test(n)).sort();
    const images = new Map();
    for (const name of names) {
      const image = await api.uploadImage(await readFile(path.join(SAMPLES, name)));
      images.set(name, image);
      log(`uploaded ${name.padEnd(40)} ${image.id}  ${image.width}×${image.height} ${image.format}`);
    }
    await save('images', Object.fromEntries(images));

    // One auto job followed live over SSE, then explicit maps.
    const first = names.find((n) => n.startsWith('picos')) ?? names[0];
    const auto = await api.createJob({ imageId: images.get(first).id, auto: true }, `demo-auto-${tenantId}`);
    const events = await api.events(auto.id);
    log(`auto job ${auto.id} on ${first}: ${events.map((e) => `${e.data.stage}`).join(' → ')}`);
    await save('job-auto', await api.getJob(auto.id));
    await save('job-auto-events', events);

    const mapRows = [];
    const explicit = [];
    for (const spec of MAP_JOBS.filter((j) => images.has(j.photo))) {
      const job = await api.createJob({ imageId: images.get(spec.photo).id, map: spec.map });
      explicit.push({ spec, job });
    }
    for (const { spec, job } of explicit) {
      const done = await api.waitForJob(job.id);
      await save(`job-map-${path.parse(spec.photo).name}`, done);
      log(`map job ${done.id} (${spec.why}) on ${spec.photo}: ${done.state}${done.error ? ` [${done.error.code}] ${done.error.message}` : ''}`);
      if (done.state === 'succeeded') {
        const target = path.join(OUT, `${path.parse(spec.photo).name}.map.jpg`);
        await writeFile(target, await api.result(done.id));
        mapRows.push({ name: spec.photo, before: path.join(SAMPLES, spec.photo), after: target, title: `before | after (map: ${spec.why})` });
      }
    }

    // Plain language: a strong instruction (judged and revised until it lands), then a follow-up.
    const photo = 'picosdeeuropa_by_Aitzol_Berasategi.jpg';
    if (images.has(photo)) {
      const first = await api.waitForJob((await api.createJob({ imageId: images.get(photo).id, instruction: 'brighten the sky a little' })).id);
      const more = first.state === 'succeeded' ? await api.waitForJob((await api.request('POST', `/v1/jobs/${first.id}/follow-up`, { body: { instruction: 'a bit more' } })).body.id) : undefined;
      for (const [name, job, instruction] of [['instruction', first, 'brighten the sky a little'], ['follow-up', more, 'a bit more']]) {
        if (!job) continue;
        await save(`job-${name}`, job);
        const verdicts = job.rounds.map((r) => (r.verdict ? (r.verdict.satisfied ? 'in band' : 'revise') : '—')).join(', ');
        log(`${name} "${instruction}" ${job.id}: ${job.state}${job.error ? ` [${job.error.code}] ${job.error.message}` : ''}, ${job.rounds.length} round(s): ${verdicts}`);
        if (job.state === 'succeeded') {
          const target = path.join(OUT, `${path.parse(photo).name}.${name}.jpg`);
          await writeFile(target, await api.result(job.id));
          mapRows.push({ name: photo, before: path.join(SAMPLES, photo), after: target, title: `before | after ("${name === 'follow-up' ? 'brighten the sky a little' + '" + "' + instruction : instruction}")` });
        }
      }
    }

    // A batch over every photo; its webhook closes the demo.
    const started = performance.now();
    const batch = await api.createBatch({ imageIds: [...images.values()].map((i) => i.id), auto: true });
    log(`batch ${batch.id}: ${batch.total} auto jobs…`);
    await receiver.waitFor((ds) => ds.some((d) => d.payload.type === 'batch.completed' && d.payload.data.id === batch.id), 600_000);
    const finished = await api.getBatch(batch.id);
    await save('batch', finished);
    log(`batch ${batch.id}: ${JSON.stringify(finished.counts)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const rows = [];
    const jobs = await Promise.all(finished.jobIds.map((id) => api.getJob(id)));
    for (const job of jobs) {
      const name = [...images].find(([, image]) => image.id === job.imageId)[0];
      if (job.state !== 'succeeded') {
        log(`  ${name}: ${job.state} ${job.error?.code ?? ''}`);
        continue;
      }
      const result = await api.result(job.id);
      const target = path.join(OUT, `${path.parse(name).name}.jpg`);
      await writeFile(target, result);
      rows.push({ name, before: path.join(SAMPLES, name), after: target });
    }
    await save('batch-jobs', jobs);
    const sheet = path.join(OUT, 'contact-sheet.jpg');
    await contactSheet([...mapRows, ...rows], sheet, 'before | after (auto, through the API)');

    const verified = receiver.deliveries.filter((d) => d.verified).length;
    await save('webhooks-received', receiver.deliveries);
    log(`webhooks: ${receiver.deliveries.length} received, ${verified} with a valid Standard Webhooks signature`);
    log(`\nout/demo/contact-sheet.jpg   before | after: ${mapRows.length} maps and instructions, ${rows.length} auto`);
    log('out/demo/api/                the API responses (jobs with rounds and reports, batch, webhooks)');
    if (verified !== receiver.deliveries.length) throw new Error('some webhooks did not verify');
  } finally {
    await receiver.close();
  }
}
