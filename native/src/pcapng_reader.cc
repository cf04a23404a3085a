#include "pcapng_reader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>

namespace trawl {

namespace {

constexpr uint32_t kSectionHeader = 0x0A0D0D0A;
constexpr uint32_t kInterfaceDescription = 1;
constexpr uint32_t kObsoletePacket = 2;
constexpr uint32_t kSimplePacket = 3;
constexpr uint32_t kEnhancedPacket = 6;
constexpr uint32_t kDecryptionSecrets = 10;
constexpr uint32_t kCustomBlockCopy = 0x00000BAD;
constexpr uint32_t kCustomBlockNoCopy = 0x40000BAD;
constexpr uint32_t kByteOrderMagic = 0x1A2B3C4D;

constexpr uint32_t kMinBlock = 12;
constexpr uint32_t kMinSectionHeader = 28;
constexpr uint32_t kMinInterface = 20;
constexpr uint32_t kMinPacket = 32;  // EPB and OPB
constexpr uint32_t kMinSimplePacket = 16;
constexpr uint32_t kMinSecrets = 20;
constexpr uint32_t kMinCustom = 16;
/** Custom Blocks read ahead while looking for the first interfaces: at most so many, so many bytes. */
constexpr size_t kMaxPrimedBlocks = 1024;
constexpr size_t kMaxPrimedBytes = 4u << 20;
/** Largest block accepted: a 128 MiB packet (libpcap's D-Bus maximum) plus room for options. */
constexpr uint32_t kMaxBlock = (128u << 20) + (128u << 10) + kMinPacket;

constexpr uint16_t kOptEnd = 0;
constexpr uint16_t kOptComment = 1;
constexpr uint16_t kOptIfName = 2;
constexpr uint16_t kOptIfDescription = 3;
constexpr uint16_t kOptIfTsresol = 9;
constexpr uint16_t kOptIfTsoffset = 14;

constexpr size_t kChunk = 1 << 20;
constexpr uint64_t kNsPerSec = 1000000000;

constexpr uint32_t Pad4(uint32_t n) {
  return (n + 3u) & ~3u;
}

std::string OptionString(const uint8_t* p, uint16_t len) {
  size_t n = len;
  while (n > 0 && p[n - 1] == 0) n--;
  return std::string(reinterpret_cast<const char*>(p), n);
}

}  // namespace

PcapngReader::PcapngReader(const std::string& path, int fd, int64_t size)
    : CaptureSource(path), fd_(fd), fileSize_(size) {
  info_.format = "pcapng";
  info_.engine = "pcapng";
  info_.sizeBytes = size;
  buffer_.resize(kChunk);
  if (ReadBlock(nullptr) != Step::kBlock) {
    const std::string detail = fault_.message;
    close(fd_);
    throw FaultError({fault_.code == "EIO" ? "EIO" : "BAD_FORMAT",
                      BaseName(path) + ": isn't a valid pcapng file (" + detail + ")", path, -1});
  }
  // The interfaces before the first packet, so that info names the link type up front. A fault
  // here is left in place: the first next() meets it again and reports it.
  while (ReadBlock(nullptr) == Step::kBlock) {
  }
  fault_ = FileFault{};
}

PcapngReader::~PcapngReader() {
  close(fd_);
}

int64_t PcapngReader::CurrentSize() {
  struct stat st {};
  if (fstat(fd_, &st) == 0) fileSize_ = st.st_size;
  return fileSize_;
}

uint16_t PcapngReader::U16(const uint8_t* p) const {
  uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return swapped_ ? __builtin_bswap16(v) : v;
}

uint32_t PcapngReader::U32(const uint8_t* p) const {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return swapped_ ? __builtin_bswap32(v) : v;
}

uint64_t PcapngReader::U64(const uint8_t* p) const {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return swapped_ ? __builtin_bswap64(v) : v;
}

size_t PcapngReader::Ensure(size_t n) {
  if (end_ - pos_ >= n) return n;
  if (pos_ != 0) {
    std::memmove(buffer_.data(), buffer_.data() + pos_, end_ - pos_);
    bufferOffset_ += static_cast<int64_t>(pos_);
    end_ -= pos_;
    pos_ = 0;
  }
  // n is at most kMaxBlock and was checked against the file's size by the caller.
  if (n > buffer_.size()) buffer_.resize(std::max(n, kChunk));
  while (end_ < n) {
    const ssize_t r = read(fd_, buffer_.data() + end_, buffer_.size() - end_);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      readErrno_ = errno;
      break;
    }
    if (r == 0) break;
    end_ += static_cast<size_t>(r);
  }
  return std::min(end_ - pos_, n);
}

