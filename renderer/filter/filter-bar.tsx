// The display-filter bar, as Wireshark's: green when the text compiles, red with the fault
// underlined when it does not, yellow when it works but may not mean what it says; completion of
// field and protocol names, a history of applied filters, and a few saved filter buttons.
import {
  forwardRef,
  useCallback,
  useEffect,
  useImperativeHandle,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';
import type { FilterFieldInfo } from '../../app/protocol/messages.ts';
import {
  filterButtons,
  filterHistory,
  loadFilterCheck,
  saveFilterButtons,
  wordAt,
  type FilterButton,
  type FilterCheck,
  type FilterCheckModule,
} from './filter-model.ts';

/**
 * The checker (every dissector's fields) is loaded this long after the bar appears, or at once
 * when the user types or focuses the field: not while the window's first rows are on their way.
 */
const LOAD_CHECKER_MS = 1500;

const NOT_CHECKED: FilterCheck = { state: 'empty' };

export interface FilterBarHandle {
  focus(): void;
}

export interface FilterBarProps {
  text: string;
  onTextChange(text: string): void;
  /** The filter the packet list shows now (view.filter). */
  applied: string;
  disabled: boolean;
  onApply(expression: string): void;
  /** Escape with nothing to close: give the keyboard back to the packet list. */
  onLeave(): void;
  /** Bumped by the parent when the history changed (a filter was applied). */
  historyVersion: number;
}

type Popup = { kind: 'complete'; items: FilterFieldInfo[]; start: number } | { kind: 'history' } | null;

export const FilterBar = forwardRef<FilterBarHandle, FilterBarProps>(function FilterBar(props, ref) {
  const { text, onTextChange, applied, disabled, onApply, onLeave } = props;
  const input = useRef<HTMLInputElement | null>(null);
  const mirror = useRef<HTMLDivElement | null>(null);
  const [popup, setPopup] = useState<Popup>(null);
  const [active, setActive] = useState(-1);
  const [buttons, setButtons] = useState<FilterButton[]>(filterButtons);
  const [checker, setChecker] = useState<FilterCheckModule | null>(null);
  const checkerRef = useRef(checker);
  checkerRef.current = checker;
  const wantChecker = useCallback((): Promise<FilterCheckModule> => {
    const loading = loadFilterCheck();
    loading.then(setChecker, () => {});
    return loading;
  }, []);
  useEffect(() => {
    if (checker) return;
    if (text !== '') {
      void wantChecker();
      return;
    }
    const timer = setTimeout(() => void wantChecker(), LOAD_CHECKER_MS);
    return () => clearTimeout(timer);
  }, [checker, text, wantChecker]);
  // Until the checker is here the text is shown unjudged; the engine still refuses a bad filter.
  const check = useMemo(() => (checker ? checker.checkFilter(text) : NOT_CHECKED), [checker, text]);
  const history = useMemo(() => filterHistory(), [props.historyVersion, popup]);

  useImperativeHandle(ref, () => ({
    focus: () => {
      input.current?.focus();
      input.current?.select();
    },
  }));

  const syncScroll = (): void => {
    if (mirror.current && input.current) mirror.current.scrollLeft = input.current.scrollLeft;
  };

  const offerCompletions = useCallback(
    (value: string, caret: number) => {
      const w = wordAt(value, caret);
      const offer = (m: FilterCheckModule | null): void => {
        const items = w && m ? m.completions(w.word) : [];
        setPopup(w && items.length > 0 ? { kind: 'complete', items, start: w.start } : null);
        setActive(-1);
      };
      const loaded = checkerRef.current;
      if (loaded || !w) return offer(loaded);
      // The first keystroke may come before the checker: offer once it is here, if still current.
      void wantChecker().then(
        (m) => input.current?.value === value && offer(m),
        () => {},
      );
    },
    [wantChecker],
  );

  const apply = (expression: string): void => {
    setPopup(null);
    onApply(expression);
  };

  const accept = (name: string): void => {
    if (popup?.kind !== 'complete' || !input.current) return;
    const caret = input.current.selectionStart ?? text.length;
    const next = text.slice(0, popup.start) + name + text.slice(caret);
    onTextChange(next);
    setPopup(null);
    const at = popup.start + name.length;
    requestAnimationFrame(() => {
      input.current?.setSelectionRange(at, at);
      syncScroll();
    });
  };

  const items: string[] =
    popup?.kind === 'complete' ? popup.items.map((f) => f.name) : popup?.kind === 'history' ? history : [];

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!popup) {
        if (history.length > 0) {
          setPopup({ kind: 'history' });
          setActive(0);
        }
        return;
      }
      const n = items.length;
      if (n > 0) setActive((a) => (e.key === 'ArrowDown' ? (a + 1) % n : (a - 1 + n) % n));
      return;
    }
    if (e.key === 'Tab' && popup?.kind === 'complete') {
      e.preventDefault();
      accept(items[Math.max(0, active)] ?? '');
      return;
    }
    if (e.key === 'Enter') {
      e.preventDefault();
      const chosen = active >= 0 ? items[active] : undefined;
      if (chosen !== undefined && popup?.kind === 'complete') return accept(chosen);
      if (chosen !== undefined && popup?.kind === 'history') {
        onTextChange(chosen);
        return apply(chosen);
      }
      if (check.state !== 'invalid') apply(text);
      return;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      if (popup) setPopup(null);
      else onLeave();
    }
  };

  const stateClass = check.state === 'empty' ? '' : ` ${check.state}`;
  const message = check.state === 'invalid' || check.state === 'warning' ? check.message : '';
  const dirty = text.trim() !== applied;

  const saveButton = (): void => {
    const expression = text.trim();
    if (!expression || check.state === 'invalid') return;
    const label = window.prompt(
      'Button label',
      expression.length > 24 ? expression.slice(0, 24) + '…' : expression,
    );
    if (!label) return;
    const next = [...buttons.filter((b) => b.label !== label), { label, expression }];
    setButtons(next);
    saveFilterButtons(next);
  };

  const removeButton = (b: FilterButton): void => {
    const next = buttons.filter((x) => x !== b);
    setButtons(next);
    saveFilterButtons(next);
  };

  return (
    <div className="filter-bar display-filter-bar" data-testid="filter-bar" data-state={check.state}>
      <svg className="filter-icon" width="14" height="14" viewBox="0 0 16 16" aria-hidden>
        <path d="M1.5 2h13l-5 6.2V13l-3 1.5V8.2z" fill="none" stroke="currentColor" strokeWidth="1.3" />
      </svg>
      <div className="filter-field">
        <div className="filter-mirror" ref={mirror} aria-hidden>
          {check.state === 'invalid' && (
            <>
              {text.slice(0, check.start)}
              <span className="filter-error-span" data-testid="filter-error-span">
                {text.slice(check.start, check.end) || '\u00a0'}
              </span>
              {text.slice(check.end)}
            </>
          )}
        </div>
        <input
          ref={input}
          className={'filter-input' + stateClass}
          placeholder="Apply a display filter … <Ctrl-/>"
          value={text}
          spellCheck={false}
          autoComplete="off"
          data-testid="filter-input"
          aria-invalid={check.state === 'invalid'}
          title={message || undefined}
          onChange={(e) => {
            onTextChange(e.target.value);
            offerCompletions(e.target.value, e.target.selectionStart ?? e.target.value.length);
          }}
          onFocus={() => void wantChecker()}
          onScroll={syncScroll}
          onKeyUp={syncScroll}
          onBlur={() => setTimeout(() => setPopup(null), 150)}
          onKeyDown={onKeyDown}
        />
        {popup && items.length > 0 && (
          <ul
            className="filter-popup"
            role="listbox"
            data-testid={popup.kind === 'complete' ? 'filter-completions' : 'filter-history'}
          >
            {popup.kind === 'history' && <li className="filter-popup-title">Recent filters</li>}
            {items.map((name, i) => {
              const info = popup.kind === 'complete' ? popup.items[i] : undefined;
              return (
                <li
                  key={name}
                  role="option"
                  aria-selected={i === active}
                  className={i === active ? 'active' : ''}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    if (popup.kind === 'complete') accept(name);
                    else {
                      onTextChange(name);
                      apply(name);
                    }
                  }}
                >
                  <span className="filter-popup-name">{name}</span>
                  {info && (
                    <span className="filter-popup-info">
                      {info.title} · {info.type}
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        )}
        {!popup && message && (
          <div className={'filter-message ' + check.state} data-testid="filter-message" role="status">
            {message}
          </div>
        )}
      </div>
      {text !== '' && (
        <button
          type="button"
          className="icon-button"
          title="Clear the display filter"
          data-testid="filter-clear"
          onClick={() => {
            onTextChange('');
            if (applied !== '') apply('');
          }}
        >
          ×
        </button>
      )}
      <button
        type="button"
        className="icon-button"
        title="Recent display filters"
        disabled={history.length === 0}
        onClick={() => {
          setPopup(popup?.kind === 'history' ? null : { kind: 'history' });
          setActive(-1);
          input.current?.focus();
        }}
      >
        ▾
      </button>
      <button
        type="button"
        className={'button small' + (dirty ? ' primary' : '')}
        disabled={disabled || check.state === 'invalid'}
        data-testid="filter-apply"
        title="Apply this filter (Enter)"
        onClick={() => apply(text)}
      >
        Apply
      </button>
      <span className="filter-buttons">
        {buttons.map((b) => (
          <button
            key={b.label}
            type="button"
            className={'filter-button' + (applied === b.expression ? ' on' : '')}
            title={`${b.expression}\n(right-click to remove)`}
            disabled={disabled}
            onClick={() => {
              onTextChange(b.expression);
              apply(b.expression);
            }}
            onContextMenu={(e) => {
              e.preventDefault();
              if (window.confirm(`Remove the "${b.label}" button?`)) removeButton(b);
            }}
          >
            {b.label}
          </button>
        ))}
        <button
          type="button"
          className="filter-button add"
          title="Save this filter as a button"
          disabled={text.trim() === '' || check.state === 'invalid'}
          onClick={saveButton}
        >
          +
        </button>
      </span>
    </div>
  );
});
