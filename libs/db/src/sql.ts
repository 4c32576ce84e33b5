/** Small SQL builders. Column names always come from code, never from input. */

/**
 * `INSERT INTO table (…) VALUES (…)` over the defined entries of `values`: an undefined
 * value leaves the column to its default in the migration, the one place defaults live.
 */
export function insertStatement(table: string, values: Readonly<Record<string, unknown>>): { text: string; values: unknown[] } {
  const entries = Object.entries(values).filter(([, value]) => value !== undefined);
  const columns = entries.map(([column]) => column).join(', ');
  const placeholders = entries.map((_, i) => `$${i + 1}`).join(', ');
  return { text: `INSERT INTO ${table} (${columns}) VALUES (${placeholders})`, values: entries.map(([, value]) => value) };
}
