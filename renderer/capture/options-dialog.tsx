// Capture → Options…: the interface, a capture filter checked as it is typed, snapshot length,
// promiscuous mode, the ring's size and backend, and when to stop by itself.
import { useState, type FormEvent } from 'react';
import type { CaptureInterface, CaptureStartOptions } from '../../app/protocol/messages.ts';
import type { EngineClient } from '../client/engine-client.ts';
import { Dialog, DialogButtons } from '../chrome/dialogs.tsx';
import { CaptureFilterField, useFilterCheck } from './filter-field.tsx';
import { Sparkline } from './sparkline.tsx';
import { useInterfaces, useTraffic } from './use-interfaces.ts';
import { formatRate } from './welcome.tsx';
import { formatCount } from '../../app/format/count.ts';

const MIB = 1 << 20;
const BLOCK_SIZES_MIB = [1, 2, 4, 8];

/** A positive whole number typed by the user, or undefined. */
function wholeNumber(text: string): number | undefined {
  if (!/^\d+$/.test(text.trim())) return undefined;
  const n = Number(text);
  return n > 0 ? n : undefined;
}

function Check(props: { label: string; checked: boolean; onChange(v: boolean): void; testId?: string }) {
  return (
    <label className="check-label">
      <input
        type="checkbox"
        checked={props.checked}
        data-testid={props.testId}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      {props.label}
    </label>
  );
}

