/**
 * A local webhook endpoint that records every delivery and verifies its Standard
 * Webhooks signature with the reference implementation (the `standardwebhooks` package).
 */
import http from 'node:http';
import { Webhook } from 'standardwebhooks';

export async function startWebhookReceiver({ failFirst = 0 } = {}) {
  const deliveries = [];
  const secrets = [];
  let seen = 0;
  const waiters = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen++;
      if (seen <= failFirst) {
        res.writeHead(500).end('try again');
        return;
      }
      const headers = { 'webhook-id': req.headers['webhook-id'], 'webhook-timestamp': req.headers['webhook-timestamp'], 'webhook-signature': req.headers['webhook-signature'] };
      const verified = secrets.some((secret) => {
        try {
          new Webhook(secret).verify(body, headers);
          return true;
        } catch {
          return false;
        }
      });
      const delivery = { path: req.url, headers, verified, payload: JSON.parse(body) };
      deliveries.push(delivery);
      res.writeHead(204).end();
      for (const w of [...waiters]) if (w.check()) waiters.splice(waiters.indexOf(w), 1);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    deliveries,
    /** Secrets the signatures may be made with (the tenant's and each endpoint's). */
    trust: (secret) => secrets.push(secret),
    /** Resolves when `predicate(deliveries)` holds. */
    waitFor(predicate, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`webhooks: condition not met after ${timeoutMs} ms (${deliveries.length} received)`)), timeoutMs);
        const waiter = { check: () => (predicate(deliveries) ? (clearTimeout(timer), resolve(deliveries), true) : false) };
        if (!waiter.check()) waiters.push(waiter);
      });
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
