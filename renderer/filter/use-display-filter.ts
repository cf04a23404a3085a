// The display filter's state in the window: the text being typed, and applying it through the
// engine (view.filter), which streams the matching rows in as view.changed events.
import { useCallback, useState } from 'react';
import type { ViewState } from '../../app/protocol/messages.ts';
import type { EngineClient } from '../client/engine-client.ts';
import { rememberFilter } from './filter-model.ts';

export interface DisplayFilter {
  text: string;
  setText(text: string): void;
  apply(expression: string): Promise<void>;
  historyVersion: number;
}

export function useDisplayFilter(
  client: EngineClient,
  setView: (view: ViewState) => void,
  onError: (err: unknown) => void,
): DisplayFilter {
  const [text, setText] = useState('');
  const [historyVersion, setHistoryVersion] = useState(0);
  const apply = useCallback(
    async (expression: string) => {
      const expr = expression.trim();
      try {
        setView(await client.request('view.filter', { expression: expr }));
        if (expr) {
          rememberFilter(expr);
          setHistoryVersion((v) => v + 1);
        }
      } catch (err) {
        onError(err);
      }
    },
    [client, setView, onError],
  );
  return { text, setText, apply, historyVersion };
}
