/**
 * The VLM engine's configuration, from the environment: an OpenAI-compatible
 * chat-completions endpoint (OpenAI, vLLM, llama.cpp's server, Ollama, LM Studio…).
 */
import { envVar, parseEnv } from '@pertouch/contracts';

export interface VlmConfig {
  /** The chat-completions URL (…/chat/completions). */
  readonly url: string;
  readonly model: string;
  /** Sent as "Authorization: Bearer …" when set; local servers often need none. */
  readonly apiKey: string | undefined;
  /** Per attempt, response body included. */
  readonly timeoutMs: number;
  /** Further attempts after the first on timeouts, network errors, 408/429/5xx. */
  readonly retries: number;
  /**
   * Whether the agent also asks the VLM to judge each rendered round from before/after
   * previews (createVlmJudge); the embedded judge stays the fallback either way.
   */
  readonly judge: boolean;
}

export const VLM_ENV = {
  /** The endpoint: a base URL (http://host:8000/v1) or the full …/chat/completions URL. */
  PERTOUCH_VLM_URL: envVar.url(['http', 'https']),
  PERTOUCH_VLM_MODEL: envVar.string(),
  PERTOUCH_VLM_API_KEY: envVar.string(),
  PERTOUCH_VLM_TIMEOUT_MS: envVar.int(30_000, 100, 600_000),
  PERTOUCH_VLM_RETRIES: envVar.int(2, 0, 10),
  /** true/false/1/0/yes/no; only meaningful with PERTOUCH_VLM_URL. */
  PERTOUCH_VLM_JUDGE: envVar.bool(true),
};

/** A base URL gets "/chat/completions" appended; a full endpoint URL is kept. */
export function chatCompletionsUrl(url: string): string {
  const parsed = new URL(url);
  if (!/\/chat\/completions\/?$/.test(parsed.pathname)) parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}/chat/completions`;
  return parsed.toString();
}

/**
 * The VLM configuration, or undefined when PERTOUCH_VLM_URL is unset (the rule engine is
 * the default). Throws EnvConfigError for bad values, or a URL without a model (or the
 * reverse): a half-configured VLM would otherwise fall back silently forever.
 */
export function vlmConfigFromEnv(env: Readonly<Record<string, string | undefined>>): VlmConfig | undefined {
  const values = parseEnv(VLM_ENV, env, (v) => {
    if (v.PERTOUCH_VLM_URL !== undefined && v.PERTOUCH_VLM_MODEL === undefined) return [['PERTOUCH_VLM_MODEL', 'is required when PERTOUCH_VLM_URL is set']];
    if (v.PERTOUCH_VLM_URL === undefined && v.PERTOUCH_VLM_MODEL !== undefined) return [['PERTOUCH_VLM_URL', 'is required when PERTOUCH_VLM_MODEL is set']];
    return [];
  });
  if (values.PERTOUCH_VLM_URL === undefined || values.PERTOUCH_VLM_MODEL === undefined) return undefined;
  return {
    url: chatCompletionsUrl(values.PERTOUCH_VLM_URL),
    model: values.PERTOUCH_VLM_MODEL,
    apiKey: values.PERTOUCH_VLM_API_KEY,
    timeoutMs: values.PERTOUCH_VLM_TIMEOUT_MS,
    retries: values.PERTOUCH_VLM_RETRIES,
    judge: values.PERTOUCH_VLM_JUDGE,
  };
}
