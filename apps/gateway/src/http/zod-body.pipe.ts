/**
 * Validates a request body with a contracts zod schema (the same schema the OpenAPI
 * document is generated from): the handler receives the parsed value, or the client a
 * 400 `validation_failed` with one `errors[]` entry per offending field.
 */
import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { problem, type FieldError } from './problem.js';

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(body)', message: issue.message }));
}

export class ZodBodyPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    // Express leaves `body` undefined when the request was not JSON: say so rather than "expected object".
    if (value === undefined) throw problem('validation_failed', 'request body must be JSON (Content-Type: application/json)');
    const parsed = this.schema.safeParse(value);
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error);
      throw problem('validation_failed', `invalid request body: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`.slice(0, 1000), { errors });
    }
    return parsed.data;
  }
}

/**
 * Path ids are checked against their kind's pattern: a malformed id names nothing, so it
 * is a 404 like an id of another tenant (never a 400 that would tell the two apart).
 */
export class ResourceIdPipe implements PipeTransform<string, string> {
  constructor(
    private readonly schema: z.ZodType<string>,
    private readonly kind: string,
  ) {}

  transform(value: string): string {
    if (!this.schema.safeParse(value).success) throw problem('not_found', `${this.kind} ${value.slice(0, 64)} not found`);
    return value;
  }
}
