// Modal dialogs: Open (a file browser on the serving machine in browser mode, recent files),
// Save As, Go to Packet.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { DirListing, Host } from '../client/host.ts';

export function Dialog(props: {
  title: string;
  onClose(): void;
  children: ReactNode;
  wide?: boolean;
  /** An extra class for the dialog box (its own size, say). */
  className?: string;
  testId: string;
}) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        props.onClose();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  });
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <div
        className={['dialog', props.wide ? 'wide' : '', props.className ?? ''].filter(Boolean).join(' ')}
        role="dialog"
        aria-label={props.title}
        data-testid={props.testId}
      >
        <div className="dialog-title">{props.title}</div>
        {props.children}
      </div>
    </div>
  );
}

/**
 * A form dialog's last row: whatever `children` says on the left, then Cancel and the submit button
 * (the form's Enter) on the right.
 */
export function DialogButtons(props: {
  submit: string;
  disabled?: boolean;
  onCancel(): void;
  submitTestId?: string;
  children?: ReactNode;
}) {
  return (
    <div className="dialog-buttons">
      {props.children}
      <span className="grow" />
      <button type="button" className="button" onClick={props.onCancel}>
        Cancel
      </button>
      <button
        type="submit"
        className="button primary"
        disabled={props.disabled}
        data-testid={props.submitTestId}
      >
        {props.submit}
      </button>
    </div>
  );
}

function EntryIcon({ dir }: { dir: boolean }) {
  return (
    <svg className="entry-icon" width="14" height="14" viewBox="0 0 16 16" aria-hidden>
      {dir ? (
        <path d="M1.5 3.5h5l1.5 1.5h6.5v8h-13z" fill="currentColor" opacity="0.55" />
      ) : (
        <path d="M3.5 1.5h6l3 3v10h-9z M9.5 1.5v3h3" fill="none" stroke="currentColor" strokeWidth="1" />
      )}
    </svg>
  );
}

function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1 << 30) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  return `${(n / (1 << 30)).toFixed(2)} GiB`;
}

