/**
 * @pertouch/instructions — plain-language retouching instructions → weak/strong edits,
 * by the embedded rule engine (default) or a VLM behind an OpenAI-compatible endpoint.
 */
export * from './schema.js';
export * from './strength.js';
export * from './errors.js';
export type { ParseContext } from './context.js';
export type { InstructionParser } from './parser-port.js';
export type { Logger, LogLine } from './log.js';
export { createInstructionParser, createRuleParser, type InstructionParserOptions } from './parser.js';
export { normaliseRegion, singular, GLOBAL_REGION } from './region.js';
export { parseWithRules } from './rules/parse-rules.js';
export { lexiconEntries, type Entry as LexiconEntry } from './rules/lexicon.js';
/** Thrown by createInstructionParser for a bad PERTOUCH_VLM_* configuration. */
export { EnvConfigError } from '@pertouch/contracts';
export { VLM_ENV, vlmConfigFromEnv, chatCompletionsUrl, type VlmConfig } from './vlm/config.js';
export { createVlmParser, interpretAnswer, type VlmParserOptions } from './vlm/engine.js';
export { VlmFailure, type VlmFailureReason } from './vlm/client.js';
export { SYSTEM_PROMPT, chatRequestBody } from './vlm/prompt.js';
export { createVlmJudge, interpretJudgeAnswer, type VlmJudge, type VlmJudgeOptions } from './vlm/judge.js';
export {
  JudgeAnswerSchema,
  judgeAnswerJsonSchema,
  judgeRequestBody,
  describeEdit,
  JUDGE_SYSTEM_PROMPT,
  JUDGE_RESPONSE_FORMAT_NAME,
  type JudgeAnswer,
  type JudgeImage,
  type JudgeRequest,
} from './vlm/judge-prompt.js';
export { scaleBox, scaleEditBoxes, type Box } from './boxes.js';
