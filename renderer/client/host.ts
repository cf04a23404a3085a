// What the page can ask of whoever hosts it beyond the engine: in browser mode, the serving
// machine's directories and an upload slot (main/serve's /api, not part of the engine protocol).

export interface DirEntry {
  name: string;
  isDir: boolean;
  size: number;
}

export interface DirListing {
  dir: string;
  parent: string | null;
  entries: DirEntry[];
}

export interface Host {
  kind: 'browser' | 'electron';
  /** Lists a directory on the machine the engine runs on (browser mode only). */
  listDir?(dir: string): Promise<DirListing>;
  /** Stores a dropped or picked file next to the engine; resolves to the path to open. */
  upload?(file: File): Promise<string>;
}

async function failure(res: Response): Promise<Error> {
  const text = await res.text().catch(() => '');
  return new Error(text || `${res.status} ${res.statusText}`);
}

export function browserHost(token: string): Host {
  const q = `token=${encodeURIComponent(token)}`;
  return {
    kind: 'browser',
    async listDir(dir) {
      const res = await fetch(`api/list?${q}&dir=${encodeURIComponent(dir)}`);
      if (!res.ok) throw await failure(res);
      return (await res.json()) as DirListing;
    },
    async upload(file) {
      const res = await fetch(`api/upload?${q}&name=${encodeURIComponent(file.name)}`, {
        method: 'POST',
        body: file,
        headers: { 'content-type': 'application/octet-stream' },
      });
      if (!res.ok) throw await failure(res);
      return ((await res.json()) as { path: string }).path;
    },
  };
}

export const electronHost: Host = { kind: 'electron' };
