/**
 * The VLM judge: asks the model whether a rendered round carried out the instruction,
 * looking at before/after previews. Unlike the parser it does not fall back by itself: it
 * throws a VlmFailure (and logs why), and the agent falls back to its embedded judge,
 * which has the renderer's measurements and so is always available.
 */
import { silentLogger, type Logger } from '../log.js';
import type { Edit } from '../schema.js';
import { requestCompletion, VlmFailure } from './client.js';
import type { VlmConfig } from './config.js';
import { parseAnswer } from './message.js';
import { JudgeAnswerSchema, judgeRequestBody, type JudgeAnswer, type JudgeRequest } from './judge-prompt.js';

export interface VlmJudge {
  readonly model: string;
  judge(request: JudgeRequest): Promise<JudgeAnswer>;
}

export interface VlmJudgeOptions {
  readonly fetch?: typeof fetch;
  /** First retry delay in ms (default 500). */
  readonly backoffMs?: number;
  readonly log?: Logger;
}

type Change = JudgeAnswer['adjust'][number]['change'];

/**
 * The model's answer with exactly one `adjust` entry per edit, in order: missing ones are
 * "ok", and a satisfied answer asks for nothing (all "ok"). An unsatisfied answer whose
 * edits are all "ok" stays unsatisfied: the caller reads it as "something else moved".
 * Throws VlmFailure invalid_json / schema_mismatch (an unknown edit number, or one edit
 * given two different changes, included).
 */
export function interpretJudgeAnswer(content: string, edits: readonly Edit[]): JudgeAnswer {
  const answer = parseAnswer(content, JudgeAnswerSchema);
  const changes: (Change | undefined)[] = edits.map(() => undefined);
  for (const { edit, change } of answer.adjust) {
    if (edit >= edits.length) throw new VlmFailure('schema_mismatch', `the answer adjusts edit ${edit}, but there ${edits.length === 1 ? 'is 1 edit' : `are ${edits.length} edits`}`);
    if (changes[edit] !== undefined && changes[edit] !== change) throw new VlmFailure('schema_mismatch', `the answer asks both "${changes[edit]}" and "${change}" for edit ${edit}`);
    changes[edit] = change;
  }
  const { satisfied, reason } = answer;
  return { satisfied, reason, adjust: changes.map((change, edit) => ({ edit, change: satisfied ? 'ok' : (change ?? 'ok') })) };
}

export function createVlmJudge(config: VlmConfig, options: VlmJudgeOptions = {}): VlmJudge {
  const log = options.log ?? silentLogger;
  return {
    model: config.model,
    async judge(request: JudgeRequest): Promise<JudgeAnswer> {
      let attempts = 0;
      try {
        const answer = await requestCompletion(config, judgeRequestBody(config, request), { fetch: options.fetch, backoffMs: options.backoffMs, signal: request.signal });
        attempts = answer.attempts;
        const result = interpretJudgeAnswer(answer.content, request.edits);
        log({ event: 'instructions.vlm_judged', level: 'info', model: config.model, attempts, satisfied: result.satisfied });
        return result;
      } catch (error) {
        if (request.signal?.aborted) throw error; // the caller gave up: nothing to fall back for
        const detail = error instanceof Error ? error.message : String(error);
        // interpretJudgeAnswer cannot know how many attempts the request took.
        const failure = error instanceof VlmFailure ? new VlmFailure(error.reason, detail, Math.max(error.attempts, attempts)) : error;
        const reason = failure instanceof VlmFailure ? failure.reason : 'internal';
        log({ event: 'instructions.vlm_judge_failed', level: 'warn', model: config.model, reason, detail, attempts: failure instanceof VlmFailure ? failure.attempts : attempts });
        throw failure;
      }
    },
  };
}
