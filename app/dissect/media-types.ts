// The media types of Wireshark's media_type table that have a dissector of their own here besides
// text, JSON and forms: JPEG (image-jfif), PNG, GIF (image-gif) and the XML family. A body the
// dissector does not take (no JFIF header, no PNG signature…) is left to the caller, which shows it
// as Wireshark's "media" does.
import { dissectGif, F as GIF, isGif } from './image-gif.ts';
import { dissectJfif, F as JFIF, isJfif } from './image-jfif.ts';
import { bytes, fields, type FieldDef } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import { dissectPng, F as PNG, isPng } from './png.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { dissectXml, F as XML, isXmlMedia } from './xml.ts';

const JPEG_TYPES = new Set(['image/jpeg', 'image/jpg', 'image/jfif']);

/**
 * Dissects `body` when `type` (lower case, no parameters) is one of these media types and its
 * dissector takes the bytes; false otherwise.
 */
export function dissectMediaBody(body: Tvb, type: string, pinfo: PacketInfo, tree: Tree): boolean {
  if (JPEG_TYPES.has(type)) return take(isJfif(body), () => dissectJfif(body, pinfo, tree));
  if (type === 'image/png') return take(isPng(body), () => dissectPng(body, pinfo, tree));
  if (type === 'image/gif') return take(isGif(body), () => dissectGif(body, pinfo, tree));
  if (isXmlMedia(type)) return take(true, () => dissectXml(body, pinfo, tree));
  return false;
}

function take(accepted: boolean, dissect: () => void): boolean {
  if (accepted) dissect();
  return accepted;
}

/** The item Wireshark's "media" dissector shows for a body no other dissector took. */
export const MEDIA_TYPE = fields('media', { type: bytes('Media type') });

/** A body of a media type nothing here dissects: its type and length under the "media" protocol. */
export function addMediaType(body: Tvb, type: string, tree: Tree): void {
  const n = body.end - body.start;
  tree.add(MEDIA_TYPE.type, body, body.start, n);
  if (tree.full) tree.labelLast(`Media type: ${type} (${n} byte${n === 1 ? '' : 's'})`);
}

/** The fields of these dissectors by filter name, for a module's `fields`. */
export const MEDIA_BODY_FIELDS: Readonly<Record<string, FieldDef>> = Object.fromEntries(
  [JFIF, PNG, GIF, XML, MEDIA_TYPE].flatMap((table) =>
    Object.values(table).map((d: FieldDef) => [d.abbrev, d]),
  ),
);
