/** Unauthenticated operational routes: liveness, readiness, metrics, and the API's own documentation. */
import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { GatewaySettings } from '../config.js';
import { problem } from '../http/problem.js';
import type { GatewayResponse } from '../http/request.js';
import { SETTINGS } from '../tokens.js';
import { renderDocsPage } from './docs-page.js';
import { GatewayMetrics } from './metrics.js';
import { buildOpenApiDocument } from './openapi.js';
import { ReadinessService } from './readiness.js';

@Controller()
export class OpsController {
  private readonly openApiJson: string;
  private readonly docsHtml: string;

  constructor(
    @Inject(ReadinessService) private readonly readiness: ReadinessService,
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
    @Inject(SETTINGS) settings: GatewaySettings,
  ) {
    // The document never changes while the process runs: build it (and its page) once.
    const document = buildOpenApiDocument({ serverUrl: settings.publicUrl });
    this.openApiJson = JSON.stringify(document);
    this.docsHtml = renderDocsPage(document);
  }

  /** The process is up and serving; says nothing about dependencies (that is /readyz). */
  @Get('healthz')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async ready(): Promise<{ status: 'ok'; checks: Readonly<Record<string, string>> }> {
    const { ready, checks } = await this.readiness.check();
    const down = Object.entries(checks).filter(([, status]) => status !== 'ok').map(([name]) => name);
    if (!ready) throw problem('service_unavailable', `not ready: ${down.join(', ')} unreachable`, { extensions: { checks }, headers: { 'retry-after': '5' } });
    return { status: 'ok', checks };
  }

  @Get('metrics')
  async scrape(@Res() res: GatewayResponse): Promise<void> {
    const { contentType, body } = await this.metrics.render();
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
    res.end(body);
  }

  @Get('openapi.json')
  openapi(@Res() res: GatewayResponse): void {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(this.openApiJson);
  }

  @Get('docs')
  docs(@Res() res: GatewayResponse): void {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" });
    res.end(this.docsHtml);
  }
}
