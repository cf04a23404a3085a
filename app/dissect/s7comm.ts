// S7 Communication (Siemens S7comm) in COTP data, found by tshark's heuristic (0x32, a ROSCTR of
// 1..7): the header; Job and Ack_Data with Setup communication and Read/Write Var (S7ANY items,
// data items); Userdata's parameter (type, function group, subfunction) and data head, with the
// SZL id and index of Read SZL. Deeper userdata payloads (SZL lists, alarms, blocks) are shown as
// bytes. Info and the Protocol column as tshark 4.0 shows them; several PDUs in a frame are
// separated by " | ".
import { infoFence, setInfoFence } from './cotp.ts';
import { bytes, fields, FieldType, hex, names, proto, uint, type FieldDef } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const ROSCTR = names({ 1: 'Job', 2: 'Ack', 3: 'Ack_Data', 7: 'Userdata' });
const FUNCTIONS = names({
  0x00: 'CPU services',
  0xf0: 'Setup communication',
  0x04: 'Read Var',
  0x05: 'Write Var',
  0x1a: 'Request download',
  0x1b: 'Download block',
  0x1c: 'Download ended',
  0x1d: 'Start upload',
  0x1e: 'Upload',
  0x1f: 'End upload',
  0x28: 'PI-Service',
  0x29: 'PLC Stop',
});
const ERRCLS = names({
  0x00: 'No error',
  0x81: 'Application relationship',
  0x82: 'Object definition',
  0x83: 'No resources available',
  0x84: 'Error on service processing',
  0x85: 'Error on supplies',
  0x87: 'Access error',
});
const RETURN = names({
  0x00: 'Reserved',
  0x01: 'Hardware error',
  0x03: 'Accessing the object not allowed',
  0x05: 'Invalid address',
  0x06: 'Data type not supported',
  0x07: 'Data type inconsistent',
  0x0a: 'Object does not exist',
  0xff: 'Success',
});
const DATA_TSIZE = names({
  0: 'NULL',
  3: 'BIT',
  4: 'BYTE/WORD/DWORD',
  5: 'INTEGER',
  6: 'DINTEGER',
  7: 'REAL',
  9: 'OCTET STRING',
  17: 'NCK ADDRESS1',
  18: 'NCK ADDRESS2',
});
const ITEM_TSIZE = names({
  1: 'BIT',
  2: 'BYTE',
  3: 'CHAR',
  4: 'WORD',
  5: 'INT',
  6: 'DWORD',
  7: 'DINT',
  8: 'REAL',
  10: 'TOD',
  11: 'TIME',
  12: 'S5TIME',
  15: 'DATE_AND_TIME',
  28: 'COUNTER',
  29: 'TIMER',
  30: 'IEC TIMER',
  31: 'IEC COUNTER',
  32: 'HS COUNTER',
});
const AREAS = names({
  0x01: 'Data record',
  0x03: 'System info of 200 family',
  0x05: 'System flags of 200 family',
  0x06: 'Analog inputs of 200 family',
  0x07: 'Analog outputs of 200 family',
  0x80: 'Direct peripheral access (P)',
  0x81: 'Inputs (I)',
  0x82: 'Outputs (Q)',
  0x83: 'Flags (M)',
  0x84: 'Data blocks (DB)',
  0x85: 'Instance data blocks (DI)',
  0x86: 'Local data (L)',
  0x87: 'Unknown yet (V)',
  28: 'S7 counters (C)',
  29: 'S7 timers (T)',
  30: 'IEC counters (200 family)',
  31: 'IEC timers (200 family)',
});
const AREAS_SHORT = names({
  0x01: 'RECORD',
  0x03: 'SI200',
  0x05: 'SF200',
  0x06: 'AI200',
  0x07: 'AO',
  0x80: 'P',
  0x81: 'I',
  0x82: 'Q',
  0x83: 'M',
  0x84: 'DB',
  0x85: 'DI',
  0x86: 'L',
  0x87: 'V',
  28: 'C',
  29: 'T',
  30: 'C200',
  31: 'T200',
});
const SYNTAX = names({
  0x10: 'S7ANY',
  0x13: 'PBC-R_ID',
  0x15: 'ALARM_LOCKFREE',
  0x16: 'ALARM_IND',
  0x19: 'ALARM_ACK',
  0x1a: 'ALARM_QUERYREQ',
  0x1c: 'NOTIFY_IND',
  0x82: 'NCK',
  0x83: 'NCK_M',
  0x84: 'NCK_I',
  0xa2: 'DRIVEESANY',
  0xb2: '1200SYM',
  0xb0: 'DBREAD',
});
const UD_TYPES = names({
  0x0: 'Push',
  0x4: 'Request',
  0x8: 'Response',
  0x3: 'NC Push',
  0x7: 'NC Request',
  0xb: 'NC Response',
});
const UD_GROUPS = names({
  0x0: 'Mode-transition',
  0x1: 'Programmer commands',
  0x2: 'Cyclic services',
  0x3: 'Block functions',
  0x4: 'CPU functions',
  0x5: 'Security',
  0x6: 'PBC BSEND/BRECV',
  0x7: 'Time functions',
  0xf: 'NC programming',
});
const REQRES2 = names({ 0x00: 'Undef', 0x11: 'Req', 0x12: 'Res' });
const LAST_UNIT = names({ 0x00: 'Yes', 0x01: 'No' });
const SUB_PROG = names({
  0x01: 'Block status',
  0x02: 'Variable status',
  0x03: 'Output ISTACK',
  0x04: 'Output BSTACK',
  0x05: 'Output LSTACK',
  0x06: 'Time measurement from to',
  0x07: 'Force selection',
  0x08: 'Modify variable',
  0x09: 'Force',
  0x0a: 'Breakpoint',
  0x0b: 'Exit HOLD',
  0x0c: 'Memory reset',
  0x0d: 'Disable job',
  0x0e: 'Enable job',
  0x0f: 'Delete job',
  0x10: 'Read job list',
  0x11: 'Read job',
  0x12: 'Replace job',
  0x13: 'Block status v2',
  0x16: 'Flash LED',
});
const SUB_CYCLIC = names({
  0x01: 'Cyclic transfer',
  0x04: 'Unsubscribe',
  0x05: 'Change driven transfer',
  0x07: 'Change driven transfer modify',
  0x08: 'RDREC',
});
const SUB_BLOCK = names({ 0x01: 'List blocks', 0x02: 'List blocks of type', 0x03: 'Get block info' });
const SUB_CPU = names({
  0x01: 'Read SZL',
  0x02: 'Message service',
  0x03: 'Diagnostic message',
  0x05: 'ALARM_8 indication',
  0x06: 'NOTIFY indication',
  0x07: 'ALARM_8 lock',
  0x08: 'ALARM_8 unlock',
  0x09: 'SCAN indication',
  0x0b: 'ALARM ack',
  0x0c: 'ALARM ack indication',
  0x0d: 'ALARM lock indication',
  0x0e: 'ALARM unlock indication',
  0x11: 'ALARM_SQ indication',
  0x12: 'ALARM_S indication',
  0x13: 'ALARM query',
  0x16: 'NOTIFY_8 indication',
});
const SUB_SEC = names({ 0x01: 'PLC password' });
const SUB_TIME = names({
  0x01: 'Read clock',
  0x02: 'Set clock',
  0x03: 'Read clock (following)',
  0x04: 'Set clock',
});
// The SZL list names (Wireshark's szl_id_partlist_ex_names and szl_partial_list_names).
const SZL_PARTLIST_EX = names({
  0x0000: 'All SZL partial lists of the module',
  0x0011: 'All identification data records of a module',
  0x0012: 'All characteristics',
  0x0013: 'Data records of all memory areas',
  0x0014: 'All system areas of a module',
  0x0015: 'Data records of all block types of a module',
  0x0016: 'Data records of all priority classes',
  0x0017: 'All SDBs of a module',
  0x0018: 'All data records',
  0x0019: 'Status of all LEDs',
  0x001c: 'Identification of all components',
  0x0021: 'Data records of all possible interrupts on a module',
  0x0022: 'Data records of all possible interrupts on a module',
  0x0023: 'Data records of all priority classes of a module',
  0x0024: 'All modules that can occur on the module',
  0x0031: 'Not defined',
  0x0033: 'All stations logged on for messages and diagnostic events',
  0x0037: 'Details of all Ethernet interfaces',
  0x0071: 'Information about the current status of the H system',
  0x0074: 'Status of all LEDs',
  0x0081: 'Startup information of all OBs',
  0x0082: 'All startup events',
  0x0090: 'Information of all DP master systems known to the CPU',
  0x0091: 'Module status information of all plugged in modules and submodules',
  0x0092:
    'Expected status of the central racks/stations of a DP master system connected via an integrated DP interface',
  0x0094:
    'Expected status of the rack in the central configuration/the stations of a DP master system/IO controller system that is connected via an integrated DP/PN interface module',
  0x0095: 'Extended information on a DP master system/PROFINET IO system',
  0x00a0: 'All entries possible in the current mode',
  0x00b1: 'Obtain the first 4 diagnostic bytes of a module with diagnostic capability',
  0x00b2: 'Obtain diagnostic data record 1 of a module in a central rack, rack/slot specified by index',
  0x00b3: 'Obtain diagnostic data of a module, logical base address specified by index',
  0x00b4: 'Obtain diagnostic data of a DP slave, diagnostic address of the module specified by index',
  0x0100: 'A partial list with all partial list extracts',
  0x0111: 'A single identification data record',
  0x0112: 'Characteristics of a group, specified by index',
  0x0113: 'Data record for one memory area, specified by index',
  0x0114: 'One system area, specified by index',
  0x0115: 'Data record of a block type, specified by index',
  0x0116: 'Data record of the specified priority class, specified by index',
  0x0117: 'One single SDB, specified by index',
  0x0118: 'One data record, specified by index',
  0x0119: 'Status of one LED, specified by index',
  0x011c: 'Identification of one component',
  0x0121: 'Data records of all possible interrupts of one class, class specified by index',
  0x0122: 'Data records of all possible interrupts of one class, class specified by index',
  0x0123: 'Data record of one priority class, specified by index',
  0x0124: 'Information about the last mode transition',
  0x0131: 'Information about a communication unit, specified by index',
  0x0132: 'Status data for one communication section of the CPU, section specified by index',
  0x0137: 'Details of one Ethernet interface',
  0x0174: 'Status of an LED, specified by index',
  0x0181: 'Startup information of all synchronous error OBs',
  0x0182: 'Startup events of all synchronous error OBs',
  0x0190: 'Information of one DP master system',
  0x0191: 'Status information of all modules/racks with wrong type identifier',
  0x01a0: 'The most recent entries, the number of most recent entries specified by index',
  0x0200: 'A partial list extract',
  0x021c: 'Identification of all components of a CPU in an H system',
  0x0221: 'Data records for the specified interrupt, interrupt (OB no.) specified by index',
  0x0222: 'Data records for the specified interrupt, interrupt (OB no.) specified by index',
  0x0223: 'Data records of the priority classes being processed',
  0x0224: 'Processed mode transition',
  0x0281: 'Startup information of all synchronous error OBs of one priority class',
  0x0282: 'Startup events of all synchronous error OBs of one priority class',
  0x0291: 'Status information of all faulty modules',
  0x0292:
    'Actual status of the central racks/stations of a DP master system connected via an integrated DP interface',
  0x0294:
    'Actual status of the rack in the central configuration/the stations of a DP master system/IO controller system that is connected via an integrated DP/PN interface module',
  0x0300: 'Possible indexes of a partial list extract',
  0x031c: 'Identification of one component of all redundant CPUs in an H system',
  0x0381: 'Startup information of all OBs of one priority class',
  0x0382: 'Startup events of all OBs of a priority class',
  0x0391: 'Status information of all modules that are not available',
  0x0392: 'State of the battery backup of the racks in a central configuration',
  0x0424: 'Current mode transition',
  0x0492: 'State of the total backup of the racks in a central configuration',
  0x04a0: 'Start information of all standard OBs',
  0x0524: 'Specified mode transition, specified by index',
  0x0581: 'Startup information of all synchronous error OBs before processing',
  0x0582: 'Startup events of all synchronous error OBs before processing',
  0x0591: 'Status information of all submodules of the host module',
  0x0592: 'State of the 24 V power supply of the modules in a central configuration',
  0x05a0: 'All entries from communications units',
  0x0681: 'Startup information of all synchronous error OBs of a priority class before processing',
  0x0682: 'Startup events of all synchronous error OBs of a priority class before processing',
  0x0692:
    'OK state of the expansion racks in the central configuration / of the stations of a DP master system connected via an integrated DP interface',
  0x0694:
    'Status of the expansion racks in the central configuration/the stations of a DP master system/IO controller system that is connected via an integrated DP/PN interface module',
  0x0696:
    'Module status information on all interface modules in a specified module (with PROFIBUS DP and central modules, the interface module level is not present)',
  0x06a0: 'All entries of the object management system',
  0x0781: 'Startup information of all OBs of one priority class before processing',
  0x0782: 'Startup events of all OBs of one priority class before processing',
  0x07a0: 'All entries of the test and installation function',
  0x0822:
    'Data records of all interrupts of one class and for which the corresponding interrupt OB is loaded, class specified by index',
  0x0881: 'Startup information of all OBs before processing',
  0x0882: 'Startup events of all OBs before processing',
  0x08a0: 'All entries due to operating statuses',
  0x0921:
    'Data records of all interrupts of one class and for which the corresponding interrupt OB is loaded, class specified by index',
  0x0922: 'Data records of all interrupts for which the corresponding interrupt OB is loaded',
  0x0981: 'Startup information of all synchronous error OBs being processed',
  0x0982: 'Startup events of all synchronous error OBs being processed',
  0x0991: 'Module status information of a DP master system',
  0x09a0: 'All entries caused by asynchronous errors',
  0x0a21: 'Data records of all interrupts for which the corresponding interrupt OB is loaded',
  0x0a81: 'Startup information of all synchronous error OBs of a priority class being processed',
  0x0a82: 'Startup events of all synchronous error OBs of a priority class being processed',
  0x0a91: 'Module status information of all DP master systems',
  0x0aa0: 'All entries caused by synchronous errors',
  0x0b81: 'Startup information of all OBs of one priority class being processed',
  0x0b82: 'Startup events of all OBs of one priority class being processed',
  0x0ba0: 'All entries caused by STOP, abort, mode transition',
  0x0c75: 'Communication status between the H system and a switched DP slave, slave specified by index',
  0x0c81: 'Startup information of all OBs being processed',
  0x0c82: 'Startup events of all OBs being processed',
  0x0c91:
    'Status information of a module in the central rack or connected to an integrated DP communications processor via the logical base address',
  0x0c96:
    'Module status information on a module/interface module centrally or at a PROFIBUS DP/PROFINET interface module via the start address',
  0x0ca0: 'All entries caused by fault-tolerant/fail-safe events',
  0x0d91:
    'Module status information of all modules in the specified rack/in the specified station (DP or PROFINET)',
  0x0da0: 'All diagnostic entries',
  0x0e91: 'Module status information of all configured modules',
  0x0ea0: 'All user entries',
  0x0f00: 'List of all the SZL-IDs of a module, only partial list header information',
  0x0f11: 'Module identification, only partial list header information',
  0x0f12: 'CPU characteristics, only partial list header information',
  0x0f13: 'User memory areas, only partial list header information',
  0x0f14: 'System areas, only partial list header information',
  0x0f15: 'Block types, only partial list header information',
  0x0f16: 'Priority classes, only partial list header information',
  0x0f17: 'List of the permitted SDBs, only partial list header information',
  0x0f18: 'Maximum S7-300 I/O configuration, only partial list header information',
  0x0f19: 'Status of the module LEDs, only partial list header information',
  0x0f1c: 'Component Identification, only partial list header information',
  0x0f21: 'Interrupt / error assignment, only partial list header information',
  0x0f22: 'Interrupt status, only partial list header information',
  0x0f23: 'Priority classes, only partial list header information',
  0x0f24: 'Modes, only partial list header information',
  0x0f31: 'Communication capability parameters, only partial list header information',
  0x0f32: 'Communication status data, only partial list header information',
  0x0f33: 'Diagnostics: device logon list, only partial list header information',
  0x0f37: 'Ethernet - Details of a Module, only partial list header information',
  0x0f71: 'H CPU group information, only partial list header information',
  0x0f81: 'Start information list, only partial list header information',
  0x0f82: 'Start event list, only partial list header information',
  0x0f90: 'DP Master System Information, only partial list header information',
  0x0f91: 'Module status information, only partial list header information',
  0x0f92: 'Rack / station status information, only partial list header information',
  0x0f94: 'Rack / station status information, only partial list header information',
  0x0f95: 'Extended DP master system information, only partial list header information',
  0x0fa0: 'Diagnostic buffer of the CPU, only partial list header information',
  0x4092: 'Expected status of the stations of a DP master system connected via an external DP interface',
  0x4292: 'Actual status of the stations of a DP master system connected via an external DP interface',
  0x4692: 'OK state of the stations of a DP master system connected via an external DP interface',
  0x4c91:
    'Status information of a module connected to an external DP communications processor via the logical base address',
  0x4f92: "Only partial list header information of the '4x92' list",
});
const SZL_PARTLIST = names({
  0x0000: 'List of all the SZL-IDs of a module',
  0x0011: 'Module identification',
  0x0012: 'CPU characteristics',
  0x0013: 'User memory areas',
  0x0014: 'System areas',
  0x0015: 'Block types',
  0x0016: 'Priority classes',
  0x0017: 'List of the permitted SDBs with a number < 1000',
  0x0018: 'Maximum S7-300 I/O configuration',
  0x0019: 'Status of the module LEDs',
  0x001c: 'Component Identification',
  0x0021: 'Interrupt / error assignment',
  0x0022: 'Interrupt status',
  0x0023: 'Priority classes',
  0x0024: 'Modes',
  0x0025: 'Assignment between process image partitions and OBs',
  0x0031: 'Communication capability parameters',
  0x0032: 'Communication status data',
  0x0033: 'Diagnostics: device logon list',
  0x0037: 'Ethernet - Details of a Module',
  0x0071: 'H CPU group information',
  0x0074: 'Status of the module LEDs',
  0x0075: 'Switched DP slaves in the H-system',
  0x0081: 'Start information list',
  0x0082: 'Start event list',
  0x0090: 'DP Master System Information',
  0x0091: 'Module status information',
  0x0092: 'Rack / station status information',
  0x0094: 'Rack / station status information',
  0x0095: 'Extended DP master system information',
  0x0096: 'Module status information, PROFINET IO and PROFIBUS DP',
  0x00a0: 'Diagnostic buffer of the CPU',
  0x00b1: 'Module diagnostic information (data record 0)',
  0x00b2: 'Module diagnostic information (data record 1), geographical address',
  0x00b3: 'Module diagnostic information (data record 1), logical address',
  0x00b4: 'Diagnostic data of a DP slave',
});
const SZL_TYPES = names({ 0x0000: 'CPU', 0x0100: 'IM', 0xc000: 'CP', 0x8000: 'FM' });

