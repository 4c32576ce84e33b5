/**
 * The VLM engine against a local server that speaks OpenAI chat completions with scripted
 * answers: the request it sends, the answers it accepts, and each way it falls back.
 */
import { EnvConfigError } from '@pertouch/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InstructionError } from './errors.js';
import type { LogLine } from './log.js';
import { createInstructionParser } from './parser.js';
import { parseWithRules } from './rules/parse-rules.js';
import { parseResultJsonSchema, type ParseResult } from './schema.js';
import { chatCompletionsUrl, vlmConfigFromEnv } from './vlm/config.js';
import { RESPONSE_FORMAT_NAME, SYSTEM_PROMPT } from './vlm/prompt.js';
import { completion, silence, status, useChatServer } from './testing/chat-server.js';

const chat = useChatServer({ beforeAll, afterAll, beforeEach });

function vlmParser(env: Record<string, string> = {}) {
  const logs: LogLine[] = [];
  const parser = createInstructionParser(
    { PERTOUCH_VLM_URL: chat.server.url, PERTOUCH_VLM_MODEL: 'qwen2.5-vl-7b', PERTOUCH_VLM_API_KEY: 'sk-test-123', PERTOUCH_VLM_RETRIES: '2', PERTOUCH_VLM_TIMEOUT_MS: '2000', ...env },
    { log: (line) => logs.push(line), backoffMs: 10 },
  );
  return { parser, logs };
}

const PHOTO = { data: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 250]), mediaType: 'image/png', width: 200, height: 300 };

/** What the rule engine says, plus the fallback note. */
function fallbackOf(instruction: string, reason: string): ParseResult {
  const rules = parseWithRules(instruction);
  return { ...rules, notes: [...(rules.notes ?? []), `parsed by the rule engine: the VLM failed (${reason})`] };
}

describe('VLM engine: the request', () => {
  it('posts model, system + user messages with the photo as a data URL, a json_schema response format and the bearer key', async () => {
    const { parser, logs } = vlmParser();
    expect(parser.engine).toBe('vlm');
    chat.server.replies.push(completion(JSON.stringify({ type: 'strong', edits: [{ region: 'sky', attribute: 'brightness', delta: 0.4 }] })));
    await parser.parse('brighten the sky a lot', { image: PHOTO, regionLabels: ['sky', 'person', 'sky'] });

    expect(chat.server.received).toHaveLength(1);
    const [request] = chat.server.received;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe('Bearer sk-test-123');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body.model).toBe('qwen2.5-vl-7b');
    expect(request.body.messages[0]).toEqual({ role: 'system', content: SYSTEM_PROMPT });
    expect(request.body.messages[1].role).toBe('user');
    const parts = request.body.messages[1].content as { type: string; text?: string; image_url?: { url: string } }[];
    const text = parts.find((p) => p.type === 'text')?.text ?? '';
    expect(text).toContain('"brighten the sky a lot"');
    expect(text).toContain('200×300 pixels');
    expect(text).toContain('Regions found in the photo: sky, person.');
    const image = parts.find((p) => p.type === 'image_url')?.image_url?.url ?? '';
    expect(image.startsWith('data:image/png;base64,')).toBe(true);
    expect([...Buffer.from(image.slice('data:image/png;base64,'.length), 'base64')]).toEqual([...PHOTO.data]);
    expect(request.body.response_format).toEqual({ type: 'json_schema', json_schema: { name: RESPONSE_FORMAT_NAME, schema: parseResultJsonSchema(), strict: false } });
    expect(logs).toEqual([expect.objectContaining({ event: 'instructions.vlm_parsed', attempts: 1 })]);
  });

  it('sends no Authorization header without a key, and no image part without a photo', async () => {
    const { parser } = vlmParser({ PERTOUCH_VLM_API_KEY: '' });
    chat.server.replies.push(completion('{"type": "weak", "edits": []}'));
    expect(await parser.parse('optimize')).toEqual({ type: 'weak', edits: [] });
    expect(chat.server.received[0].headers.authorization).toBeUndefined();
    expect((chat.server.received[0].body.messages[1].content as { type: string }[]).map((p) => p.type)).toEqual(['text']);
  });
});