PcapngReader::Step PcapngReader::BlockFault(const char* code, int64_t offset, const std::string& detail) {
  const std::string base = BaseName(path_);
  const std::string at = " at offset " + std::to_string(offset) + " (pcapng: " + detail + ")";
  std::string message;
  if (std::strcmp(code, "TRUNCATED") == 0) {
    message = base + ": the file appears to have been cut short in the middle of a block" + at;
  } else if (std::strcmp(code, "EIO") == 0) {
    message = base + ": read error" + at;
  } else {
    message = base + ": the block is corrupt" + at;
  }
  Fault(code, offset, message);
  // Constructors report the bare detail in their own words.
  if (info_.versionMajor == 0) fault_.message = "pcapng: " + detail;
  return Step::kFault;
}

ReadStatus PcapngReader::FillRecords(RecordBatch& batch, const std::atomic<bool>& cancel) {
  while (!primed_.empty()) {
    Primed& block = primed_.front();
    if (block.secrets) {
      batch.AddSecrets(block.secretsType, std::move(block.bytes));
    } else if (batch.Fits(block.meta.capLen)) {
      batch.Add(block.meta, block.bytes.data());
    } else {
      return ReadStatus::kMore;
    }
    primed_.pop_front();
  }
  primedBytes_ = 0;
  for (;;) {
    if (batch.Full()) return ReadStatus::kMore;
    if (cancel.load(std::memory_order_relaxed)) return ReadStatus::kCancelled;
    switch (ReadBlock(&batch)) {
      case Step::kBlock:
        break;
      case Step::kNoRoom:
      case Step::kStop:
        return ReadStatus::kMore;
      case Step::kEnd:
        return ReadStatus::kEnd;
      case Step::kFault:
        return ReadStatus::kFault;
    }
  }
}