export const F = fields('s7comm', {
  '': proto('S7 Communication'),
  header: { name: 'Header', type: FieldType.None },
  'header.protid': hex('Protocol Id', 8),
  'header.rosctr': uint('ROSCTR', 8, { strings: ROSCTR }),
  'header.redid': hex('Redundancy Identification (Reserved)', 16),
  'header.pduref': uint('Protocol Data Unit Reference', 16),
  'header.parlg': uint('Parameter length', 16),
  'header.datlg': uint('Data length', 16),
  'header.errcls': hex('Error class', 8, { strings: ERRCLS }),
  'header.errcod': hex('Error code', 8),
  param: { name: 'Parameter', type: FieldType.None },
  'param.errcod': hex('Error code', 16, { strings: names({ 0: 'No error' }) }),
  'param.func': hex('Function', 8, { strings: FUNCTIONS }),
  'param.itemcount': uint('Item count', 8),
  'param.item': { name: 'Item', type: FieldType.None },
  'param.item.varspec': hex('Variable specification', 8),
  'param.item.varspec_length': uint('Length of following address specification', 8),
  'param.item.syntaxid': hex('Syntax Id', 8, { strings: SYNTAX }),
  'param.item.transp_size': uint('Transport size', 8, { strings: ITEM_TSIZE }),
  'param.item.length': uint('Length', 16),
  'param.item.db': uint('DB number', 16),
  'param.item.area': hex('Area', 8, { strings: AREAS }),
  'param.item.address': hex('Address', 24),
  'param.item.address.byte': uint('Byte Address', 24, { mask: 0x7fff8 }),
  'param.item.address.bit': uint('Bit Address', 24, { mask: 0x000007 }),
  'param.item.address.number': uint('Number (T/C/BLOCK)', 24, { mask: 0x00ffff }),
  'param.setup_reserved1': hex('Reserved', 8),
  'param.maxamq_calling': uint('Max AmQ (parallel jobs with ack) calling', 16),
  'param.maxamq_called': uint('Max AmQ (parallel jobs with ack) called', 16),
  'param.pdu_length': uint('PDU length', 16),
  'param.data': bytes('Parameter data'),
  'param.userdata.head': hex('Parameter head', 24),
  'param.userdata.length': uint('Parameter length', 8),
  'param.userdata.reqres1': hex('Method (Request/Response)', 8, { strings: REQRES2 }),
  'param.userdata.type': uint('Type', 8, { mask: 0xf0, strings: UD_TYPES }),
  'param.userdata.funcgroup': uint('Function group', 8, { mask: 0x0f, strings: UD_GROUPS }),
  'param.userdata.subfunc': uint('Subfunction', 8),
  'param.userdata.seq_num': uint('Sequence number', 8),
  'param.userdata.dataunitref': uint('Data unit reference number', 8),
  'param.userdata.lastdataunit': hex('Last data unit', 8, { strings: LAST_UNIT }),
  data: { name: 'Data', type: FieldType.None },
  'data.item': { name: 'Item', type: FieldType.None },
  'data.returncode': hex('Return code', 8, { strings: RETURN }),
  'data.transportsize': hex('Transport size', 8, { strings: DATA_TSIZE }),
  'data.length': uint('Length', 16),
  'resp.data': bytes('Data'),
  'data.fillbyte': hex('Fill byte', 8),
  'data.userdata': bytes('Data'),
  'data.userdata.szl_id': hex('SZL-ID', 16),
  'data.userdata.szl_id.diag_type': hex('Diagnostic type', 16, { mask: 0xf000, strings: SZL_TYPES }),
  'data.userdata.szl_id.partlist_ex': hex('Number of the partial list extract', 16, {
    mask: 0xffff,
    strings: SZL_PARTLIST_EX,
  }),
  'data.userdata.szl_id.partlist_num': hex('Number of the partial list', 16, {
    mask: 0x00ff,
    strings: SZL_PARTLIST,
  }),
  'data.userdata.szl_index': hex('SZL-Index', 16),
  'data.userdata.szl_id.partlist_len': uint('SZL partial list length in bytes', 16),
  'data.userdata.szl_id.partlist_cnt': uint('SZL partial list count', 16),
  'data.userdata.szl_data_tree': { name: 'SZL data tree', type: FieldType.None },
  'param.userdata.szl_part_list': bytes('SZL partial list data'),
});