describe('VLM engine: answers', () => {
  it('takes a valid answer, normalising region words and clipping boxes to the photo', async () => {
    const { parser } = vlmParser();
    chat.server.replies.push(
      completion(JSON.stringify({
        type: 'strong',
        edits: [
          { region: 'The Eagles', attribute: 'brightness', delta: 0.4, box: { x0: 10, y0: 20, x1: 400, y1: 900 } },
          { region: 'trees', attribute: 'colorfulness', delta: -0.1 },
          { region: 'whole image', attribute: 'contrast', delta: 0.2, except: ['the person'], box: { x0: 0, y0: 0, x1: 5, y1: 5 } },
        ],
        unexpected: 'extra keys are dropped',
      })),
    );
    const result = await parser.parse('bring out the eagle, mute the trees a touch, more contrast except on the person', { image: PHOTO });
    expect(result.type).toBe('strong');
    expect(result.edits).toEqual([
      { region: 'eagle', attribute: 'brightness', delta: 0.4, box: { x0: 10, y0: 20, x1: 200, y1: 300 } },
      { region: 'vegetation', attribute: 'colorfulness', delta: -0.1 },
      { region: 'global', attribute: 'contrast', delta: 0.2, except: ['person'] },
    ]);
    expect(result.notes?.join(' ')).toMatch(/dropped the box of "global"/);
    expect(result).not.toHaveProperty('unexpected');
  });

  it('accepts JSON wrapped in a Markdown fence', async () => {
    const { parser } = vlmParser();
    chat.server.replies.push(completion('```json\n{"type": "strong", "edits": [{"region": "global", "attribute": "temperature", "delta": 0.2}]}\n```'));
    expect((await parser.parse('warmer')).edits).toEqual([{ region: 'global', attribute: 'temperature', delta: 0.2 }]);
  });

  it('falls back to the rules on an answer that is not JSON, without retrying', async () => {
    const { parser, logs } = vlmParser();
    chat.server.replies.push(completion('Sure! I would make the sky a lot brighter.'));
    expect(await parser.parse('brighten the sky a lot')).toEqual(fallbackOf('brighten the sky a lot', 'invalid_json'));
    expect(chat.server.received).toHaveLength(1);
    expect(logs).toEqual([expect.objectContaining({ event: 'instructions.vlm_fallback', level: 'warn', reason: 'invalid_json', attempts: 1, detail: expect.stringContaining('not JSON') })]);
  });

  it.each([
    ['an unknown attribute', { type: 'strong', edits: [{ region: 'sky', attribute: 'sharpness', delta: 0.2 }] }, /edits\.0\.attribute/],
    ['a delta out of range', { type: 'strong', edits: [{ region: 'sky', attribute: 'brightness', delta: 3 }] }, /edits\.0\.delta/],
    ['strong with no edits', { type: 'strong', edits: [] }, /weak instruction has no edits/],
    ['a missing type', { edits: [{ region: 'sky', attribute: 'brightness', delta: 0.2 }] }, /type/],
    ['a region that is only a determiner', { type: 'strong', edits: [{ region: 'the', attribute: 'brightness', delta: 0.2 }] }, /names no region/],
  ])('falls back on JSON outside the schema: %s', async (_name, answer, detail) => {
    const { parser, logs } = vlmParser();
    chat.server.replies.push(completion(JSON.stringify(answer)));
    expect(await parser.parse('the face is too dark')).toEqual(fallbackOf('the face is too dark', 'schema_mismatch'));
    expect(chat.server.received).toHaveLength(1);
    expect(logs[0]).toMatchObject({ event: 'instructions.vlm_fallback', reason: 'schema_mismatch' });
    expect(String(logs[0].detail)).toMatch(detail);
  });

  it('falls back on a refusal and on an envelope without content', async () => {
    const { parser, logs } = vlmParser();
    chat.server.replies.push((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: null, refusal: 'I cannot help with that.' } }] }));
    });
    chat.server.replies.push((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"choices": []}');
    });
    await parser.parse('warmer');
    await parser.parse('warmer');
    expect(logs.map((l) => l.reason)).toEqual(['refusal', 'bad_response']);
  });
});

