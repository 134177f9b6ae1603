/**
 * A button that opens a small menu (WAI-ARIA menu button pattern): the first item takes focus,
 * ↑ / ↓ (Home / End) move, Enter or Space picks, Escape or Tab closes and gives focus back to the
 * button, a click outside closes. Disabled items stay in the list (focusable, with the reason) so a
 * researcher sees why they cannot be picked.
 */
import * as React from 'react';
import { useEffect, useRef, useState } from 'react';

export interface IMenuItem {
  id: string;
  text: string;
  /** Why it cannot be picked now; undefined when it can. */
  disabled?: string;
}

export function MenuButton(props: {
  label: string;
  menuLabel: string;
  items: IMenuItem[];
  onPick: (id: string) => void;
}): React.ReactElement {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]')[active]?.focus();
  }, [open, active]);

  useEffect(() => {
    if (!open) return;
    const onDown = (ev: MouseEvent) => {
      const t = ev.target as Node;
      if (!menu.current?.contains(t) && !button.current?.contains(t)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };
  const pick = (i: number) => {
    const item = props.items[i];
    if (!item || item.disabled) return;
    close(true);
    props.onPick(item.id);
  };
  const n = props.items.length;

  return (
    <span className="jp-fedomop-cb-menu">
      <button
        ref={button}
        type="button"
        className="jp-fedomop-cb-link"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => {
          setActive(0);
          setOpen(!open);
        }}
        onKeyDown={(ev) => {
          if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
            ev.preventDefault();
            setActive(ev.key === 'ArrowDown' ? 0 : n - 1);
            setOpen(true);
          }
        }}
      >
        {props.label}
      </button>
      {open && (
        <ul
          ref={menu}
          role="menu"
          aria-label={props.menuLabel}
          className="jp-fedomop-cb-menu-list"
          onKeyDown={(ev) => {
            // From the latest index (keys can repeat faster than React renders).
            const moves: Record<string, (a: number) => number> = {
              ArrowDown: (a) => a + 1,
              ArrowUp: (a) => a - 1,
              Home: () => 0,
              End: () => n - 1,
            };
            if (ev.key in moves) {
              ev.preventDefault();
              setActive((a) => (moves[ev.key](a) + n) % n);
            } else if (ev.key === 'Enter' || ev.key === ' ') {
              ev.preventDefault();
              pick(active);
            } else if (ev.key === 'Escape') {
              ev.preventDefault();
              ev.stopPropagation();
              close(true);
            } else if (ev.key === 'Tab') close(false);
          }}
        >
          {props.items.map((item, i) => (
            <li
              key={item.id}
              role="menuitem"
              tabIndex={i === active ? 0 : -1}
              aria-disabled={item.disabled ? true : undefined}
              title={item.disabled}
              data-item={item.id}
              className="jp-fedomop-cb-menu-item"
              onClick={() => pick(i)}
              onMouseEnter={() => setActive(i)}
            >
              {item.text}
            </li>
          ))}
        </ul>
      )}
    </span>
  );
}
