/** Choosing the engine from configuration: the VLM when PERTOUCH_VLM_URL is set, else the rules. */
import type { Logger } from './log.js';
import type { InstructionParser } from './parser-port.js';
import { parseWithRules } from './rules/parse-rules.js';
import { vlmConfigFromEnv } from './vlm/config.js';
import { createVlmParser } from './vlm/engine.js';

export function createRuleParser(): InstructionParser {
  return { engine: 'rules', parse: async (instruction) => parseWithRules(instruction) };
}

export interface InstructionParserOptions {
  /** Where the VLM engine logs its fallbacks (default: nowhere). */
  readonly log?: Logger;
  /** For tests: another fetch. */
  readonly fetch?: typeof fetch;
  /** First retry delay in ms (default 500). */
  readonly backoffMs?: number;
}

/**
 * The parser the environment configures (PERTOUCH_VLM_URL, _MODEL, _API_KEY, _TIMEOUT_MS,
 * _RETRIES). Throws EnvConfigError for a bad configuration.
 */
export function createInstructionParser(env: Readonly<Record<string, string | undefined>>, options: InstructionParserOptions = {}): InstructionParser {
  const config = vlmConfigFromEnv(env);
  return config ? createVlmParser(config, options) : createRuleParser();
}
