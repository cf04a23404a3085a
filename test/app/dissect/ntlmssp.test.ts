// NTLMSSP, GSS-API and SPNEGO on built exchanges (MS-NLMP, RFC 4178, RFC 4121) against tshark: an
// SMB2 negotiate response with SPNEGO hints and a session setup with NTLMv2 (negotiate, challenge,
// authenticate, mechListMIC verifiers), Kerberos AP-REQ / AP-REP inside SPNEGO and a raw NTLMSSP
// blob, HTTP NTLM and Negotiate auth headers, and SMB1 extended-security session setup.
import { describe, expect, it } from 'vitest';
import { dissectFrames } from '../../support/dissect-hex.ts';
import {
  fieldsOfBoth,
  fuzzFrames,
  itAgreesWithTshark,
  oracleReady,
  treesOfBoth,
} from '../../support/proto-oracle.ts';
import {
  httpFrames,
  smb1Frames,
  smb2KerberosFrames,
  smb2NtlmFrames,
  smb2NtlmV1Frames,
} from './ntlmssp-frames.ts';

const NTLM = smb2NtlmFrames();
const KRB = smb2KerberosFrames();
const HTTP = httpFrames();
const SMB1 = smb1Frames();
const V1 = smb2NtlmV1Frames();

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'gss-api.OID',
  'spnego.mechTypes',
  'spnego.MechType',
  'spnego.mechToken',
  'spnego.hintName',
  'spnego.negResult',
  'spnego.supportedMech',
  'spnego.responseToken',
  'spnego.mechListMIC',
  'spnego.krb5.blob',
  'spnego.krb5_oid',
  'spnego.krb5.tok_id',
  'kerberos.msg_type',
  'kerberos.SNameString',
  'kerberos.realm',
  'ntlmssp.identifier',
  'ntlmssp.messagetype',
  'ntlmssp.negotiateflags',
  'ntlmssp.negotiateunicode',
  'ntlmssp.negotiateversion',
  'ntlmssp.negotiate56',
  'ntlmssp.targettypeserver',
  'ntlmssp.negotiate.domain',
  'ntlmssp.negotiate.callingworkstation',
  'ntlmssp.string.length',
  'ntlmssp.string.maxlen',
  'ntlmssp.string.offset',
  'ntlmssp.blob.length',
  'ntlmssp.blob.offset',
  'ntlmssp.version.major',
  'ntlmssp.version.minor',
  'ntlmssp.version.build_number',
  'ntlmssp.version.ntlm_current_revision',
  'ntlmssp.challenge.target_name',
  'ntlmssp.ntlmserverchallenge',
  'ntlmssp.reserved',
  'ntlmssp.challenge.target_info.length',
  'ntlmssp.challenge.target_info.item.type',
  'ntlmssp.challenge.target_info.item.length',
  'ntlmssp.challenge.target_info.nb_computer_name',
  'ntlmssp.challenge.target_info.nb_domain_name',
  'ntlmssp.challenge.target_info.dns_computer_name',
  'ntlmssp.challenge.target_info.dns_domain_name',
  'ntlmssp.challenge.target_info.dns_tree_name',
  'ntlmssp.challenge.target_info.timestamp',
  'ntlmssp.auth.lmresponse',
  'ntlmssp.ntlmclientchallenge',
  'ntlmssp.auth.ntresponse',
  'ntlmssp.ntlmv2_response',
  'ntlmssp.ntlmv2_response.ntproofstr',
  'ntlmssp.ntlmv2_response.rversion',
  'ntlmssp.ntlmv2_response.hirversion',
  'ntlmssp.ntlmv2_response.z',
  'ntlmssp.ntlmv2_response.time',
  'ntlmssp.ntlmv2_response.chal',
  'ntlmssp.ntlmv2_response.item.type',
  'ntlmssp.ntlmv2_response.flags',
  'ntlmssp.ntlmv2_response.restrictions',
  'ntlmssp.ntlmv2_response.channel_bindings',
  'ntlmssp.ntlmv2_response.target_name',
  'ntlmssp.ntlmv2_response.pad',
  'ntlmssp.auth.domain',
  'ntlmssp.auth.username',
  'ntlmssp.auth.hostname',
  'ntlmssp.auth.sesskey',
  'ntlmssp.authenticate.mic',
  'ntlmssp.verf.vers',
  'ntlmssp.verf.body',
  'smb2.sesid',
  'smb2.acct',
  'smb2.domain',
  'smb2.host',
  'smb2.auth_frame',
];