PcapngReader::Step PcapngReader::ReadBlock(RecordBatch* batch) {
  const int64_t at = Position();
  const size_t have = Ensure(kMinBlock);
  if (readErrno_ != 0) return BlockFault("EIO", at, std::strerror(readErrno_));
  if (have == 0) return Step::kEnd;
  if (have < kMinBlock) {
    return BlockFault("TRUNCATED", at,
                      "block header needs 12 bytes, only " + std::to_string(have) + " left in the file");
  }
  const uint8_t* p = buffer_.data() + pos_;
  uint32_t type;
  std::memcpy(&type, p, sizeof type);
  const bool first = info_.versionMajor == 0;
  if (first && type != kSectionHeader) return BlockFault("BAD_FORMAT", at, "no section header block");

  // A Section Header Block sets the byte order of everything up to the next one, itself included.
  bool swapped = swapped_;
  if (type == kSectionHeader) {
    if (batch == nullptr && !first) return Step::kStop;
    uint32_t bom;
    std::memcpy(&bom, p + 8, sizeof bom);
    if (bom == kByteOrderMagic) {
      swapped = false;
    } else if (bom == __builtin_bswap32(kByteOrderMagic)) {
      swapped = true;
    } else {
      return BlockFault("BAD_RECORD", at, "section header has no byte-order magic");
    }
  } else {
    type = U32(p);
  }
  uint32_t len;
  std::memcpy(&len, p + 4, sizeof len);
  if (swapped) len = __builtin_bswap32(len);
  if (len < kMinBlock || len % 4 != 0) {
    return BlockFault(
        "BAD_RECORD", at,
        "block total length " + std::to_string(len) + " is not a multiple of 4 that is at least 12");
  }
  if (len > kMaxBlock) {
    return BlockFault(
        "BAD_RECORD", at,
        "block total length " + std::to_string(len) + " is too large (> " + std::to_string(kMaxBlock) + ")");
  }
  // Trust no length the file has not got the bytes for: check before reading (or allocating).
  if (at + static_cast<int64_t>(len) > fileSize_ && at + static_cast<int64_t>(len) > CurrentSize()) {
    return BlockFault("TRUNCATED", at,
                      "block of " + std::to_string(len) + " bytes, only " + std::to_string(fileSize_ - at) +
                          " left in the file");
  }
  const size_t got = Ensure(len);
  if (readErrno_ != 0) return BlockFault("EIO", at, std::strerror(readErrno_));
  if (got < len) {
    return BlockFault(
        "TRUNCATED", at,
        "block of " + std::to_string(len) + " bytes, only " + std::to_string(got) + " left in the file");
  }
  p = buffer_.data() + pos_;
  uint32_t trailer;
  std::memcpy(&trailer, p + len - 4, sizeof trailer);
  if (swapped) trailer = __builtin_bswap32(trailer);
  if (trailer != len) {
    return BlockFault("BAD_RECORD", at,
                      "block total length " + std::to_string(len) + " and its trailing copy " +
                          std::to_string(trailer) + " differ");
  }

  std::string why;
  switch (type) {
    case kSectionHeader:
      if (!ParseSectionHeader(p, len, swapped, why))
        return BlockFault(first ? "BAD_FORMAT" : "BAD_RECORD", at, why);
      break;
    case kInterfaceDescription:
      if (!ParseInterface(p, len, why)) return BlockFault("BAD_RECORD", at, why);
      break;
    case kEnhancedPacket:
    case kSimplePacket:
    case kObsoletePacket: {
      if (batch == nullptr) return Step::kStop;
      const Step step = ReadPacketBlock(type, p, len, *batch);
      if (step != Step::kBlock) return step;
      break;
    }
    case kCustomBlockCopy:
    case kCustomBlockNoCopy: {
      // tshark lists Custom Blocks as records of their own.
      const Step step = ReadCustomBlock(type, p, len, batch);
      if (step != Step::kBlock) return step;
      break;
    }
    case kDecryptionSecrets:
      if (!ParseSecrets(p, len, batch, why)) return BlockFault("BAD_RECORD", at, why);
      break;
    default:
      // Name resolution, statistics and unknown blocks: skipped.
      break;
  }
  pos_ += len;
  return Step::kBlock;
}

bool PcapngReader::ParseSecrets(const uint8_t* p, uint32_t len, RecordBatch* batch, std::string& why) {
  if (len < kMinSecrets) {
    why = "decryption secrets block of " + std::to_string(len) + " bytes";
    return false;
  }
  const uint32_t type = U32(p + 8);
  const uint32_t n = U32(p + 12);
  if (n > len - kMinSecrets) {
    why = "decryption secrets length " + std::to_string(n) + " exceeds its block of " + std::to_string(len) +
          " bytes";
    return false;
  }
  std::vector<uint8_t> data(p + 16, p + 16 + n);
  if (batch == nullptr) {
    Primed block;
    block.secrets = true;
    block.secretsType = type;
    block.bytes = std::move(data);
    primed_.push_back(std::move(block));
  } else {
    batch->AddSecrets(type, std::move(data));
  }
  return true;
}

bool PcapngReader::ParseSectionHeader(const uint8_t* p, uint32_t len, bool swapped, std::string& why) {
  if (len < kMinSectionHeader) {
    why = "section header block of " + std::to_string(len) + " bytes is shorter than 28";
    return false;
  }
  const bool before = swapped_;
  swapped_ = swapped;
  const uint16_t major = U16(p + 12);
  const uint16_t minor = U16(p + 14);
  // tshark reads versions 1.0 and 1.2 (1.2 is 1.0 written by some tools).
  if (major != 1 || (minor != 0 && minor != 2)) {
    swapped_ = before;
    why = "unknown section header version " + std::to_string(major) + "." + std::to_string(minor);
    return false;
  }
  section_.clear();
  if (sawSection_) sectionIndex_++;
  sawSection_ = true;
  if (info_.versionMajor == 0) {
    info_.versionMajor = major;
    info_.versionMinor = minor;
    const bool littleHost = std::endian::native == std::endian::little;
    info_.byteOrder = (littleHost != swapped) ? "little" : "big";
  }
  return true;
}

