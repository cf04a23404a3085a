// The window's code, loaded by main.tsx as its own chunk while it connects to the engine.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, type AppProps } from './app/app.tsx';

export function showWindow(rootEl: HTMLElement, props: AppProps): void {
  createRoot(rootEl).render(
    <StrictMode>
      <App {...props} />
    </StrictMode>,
  );
}
