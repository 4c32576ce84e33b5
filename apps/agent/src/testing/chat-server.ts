/**
 * Test support: a local server speaking OpenAI chat completions, with scripted answers
 * per kind of request — the parse (`response_format` pertouch_instruction) and the judge
 * (pertouch_judgement) — and every request kept for assertions.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ChatKind = 'parse' | 'judge';

export interface ChatRequest {
  readonly kind: ChatKind;
  readonly body: {
    model: string;
    messages: { role: string; content: string | { type: string; text?: string; image_url?: { url: string } }[] }[];
    response_format: { json_schema: { name: string } };
  };
}

export type ChatReply = (res: ServerResponse) => void;

/** A completion whose message content is `content` (JSON.stringify'd when not a string). */
export const answer = (content: unknown): ChatReply => (res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  res.end(JSON.stringify({ id: 'chatcmpl-test', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }] }));
};
export const httpStatus = (code: number): ChatReply => (res) => {
  res.writeHead(code, { 'content-type': 'text/plain' });
  res.end('scripted failure');
};

export interface ChatServer {
  /** The base URL (…/v1) for PERTOUCH_VLM_URL. */
  readonly url: string;
  readonly requests: ChatRequest[];
  /** Answers to give, per kind, in order; an unscripted request gets a 500. */
  script(kind: ChatKind, ...replies: ChatReply[]): void;
  /** Forgets requests and unused answers. */
  reset(): void;
  close(): Promise<void>;
}

export async function startChatServer(): Promise<ChatServer> {
  const requests: ChatRequest[] = [];
  const scripts: Record<ChatKind, ChatReply[]> = { parse: [], judge: [] };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const parsed = JSON.parse(body) as ChatRequest['body'];
      const kind: ChatKind = parsed.response_format?.json_schema?.name === 'pertouch_judgement' ? 'judge' : 'parse';
      requests.push({ kind, body: parsed });
      res.setHeader('connection', 'close');
      (scripts[kind].shift() ?? httpStatus(500))(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    script: (kind, ...replies) => scripts[kind].push(...replies),
    reset: () => {
      requests.length = 0;
      scripts.parse.length = 0;
      scripts.judge.length = 0;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The data URLs of a request's images, in order. */
export function imagesOf(request: ChatRequest): string[] {
  return request.body.messages.flatMap((m) => (Array.isArray(m.content) ? m.content.flatMap((p) => (p.image_url ? [p.image_url.url] : [])) : []));
}
