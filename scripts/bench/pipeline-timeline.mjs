#!/usr/bin/env node
/**
 * Where a job's time goes between its hops: 9 `auto` jobs on 1 MP photos, one at a time,
 * on a scratch stack; per job the offsets (ms from creation) at which each BullMQ hop was
 * added, started and finished. `node scripts/bench/pipeline-timeline.mjs` (after a build).
 */
import { Queue } from 'bullmq';
import { apiClient } from '../stack/client.mjs';
import { startScratchStack } from '../stack/scratch.mjs';
import { testPhotos } from '../../tests/e2e/photos.mjs';
const { pipelineJobIds } = await import('../../libs/contracts/dist/index.js');
const stack = await startScratchStack({ name: 'timeline' });
try {
  const { key } = await stack.tenant('t1', ['--rate-limit', '1000000', '--max-running', '64']);
  const api = apiClient(stack.baseUrl, key);
  const c = { connection: { url: stack.env.REDIS_URL }, prefix: stack.env.PERTOUCH_QUEUE_PREFIX };
  const qs = { agent: new Queue('agent', c), segment: new Queue('segment', c), render: new Queue('render', c) };
  const photos = await testPhotos(9, 1);
  const imgs = []; for (const p of photos) imgs.push(await api.uploadImage(p.bytes));
  for (let i = 0; i < 9; i++) {
    const job = await api.waitForJob((await api.createJob({ imageId: imgs[i].id, auto: true })).id, { intervalMs: 5 });
    const t0 = Date.parse(job.createdAt);
    const seg = await qs.segment.getJob(pipelineJobIds.segment(job.id));
    const an = await qs.render.getJob(pipelineJobIds.analyse(job.id));
    const re = await qs.render.getJob(pipelineJobIds.render(job.id, 1));
    const ag = await qs.agent.getJob(job.id);
    const f = (j) => `add+${j.timestamp - t0} start+${j.processedOn - t0} end+${j.finishedOn - t0}`;
    console.log(`total ${Date.parse(job.finishedAt) - t0} | agent add+${ag?.timestamp - t0} | seg ${f(seg)} | an ${f(an)} | re ${f(re)}`);
  }
  for (const q of Object.values(qs)) await q.close();
} finally { await stack.destroy(); }
