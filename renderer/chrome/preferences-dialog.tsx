// Edit → Preferences: the dissection preferences the engine keeps (Wireshark's Protocols → TLS
// "(Pre)-Master-Secret log filename"). OK asks the engine to take them; a path it cannot read is
// refused there and its reason shown here, with the dialog left open to correct it.
import { useState } from 'react';
import type { DissectionPrefs } from '../../app/protocol/messages.ts';
import { Dialog, DialogButtons } from './dialogs.tsx';

export function PreferencesDialog(props: {
  prefs: DissectionPrefs;
  /** Applies the preferences; resolves to an error message, or null when they were taken. */
  onApply(prefs: DissectionPrefs): Promise<string | null>;
  onClose(): void;
}) {
  const [keylog, setKeylog] = useState(props.prefs.tlsKeylogFile ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (): Promise<void> => {
    setBusy(true);
    const message = await props.onApply({ tlsKeylogFile: keylog.trim() || null });
    setBusy(false);
    setError(message);
  };
  return (
    <Dialog title="Preferences" onClose={props.onClose} testId="preferences-dialog" wide>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="prefs-section">Protocols › TLS</div>
        <label className="field-label" htmlFor="prefs-tls-keylog">
          (Pre)-Master-Secret log filename (NSS key log format, as SSLKEYLOGFILE writes)
        </label>
        <input
          id="prefs-tls-keylog"
          autoFocus
          className="text-input wide"
          placeholder="/home/me/.ssl-keys.log"
          value={keylog}
          onChange={(e) => setKeylog(e.target.value)}
          data-testid="prefs-tls-keylog"
          spellCheck={false}
        />
        <div className="prefs-note">
          Decrypts TLS, DTLS and QUIC in the files opened and the captures started from now on. The file is
          read again as it grows. Leave it empty to stop decrypting.
        </div>
        {error && (
          <div className="dialog-error" role="alert" data-testid="prefs-error">
            {error}
          </div>
        )}
        <DialogButtons submit="OK" disabled={busy} onCancel={props.onClose} submitTestId="prefs-ok" />
      </form>
    </Dialog>
  );
}
