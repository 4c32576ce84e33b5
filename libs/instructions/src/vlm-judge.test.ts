/**
 * The VLM judge against a local server that speaks OpenAI chat completions with scripted
 * answers: the request it sends, how it reads answers, and how it fails (it never falls
 * back itself: the agent does).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LogLine } from './log.js';
import type { Edit } from './schema.js';
import { VlmFailure } from './vlm/client.js';
import { vlmConfigFromEnv } from './vlm/config.js';
import { createVlmJudge, interpretJudgeAnswer } from './vlm/judge.js';
import { answer, completion, silence, status, useChatServer, type Part } from './testing/chat-server.js';
import { JUDGE_RESPONSE_FORMAT_NAME, JUDGE_SYSTEM_PROMPT, judgeAnswerJsonSchema, type JudgeRequest } from './vlm/judge-prompt.js';

const chat = useChatServer({ beforeAll, afterAll, beforeEach });

function vlmJudge(env: Record<string, string> = {}) {
  const logs: LogLine[] = [];
  const config = vlmConfigFromEnv({ PERTOUCH_VLM_URL: chat.server.url, PERTOUCH_VLM_MODEL: 'qwen2.5-vl-7b', PERTOUCH_VLM_API_KEY: 'sk-test-123', PERTOUCH_VLM_RETRIES: '2', PERTOUCH_VLM_TIMEOUT_MS: '2000', ...env })!;
  return { judge: createVlmJudge(config, { log: (line) => logs.push(line), backoffMs: 10 }), logs };
}

const EDITS: Edit[] = [
  { region: 'sky', attribute: 'brightness', delta: 0.1 },
  { region: 'global', attribute: 'colorfulness', delta: -0.4, except: ['person'] },
];
const BEFORE = { data: new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3]), mediaType: 'image/jpeg', width: 320, height: 240 };
const AFTER = { data: new Uint8Array([0xff, 0xd8, 0xff, 9, 8, 7, 250]), mediaType: 'image/jpeg', width: 320, height: 240 };
const REQUEST: JudgeRequest = {
  instruction: 'brighten the sky a bit and mute everything except the person a lot',
  edits: EDITS,
  before: BEFORE,
  after: AFTER,
  measured: ['sky brightness +0.082 (asked +0.100 ± 0.030)'],
  round: 2,
  maxRounds: 3,
};

const bytesOf = (url: string, mediaType: string) => {
  expect(url.startsWith(`data:${mediaType};base64,`)).toBe(true);
  return [...Buffer.from(url.slice(`data:${mediaType};base64,`.length), 'base64')];
};

async function failure(promise: Promise<unknown>): Promise<VlmFailure> {
  const error = await promise.then(() => expect.unreachable('the judge should have failed'), (e: unknown) => e);
  expect(error).toBeInstanceOf(VlmFailure);
  return error as VlmFailure;
}

describe('VLM judge: the request', () => {
  it('posts model, temperature 0, the judgement schema, and system + user with text, Before: image, After: image', async () => {
    const { judge } = vlmJudge();
    expect(judge.model).toBe('qwen2.5-vl-7b');
    chat.server.replies.push(answer({ satisfied: true, reason: 'Both edits are visible.', adjust: [] }));
    await judge.judge(REQUEST);

    expect(chat.server.received).toHaveLength(1);
    const [{ path, headers, body }] = chat.server.received;
    expect(path).toBe('/v1/chat/completions');
    expect(headers.authorization).toBe('Bearer sk-test-123');
    expect(body.model).toBe('qwen2.5-vl-7b');
    expect(body.temperature).toBe(0);
    expect(body.response_format).toEqual({ type: 'json_schema', json_schema: { name: JUDGE_RESPONSE_FORMAT_NAME, schema: judgeAnswerJsonSchema(), strict: false } });
    expect(JUDGE_RESPONSE_FORMAT_NAME).toBe('pertouch_judgement');
    expect(body.response_format.json_schema.schema).toMatchObject({ type: 'object', required: ['satisfied', 'reason', 'adjust'] });
    expect(body.messages).toHaveLength(2);
    expect(body.messages[0]).toEqual({ role: 'system', content: JUDGE_SYSTEM_PROMPT });
    expect(body.messages[1].role).toBe('user');

    const parts = body.messages[1].content as Part[];
    expect(parts.map((p) => p.type)).toEqual(['text', 'text', 'image_url', 'text', 'image_url']);
    expect(parts[1].text).toBe('Before:');
    expect(parts[3].text).toBe('After:');
    expect(bytesOf(parts[2].image_url!.url, 'image/jpeg')).toEqual([...BEFORE.data]);
    expect(bytesOf(parts[4].image_url!.url, 'image/jpeg')).toEqual([...AFTER.data]);
    const text = parts[0].text!;
    expect(text).toContain(`"${REQUEST.instruction}"`);
    expect(text).toContain('0: sky brightness +0.10 (slight)');
    expect(text).toContain('1: global except person colorfulness -0.40 (strong)');
    expect(text).toContain('- sky brightness +0.082 (asked +0.100 ± 0.030)');
    expect(text).toContain('320×240 pixels');
    expect(text).toContain('round 2 of 3');
  });

  it('leaves out the measurements when there are none', async () => {
    const { judge } = vlmJudge();
    chat.server.replies.push(answer({ satisfied: true, reason: 'ok', adjust: [] }));
    await judge.judge({ ...REQUEST, measured: undefined });
    expect((chat.server.received[0].body.messages[1].content as Part[])[0].text).not.toContain('Measured');
  });
});

describe('VLM judge: answers', () => {
  it('takes a satisfied answer, one "ok" per edit, and logs it', async () => {
    const { judge, logs } = vlmJudge();
    chat.server.replies.push(answer({ satisfied: true, reason: 'The sky is a little lighter; the rest is muted.', adjust: [{ edit: 0, change: 'ok' }] }));
    expect(await judge.judge(REQUEST)).toEqual({
      satisfied: true,
      reason: 'The sky is a little lighter; the rest is muted.',
      adjust: [{ edit: 0, change: 'ok' }, { edit: 1, change: 'ok' }],
    });
    expect(logs).toEqual([{ event: 'instructions.vlm_judged', level: 'info', model: 'qwen2.5-vl-7b', attempts: 1, satisfied: true }]);
  });

  it('returns an unsatisfied answer’s more/less as given, in edit order', async () => {
    const { judge, logs } = vlmJudge();
    chat.server.replies.push(answer({ satisfied: false, reason: 'The sky barely changed; the colours are nearly grey.', adjust: [{ edit: 1, change: 'less' }, { edit: 0, change: 'more' }] }));
    expect(await judge.judge(REQUEST)).toEqual({
      satisfied: false,
      reason: 'The sky barely changed; the colours are nearly grey.',
      adjust: [{ edit: 0, change: 'more' }, { edit: 1, change: 'less' }],
    });
    expect(logs).toEqual([expect.objectContaining({ event: 'instructions.vlm_judged', satisfied: false })]);
  });

  it('accepts a fenced answer', async () => {
    const { judge } = vlmJudge();
    chat.server.replies.push(completion('```json\n{"satisfied": false, "reason": "too faint", "adjust": [{"edit": 0, "change": "more"}]}\n```'));
    expect((await judge.judge(REQUEST)).adjust).toEqual([{ edit: 0, change: 'more' }, { edit: 1, change: 'ok' }]);
  });

  it('normalises: satisfied asks for nothing; unsatisfied with every edit ok stays unsatisfied', () => {
    expect(interpretJudgeAnswer('{"satisfied": true, "reason": "fine", "adjust": [{"edit": 1, "change": "more"}]}', EDITS).adjust).toEqual([
      { edit: 0, change: 'ok' },
      { edit: 1, change: 'ok' },
    ]);
    expect(interpretJudgeAnswer('{"satisfied": false, "reason": "the person got muted too", "adjust": [{"edit": 0, "change": "ok"}]}', EDITS)).toEqual({
      satisfied: false,
      reason: 'the person got muted too',
      adjust: [{ edit: 0, change: 'ok' }, { edit: 1, change: 'ok' }],
    });
    expect(interpretJudgeAnswer('{"satisfied": true, "reason": "looks better", "adjust": []}', [])).toEqual({ satisfied: true, reason: 'looks better', adjust: [] });
  });

  it('fails with invalid_json on prose, without retrying', async () => {
    const { judge, logs } = vlmJudge();
    chat.server.replies.push(completion('The after image looks good to me.'));
    const error = await failure(judge.judge(REQUEST));
    expect(error).toMatchObject({ reason: 'invalid_json', attempts: 1 });
    expect(chat.server.received).toHaveLength(1);
    expect(logs).toEqual([{ event: 'instructions.vlm_judge_failed', level: 'warn', model: 'qwen2.5-vl-7b', reason: 'invalid_json', detail: expect.stringContaining('not JSON'), attempts: 1 }]);
  });

  it.each([
    ['a missing reason', { satisfied: true, adjust: [] }, /reason/],
    ['an empty reason', { satisfied: true, reason: '', adjust: [] }, /reason/],
    ['satisfied as a string', { satisfied: 'yes', reason: 'ok', adjust: [] }, /satisfied/],
    ['an unknown change', { satisfied: false, reason: 'x', adjust: [{ edit: 0, change: 'brighter' }] }, /adjust\.0\.change/],
    ['a negative edit number', { satisfied: false, reason: 'x', adjust: [{ edit: -1, change: 'more' }] }, /adjust\.0\.edit/],
    ['an edit number out of range', { satisfied: false, reason: 'x', adjust: [{ edit: 2, change: 'more' }] }, /adjusts edit 2, but there are 2 edits/],
    ['two changes for one edit', { satisfied: false, reason: 'x', adjust: [{ edit: 0, change: 'more' }, { edit: 0, change: 'less' }] }, /both "more" and "less" for edit 0/],
  ])('fails with schema_mismatch on %s, without retrying', async (_name, value, detail) => {
    const { judge, logs } = vlmJudge();
    chat.server.replies.push(answer(value));
    const error = await failure(judge.judge(REQUEST));
    expect(error.reason).toBe('schema_mismatch');
    expect(error.message).toMatch(detail);
    expect(chat.server.received).toHaveLength(1);
    expect(logs).toEqual([expect.objectContaining({ event: 'instructions.vlm_judge_failed', reason: 'schema_mismatch', attempts: 1 })]);
  });

  it('fails with refusal and bad_response', async () => {
    const { judge } = vlmJudge();
    chat.server.replies.push((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: null, refusal: 'No.' } }] }));
    });
    chat.server.replies.push((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"choices": []}');
    });
    expect((await failure(judge.judge(REQUEST))).reason).toBe('refusal');
    expect((await failure(judge.judge(REQUEST))).reason).toBe('bad_response');
  });
});

describe('VLM judge: transport failures', () => {
  it('retries a 500 and counts the attempts of an answer that then fails to validate', async () => {
    const { judge, logs } = vlmJudge();
    chat.server.replies.push(status(500), completion('not json'));
    expect(await failure(judge.judge(REQUEST))).toMatchObject({ reason: 'invalid_json', attempts: 2 });
    expect(logs).toEqual([expect.objectContaining({ reason: 'invalid_json', attempts: 2 })]);
  });

  it('gives up after 1 + PERTOUCH_VLM_RETRIES attempts of 5xx with http_error', async () => {
    const { judge, logs } = vlmJudge();
    chat.server.replies.push(status(500), status(502), status(503, 'overloaded'));
    expect(await failure(judge.judge(REQUEST))).toMatchObject({ reason: 'http_error', attempts: 3, message: 'HTTP 503: overloaded' });
    expect(chat.server.received).toHaveLength(3);
    expect(logs).toEqual([{ event: 'instructions.vlm_judge_failed', level: 'warn', model: 'qwen2.5-vl-7b', reason: 'http_error', detail: 'HTTP 503: overloaded', attempts: 3 }]);
  });

  it('fails with timeout when the server never answers', async () => {
    const { judge, logs } = vlmJudge({ PERTOUCH_VLM_TIMEOUT_MS: '150', PERTOUCH_VLM_RETRIES: '0' });
    chat.server.replies.push(silence);
    expect(await failure(judge.judge(REQUEST))).toMatchObject({ reason: 'timeout', attempts: 1, message: 'no answer within 150 ms' });
    expect(logs).toEqual([expect.objectContaining({ reason: 'timeout', attempts: 1 })]);
  });

  it('rejects promptly with the caller’s reason when aborted, logging nothing', async () => {
    const { judge, logs } = vlmJudge();
    chat.server.replies.push(silence);
    const controller = new AbortController();
    const started = performance.now();
    const pending = judge.judge({ ...REQUEST, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('job cancelled')), 50);
    await expect(pending).rejects.toThrow('job cancelled');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(logs).toEqual([]);
  });
});