bool PcapngReader::ParseInterface(const uint8_t* p, uint32_t len, std::string& why) {
  if (len < kMinInterface) {
    why = "interface description block of " + std::to_string(len) + " bytes is shorter than 20";
    return false;
  }
  Interface iface;
  iface.globalId = static_cast<uint32_t>(interfaces_.size());
  iface.linkType = U16(p + 8);
  iface.snaplen = U32(p + 12);
  InterfaceInfo shown;
  shown.linkType = iface.linkType;
  shown.snaplen = iface.snaplen;
  shown.section = sectionIndex_;
  // Options: code, length, value padded to 4 bytes; a malformed tail is ignored.
  size_t off = 16;
  const size_t stop = len - 4;
  while (off < stop && stop - off >= 4) {
    const uint16_t code = U16(p + off);
    const uint16_t olen = U16(p + off + 2);
    off += 4;
    if (code == kOptEnd || olen > stop - off) break;
    const uint8_t* v = p + off;
    if (code == kOptIfName) {
      shown.hasName = true;
      shown.name = OptionString(v, olen);
    } else if (code == kOptIfDescription) {
      shown.hasDescription = true;
      shown.description = OptionString(v, olen);
    } else if (code == kOptIfTsresol && olen == 1) {
      iface.base2 = (v[0] & 0x80) != 0;
      iface.exponent = v[0] & 0x7f;
      if (iface.base2) {
        iface.unitsPerSecond = iface.exponent < 64 ? (uint64_t{1} << iface.exponent) : 0;
      } else if (iface.exponent <= 19) {
        iface.unitsPerSecond = 1;
        for (int i = 0; i < iface.exponent; i++) iface.unitsPerSecond *= 10;
      } else {
        iface.unitsPerSecond = 0;
      }
    } else if (code == kOptIfTsoffset && olen == 8) {
      iface.tsOffset = static_cast<int64_t>(U64(v));
    }
    off += Pad4(olen);
  }
  shown.tsResolution = std::pow(iface.base2 ? 2.0 : 10.0, iface.exponent);
  section_.push_back(iface.globalId);
  interfaces_.push_back(iface);
  if (info_.interfaces.empty()) {
    info_.linkType = iface.linkType;
    info_.snaplen = iface.snaplen;
    info_.nanosecond = shown.tsResolution > 1e6;
  }
  info_.interfaces.push_back(std::move(shown));
  return true;
}

void PcapngReader::ToTime(const Interface& iface, uint64_t ts, RecordMeta& meta) const {
  using u128 = unsigned __int128;
  uint64_t sec = 0;
  uint64_t nsec = 0;
  if (iface.unitsPerSecond != 0) {
    const uint64_t units = iface.unitsPerSecond;
    sec = ts / units;
    const uint64_t rem = ts % units;
    nsec = units == kNsPerSec ? rem : static_cast<uint64_t>(static_cast<u128>(rem) * kNsPerSec / units);
  } else if (iface.base2) {
    // 2^64 or more units a second: under a second in all.
    nsec = static_cast<uint64_t>((static_cast<u128>(ts) * kNsPerSec) >> iface.exponent);
  } else if (iface.exponent <= 28) {
    u128 units = 1;
    for (int i = 0; i < iface.exponent; i++) units *= 10;
    nsec = static_cast<uint64_t>(static_cast<u128>(ts) * kNsPerSec / units);
  }
  meta.tsSec = static_cast<double>(sec) + static_cast<double>(iface.tsOffset);
  meta.tsNsec = static_cast<uint32_t>(nsec);
}

