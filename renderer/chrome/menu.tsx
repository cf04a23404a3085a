// Menus: the in-page menu bar (browser mode; Electron has the native one) and context menus.
import { useEffect, useRef, useState, type RefObject } from 'react';

export interface MenuItem {
  label: string;
  shortcut?: string;
  checked?: boolean;
  disabled?: boolean;
  onClick?: () => void;
  submenu?: MenuItem[];
  separator?: boolean;
}

export const SEPARATOR: MenuItem = { label: '', separator: true };

function MenuList({ items, onDone }: { items: readonly MenuItem[]; onDone: () => void }) {
  const [openSub, setOpenSub] = useState<number | null>(null);
  return (
    <div className="menu-list" role="menu">
      {items.map((item, i) =>
        item.separator ? (
          <div key={i} className="menu-sep" role="separator" />
        ) : (
          <div
            key={i}
            role={item.checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
            aria-checked={item.checked}
            aria-disabled={item.disabled}
            className={'menu-item' + (item.disabled ? ' disabled' : '') + (openSub === i ? ' open' : '')}
            onMouseEnter={() => setOpenSub(item.submenu ? i : null)}
            onClick={(e) => {
              e.stopPropagation();
              if (item.disabled || item.submenu) return;
              onDone();
              item.onClick?.();
            }}
          >
            <span className="check">{item.checked ? '✓' : ''}</span>
            <span className="text">{item.label}</span>
            <span className="shortcut">{item.submenu ? '▸' : (item.shortcut ?? '')}</span>
            {item.submenu && openSub === i && (
              <div className="submenu">
                <MenuList items={item.submenu} onDone={onDone} />
              </div>
            )}
          </div>
        ),
      )}
    </div>
  );
}

function useDismiss(open: boolean, close: () => void, ref: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent): void => {
      if (!ref.current?.contains(e.target as Node)) close();
    };
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') close();
    };
    window.addEventListener('mousedown', onDown, true);
    window.addEventListener('keydown', onKey, true);
    window.addEventListener('blur', close);
    return () => {
      window.removeEventListener('mousedown', onDown, true);
      window.removeEventListener('keydown', onKey, true);
      window.removeEventListener('blur', close);
    };
  }, [open, close, ref]);
}

export function MenuBar({ menus }: { menus: readonly { label: string; items: MenuItem[] }[] }) {
  const [open, setOpen] = useState<number | null>(null);
  const ref = useRef<HTMLDivElement | null>(null);
  const close = useRef(() => setOpen(null)).current;
  useDismiss(open !== null, close, ref);
  return (
    <div className="menu-bar" role="menubar" ref={ref}>
      {menus.map((m, i) => (
        <div
          key={m.label}
          role="menuitem"
          aria-haspopup="menu"
          aria-expanded={open === i}
          data-testid={`menu-${m.label.toLowerCase()}`}
          className={'menu-title' + (open === i ? ' open' : '')}
          onMouseDown={(e) => {
            e.preventDefault();
            setOpen(open === i ? null : i);
          }}
          onMouseEnter={() => open !== null && setOpen(i)}
        >
          {m.label}
          {open === i && (
            <div className="menu-drop" onMouseDown={(e) => e.stopPropagation()}>
              <MenuList items={m.items} onDone={close} />
            </div>
          )}
        </div>
      ))}
    </div>
  );
}

export function ContextMenu(props: {
  x: number;
  y: number;
  items: readonly MenuItem[];
  onClose: () => void;
}) {
  const ref = useRef<HTMLDivElement | null>(null);
  useDismiss(true, props.onClose, ref);
  const [pos, setPos] = useState({ left: props.x, top: props.y });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    setPos({
      left: Math.max(0, Math.min(props.x, window.innerWidth - r.width - 4)),
      top: Math.max(0, Math.min(props.y, window.innerHeight - r.height - 4)),
    });
  }, [props.x, props.y]);
  return (
    <div className="context-menu" ref={ref} style={pos}>
      <MenuList items={props.items} onDone={props.onClose} />
    </div>
  );
}
