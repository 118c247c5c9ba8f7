import * as fs from 'node:fs';

/**
 * The records of a JSON-lines file (an absent file has none). Only the last line can be torn by a
 * crash mid-append (never acknowledged): it is ignored; a bad line before it is a damaged file.
 */
export function readJsonLines<T>(file: string, what: string): T[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const lines = text.split('\n');
  const records: T[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      records.push(JSON.parse(line) as T);
    } catch (error) {
      if (lines.slice(i + 1).some((l) => l.trim() !== '')) {
        throw new Error(`${file}:${i + 1}: damaged ${what} (${error instanceof Error ? error.message : String(error)})`);
      }
    }
  });
  return records;
}