PcapngReader::Step PcapngReader::ReadPacketBlock(uint32_t type, const uint8_t* p, uint32_t len,
                                                 RecordBatch& batch) {
  const int64_t at = Position();
  RecordMeta meta;
  meta.recordOffset = at;
  const Interface* iface = nullptr;
  uint32_t optionsStart = 0;
  if (type == kSimplePacket) {
    if (len < kMinSimplePacket) {
      return BlockFault("BAD_RECORD", at, "simple packet block of " + std::to_string(len) + " bytes");
    }
    if (section_.empty())
      return BlockFault("BAD_RECORD", at, "simple packet block in a section with no interface");
    iface = &interfaces_[section_[0]];
    meta.origLen = U32(p + 8);
    uint32_t cap = std::min(meta.origLen, len - kMinSimplePacket);
    if (iface->snaplen != 0) cap = std::min(cap, iface->snaplen);
    meta.capLen = cap;
    meta.dataOffset = at + 12;
    meta.tsSec = 0;
    meta.tsNsec = 0;
    meta.flags = kNoTimestamp;
  } else {
    const char* name = type == kEnhancedPacket ? "enhanced packet block" : "packet block";
    if (len < kMinPacket)
      return BlockFault("BAD_RECORD", at, std::string(name) + " of " + std::to_string(len) + " bytes");
    const uint32_t local = type == kEnhancedPacket ? U32(p + 8) : U16(p + 8);
    if (local >= section_.size()) {
      return BlockFault("BAD_RECORD", at,
                        "interface index " + std::to_string(local) +
                            " is not less than section interface count " + std::to_string(section_.size()));
    }
    iface = &interfaces_[section_[local]];
    meta.capLen = U32(p + 20);
    meta.origLen = U32(p + 24);
    if (meta.capLen > len - kMinPacket) {
      return BlockFault("BAD_RECORD", at,
                        std::string(name) + " captured length " + std::to_string(meta.capLen) +
                            " is larger than its block allows (" + std::to_string(len - kMinPacket) + ")");
    }
    meta.dataOffset = at + 28;
    const uint64_t ts = static_cast<uint64_t>(U32(p + 12)) << 32 | U32(p + 16);
    ToTime(*iface, ts, meta);
    optionsStart = 28 + Pad4(meta.capLen);
  }
  if (!batch.Fits(meta.capLen)) return Step::kNoRoom;
  meta.linkType = iface->linkType;
  meta.ifaceId = static_cast<int32_t>(iface->globalId);
  meta.section = sectionIndex_;
  batch.Add(meta, p + (meta.dataOffset - at));
  if (optionsStart != 0) {
    size_t off = optionsStart;
    const size_t stop = len - 4;
    while (off < stop && stop - off >= 4) {
      const uint16_t code = U16(p + off);
      const uint16_t olen = U16(p + off + 2);
      off += 4;
      if (code == kOptEnd || olen > stop - off) break;
      if (code == kOptComment) batch.AddComment(OptionString(p + off, olen));
      off += Pad4(olen);
    }
  }
  return Step::kBlock;
}

PcapngReader::Step PcapngReader::ReadCustomBlock(uint32_t type, const uint8_t* p, uint32_t len,
                                                 RecordBatch* batch) {
  const int64_t at = Position();
  if (len < kMinCustom)
    return BlockFault("BAD_RECORD", at, "custom block of " + std::to_string(len) + " bytes");
  // The record is the custom data and the options after it, as tshark shows them; no interface,
  // no time.
  RecordMeta meta;
  meta.recordOffset = at;
  meta.dataOffset = at + 12;
  meta.capLen = len - kMinCustom;
  meta.origLen = meta.capLen;
  meta.section = sectionIndex_;
  meta.pen = U32(p + 8);
  meta.flags =
      static_cast<uint8_t>(kNoTimestamp | kCustomBlock | (type == kCustomBlockCopy ? kCustomCopyAllowed : 0));
  if (batch == nullptr) {
    // Priming goes on past Custom Blocks (a file may start with some) to the interfaces, within
    // a bound: the blocks wait in memory for the first batch.
    if (primedBytes_ + meta.capLen > kMaxPrimedBytes || primed_.size() >= kMaxPrimedBlocks)
      return Step::kStop;
    Primed block;
    block.meta = meta;
    block.bytes.assign(p + 12, p + 12 + meta.capLen);
    primedBytes_ += meta.capLen;
    primed_.push_back(std::move(block));
    return Step::kBlock;
  }
  if (!batch->Fits(meta.capLen)) return Step::kNoRoom;
  batch->Add(meta, p + 12);
  return Step::kBlock;
}

}  // namespace trawl
