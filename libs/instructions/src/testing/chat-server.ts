/**
 * Test support (not part of the package's API): a local server speaking OpenAI chat
 * completions with scripted answers, keeping every request. Answers come from the queue
 * of the request's kind first — `parse` (response_format pertouch_instruction) or `judge`
 * (pertouch_judgement) — then from the shared queue; with none left it answers 500.
 * Connections are closed after each answer, so counting requests counts attempts.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ChatKind = 'parse' | 'judge';
export type Reply = (res: ServerResponse) => void;

export type Part = { type: string; text?: string; image_url?: { url: string } };

export interface ReceivedRequest {
  readonly kind: ChatKind;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: {
    model: string;
    temperature: number;
    messages: { role: string; content: string | Part[] }[];
    response_format: { type: string; json_schema: { name: string; schema: unknown; strict: boolean } };
  };
}

/** A completion whose message content is `content`. */
export const completion = (content: string): Reply => (res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] }));
};
/** A completion whose content is `value` as JSON. */
export const answer = (value: unknown): Reply => completion(JSON.stringify(value));
export const status = (code: number, text = 'upstream trouble'): Reply => (res) => {
  res.writeHead(code, { 'content-type': 'text/plain' });
  res.end(text);
};
/** Never answers: the client's timeout (or the caller's abort) has to end it. */
export const silence: Reply = () => {};

export interface ChatServer {
  /** The base URL (…/v1), for PERTOUCH_VLM_URL. */
  readonly url: string;
  readonly received: ReceivedRequest[];
  /** Answers for any request, in order. */
  readonly replies: Reply[];
  /** Answers for one kind of request, in order (used before `replies`). */
  readonly repliesFor: Readonly<Record<ChatKind, Reply[]>>;
  /** Forgets the requests and the unused answers. */
  reset(): void;
  close(): Promise<void>;
}

export async function startChatServer(): Promise<ChatServer> {
  const received: ReceivedRequest[] = [];
  const replies: Reply[] = [];
  const repliesFor: Record<ChatKind, Reply[]> = { parse: [], judge: [] };
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(text) as ReceivedRequest['body'];
      const kind: ChatKind = body.response_format?.json_schema?.name === 'pertouch_judgement' ? 'judge' : 'parse';
      received.push({ kind, method: req.method, path: req.url, headers: req.headers, body });
      res.setHeader('connection', 'close');
      (repliesFor[kind].shift() ?? replies.shift() ?? status(500, 'no scripted answer left'))(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    received,
    replies,
    repliesFor,
    reset() {
      received.length = 0;
      replies.length = 0;
      repliesFor.parse.length = 0;
      repliesFor.judge.length = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The data URLs of a request's images, in order. */
export function imagesOf(request: ReceivedRequest): string[] {
  return request.body.messages.flatMap((m) => (Array.isArray(m.content) ? m.content.flatMap((p) => (p.image_url ? [p.image_url.url] : [])) : []));
}

/**
 * A chat server for a test file: started before its tests, reset before each, closed
 * after. The returned object's fields read the live server.
 */
export function useChatServer(hooks: { beforeAll(fn: () => Promise<void>): void; afterAll(fn: () => Promise<void>): void; beforeEach(fn: () => void): void }): { readonly server: ChatServer } {
  const holder = {} as { server: ChatServer };
  hooks.beforeAll(async () => {
    holder.server = await startChatServer();
  });
  hooks.afterAll(async () => {
    await holder.server?.close();
  });
  hooks.beforeEach(() => holder.server.reset());
  return holder;
}
