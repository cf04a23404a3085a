// The protocol tree's "Apply as Filter" and "Prepare as Filter" submenus, as Wireshark's: the
// field's own expression (`ip.src == 10.0.0.1`), its negation, and both combined with the filter
// already applied.
import type { MenuItem } from '../chrome/menu.tsx';

export interface FilterMenuActions {
  /** Puts the expression in the bar and applies it. */
  apply(expression: string): void;
  /** Puts the expression in the bar for editing, without applying it. */
  prepare(expression: string): void;
}

/** The four forms of Wireshark's submenu for `expr` given the filter now applied. */
export function filterForms(expr: string, current: string): { label: string; expression: string }[] {
  const forms = [
    { label: 'Selected', expression: expr },
    { label: 'Not Selected', expression: `!(${expr})` },
  ];
  if (current.trim() !== '') {
    forms.push(
      { label: '…and Selected', expression: `(${current}) && (${expr})` },
      { label: '…or Selected', expression: `(${current}) || (${expr})` },
      { label: '…and not Selected', expression: `(${current}) && !(${expr})` },
    );
  }
  return forms;
}

export function filterMenuItems(
  expr: string | null,
  current: string,
  actions: FilterMenuActions,
): MenuItem[] {
  const submenu = (run: (e: string) => void): MenuItem[] =>
    expr === null
      ? []
      : filterForms(expr, current).map((f) => ({ label: f.label, onClick: () => run(f.expression) }));
  return [
    { label: 'Apply as Filter', disabled: expr === null, submenu: submenu(actions.apply) },
    { label: 'Prepare as Filter', disabled: expr === null, submenu: submenu(actions.prepare) },
  ];
}
