// "Do you want to save the captured packets?" before a capture nobody saved is dropped.
import { Dialog } from '../chrome/dialogs.tsx';
import type { UnsavedPrompt } from './use-capture.ts';

export function UnsavedDialog(props: { prompt: UnsavedPrompt; onSave(): void; onCancel(): void }) {
  const { prompt } = props;
  return (
    <Dialog title="Unsaved packets" onClose={props.onCancel} testId="unsaved-dialog">
      <p className="dialog-text">
        Do you want to save the captured packets before {prompt.doing}?
        <br />
        <span className="status-dim">
          {prompt.message}. Your captured packets will be lost if you don&apos;t save them.
        </span>
      </p>
      <div className="dialog-buttons">
        <button type="button" className="button" onClick={prompt.discard} data-testid="unsaved-discard">
          Continue without Saving
        </button>
        <span className="grow" />
        <button type="button" className="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className="button primary"
          autoFocus
          onClick={props.onSave}
          data-testid="unsaved-save"
        >
          Save…
        </button>
      </div>
    </Dialog>
  );
}