/** The subfunction field, named by the function group's table (all share one filter name). */
const SUBFUNC: ReadonlyMap<number, FieldDef> = new Map(
  (
    [
      [0x1, SUB_PROG],
      [0x2, SUB_CYCLIC],
      [0x3, SUB_BLOCK],
      [0x4, SUB_CPU],
      [0x5, SUB_SEC],
      [0x7, SUB_TIME],
    ] as const
  ).map(([g, strings]) => [
    g,
    { ...uint('Subfunction', 8, { strings }), abbrev: 's7comm.param.userdata.subfunc', id: -1 },
  ]),
);

/** The subfunction of other groups, shown in hex. */
const SUBFUNC_HEX: FieldDef = { ...hex('Subfunction', 8), abbrev: 's7comm.param.userdata.subfunc', id: -1 };

export function heuristicS7comm(tvb: Tvb, pinfo: PacketInfo, tree: Tree): boolean {
  const o = tvb.start;
  if (tvb.remaining(o) < 10) return false;
  const b = tvb.bytes;
  if (b[o] !== 0x32) return false;
  const rosctr = b[o + 1] as number;
  if (rosctr < 1 || rosctr > 7) return false;
  dissectS7comm(tvb, pinfo, tree, rosctr);
  return true;
}

/** Builds Info for one PDU after the text of the PDUs before it in the frame. */
class Info {
  text: string;
  constructor(
    private readonly pinfo: PacketInfo,
    fence: string,
  ) {
    this.text = fence ? `${fence} | ` : '';
  }
  add(s: string): void {
    if (this.pinfo.wantInfo) {
      this.text += s;
      this.pinfo.setInfo(this.text);
    }
  }
}

