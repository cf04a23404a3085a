// The one explicit list of dissector modules: registration happens here, never by import.
import { dataModule } from './data.ts';
import { wsModule } from './dissect.ts';
import { arpModule } from './arp.ts';
import { ethModule } from './eth.ts';
import { ieee8021adModule } from './ieee8021ad.ts';
import { llcModule } from './llc.ts';
import { nullModule } from './null.ts';
import { rawModule } from './raw.ts';
import { sllModule } from './sll.ts';
import { sll2Module } from './sll2.ts';
import { vlanModule } from './vlan.ts';
import { frameModule } from './frame.ts';
import { pcapngModule } from './pcapng.ts';
import { ipv4Module } from './ipv4.ts';
import { udpModule } from './udp.ts';
import { tcpModule } from './tcp.ts';
import { mptcpModule } from './mptcp.ts';
import { mip6Module } from './mip6.ts';
import { radiusModule } from './radius.ts';
import { dccpModule } from './dccp.ts';
import { sctpModule } from './sctp.ts';
import { ptpModule } from './ptp.ts';
import { respModule } from './resp.ts';
import { pgsqlModule } from './pgsql.ts';
import { mysqlModule } from './mysql.ts';
import { iec104Module } from './iec104.ts';
import { dnp3Module } from './dnp3.ts';
import { enipModule } from './enip.ts';
import { cipModule } from './cip.ts';
import { mbtcpModule } from './mbtcp.ts';
import { mqttModule } from './mqtt.ts';
import { tpktModule } from './tpkt.ts';
import { cotpModule } from './cotp.ts';
import { s7commModule } from './s7comm.ts';
import { cflowModule } from './cflow.ts';
import { sflowModule } from './sflow.ts';
import { gtpModule } from './gtp.ts';
import { bvlcModule } from './bvlc.ts';
import { bacnetModule } from './bacnet.ts';
import { bacappModule } from './bacapp.ts';
import { gtpv2Module } from './gtpv2.ts';
import { telnetModule } from './telnet.ts';
import { wolModule } from './wol.ts';
import { echoModule } from './echo.ts';
import { doipModule } from './doip.ts';
import { udsModule } from './uds.ts';
import { ldapModule } from './ldap.ts';
import { openflowModule } from './openflow.ts';
import { rxModule } from './rx.ts';
import { tspModule } from './tsp.ts';
import { pgmModule } from './pgm.ts';
import { httpModule } from './http.ts';
import { urlencodedFormModule } from './urlencoded-form.ts';
import { websocketModule } from './websocket.ts';
import { grpcModule } from './grpc.ts';
import { http2Module } from './http2.ts';
import { icmpModule } from './icmp.ts';
import { ipv6Module } from './ipv6.ts';
import { icmpv6Module } from './icmpv6.ts';
import { vxlanModule } from './vxlan.ts';
import { geneveModule } from './geneve.ts';
import { espModule } from './esp.ts';
import { ahModule } from './ah.ts';
import { udpEncapModule } from './udpencap.ts';
import { isakmpModule } from './isakmp.ts';
import { greModule } from './gre.ts';
import { dbusModule } from './dbus.ts';
import { genlModule } from './genl.ts';
import { netlinkRouteModule } from './netlink-route.ts';
import { netlinkModule } from './netlink.ts';
import { nflogModule } from './nflog.ts';
import { tlsModule } from './tls.ts';
import { gquicModule, quicModule } from './quic.ts';
import { dtlsModule } from './dtls.ts';
import { x509Module } from './x509af.ts';
import { wgModule } from './wg.ts';
import { sipModule } from './sip.ts';
import { rtpModule } from './rtp.ts';
import { rtcpModule } from './rtcp.ts';
import { stunModule } from './stun.ts';
import { coapModule } from './coap.ts';
import { sdpModule } from './sdp.ts';
import { dnsModule } from './dns.ts';
import { dhcpModule } from './dhcp.ts';
import { ntpModule } from './ntp.ts';
import { igmpModule } from './igmp.ts';
import { ssdpModule } from './ssdp.ts';
import { nbnsModule } from './nbns.ts';
import { nbssModule } from './nbss.ts';
import { smb2Module } from './smb2.ts';
import { smbModule } from './smb.ts';
import { nbdgmModule } from './nbdgm.ts';
import { mailslotModule } from './mailslot.ts';
import { browserModule } from './browser.ts';
import { snmpModule } from './snmp.ts';
import { dhcpv6Module } from './dhcpv6.ts';
import { jsonModule } from './json.ts';
import { dbLspModule } from './db-lsp.ts';
import { bjnpModule } from './bjnp.ts';
import { syslogModule } from './syslog.ts';
import { tftpModule } from './tftp.ts';
import { sshModule } from './ssh.ts';
import { ftpModule } from './ftp.ts';
import { smtpModule } from './smtp.ts';
import { popModule } from './pop.ts';
import { imapModule } from './imap.ts';
import { stpModule } from './stp.ts';
import { cdpModule } from './cdp.ts';
import { lldpModule } from './lldp.ts';
import { bgpModule } from './bgp.ts';
import { pimModule } from './pim.ts';
import { ospfModule } from './ospf.ts';
import { eigrpModule } from './eigrp.ts';
import { hsrpModule } from './hsrp.ts';
import { vrrpModule } from './vrrp.ts';
import { bfdEchoModule, bfdModule } from './bfd.ts';
import { ripModule, ripngModule } from './rip.ts';
import { babelModule } from './babel.ts';
import { rsvpModule } from './rsvp.ts';
import { rpkirtrModule } from './rpkirtr.ts';
import { ldpModule } from './ldp.ts';
import { lispModule } from './lisp.ts';
import { aodvModule } from './aodv.ts';
import { olsrModule } from './olsr.ts';
import { dvmrpModule } from './dvmrp.ts';
import { autoRpModule } from './auto-rp.ts';
import { osiModule } from './osi.ts';
import { isisModule } from './isis.ts';
import { esisModule } from './esis.ts';
import { chdlcModule } from './chdlc.ts';
import { pppModule } from './ppp.ts';
import { mplsModule } from './mpls.ts';
import { frModule } from './fr.ts';
import { aoeModule } from './aoe.ts';
import { decDnaModule } from './dec-dna.ts';
import { ipxModule } from './ipx.ts';
import { udldModule } from './udld.ts';
import { slowModule } from './slow.ts';
import { loopModule } from './loop.ts';
import { msnlbModule } from './msnlb.ts';
import { avspModule } from './avsp.ts';
import { macsecModule } from './macsec.ts';
import { juniperModule } from './juniper.ts';
import { ipnetModule } from './ipnet.ts';
import { cfmModule } from './cfm.ts';
import { nshModule } from './nsh.ts';
import { dtpModule } from './dtp.ts';
import { pppoeModule } from './pppoe.ts';
import { l2tpModule } from './l2tp.ts';
import { pptpModule } from './pptp.ts';
import { mplsEchoModule } from './mpls-echo.ts';
import { q933Module } from './q933.ts';
import { radiotapModule } from './radiotap.ts';
import { wlanRadioModule } from './wlan-radio.ts';
import { wlanModule } from './wlan.ts';
import { eapolModule } from './eapol.ts';
import { ppiModule } from './ppi.ts';
import { prismModule } from './prism.ts';
import { wlancapModule } from './wlancap.ts';
import { rpcModule } from './rpc.ts';
import { portmapModule } from './portmap.ts';
import { nfsModule } from './nfs.ts';
import { kerberosModule } from './kerberos.ts';
import { gssapiModule } from './gssapi.ts';
import { ntlmsspModule } from './ntlmssp.ts';
import { mountModule } from './mount.ts';
import { Registry, type DissectorModule } from './registry.ts';

