import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EMBEDDED_DIMENSION, EMBEDDED_FEATURE_KIND } from '../descriptor/describe-scene.js';
import { HNSW_INDEXED_KINDS, SCENE_MEMORY_STATEMENTS } from './schema.js';

const MIGRATIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../db/migrations');

/** The up section's statements, without comments and with whitespace collapsed. */
function upStatements(sql: string): string[] {
  const up = sql.split(/^-- Up Migration$/m)[1].split(/^-- Down Migration$/m)[0];
  return normalise(up);
}

function normalise(sql: string): string[] {
  return sql
    .replace(/--[^\n]*/g, '')
    .split(';')
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

describe('the scene memory schema', () => {
  it('is, statement for statement, libs/db\'s migration (the embedded store runs the same SQL)', () => {
    const file = readdirSync(MIGRATIONS).find((f) => f.endsWith('_scene-memories.sql'));
    expect(file).toBeDefined();
    const migration = upStatements(readFileSync(path.join(MIGRATIONS, file!), 'utf8'));
    expect(SCENE_MEMORY_STATEMENTS.flatMap(normalise)).toEqual(migration);
  });

  it('indexes embedded-v1 at the descriptor\'s dimension', () => {
    expect(HNSW_INDEXED_KINDS[EMBEDDED_FEATURE_KIND]).toBe(EMBEDDED_DIMENSION);
    expect(SCENE_MEMORY_STATEMENTS.join('\n')).toContain(`vector(${EMBEDDED_DIMENSION})`);
    expect(SCENE_MEMORY_STATEMENTS.join('\n')).toContain(`vector_dims(embedding) = ${EMBEDDED_DIMENSION}`);
  });
});
