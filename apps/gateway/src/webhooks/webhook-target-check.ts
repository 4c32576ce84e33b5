/** The WebhookTargetCheck port on libs/webhooks' SSRF guard, with the operator's allowlist. */
import { WebhookTargetError, checkWebhookTarget, type ResolveHost, type WebhookAllowlist } from '@pertouch/webhooks';
import { problem } from '../http/problem.js';
import type { Logger } from '../logger.js';
import type { WebhookTargetCheck } from '../ports.js';

export function ssrfGuard(allowlist: WebhookAllowlist, log: Logger, resolve?: ResolveHost): WebhookTargetCheck {
  return {
    async check(url: string): Promise<void> {
      try {
        await checkWebhookTarget(url, { allowlist, ...(resolve ? { resolve } : {}) });
      } catch (error) {
        if (!(error instanceof WebhookTargetError)) throw error;
        // `detail` may name an internal address: logs only; the tenant gets the safe message.
        log({ level: 'warn', event: 'webhook.url_refused', reason: error.reason, detail: error.detail });
        throw problem('webhook_url_forbidden', error.message, { errors: [{ path: 'url', message: error.message }] });
      }
    },
  };
}