/** The GSS-API / NTLMSSP subtrees, wherever they hang (SMB2, SMB, HTTP headers), and SMB2 headers (session account). */
const HEADS =
  /^(SMB2 Header|GSS-API|\[Malformed Packet|Data \(|NegotiateContextOffset|NTLM Secure Service Provider|Security Blob:|(\[truncated\])?(WWW-Authenticate|Authorization):)/;

describe('NTLMSSP, GSS-API and SPNEGO', () => {
  it('names the messages in Info and the layers in frame.protocols', () => {
    const d = dissectFrames(NTLM);
    const layers = (i: number): string => d[i]?.pinfo.layers.slice(1).join(':') ?? '';
    expect(layers(2)).toBe('eth:ethertype:ip:tcp:nbss:smb2:gss-api:spnego');
    expect(layers(3)).toBe('eth:ethertype:ip:tcp:nbss:smb2:gss-api:spnego:ntlmssp');
    expect(layers(5)).toBe('eth:ethertype:ip:tcp:nbss:smb2:gss-api:spnego:ntlmssp:ntlmssp');
    expect(d[3]?.pinfo.info).toBe('Session Setup Request, NTLMSSP_NEGOTIATE');
    expect(d[4]?.pinfo.info).toBe(
      'Session Setup Response, Error: STATUS_MORE_PROCESSING_REQUIRED, NTLMSSP_CHALLENGE',
    );
    expect(d[5]?.pinfo.info).toBe('Session Setup Request, NTLMSSP_AUTH, User: CONTOSO\\alice');
    expect(d[4]?.value('ntlmssp.ntlmserverchallenge')).toBe('0102030405060708');
    expect(d[5]?.value('ntlmssp.auth.username')).toBe('alice');
    expect(d[5]?.value('ntlmssp.ntlmv2_response.ntproofstr')).toBe('31383f464d545b626970777e858c939a');
    // The session shows who authenticated it from the next frame on.
    expect(d[5]?.value('smb2.acct')).toBe('');
    expect(d[6]?.value('smb2.acct')).toBe('alice');
    expect(d[6]?.value('smb2.auth_frame')).toBe('6');
  });

  it('hands Kerberos tokens to the Kerberos dissector without touching the columns', () => {
    const d = dissectFrames(KRB);
    expect(d[2]?.pinfo.layers.slice(1).join(':')).toBe(
      'eth:ethertype:ip:tcp:nbss:smb2:gss-api:spnego:spnego-krb5',
    );
    expect(d[2]?.pinfo.info).toBe('Session Setup Request');
    expect(d[2]?.value('kerberos.msg_type')).toBe('14');
    expect(d[3]?.value('spnego.krb5.tok_id')).toBe('0x0002');
    expect(d[4]?.pinfo.layers.at(-1)).toBe('ntlmssp');
  });

  it('decodes HTTP NTLM and Negotiate auth headers in summary mode too', () => {
    const d = dissectFrames(HTTP);
    expect(d[2]?.pinfo.info).toBe('GET /a HTTP/1.1 , NTLMSSP_NEGOTIATE');
    expect(d[4]?.pinfo.info).toBe('GET /a HTTP/1.1 , NTLMSSP_AUTH, User: CONTOSO\\bob');
    expect(d[7]?.pinfo.layers.slice(-4).join(':')).toBe('http:gss-api:spnego:ntlmssp');
    expect(d[8]?.pinfo.layers.slice(-3).join(':')).toBe('http:gss-api:spnego-krb5');
  });

  it('survives mutated exchanges', () => {
    fuzzFrames(NTLM.slice(2), 54, 7001);
    fuzzFrames(KRB.slice(2), 54, 7002);
    fuzzFrames(HTTP.slice(2), 54, 7003, 30);
    fuzzFrames(SMB1.slice(2), 54, 7004, 30);
    fuzzFrames(V1.slice(2), 54, 7005, 30);
  });

  describe('SMB2 session setup with NTLMv2', () => itAgreesWithTshark(NTLM, FIELDS, HEADS));
  describe('SMB2 session setup with Kerberos', () => itAgreesWithTshark(KRB, FIELDS, HEADS));
  describe('HTTP NTLM and Negotiate', () => itAgreesWithTshark(HTTP, FIELDS, HEADS));
  describe('raw NTLMSSP without version, target info or NTLMv2, OEM strings, unknown type, broken GSS-API', () =>
    itAgreesWithTshark(V1, FIELDS, HEADS));

  it.skipIf(!oracleReady)('SMB1 extended security: fields and the blob subtree as tshark', () => {
    const f = fieldsOfBoth(SMB1, FIELDS);
    expect(f.trawl).toBe(f.tshark);
    const t = treesOfBoth(SMB1, /^Security Blob:/);
    expect(t.trawl).toBe(t.tshark);
  });
});
