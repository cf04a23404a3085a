// eXtensible Markup Language as tshark 4.0's xml dissector shows a body of one of its media types:
// a tree of the document as its tokenizer sees it (processing instructions, doctype and DTD tags,
// comments, CDATA sections, elements with their attributes and text), with no validation. Markup
// it cannot read is "Unrecognized text", a closing tag with nothing open an expert note; it never
// makes the packet malformed. Element names are not matched: a closing tag closes the open one.
import { fields, proto, str, type FieldDef } from './field.ts';
import { expert, expertItem } from './ip-proto.ts';
import { runGuarded, wantsAny } from './media-common.ts';
import type { PacketInfo } from './packet-info.ts';
import { bytesText } from './text-format.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

export const F = fields('xml', {
  '': proto('eXtensible Markup Language'),
  xmlpi: str('XMLPI'),
  cdatasection: str('CDATASection'),
  comment: str('Comment'),
  attribute: str('Attribute'),
  doctype: str('Doctype'),
  dtdtag: str('DTD Tag'),
  cdata: str('CDATA'),
  tag: str('Tag'),
  unknown: str('Unknown'),
  'xmlpi.xml': str('xml.xmlpi.xml'),
  'xmlpi.xml.standalone': str('standalone'),
  'xmlpi.xml.encoding': str('encoding'),
  'xmlpi.xml.version': str('version'),
});

const VALUE_FIELDS: readonly FieldDef[] = Object.values(F).filter((d) => d !== F['']);
/** Closing tags and the ends of PIs and DTDs: text items with no field. */
const TEXT: FieldDef = { ...str(''), abbrev: '', id: -1 };

/** The attributes of `<?xml …?>` with fields of their own. */
const XMLPI_ATTRIBUTES: Readonly<Record<string, FieldDef>> = {
  version: F['xmlpi.xml.version'],
  encoding: F['xmlpi.xml.encoding'],
  standalone: F['xmlpi.xml.standalone'],
};