const name = (table: ReadonlyMap<number, string>, v: number, unknown: string): string =>
  table.get(v) ?? `${unknown}0x${v.toString(16).padStart(2, '0')}`;

function dissectS7comm(tvb: Tvb, pinfo: PacketInfo, tree: Tree, rosctr: number): void {
  const o = tvb.start;
  pinfo.layers.push('s7comm');
  pinfo.setProto('S7COMM');
  const info = new Info(pinfo, infoFence(pinfo));
  info.add(`ROSCTR:[${name(ROSCTR, rosctr, 'Unknown: ').padEnd(8)}]`);
  const hlen = rosctr === 2 || rosctr === 3 ? 12 : 10;
  tree.push(F[''], tvb, o, tvb.remaining(o));
  tree.push(F.header, tvb, o, hlen);
  if (tree.full) tree.label(`Header: (${name(ROSCTR, rosctr, 'Unknown ROSCTR: ')})`);
  tree.add(F['header.protid'], tvb, o, 1, 0x32);
  tree.add(F['header.rosctr'], tvb, o + 1, 1, rosctr);
  tree.add(F['header.redid'], tvb, o + 2, 2, tvb.u16(o + 2));
  tree.add(F['header.pduref'], tvb, o + 4, 2, tvb.u16(o + 4));
  const plen = tvb.u16(o + 6);
  tree.add(F['header.parlg'], tvb, o + 6, 2, plen);
  const dlen = tvb.u16(o + 8);
  tree.add(F['header.datlg'], tvb, o + 8, 2, dlen);
  let errorcode = 0;
  if (hlen === 12) {
    errorcode = tvb.u16(o + 10);
    tree.add(F['header.errcls'], tvb, o + 10, 1, tvb.u8(o + 10));
    tree.add(F['header.errcod'], tvb, o + 11, 1, tvb.u8(o + 11));
    if (errorcode > 0) tree.add({ ...F['param.errcod'], generated: true }, tvb, o + 10, 2, errorcode);
  }
  tree.pop();
  const at = o + hlen;
  if (rosctr === 1 || rosctr === 3) reqResp(tvb, tree, info, plen, dlen, at, rosctr);
  else if (rosctr === 7) userdata(tvb, tree, info, plen, dlen, at);
  tree.pop();
  if (errorcode > 0) info.add(` -> Errorcode:[0x${errorcode.toString(16).padStart(4, '0')}]`);
  setInfoFence(pinfo, info.text);
}