function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function OpenDialog(props: {
  host: Host;
  recent: readonly string[];
  startDir: string;
  onOpen(path: string): void;
  onUpload(file: File): void;
  onClearRecent(): void;
  onClose(): void;
}) {
  const { host } = props;
  const [path, setPath] = useState('');
  const [listing, setListing] = useState<DirListing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement | null>(null);

  const browse = (dir: string): void => {
    if (!host.listDir) return;
    host
      .listDir(dir)
      .then((l) => {
        setListing(l);
        setError(null);
        setChosen(null);
      })
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  };

  useEffect(() => {
    browse(props.startDir);
    // List once, on opening.
  }, []);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const p = path.trim();
    if (!p) return;
    if (p.endsWith('/') && host.listDir) browse(p);
    else props.onOpen(p);
  };

  return (
    <Dialog title="Open Capture File" onClose={props.onClose} wide testId="open-dialog">
      <form onSubmit={submit} className="dialog-row">
        <input
          autoFocus
          className="text-input grow"
          placeholder="/path/to/capture.pcapng"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          data-testid="open-path"
          spellCheck={false}
        />
        <button type="submit" className="button primary" disabled={!path.trim()}>
          Open
        </button>
      </form>
      <div className="open-body">
        {host.listDir && (
          <div className="file-browser">
            <div className="browser-dir" title={listing?.dir}>
              {listing?.parent && (
                <button type="button" className="button small" onClick={() => browse(listing.parent ?? '/')}>
                  ↑ Up
                </button>
              )}
              <span className="browser-path">
                <span dir="ltr">{listing?.dir ?? '…'}</span>
              </span>
            </div>
            {error && <div className="dialog-error">{error}</div>}
            <div className="browser-list" role="listbox" data-testid="file-list">
              {listing?.entries.map((entry) => {
                const full = joinPath(listing.dir, entry.name);
                return (
                  <div
                    key={entry.name}
                    role="option"
                    aria-selected={chosen === full}
                    className={'browser-entry' + (chosen === full ? ' selected' : '')}
                    onClick={() => {
                      setChosen(full);
                      if (!entry.isDir) setPath(full);
                    }}
                    onDoubleClick={() => (entry.isDir ? browse(full) : props.onOpen(full))}
                  >
                    <EntryIcon dir={entry.isDir} />
                    <span className="entry-name">{entry.name}</span>
                    <span className="entry-size">{entry.isDir ? '' : size(entry.size)}</span>
                  </div>
                );
              })}
              {listing && listing.entries.length === 0 && <div className="browser-empty">Empty folder</div>}
            </div>
          </div>
        )}
        <div className="recent-files">
          <div className="section-title">Recent files</div>
          {props.recent.length === 0 && <div className="browser-empty">None yet</div>}
          {props.recent.map((p) => (
            <div
              key={p}
              className="recent-entry"
              title={p}
              onClick={() => {
                setPath(p);
                if (host.listDir) browse(dirOf(p));
              }}
              onDoubleClick={() => props.onOpen(p)}
            >
              <span className="entry-name">{p.slice(p.lastIndexOf('/') + 1)}</span>
              <span className="entry-dir">{dirOf(p)}</span>
            </div>
          ))}
          {props.recent.length > 0 && (
            <button type="button" className="link-button" onClick={props.onClearRecent}>
              Clear list
            </button>
          )}
        </div>
      </div>
      <div className="dialog-buttons">
        {host.upload && (
          <>
            <input
              ref={fileInput}
              type="file"
              hidden
              accept=".pcap,.pcapng,.cap,.dmp,.gz"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) props.onUpload(f);
              }}
            />
            <button type="button" className="button" onClick={() => fileInput.current?.click()}>
              Upload from this computer…
            </button>
          </>
        )}
        <span className="grow" />
        <button type="button" className="button" onClick={props.onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}

export function SaveDialog(props: {
  defaultPath: string;
  filtered: boolean;
  onSave(path: string, which: 'all' | 'displayed'): void;
  onClose(): void;
}) {
  const [path, setPath] = useState(props.defaultPath);
  const [which, setWhich] = useState<'all' | 'displayed'>('all');
  return (
    <Dialog title="Save Capture File As" onClose={props.onClose} testId="save-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (path.trim()) props.onSave(path.trim(), which);
        }}
      >
        <label className="field-label">Path on the machine running the engine (pcap format)</label>
        <input
          autoFocus
          className="text-input wide"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          data-testid="save-path"
          spellCheck={false}
        />
        <div className="radio-row">
          <label>
            <input type="radio" checked={which === 'all'} onChange={() => setWhich('all')} /> All packets
          </label>
          <label className={props.filtered ? '' : 'disabled'}>
            <input
              type="radio"
              disabled={!props.filtered}
              checked={which === 'displayed'}
              onChange={() => setWhich('displayed')}
            />{' '}
            Displayed packets only
          </label>
        </div>
        <DialogButtons submit="Save" disabled={!path.trim()} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}

export function GoToDialog(props: { max: number; onGo(n: number): void; onClose(): void }) {
  const [value, setValue] = useState('');
  const n = Number(value);
  const valid = /^\d+$/.test(value) && n >= 1;
  return (
    <Dialog title="Go to Packet" onClose={props.onClose} testId="goto-dialog">
      <form
        className="dialog-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) props.onGo(n);
        }}
      >
        <input
          autoFocus
          className="text-input"
          inputMode="numeric"
          placeholder={props.max ? `1–${props.max}` : 'Packet number'}
          value={value}
          onChange={(e) => setValue(e.target.value.trim())}
          data-testid="goto-input"
        />
        <button type="submit" className="button primary" disabled={!valid}>
          Go to packet
        </button>
      </form>
    </Dialog>
  );
}