/** The media types Wireshark 4.0 hands to its xml dissector (its media_type table), in lower case. */
const XML_TYPES: ReadonlySet<string> = new Set([
  'application/3gpp-ims+xml',
  'application/atom+xml',
  'application/auth-policy+xml',
  'application/ccmp+xml',
  'application/conference-info+xml',
  'application/cpim-pidf+xml',
  'application/cpl+xml',
  'application/dds-web+xml',
  'application/im-iscomposing+xml',
  'application/load-control+xml',
  'application/mathml+xml',
  'application/media_control+xml',
  'application/mediaservercontrol+xml',
  'application/note+xml',
  'application/pidf+xml',
  'application/pidf-diff+xml',
  'application/poc-settings+xml',
  'application/rdf+xml',
  'application/reginfo+xml',
  'application/resource-lists+xml',
  'application/rlmi+xml',
  'application/rls-services+xml',
  'application/rs-metadata+xml',
  'application/rss+xml',
  'application/simple-filter+xml',
  'application/simple-message-summary+xml',
  'application/simservs+xml',
  'application/smil',
  'application/soap+xml',
  'application/upp-directory+xml',
  'application/vnc.3gpp.iut-config+xml',
  'application/vnd.3gpp-prose+xml',
  'application/vnd.3gpp-prose-pc3ch+xml',
  'application/vnd.3gpp.access-transfer-events+xml',
  'application/vnd.3gpp.bsf+xml',
  'application/vnd.3gpp.comm-div-info+xml',
  'application/vnd.3gpp.cw+xml',
  'application/vnd.3gpp.iut+xml',
  'application/vnd.3gpp.mcdata-affiliation-command+xml',
  'application/vnd.3gpp.mcdata-info+xml',
  'application/vnd.3gpp.mcdata-location-info+xml',
  'application/vnd.3gpp.mcdata-mbms-usage-info+xml',
  'application/vnd.3gpp.mcdata-regroup+xml',
  'application/vnd.3gpp.mcdata-service-config+xml',
  'application/vnd.3gpp.mcdata-ue-config+xml',
  'application/vnd.3gpp.mcdata-user-profile+xml',
  'application/vnd.3gpp.mcptt-affiliation-command+xml',
  'application/vnd.3gpp.mcptt-floor-request+xml',
  'application/vnd.3gpp.mcptt-info+xml',
  'application/vnd.3gpp.mcptt-location-info+xml',
  'application/vnd.3gpp.mcptt-mbms-usage-info+xml',
  'application/vnd.3gpp.mcptt-regroup+xml',
  'application/vnd.3gpp.mcptt-service-config+xml',
  'application/vnd.3gpp.mcptt-signed+xml',
  'application/vnd.3gpp.mcptt-ue-config+xml',
  'application/vnd.3gpp.mcptt-ue-init-config+xml',
  'application/vnd.3gpp.mcptt-user-profile+xml',
  'application/vnd.3gpp.mcvideo-affiliation-command+xml',
  'application/vnd.3gpp.mcvideo-info+xml',
  'application/vnd.3gpp.mcvideo-location-info+xml',
  'application/vnd.3gpp.mcvideo-mbms-usage-info+xml',
  'application/vnd.3gpp.mcvideo-service-config+xml',
  'application/vnd.3gpp.mcvideo-ue-config+xml',
  'application/vnd.3gpp.mcvideo-user-profile+xml',
  'application/vnd.3gpp.mid-call+xml',
  'application/vnd.3gpp.replication+xml',
  'application/vnd.3gpp.sms+xml',
  'application/vnd.3gpp.srvcc-ext+xml',
  'application/vnd.3gpp.srvcc-info+xml',
  'application/vnd.3gpp.state-and-event-info+xml',
  'application/vnd.3gpp.transmission-request+xml',
  'application/vnd.3gpp.ussd+xml',
  'application/vnd.3gpp2.bcmcsinfo+xml',
  'application/vnd.etsi.aoc+xml',
  'application/vnd.etsi.cug+xml',
  'application/vnd.etsi.iptvcommand+xml',
  'application/vnd.etsi.iptvdiscovery+xml',
  'application/vnd.etsi.iptvprofile+xml',
  'application/vnd.etsi.iptvsad-bc+xml',
  'application/vnd.etsi.iptvsad-cod+xml',
  'application/vnd.etsi.iptvsad-npvr+xml',
  'application/vnd.etsi.iptvservice+xml',
  'application/vnd.etsi.iptvsync+xml',
  'application/vnd.etsi.iptvueprofile+xml',
  'application/vnd.etsi.mcid+xml',
  'application/vnd.etsi.overload-control-policy-dataset+xml',
  'application/vnd.etsi.pstn+xml',
  'application/vnd.etsi.sci+xml',
  'application/vnd.etsi.simservs+xml',
  'application/vnd.etsi.tsl+xml',
  'application/vnd.oma.access-permissions-list+xml',
  'application/vnd.oma.alias-principals-list+xml',
  'application/vnd.oma.bcast.associated-procedure-parameter+xml',
  'application/vnd.oma.bcast.drm-trigger+xml',
  'application/vnd.oma.bcast.imd+xml',
  'application/vnd.oma.bcast.notification+xml',
  'application/vnd.oma.bcast.sgdd+xml',
  'application/vnd.oma.bcast.smartcard-trigger+xml',
  'application/vnd.oma.bcast.sprov+xml',
  'application/vnd.oma.cab-address-book+xml',
  'application/vnd.oma.cab-feature-handler+xml',
  'application/vnd.oma.cab-pcc+xml',
  'application/vnd.oma.cab-subs-invite+xml',
  'application/vnd.oma.cab-user-prefs+xml',
  'application/vnd.oma.dd2+xml',
  'application/vnd.oma.drm.risd+xml',
  'application/vnd.oma.fnl+xml',
  'application/vnd.oma.group-usage-list+xml',
  'application/vnd.oma.pal+xml',
  'application/vnd.oma.poc.detailed-progress-report+xml',
  'application/vnd.oma.poc.final-report+xml',
  'application/vnd.oma.poc.groups+xml',
  'application/vnd.oma.poc.invocation-descriptor+xml',
  'application/vnd.oma.poc.optimized-progress-report+xml',
  'application/vnd.oma.scidm.messages+xml',
  'application/vnd.oma.suppnot+xml',
  'application/vnd.oma.xcap-directory+xml',
  'application/vnd.oma.xdcp+xml',
  'application/vnd.oma.xdm-apd+xml',
  'application/vnd.oma.xdm-hi+xml',
  'application/vnd.oma.xdm-prefs+xml',
  'application/vnd.oma.xdm-rhi+xml',
  'application/vnd.omads-email+xml',
  'application/vnd.omads-file+xml',
  'application/vnd.omads-folder+xml',
  'application/vnd.wv.csp+xml',
  'application/vnd.wv.csp.xml',
  'application/watcherinfo+xml',
  'application/x-crd+xml',
  'application/x-wms-logconnectstats',
  'application/x-wms-logplaystats',
  'application/x-wms-sendevent',
  'application/xcap-att+xml',
  'application/xcap-caps+xml',
  'application/xcap-diff+xml',
  'application/xcap-el+xml',
  'application/xcap-error+xml',
  'application/xcap-ns+xml',
  'application/xml',
  'application/xml-dtd',
  'application/xpidf+xml',
  'application/xslt+xml',
  'image/svg+xml',
  'message/imdn+xml',
  'text/vnd.wap.co',
  'text/vnd.wap.emn',
  'text/vnd.wap.si',
  'text/vnd.wap.sl',
  'text/vnd.wap.wml',
  'text/xml',
  'x-bt/ctn-eventreport',
  'x-bt/ctn-listing',
  'x-bt/map-event-report',
  'x-bt/map-msg-listing',
  'x-bt/img-capabilities',
  'x-bt/img-listing',
  'x-bt/img-properties',
  'x-bt/vcard-listing',
  'x-obex/bt-soap',
  'x-obex/folder-listing',
]);