function reqResp(
  tvb: Tvb,
  tree: Tree,
  info: Info,
  plen: number,
  dlen: number,
  at: number,
  rosctr: number,
): void {
  if (plen === 0) return;
  tree.push(F.param, tvb, at, plen);
  const func = tvb.u8(at);
  const fname = name(FUNCTIONS, func, 'Unknown function: ');
  info.add(` Function:[${fname}]`);
  tree.add(F['param.func'], tvb, at, 1, func);
  if (tree.full) tree.label(`Parameter: (${fname})`);
  let o = at + 1;
  if (func === 0x04 || func === 0x05) {
    const count = tvb.u8(o);
    tree.add(F['param.itemcount'], tvb, o, 1, count);
    o += 1;
    if (rosctr === 1) {
      for (let i = 0; i < count; i++) {
        const old = o;
        o = paramItem(tvb, tree, o, i);
        if ((o - old) % 2 && i < count - 1) o += 1;
      }
      tree.pop();
      if (func === 0x05 && dlen > 0) {
        tree.push(F.data, tvb, o, dlen);
        readData(tvb, tree, count, o);
        tree.pop();
      }
      return;
    }
    tree.pop();
    tree.push(F.data, tvb, o, dlen);
    if (func === 0x04 && dlen > 0) readData(tvb, tree, count, o);
    else if (func === 0x05 && dlen > 0) writeData(tvb, tree, count, o);
    tree.pop();
    return;
  }
  if (func === 0xf0) {
    tree.add(F['param.setup_reserved1'], tvb, o, 1, tvb.u8(o));
    tree.add(F['param.maxamq_calling'], tvb, o + 1, 2, tvb.u16(o + 1));
    tree.add(F['param.maxamq_called'], tvb, o + 3, 2, tvb.u16(o + 3));
    tree.add(F['param.pdu_length'], tvb, o + 5, 2, tvb.u16(o + 5));
    tree.pop();
    return;
  }
  // Other functions (up/download, PI service, PLC stop) are shown as bytes.
  if (plen > 1) {
    tree.add(F['param.data'], tvb, o, plen - 1);
    tvb.need(o, plen - 1);
  }
  tree.pop();
  o += plen - 1;
  if (dlen > 0) {
    tree.push(F.data, tvb, o, dlen);
    tree.add(F['resp.data'], tvb, o, dlen);
    tvb.need(o, dlen);
    tree.pop();
  }
}

