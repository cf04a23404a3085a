// File → Export Specified Packets, as Wireshark's: which packets (all, the selected one, a range
// of frame numbers) out of which set (captured, or displayed by the filter), written as pcap by
// the engine's save path.
import { useState } from 'react';
import { Dialog, DialogButtons } from '../chrome/dialogs.tsx';
import { formatCount } from '../../app/format/count.ts';

export interface ExportChoice {
  path: string;
  which: 'all' | 'displayed';
  /** Frame numbers as Wireshark's range syntax (`1-10,15,20-`); absent for every packet. */
  range?: string;
}

type Scope = 'all' | 'selected' | 'range';

export function ExportDialog(props: {
  defaultPath: string;
  /** A display filter is applied (otherwise "displayed" is "captured"). */
  filtered: boolean;
  displayed: number;
  total: number;
  selectedFrame: number | null;
  onExport(choice: ExportChoice): void;
  onClose(): void;
}) {
  const [path, setPath] = useState(props.defaultPath);
  const [which, setWhich] = useState<'all' | 'displayed'>(props.filtered ? 'displayed' : 'all');
  const [scope, setScope] = useState<Scope>('all');
  const [range, setRange] = useState('');
  const rangeOk = /^\s*(\d*\s*-?\s*\d*)(\s*,\s*\d*\s*-?\s*\d*)*\s*$/.test(range) && /\d/.test(range);
  const ready =
    path.trim() !== '' && (scope !== 'range' || rangeOk) && (scope !== 'selected' || props.selectedFrame);
  const submit = (): void => {
    if (!ready) return;
    const choice: ExportChoice = { path: path.trim(), which };
    if (scope === 'selected' && props.selectedFrame) choice.range = String(props.selectedFrame);
    if (scope === 'range') choice.range = range.trim();
    props.onExport(choice);
  };
  const radio = (value: Scope, label: string, disabled = false) => (
    <label className={disabled ? 'disabled' : ''}>
      <input
        type="radio"
        name="export-scope"
        disabled={disabled}
        checked={scope === value}
        onChange={() => setScope(value)}
        data-testid={`export-scope-${value}`}
      />{' '}
      {label}
    </label>
  );
  return (
    <Dialog title="Export Specified Packets" onClose={props.onClose} testId="export-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label className="field-label">Path on the machine running the engine (pcap format)</label>
        <input
          autoFocus
          className="text-input wide"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          data-testid="export-path"
          spellCheck={false}
        />
        <label className="field-label">Packet range</label>
        <div className="radio-row">
          <label>
            <input
              type="radio"
              name="export-which"
              checked={which === 'all'}
              onChange={() => setWhich('all')}
            />{' '}
            Captured ({formatCount(props.total)})
          </label>
          <label className={props.filtered ? '' : 'disabled'}>
            <input
              type="radio"
              name="export-which"
              disabled={!props.filtered}
              checked={which === 'displayed'}
              onChange={() => setWhich('displayed')}
              data-testid="export-displayed"
            />{' '}
            Displayed ({formatCount(props.displayed)})
          </label>
        </div>
        <div className="radio-row">
          {radio('all', 'All packets')}
          {radio('selected', 'Selected packet only', props.selectedFrame === null)}
          {radio('range', 'Range:')}
          <input
            className="text-input"
            placeholder="1-10,15,20-"
            value={range}
            onFocus={() => setScope('range')}
            onChange={(e) => setRange(e.target.value)}
            data-testid="export-range"
            spellCheck={false}
          />
        </div>
        <DialogButtons submit="Export" disabled={!ready} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}