export const MODULES: readonly DissectorModule[] = [
  frameModule,
  pcapngModule,
  wsModule,
  dataModule,
  ethModule,
  llcModule,
  vlanModule,
  ieee8021adModule,
  sllModule,
  sll2Module,
  nullModule,
  rawModule,
  arpModule,
  ipv4Module,
  udpModule,
  tcpModule,
  mptcpModule,
  mip6Module,
  radiusModule,
  dccpModule,
  sctpModule,
  ptpModule,
  respModule,
  pgsqlModule,
  mysqlModule,
  enipModule,
  cipModule,
  mbtcpModule,
  iec104Module,
  dnp3Module,
  mqttModule,
  tpktModule,
  cotpModule,
  s7commModule,
  gtpModule,
  bvlcModule,
  bacnetModule,
  bacappModule,
  cflowModule,
  sflowModule,
  gtpv2Module,
  telnetModule,
  wolModule,
  echoModule,
  doipModule,
  udsModule,
  ldapModule,
  openflowModule,
  rxModule,
  tspModule,
  pgmModule,
  httpModule,
  urlencodedFormModule,
  websocketModule,
  http2Module,
  grpcModule,
  icmpModule,
  ipv6Module,
  icmpv6Module,
  vxlanModule,
  geneveModule,
  espModule,
  ahModule,
  udpEncapModule,
  isakmpModule,
  greModule,
  nflogModule,
  netlinkModule,
  dbusModule,
  netlinkRouteModule,
  genlModule,
  tlsModule,
  dtlsModule,
  x509Module,
  wgModule,
  sipModule,
  sdpModule,
  rtpModule,
  rtcpModule,
  stunModule,
  coapModule,
  quicModule,
  gquicModule,
  dnsModule,
  dhcpModule,
  ntpModule,
  igmpModule,
  ssdpModule,
  nbnsModule,
  nbssModule,
  smb2Module,
  smbModule,
  nbdgmModule,
  mailslotModule,
  browserModule,
  snmpModule,
  dhcpv6Module,
  jsonModule,
  dbLspModule,
  bjnpModule,
  syslogModule,
  tftpModule,
  sshModule,
  ftpModule,
  smtpModule,
  popModule,
  imapModule,
  stpModule,
  cdpModule,
  lldpModule,
  bgpModule,
  pimModule,
  ospfModule,
  eigrpModule,
  hsrpModule,
  vrrpModule,
  bfdModule,
  bfdEchoModule,
  ripModule,
  ripngModule,
  babelModule,
  rsvpModule,
  rpkirtrModule,
  ldpModule,
  lispModule,
  aodvModule,
  olsrModule,
  dvmrpModule,
  autoRpModule,
  osiModule,
  isisModule,
  esisModule,
  chdlcModule,
  pppModule,
  mplsModule,
  frModule,
  aoeModule,
  decDnaModule,
  ipxModule,
  udldModule,
  slowModule,
  loopModule,
  msnlbModule,
  avspModule,
  macsecModule,
  juniperModule,
  ipnetModule,
  cfmModule,
  nshModule,
  dtpModule,
  pppoeModule,
  l2tpModule,
  pptpModule,
  mplsEchoModule,
  q933Module,
  radiotapModule,
  wlanRadioModule,
  wlanModule,
  eapolModule,
  ppiModule,
  prismModule,
  wlancapModule,
  rpcModule,
  portmapModule,
  nfsModule,
  kerberosModule,
  gssapiModule,
  ntlmsspModule,
  mountModule,
];

let shared: Registry | null = null;

/** The registry of every built-in dissector (built once, then shared: it is immutable after). */
export function defaultRegistry(): Registry {
  shared ??= new Registry(MODULES);
  return shared;
}