function paramItem(tvb: Tvb, tree: Tree, o: number, i: number): number {
  const spec = tvb.u8(o);
  const len = tvb.u8(o + 1);
  const syntax = tvb.u8(o + 2);
  tree.push(F['param.item'], tvb, o, len + 2);
  tree.add(F['param.item.varspec'], tvb, o, 1, spec);
  tree.add(F['param.item.varspec_length'], tvb, o + 1, 1, len);
  tree.add(F['param.item.syntaxid'], tvb, o + 2, 1, syntax);
  let label = `Item [${i + 1}]:`;
  o += 3;
  if (spec === 0x12 && len === 10 && syntax === 0x10) {
    const tsize = tvb.u8(o);
    tree.add(F['param.item.transp_size'], tvb, o, 1, tsize);
    const area = tvb.u8(o + 5);
    const n = tvb.u16(o + 1);
    const db = tvb.u16(o + 3);
    tree.add(F['param.item.length'], tvb, o + 1, 2, n);
    tree.add(F['param.item.db'], tvb, o + 3, 2, db);
    tree.add(F['param.item.area'], tvb, o + 5, 1, area);
    const addr = tvb.u24(o + 6);
    tree.push(F['param.item.address'], tvb, o + 6, 3, addr);
    label += ` (${name(AREAS_SHORT, area, 'unknown area ')}`;
    if (area === 28 || area === 29) {
      label += ` ${addr})`;
      tree.add(F['param.item.address.number'], tvb, o + 6, 3, addr & 0xffff);
    } else {
      tree.add(F['param.item.address.byte'], tvb, o + 6, 3, (addr & 0x7fff8) >> 3);
      tree.add(F['param.item.address.bit'], tvb, o + 6, 3, addr & 7);
      if (area === 0x84) label += ` ${db}.DBX`;
      else if (area === 0x85) label += ` ${db}.DIX`;
      label += ` ${Math.floor(addr / 8)}.${addr % 8} ${name(ITEM_TSIZE, tsize, 'Unknown transport size: ')} ${n})`;
    }
    tree.pop();
    o += 9;
  } else {
    o += len - 1;
    label += ' Unknown variable specification';
  }
  if (tree.full) tree.label(label);
  tree.pop();
  return o;
}

