import { createReadStream, createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';

/** The import fixtures beside this file: CSV files with every kind of bad row, and OneRoster exports. */
export const fixturesDir = path.dirname(fileURLToPath(import.meta.url));
export const fixture = (name: string) => path.join(fixturesDir, name);
export const fixtureStream = (name: string) => createReadStream(fixture(name), { highWaterMark: 7 }); // small chunks: a BOM or a character split across reads
/** A OneRoster export folder's files by name (good/ or bad/ under oneroster/). */
export function exportFiles(folder: 'good' | 'bad'): Record<string, string | Buffer> {
  const dir = path.join(fixturesDir, 'oneroster', folder);
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f))]));
}

/** A temporary folder, removed by the returned function. */
export async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'imports-test-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes a zip of `files` (name -> content; names may hold a folder) to `file`. */
export async function writeZip(file: string, files: Record<string, string | Buffer>): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(files)) zip.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), name);
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(file));
  return file;
}