describe('VLM engine: transport failures', () => {
  it('times out each attempt, retries, then falls back', async () => {
    const { parser, logs } = vlmParser({ PERTOUCH_VLM_TIMEOUT_MS: '150', PERTOUCH_VLM_RETRIES: '1' });
    chat.server.replies.push(silence, silence);
    const started = performance.now();
    expect(await parser.parse('darker and less saturated')).toEqual(fallbackOf('darker and less saturated', 'timeout'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * 150 - 20);
    expect(chat.server.received).toHaveLength(2);
    expect(logs).toEqual([expect.objectContaining({ event: 'instructions.vlm_fallback', reason: 'timeout', attempts: 2, detail: 'no answer within 150 ms' })]);
  });

  it('retries a 500 and uses the answer that follows', async () => {
    const { parser, logs } = vlmParser();
    chat.server.replies.push(status(500), completion('{"type": "strong", "edits": [{"region": "skin", "attribute": "temperature", "delta": -0.2}]}'));
    expect(await parser.parse('the skin looks too orange')).toEqual({ type: 'strong', edits: [{ region: 'skin', attribute: 'temperature', delta: -0.2 }] });
    expect(chat.server.received).toHaveLength(2);
    expect(logs).toEqual([expect.objectContaining({ event: 'instructions.vlm_parsed', attempts: 2 })]);
  });

  it('gives up after 1 + PERTOUCH_VLM_RETRIES attempts of 500 and falls back', async () => {
    const { parser, logs } = vlmParser();
    chat.server.replies.push(status(500), status(502), status(503, 'overloaded'));
    expect(await parser.parse('bring out the eagle')).toEqual(fallbackOf('bring out the eagle', 'http_error'));
    expect(chat.server.received).toHaveLength(3);
    expect(logs).toEqual([expect.objectContaining({ reason: 'http_error', attempts: 3, detail: 'HTTP 503: overloaded' })]);
  });

  it('does not retry a 4xx other than 408/409/425/429', async () => {
    const { parser, logs } = vlmParser();
    chat.server.replies.push(status(401, 'bad key'));
    await parser.parse('warmer');
    expect(chat.server.received).toHaveLength(1);
    expect(logs[0]).toMatchObject({ reason: 'http_error', detail: 'HTTP 401: bad key' });
  });

  it('falls back when nothing listens', async () => {
    const logs: LogLine[] = [];
    const parser = createInstructionParser({ PERTOUCH_VLM_URL: 'http://127.0.0.1:9/v1', PERTOUCH_VLM_MODEL: 'm', PERTOUCH_VLM_RETRIES: '0' }, { log: (l) => logs.push(l) });
    expect(await parser.parse('warmer')).toEqual(fallbackOf('warmer', 'network'));
    expect(logs[0]).toMatchObject({ reason: 'network' });
  });

  it('rejects when the caller aborts, without falling back', async () => {
    const { parser, logs } = vlmParser();
    chat.server.replies.push(silence);
    const controller = new AbortController();
    const pending = parser.parse('warmer', { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('job cancelled')), 50);
    await expect(pending).rejects.toThrow('job cancelled');
    expect(logs).toEqual([]);
  });

  it('passes on the rules’ InstructionError when the fallback cannot parse either, and never calls the VLM for an empty instruction', async () => {
    const { parser } = vlmParser({ PERTOUCH_VLM_RETRIES: '0' });
    chat.server.replies.push(status(500));
    await expect(parser.parse('hello there')).rejects.toMatchObject({ code: 'not_understood' });
    await expect(parser.parse('   ')).rejects.toBeInstanceOf(InstructionError);
    expect(chat.server.received).toHaveLength(1);
  });
});

describe('configuration', () => {
  it('uses the rules without PERTOUCH_VLM_URL, the VLM with it', () => {
    expect(createInstructionParser({}).engine).toBe('rules');
    expect(createInstructionParser({ PERTOUCH_VLM_URL: ' ', PERTOUCH_VLM_MODEL: '' }).engine).toBe('rules');
    expect(createInstructionParser({ PERTOUCH_VLM_URL: 'https://api.example.com/v1', PERTOUCH_VLM_MODEL: 'gpt-4o-mini' }).engine).toBe('vlm');
  });

  it('reads defaults and appends /chat/completions to a base URL', () => {
    expect(vlmConfigFromEnv({ PERTOUCH_VLM_URL: 'http://localhost:8000/v1/', PERTOUCH_VLM_MODEL: 'm' })).toEqual({
      url: 'http://localhost:8000/v1/chat/completions',
      model: 'm',
      apiKey: undefined,
      timeoutMs: 30_000,
      retries: 2,
      judge: true,
    });
    expect(vlmConfigFromEnv({ PERTOUCH_VLM_URL: 'http://x/v1', PERTOUCH_VLM_MODEL: 'm', PERTOUCH_VLM_JUDGE: 'no' })?.judge).toBe(false);
    expect(chatCompletionsUrl('https://api.example.com/v1/chat/completions')).toBe('https://api.example.com/v1/chat/completions');
  });

  it.each([
    [{ PERTOUCH_VLM_URL: 'http://x/v1' }, /PERTOUCH_VLM_MODEL: is required when PERTOUCH_VLM_URL is set/],
    [{ PERTOUCH_VLM_MODEL: 'm' }, /PERTOUCH_VLM_URL: is required/],
    [{ PERTOUCH_VLM_URL: 'ftp://x', PERTOUCH_VLM_MODEL: 'm' }, /PERTOUCH_VLM_URL: must be a http or https URL/],
    [{ PERTOUCH_VLM_URL: 'http://x', PERTOUCH_VLM_MODEL: 'm', PERTOUCH_VLM_TIMEOUT_MS: 'soon' }, /PERTOUCH_VLM_TIMEOUT_MS/],
    [{ PERTOUCH_VLM_URL: 'http://x', PERTOUCH_VLM_MODEL: 'm', PERTOUCH_VLM_RETRIES: '99' }, /PERTOUCH_VLM_RETRIES: must be at most 10/],
    [{ PERTOUCH_VLM_URL: 'http://x', PERTOUCH_VLM_MODEL: 'm', PERTOUCH_VLM_JUDGE: 'maybe' }, /PERTOUCH_VLM_JUDGE: must be true or false/],
  ])('rejects a bad configuration %#', (env, message) => {
    expect(() => createInstructionParser(env)).toThrow(EnvConfigError);
    expect(() => createInstructionParser(env)).toThrow(message);
  });

  it('never shows the API key in a configuration error', () => {
    try {
      createInstructionParser({ PERTOUCH_VLM_URL: 'http://x', PERTOUCH_VLM_API_KEY: 'sk-very-secret', PERTOUCH_VLM_RETRIES: 'x' });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain('sk-very-secret');
    }
  });
});