function readData(tvb: Tvb, tree: Tree, count: number, o: number): number {
  const tsize0 = tvb.u8(o + 1);
  if (tsize0 === 17 || tsize0 === 18) {
    tree.add(F['data.returncode'], tvb, o, 1, tvb.u8(o));
    tree.add(F['data.transportsize'], tvb, o + 1, 1, tsize0);
    o += 2;
    for (let i = 0; i < count; i++) o = paramItem(tvb, tree, o, i);
    return o;
  }
  let len = 0;
  let len2 = 0;
  let tsize = 0;
  for (let i = 0; i < count; i++) {
    const ret = tvb.u8(o);
    if (ret === 0x00 || ret === 0xff || ret === 0x0a) {
      tsize = tvb.u8(o + 1);
      len = tvb.u16(o + 2);
      if (tsize === 3 || tsize === 4 || tsize === 5) len = len % 8 ? Math.floor(len / 8) + 1 : len / 8;
      len2 = len % 2 && i < count - 1 ? len + 1 : len;
    }
    tree.push(F['data.item'], tvb, o, len + 4);
    if (tree.full) tree.label(`Item [${i + 1}]: (${name(RETURN, ret, 'Unknown code: ')})`);
    tree.add(F['data.returncode'], tvb, o, 1, ret);
    tree.add(F['data.transportsize'], tvb, o + 1, 1, tsize);
    tree.add(F['data.length'], tvb, o + 2, 2, len);
    o += 4;
    if (ret === 0xff || ret === 0x00) {
      tree.add(F['resp.data'], tvb, o, len);
      tvb.need(o, len);
      o += len;
      if (len !== len2) {
        tree.add(F['data.fillbyte'], tvb, o, 1, tvb.u8(o));
        o += 1;
      }
    }
    tree.pop();
  }
  return o;
}

function writeData(tvb: Tvb, tree: Tree, count: number, o: number): number {
  for (let i = 0; i < count; i++) {
    const ret = tvb.u8(o);
    tree.push(F['data.item'], tvb, o, 1);
    if (tree.full) tree.label(`Item [${i + 1}]: (${name(RETURN, ret, 'Unknown code: ')})`);
    tree.add(F['data.returncode'], tvb, o, 1, ret);
    tree.pop();
    o += 1;
  }
  return o;
}

function userdata(tvb: Tvb, tree: Tree, info: Info, plen: number, dlen: number, at: number): void {
  tree.push(F.param, tvb, at, plen);
  let o = at;
  tree.add(F['param.userdata.head'], tvb, o, 3, tvb.u24(o));
  tree.add(F['param.userdata.length'], tvb, o + 3, 1, tvb.u8(o + 3));
  const reqres2 = tvb.u8(o + 4);
  tree.add(F['param.userdata.reqres1'], tvb, o + 4, 1, reqres2);
  o += 5;
  const b = tvb.u8(o);
  const type = b >> 4;
  const group = b & 0x0f;
  const tname = name(UD_TYPES, type, 'Unknown type: ');
  const gname = name(UD_GROUPS, group, 'Unknown function: ');
  tree.add(F['param.userdata.type'], tvb, o, 1, type);
  if (type === 0x0 || type === 0x3)
    info.add(` Function:[${tname}-${name(REQRES2, reqres2, 'Unknown method: ')}] -> [${gname}]`);
  else info.add(` Function:[${tname}] -> [${gname}]`);
  let label = `Parameter: (${tname}) ->(${gname})`;
  tree.add(F['param.userdata.funcgroup'], tvb, o, 1, group);
  o += 1;
  const sub = tvb.u8(o);
  const subDef = SUBFUNC.get(group);
  tree.add(subDef ?? SUBFUNC_HEX, tvb, o, 1, sub);
  const table = subDef?.strings;
  if (table) {
    const sname = name(table, sub, 'Unknown subfunc: ');
    info.add(` -> [${sname}]`);
    label += ` ->(${sname})`;
  }
  o += 1;
  const seq = tvb.u8(o);
  tree.add(F['param.userdata.seq_num'], tvb, o, 1, seq);
  o += 1;
  let last = 0;
  if (plen >= 12) {
    tree.add(F['param.userdata.dataunitref'], tvb, o, 1, tvb.u8(o));
    last = tvb.u8(o + 1);
    tree.add(F['param.userdata.lastdataunit'], tvb, o + 1, 1, last);
    const err = tvb.u16(o + 2);
    tree.add(F['param.errcod'], tvb, o + 2, 2, err);
    if (err > 0) info.add(` -> Errorcode:[0x${err.toString(16).padStart(4, '0')}]`);
  }
  if (tree.full) tree.label(label);
  tree.pop();
  udData(tvb, tree, info, dlen, at + plen, type, group, sub, last);
}

