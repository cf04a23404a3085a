// XDR for ONC RPC test frames: numbers as 32-bit words, strings counted and padded, byte arrays
// as they are; and the call and reply headers the RPC, NFS and MOUNT tests build on.

export type XdrPart = number | string | Uint8Array;

export function xdr(...parts: XdrPart[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push((p >>> 24) & 0xff, (p >>> 16) & 0xff, (p >>> 8) & 0xff, p & 0xff);
    else if (typeof p === 'string') {
      out.push(...xdr(p.length));
      for (const c of p) out.push(c.charCodeAt(0));
      while (out.length % 4) out.push(0);
    } else out.push(...p);
  }
  return Uint8Array.from(out);
}

/** AUTH_UNIX credentials (stamp 0, machine `nfsc`, uid 0, gid 0, no more gids) and an AUTH_NULL verifier. */
export const NFSC_AUTH = xdr(1, 24, 7, 'nfsc', 0, 0, 0, 0, 0);

/** A call header: xid, CALL, RPC 2, program, version, procedure, then credentials and verifier. */
export function rpcCall(
  xid: number,
  prog: number,
  vers: number,
  proc: number,
  auth: Uint8Array = NFSC_AUTH,
): Uint8Array {
  return xdr(xid, 0, 2, prog, vers, proc, auth);
}

/** An accepted, successful reply header with an AUTH_NULL verifier, then `rest`. */
export function rpcReply(xid: number, ...rest: XdrPart[]): Uint8Array {
  return xdr(xid, 1, 0, 0, 0, 0, ...rest);
}
