// Errors the user should see, one dismissible line each, with the engine's message.
export interface Notice {
  id: number;
  message: string;
  detail?: string;
  kind: 'error' | 'warning';
}

export function ErrorBar({
  notices,
  onDismiss,
}: {
  notices: readonly Notice[];
  onDismiss(id: number): void;
}) {
  if (notices.length === 0) return null;
  return (
    <div className="error-bar" data-testid="error-bar" role="alert">
      {notices.map((n) => (
        <div key={n.id} className={'notice ' + n.kind} data-testid="error-notice">
          <span className="notice-icon">{n.kind === 'error' ? '⛔' : '⚠'}</span>
          <span className="notice-text">{n.message}</span>
          {n.detail && <span className="notice-detail">{n.detail}</span>}
          <button
            type="button"
            className="notice-close"
            aria-label="Dismiss"
            data-testid="error-dismiss"
            onClick={() => onDismiss(n.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