function udData(
  tvb: Tvb,
  tree: Tree,
  info: Info,
  dlen: number,
  o: number,
  type: number,
  group: number,
  sub: number,
  last: number,
): void {
  if (dlen < 4) return;
  tree.push(F.data, tvb, o, dlen);
  const ret = tvb.u8(o);
  tree.add(F['data.returncode'], tvb, o, 1, ret);
  tree.add(F['data.transportsize'], tvb, o + 1, 1, tvb.u8(o + 1));
  const len = tvb.u16(o + 2);
  tree.add(F['data.length'], tvb, o + 2, 2, len);
  o += 4;
  const rest = tvb.reportedRemaining(o);
  if (len >= 2 && last === 0 && rest > 0) {
    if (group === 0x4 && sub === 0x01) szl(tvb, tree, info, type, ret, rest, o);
    else {
      tree.add(F['data.userdata'], tvb, o, rest);
      tvb.need(o, rest);
    }
  }
  tree.pop();
}

function szl(tvb: Tvb, tree: Tree, info: Info, type: number, ret: number, dlen: number, o: number): void {
  const start = o;
  if (type !== 0x4 && !(type === 0x8 && ret === 0xff)) {
    tree.add(F['data.userdata'], tvb, o, dlen);
    tvb.need(o, dlen);
    return;
  }
  const id = tvb.u16(o);
  tree.push(F['data.userdata.szl_id'], tvb, o, 2, id);
  if (tree.full) {
    // proto_tree_add_bitmask names each part that has a name after the value.
    let label = `SZL-ID: 0x${id.toString(16).padStart(4, '0')}`;
    const parts: [string, string | undefined][] = [
      ['Diagnostic type', SZL_TYPES.get(id & 0xf000)],
      ['Number of the partial list extract', SZL_PARTLIST_EX.get(id)],
      ['Number of the partial list', SZL_PARTLIST.get(id & 0xff)],
    ];
    for (const [n, v] of parts) if (v !== undefined) label += `, ${n}: ${v}`;
    tree.label(label);
  }
  tree.add(F['data.userdata.szl_id.diag_type'], tvb, o, 2, id & 0xf000);
  tree.add(F['data.userdata.szl_id.partlist_ex'], tvb, o, 2, id);
  tree.add(F['data.userdata.szl_id.partlist_num'], tvb, o, 2, id & 0xff);
  tree.pop();
  const idx = tvb.u16(o + 2);
  tree.add(F['data.userdata.szl_index'], tvb, o + 2, 2, idx);
  const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
  if (tree.full) tree.label(`Data (SZL-ID: 0x${hex4(id)}, Index: 0x${hex4(idx)})`);
  info.add(` ID=0x${hex4(id)} Index=0x${hex4(idx)}`);
  o += 4;
  if (type !== 0x8) return;
  const listLen = tvb.u16(o);
  tree.add(F['data.userdata.szl_id.partlist_len'], tvb, o, 2, listLen);
  let count = tvb.u16(o + 2);
  tree.add(F['data.userdata.szl_id.partlist_cnt'], tvb, o + 2, 2, count);
  o += 4;
  const left = dlen - (o - start);
  if (count * listLen > left) count = listLen === 0 ? 0 : Math.floor(left / listLen);
  if (dlen <= 8) return;
  for (let i = 1; i <= count && count * listLen !== 0; i++) {
    tree.push(F['data.userdata.szl_data_tree'], tvb, o, listLen);
    if (tree.full) tree.label(`SZL data tree (list count no. ${i})`);
    // The lists of each SZL id have their own layouts; they are shown as bytes here.
    tree.add(F['param.userdata.szl_part_list'], tvb, o, listLen);
    tvb.need(o, listLen);
    tree.pop();
    o += listLen;
  }
}

export const s7commModule = {
  fields: {
    ...F,
    ...Object.fromEntries([...SUBFUNC].map(([g, def]) => [`subfunc${g}`, def])),
    subfuncHex: SUBFUNC_HEX,
  },
  handoff(reg: Registry): void {
    reg.heuristics.cotp.push(heuristicS7comm);
  },
};
