// The main toolbar's capture buttons (Wireshark's fin, square, circular arrow and gear).
export function CaptureToolbar(props: {
  running: boolean;
  hasCapture: boolean;
  onStart(): void;
  onStop(): void;
  onRestart(): void;
  onOptions(): void;
}) {
  return (
    <div className="main-toolbar" role="toolbar" aria-label="Capture">
      <button
        type="button"
        className="tool-button start"
        title="Start capturing packets (Ctrl+E)"
        aria-label="Start capture"
        data-testid="capture-start"
        disabled={props.running}
        onClick={props.onStart}
      >
        <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden>
          <path d="M2 14.5 C5 12 9.5 6.5 9 1.5 C11.5 4.5 13.5 9 14 14.5 Z" fill="currentColor" />
        </svg>
      </button>
      <button
        type="button"
        className="tool-button stop"
        title="Stop capturing packets (Ctrl+E)"
        aria-label="Stop capture"
        data-testid="capture-stop"
        disabled={!props.running}
        onClick={props.onStop}
      >
        <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden>
          <rect x="3" y="3" width="10" height="10" rx="1" fill="currentColor" />
        </svg>
      </button>
      <button
        type="button"
        className="tool-button restart"
        title="Restart the running capture (Ctrl+R)"
        aria-label="Restart capture"
        data-testid="capture-restart"
        disabled={!props.running}
        onClick={props.onRestart}
      >
        <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden>
          <path d="M13 8a5 5 0 1 1-1.6-3.7" fill="none" stroke="currentColor" strokeWidth="1.8" />
          <path d="M12.8 1.5v3.8H9" fill="none" stroke="currentColor" strokeWidth="1.8" />
        </svg>
      </button>
      <button
        type="button"
        className="tool-button options"
        title="Capture options (Ctrl+K)"
        aria-label="Capture options"
        data-testid="capture-options-button"
        onClick={props.onOptions}
      >
        <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden>
          <path
            d="M8 5.2a2.8 2.8 0 1 0 0 5.6 2.8 2.8 0 0 0 0-5.6zM6.9 1h2.2l.4 1.9 1.3.6 1.7-1 1.5 1.5-1 1.7.6 1.3 1.9.4v2.2l-1.9.4-.6 1.3 1 1.7-1.5 1.5-1.7-1-1.3.6-.4 1.9H6.9l-.4-1.9-1.3-.6-1.7 1-1.5-1.5 1-1.7-.6-1.3L.5 9.1V6.9l1.9-.4.6-1.3-1-1.7 1.5-1.5 1.7 1 1.3-.6z"
            fill="currentColor"
            fillRule="evenodd"
          />
        </svg>
      </button>
      <span className="toolbar-sep" />
    </div>
  );
}
