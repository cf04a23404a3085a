// The shared corpus of real captures and tshark's answers for them (../shared/corpus).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

export const CORPUS = resolve(import.meta.dirname, '../../../shared/corpus');
export const CORPUS_FILES = join(CORPUS, 'files');
export const ROOT = resolve(import.meta.dirname, '../..');
/** The CLI bundle the tests run: build/cli.mjs, or another bundle of the same sources (TRAWL_CLI). */
export const CLI = process.env['TRAWL_CLI'] ?? join(ROOT, 'build/cli.mjs');

export function corpusFiles(): string[] {
  return readdirSync(CORPUS_FILES).sort();
}

export interface Table {
  header: string[];
  rows: string[][];
}

export function readTsv(path: string): Table {
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const [head = '', ...rest] = lines;
  return { header: head.split('\t'), rows: rest.map((l) => l.split('\t')) };
}

export function oracle(kind: 'oracle' | 'oracle-no-reassembly' | 'oracle-extra', file: string): Table | null {
  const path = join(CORPUS, kind, `${file}.tsv`);
  return existsSync(path) ? readTsv(path) : null;
}

/** True when tshark refused the file (the corpus keeps its message in oracle/<file>.stderr). */
export function tsharkRefuses(file: string): boolean {
  return existsSync(join(CORPUS, 'oracle', `${file}.stderr`));
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `trawl` CLI. */
export function trawl(args: readonly string[]): RunResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