export function CaptureOptionsDialog(props: {
  client: EngineClient;
  initial: CaptureStartOptions | null;
  iface: string | null;
  onStart(options: CaptureStartOptions): void;
  onClose(): void;
}) {
  const { client, initial } = props;
  const { interfaces, error } = useInterfaces(client);
  const { rates } = useTraffic(client, interfaces, true);
  const [iface, setIface] = useState<string | null>(props.iface ?? initial?.iface ?? null);
  const [filter, setFilter] = useState(initial?.filter ?? '');
  const [snaplen, setSnaplen] = useState(String(initial?.snaplen ?? 262144));
  const [promiscuous, setPromiscuous] = useState(initial?.promiscuous ?? true);
  const [backend, setBackend] = useState<'ring' | 'libpcap'>(initial?.backend ?? 'ring');
  const [blockMiB, setBlockMiB] = useState((initial?.ring?.blockSize ?? 4 * MIB) / MIB);
  const [blocks, setBlocks] = useState(String(initial?.ring?.blockCount ?? 16));
  const auto = initial?.autostop ?? {};
  const [stopPackets, setStopPackets] = useState(auto.packets !== undefined);
  const [packets, setPackets] = useState(String(auto.packets ?? 1000));
  const [stopSeconds, setStopSeconds] = useState(auto.seconds !== undefined);
  const [seconds, setSeconds] = useState(String(auto.seconds ?? 60));
  const [stopMegabytes, setStopMegabytes] = useState(auto.bytes !== undefined);
  const [megabytes, setMegabytes] = useState(String(auto.bytes !== undefined ? auto.bytes / 1e6 : 100));
  const check = useFilterCheck(client, filter, iface ?? undefined);

  const snap = wholeNumber(snaplen);
  const blockCount = wholeNumber(blocks);
  const numbersOk =
    snap !== undefined &&
    (backend === 'libpcap' || blockCount !== undefined) &&
    (!stopPackets || wholeNumber(packets) !== undefined) &&
    (!stopSeconds || wholeNumber(seconds) !== undefined) &&
    (!stopMegabytes || wholeNumber(megabytes) !== undefined);
  const canStart = check.validity !== 'invalid' && numbersOk;

  const submit = (e?: FormEvent, chosen = iface): void => {
    e?.preventDefault();
    if (!canStart || chosen === null) return;
    const options: CaptureStartOptions = { iface: chosen, snaplen: snap, promiscuous, backend };
    if (filter.trim()) options.filter = filter.trim();
    if (backend === 'ring') options.ring = { blockSize: blockMiB * MIB, blockCount };
    const autostop: NonNullable<CaptureStartOptions['autostop']> = {};
    if (stopPackets) autostop.packets = wholeNumber(packets);
    if (stopSeconds) autostop.seconds = wholeNumber(seconds);
    if (stopMegabytes) autostop.bytes = (wholeNumber(megabytes) ?? 0) * 1e6;
    if (Object.keys(autostop).length) options.autostop = autostop;
    props.onStart(options);
  };

  return (
    <Dialog title="Capture Options" onClose={props.onClose} wide testId="capture-options">
      <form onSubmit={submit} className="capture-options">
        <div className="field-label">Interface</div>
        <div
          className="options-ifaces"
          role="listbox"
          aria-label="Interface"
          data-testid="options-interfaces"
        >
          <div className="options-iface head">
            <span>Interface</span>
            <span>Addresses</span>
            <span>Link</span>
            <span>Traffic</span>
          </div>
          {error && <div className="iface-empty">{error}</div>}
          {interfaces?.map((i: CaptureInterface) => {
            const history = rates[i.name] ?? [];
            return (
              <div
                key={i.name}
                role="option"
                aria-selected={iface === i.name}
                className={
                  'options-iface' + (iface === i.name ? ' selected' : '') + (i.flags.up ? '' : ' down')
                }
                onClick={() => setIface(i.name)}
                onDoubleClick={() => submit(undefined, i.name)}
                data-testid={`options-iface-${i.name}`}
              >
                <span className="iface-name">{i.name}</span>
                <span className="iface-addrs">{i.addresses.join(', ')}</span>
                <span className="iface-link">
                  {i.linkType === 1
                    ? 'Ethernet'
                    : i.linkType === 276
                      ? 'Linux cooked v2'
                      : `DLT ${i.linkType}`}
                  {i.mtu ? ` · MTU ${i.mtu}` : ''}
                </span>
                <span className="iface-traffic">
                  <Sparkline values={history} width={90} height={16} />
                  <span className="iface-rate">
                    {history.length ? formatRate(history[history.length - 1] ?? 0) : ''}
                  </span>
                </span>
              </div>
            );
          })}
        </div>

        <div className="field-label spaced">Capture filter</div>
        <CaptureFilterField
          value={filter}
          validity={check.validity}
          message={check.message}
          onChange={setFilter}
        />

        <div className="options-grid">
          <fieldset>
            <legend>Capture</legend>
            <label className="num-label">
              Snapshot length
              <input
                className={'text-input num' + (snap === undefined ? ' bad' : '')}
                value={snaplen}
                onChange={(e) => setSnaplen(e.target.value)}
                data-testid="options-snaplen"
              />
              bytes
            </label>
            <Check
              label="Promiscuous mode"
              checked={promiscuous}
              onChange={setPromiscuous}
              testId="options-promiscuous"
            />
            <label className="num-label">
              Backend
              <select
                className="text-input"
                value={backend}
                onChange={(e) => setBackend(e.target.value === 'libpcap' ? 'libpcap' : 'ring')}
              >
                <option value="ring">TPACKET_V3 ring</option>
                <option value="libpcap">libpcap</option>
              </select>
            </label>
            <label className={'num-label' + (backend === 'ring' ? '' : ' disabled')}>
              Ring
              <input
                className={'text-input num' + (blockCount === undefined ? ' bad' : '')}
                value={blocks}
                disabled={backend !== 'ring'}
                onChange={(e) => setBlocks(e.target.value)}
                data-testid="options-blocks"
              />
              blocks ×
              <select
                className="text-input"
                value={blockMiB}
                disabled={backend !== 'ring'}
                onChange={(e) => setBlockMiB(Number(e.target.value))}
              >
                {BLOCK_SIZES_MIB.map((m) => (
                  <option key={m} value={m}>
                    {m} MiB
                  </option>
                ))}
              </select>
              <span className="status-dim">= {formatCount(blockMiB * (blockCount ?? 0))} MiB</span>
            </label>
          </fieldset>
          <fieldset>
            <legend>Stop capturing automatically after</legend>
            <label className="num-label">
              <input
                type="checkbox"
                checked={stopPackets}
                onChange={(e) => setStopPackets(e.target.checked)}
                data-testid="autostop-packets-on"
              />
              <input
                className="text-input num"
                value={packets}
                disabled={!stopPackets}
                onChange={(e) => setPackets(e.target.value)}
                data-testid="autostop-packets"
              />
              packets
            </label>
            <label className="num-label">
              <input
                type="checkbox"
                checked={stopSeconds}
                onChange={(e) => setStopSeconds(e.target.checked)}
              />
              <input
                className="text-input num"
                value={seconds}
                disabled={!stopSeconds}
                onChange={(e) => setSeconds(e.target.value)}
              />
              seconds
            </label>
            <label className="num-label">
              <input
                type="checkbox"
                checked={stopMegabytes}
                onChange={(e) => setStopMegabytes(e.target.checked)}
              />
              <input
                className="text-input num"
                value={megabytes}
                disabled={!stopMegabytes}
                onChange={(e) => setMegabytes(e.target.value)}
              />
              megabytes
            </label>
          </fieldset>
        </div>

        <DialogButtons
          submit="Start"
          disabled={!canStart || iface === null}
          onCancel={props.onClose}
          submitTestId="options-start"
        >
          <span className="status-dim">{iface ? `Capture on ${iface}` : 'Choose an interface'}</span>
        </DialogButtons>
      </form>
    </Dialog>
  );
}