/** Whether the xml dissector takes a body of media type `type` (lower case, no parameters). */
export function isXmlMedia(type: string): boolean {
  return XML_TYPES.has(type);
}

/** An XML body: its layer, the Protocol column and (when wanted) its tree. */
export function dissectXml(body: Tvb, pinfo: PacketInfo, tree: Tree): void {
  pinfo.layers.push('xml');
  pinfo.setProto(pinfo.proto ? `${pinfo.proto}/XML` : 'XML');
  if (!wantsAny(tree, VALUE_FIELDS) && !tree.wants(F[''])) return;
  runGuarded('XML', body, pinfo, tree, (t) => {
    t.push(F[''], body, body.start, body.end - body.start);
    new XmlReader(body, pinfo, t).read();
    t.pop();
  });
}

const isSpace = (c: number | undefined): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
const isNameChar = (c: number | undefined): boolean =>
  c !== undefined &&
  ((c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2d ||
    c === 0x5f ||
    c === 0x2e ||
    c === 0x3a);

interface Attribute {
  start: number;
  end: number;
  name: string;
  valueStart: number;
  valueEnd: number;
}

/** A start tag or PI head read up to its attributes' end: where `>`, `/>` or `?>` is expected. */
interface Head {
  name: string;
  attributes: Attribute[];
  next: number;
}

/** An open element: where it starts and the length of its start tag (its length while unclosed). */
interface OpenElement {
  start: number;
  headLength: number;
}

/** One pass over the document, adding items as tokens are read (Wireshark's tvbparse callbacks). */
class XmlReader {
  private readonly b: Uint8Array;
  private readonly end: number;
  private readonly open: OpenElement[] = [];
  private inDtd = false;

  constructor(
    private readonly tvb: Tvb,
    private readonly pinfo: PacketInfo,
    private readonly tree: Tree,
  ) {
    this.b = tvb.bytes;
    this.end = tvb.end;
  }

  read(): void {
    let o = this.tvb.start;
    for (;;) {
      o = this.skipSpace(o);
      if (o >= this.end) break;
      o = this.token(o);
    }
    // Elements never closed keep the length of their start tags.
    while (this.open.length > 0) this.tree.pop(this.open.pop()?.headLength);
    if (this.inDtd) this.tree.pop();
  }

  private skipSpace(o: number): number {
    while (o < this.end && isSpace(this.b[o])) o++;
    return o;
  }

  private startsWith(o: number, s: string): boolean {
    if (o + s.length > this.end) return false;
    for (let i = 0; i < s.length; i++) if (this.b[o + i] !== s.charCodeAt(i)) return false;
    return true;
  }

  private indexOf(from: number, s: string): number {
    for (let o = from; o + s.length <= this.end; o++) if (this.startsWith(o, s)) return o;
    return -1;
  }

  private text(from: number, to: number, label: boolean): string {
    return bytesText(this.b, from, to, label, false);
  }

  /** One token at `o` (not whitespace); returns where the next may start. */
  private token(o: number): number {
    if (this.b[o] !== 0x3c) return this.inDtd ? this.dtdEnd(o) : this.characters(o);
    const done =
      this.comment(o) ??
      this.cdataSection(o) ??
      this.processingInstruction(o) ??
      this.doctype(o) ??
      (this.inDtd ? this.dtdTag(o) : null) ??
      this.closingTag(o) ??
      this.startTag(o);
    return done ?? this.unrecognized(o);
  }

  /** Text up to the next `<`: character data in an element, "Unknown" outside one. */
  private characters(o: number): number {
    let e = o;
    while (e < this.end && this.b[e] !== 0x3c) e++;
    this.addString(this.open.length > 0 ? F.cdata : F.unknown, o, e);
    return e;
  }

  /** A string item whose value and label are its text. */
  private addString(def: FieldDef, from: number, to: number, value = this.text(from, to, false)): void {
    this.tree.add(def, this.tvb, from, to - from, value);
    if (this.tree.full) this.tree.labelLast(this.text(from, to, true));
  }

  private comment(o: number): number | null {
    if (!this.startsWith(o, '<!--')) return null;
    const close = this.indexOf(o + 4, '-->');
    if (close < 0) return null;
    this.addString(F.comment, o, close + 3);
    return close + 3;
  }

  private cdataSection(o: number): number | null {
    if (!this.startsWith(o, '<![CDATA[')) return null;
    const close = this.indexOf(o + 9, ']]>');
    if (close < 0) return null;
    this.addString(F.cdatasection, o, close + 3);
    return close + 3;
  }

  /** `<?name attributes ?>`: `<?xml` has fields for its pseudo-attributes, other PIs `xml.xmlpi`. */
  private processingInstruction(o: number): number | null {
    if (!this.startsWith(o, '<?')) return null;
    const head = this.head(o + 2);
    if (!head || !this.startsWith(head.next, '?>')) return null;
    const end = head.next + 2;
    const isXml = head.name === 'xml';
    const t = this.tree;
    t.push(isXml ? F['xmlpi.xml'] : F.xmlpi, this.tvb, o, end - o, this.text(o, end, false));
    if (t.full) t.label(`<?${head.name}`);
    for (const a of head.attributes) {
      const special = isXml ? XMLPI_ATTRIBUTES[a.name] : undefined;
      if (special) {
        const value = this.text(a.valueStart, a.valueEnd, false);
        this.addString(special, a.valueStart, a.valueEnd, value);
        if (t.full) t.labelLast(this.text(a.start, a.end, true));
      } else this.addString(F.attribute, a.start, a.end);
    }
    this.addString(TEXT, head.next, end);
    t.pop();
    return end;
  }

  /** `<!DOCTYPE name …>`, or `<!DOCTYPE name … [` opening an internal DTD. */
  private doctype(o: number): number | null {
    if (this.inDtd || !this.startsWith(o, '<!DOCTYPE')) return null;
    let p = this.skipSpace(o + 9);
    const nameStart = p;
    while (isNameChar(this.b[p])) p++;
    if (p === nameStart) return null;
    const name = this.text(nameStart, p, false);
    let e = p;
    while (e < this.end && this.b[e] !== 0x3e && this.b[e] !== 0x5b) e++;
    if (e >= this.end) return null;
    const t = this.tree;
    if (this.b[e] === 0x3e) {
      t.add(F.doctype, this.tvb, nameStart, p - nameStart, name);
      if (t.full) t.labelLast(this.text(o, e + 1, true));
      return e + 1;
    }
    t.push(F.doctype, this.tvb, nameStart, p - nameStart, name);
    if (t.full) t.label(this.text(o, e + 1, true));
    this.inDtd = true;
    return e + 1;
  }

  /** `<!…>` inside the internal DTD. */
  private dtdTag(o: number): number | null {
    if (!this.startsWith(o, '<!')) return null;
    let e = o + 2;
    while (e < this.end && this.b[e] !== 0x3e) e++;
    if (e >= this.end) return null;
    this.addString(F.dtdtag, o, e + 1);
    return e + 1;
  }

  /** `]` and `>` closing the internal DTD; anything else in it is skipped as tshark shows nothing. */
  private dtdEnd(o: number): number {
    if (this.b[o] === 0x5d) {
      const gt = this.skipSpace(o + 1);
      if (this.b[gt] === 0x3e) {
        this.addString(TEXT, o, gt + 1);
        this.tree.pop();
        this.inDtd = false;
        return gt + 1;
      }
    }
    let e = o;
    while (e < this.end && this.b[e] !== 0x3c && this.b[e] !== 0x5d) e++;
    return Math.max(e, o + 1);
  }

  /** `</name >`: closes the open element, whatever its name. */
  private closingTag(o: number): number | null {
    if (!this.startsWith(o, '</')) return null;
    let p = o + 2;
    const nameStart = p;
    while (isNameChar(this.b[p])) p++;
    if (p === nameStart) return null;
    p = this.skipSpace(p);
    if (this.b[p] !== 0x3e) return null;
    const end = p + 1;
    this.addString(TEXT, o, end);
    const element = this.open.pop();
    if (element) this.tree.pop(end - element.start);
    else {
      expertItem(
        this.pinfo,
        this.tree,
        this.tvb,
        o,
        end - o,
        'Error',
        'Malformed',
        'Closing an unopened tag',
      );
    }
    return end;
  }

  /** `<name attributes>` opening an element, or `<name attributes/>` an empty one. */
  private startTag(o: number): number | null {
    const head = this.head(o + 1);
    if (!head) return null;
    const empty = this.startsWith(head.next, '/>');
    if (!empty && this.b[head.next] !== 0x3e) return null;
    const end = head.next + (empty ? 2 : 1);
    const t = this.tree;
    const value = this.text(o, end, false);
    const close = empty ? '/>' : '>';
    if (empty && head.attributes.length === 0) {
      t.add(F.tag, this.tvb, o, end - o, value);
      if (t.full) t.labelLast(`<${head.name}/>`);
      return end;
    }
    t.push(F.tag, this.tvb, o, end - o, value);
    if (t.full) t.label(head.attributes.length > 0 ? `<${head.name}` : `<${head.name}>`);
    head.attributes.forEach((a, i) => {
      this.addString(F.attribute, a.start, a.end);
      if (t.full && i === head.attributes.length - 1)
        t.labelLast(`${this.text(a.start, a.end, true)}${close}`);
    });
    if (empty) t.pop();
    else this.open.push({ start: o, headLength: end - o });
    return end;
  }

  /** A name and the attributes after it, stopping where neither continues; null without a name. */
  private head(from: number): Head | null {
    let p = from;
    while (isNameChar(this.b[p])) p++;
    if (p === from) return null;
    const name = this.text(from, p, false);
    const attributes: Attribute[] = [];
    for (;;) {
      const at = this.skipSpace(p);
      if (at === p) break;
      const a = this.attribute(at);
      if (!a) {
        p = at;
        break;
      }
      attributes.push(a);
      p = a.end;
    }
    return { name, attributes, next: this.skipSpace(p) };
  }

  /** `name = "value"` or `name = 'value'`. */
  private attribute(from: number): Attribute | null {
    let p = from;
    while (isNameChar(this.b[p])) p++;
    if (p === from) return null;
    const name = this.text(from, p, false);
    p = this.skipSpace(p);
    if (this.b[p] !== 0x3d) return null;
    p = this.skipSpace(p + 1);
    const quote = this.b[p];
    if (quote !== 0x22 && quote !== 0x27) return null;
    let e = p + 1;
    while (e < this.end && this.b[e] !== quote) e++;
    if (e >= this.end) return null;
    return { start: from, end: e + 1, name, valueStart: p + 1, valueEnd: e };
  }

  /** Markup none of the rules reads: `<` and what follows up to white space, noted and passed over. */
  private unrecognized(o: number): number {
    let e = o + 1;
    while (e < this.end && !isSpace(this.b[e]) && this.b[e] !== 0x3c) e++;
    const t = this.tree;
    t.push(TEXT, this.tvb, o, e - o, undefined);
    if (t.full) t.label('Unrecognized text');
    expert(this.pinfo, t, this.tvb, o, 0, 'Warning', 'Protocol', 'Unrecognized text');
    t.pop();
    return e;
  }
}
