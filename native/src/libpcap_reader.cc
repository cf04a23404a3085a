#include "libpcap_reader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace trawl {

namespace {

constexpr uint32_t kMagicMicro = 0xa1b2c3d4;
constexpr uint32_t kMagicNano = 0xa1b23c4d;
constexpr uint32_t kMagicKuznetzov = 0xa1b2cd34;
/** The link type proper; the upper bits of the header field carry FCS information. */
constexpr uint32_t kLinkTypeMask = 0x03ffffff;
constexpr size_t kStdioBufferBytes = 1 << 20;

uint32_t Load32(const uint8_t* p, bool bigEndian) {
  return bigEndian ? static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
                         static_cast<uint32_t>(p[2]) << 8 | p[3]
                   : static_cast<uint32_t>(p[3]) << 24 | static_cast<uint32_t>(p[2]) << 16 |
                         static_cast<uint32_t>(p[1]) << 8 | p[0];
}

}  // namespace

LibpcapReader::LibpcapReader(const std::string& path, int fd, int64_t size, const uint8_t* head,
                             size_t headLen)
    : CaptureSource(path) {
  file_ = fdopen(fd, "rb");
  if (file_ == nullptr) {
    const int err = errno;
    close(fd);
    throw FaultError(ErrnoFault(err, path, "cannot open"));
  }
  // Fewer, larger reads than stdio's default of one block.
  stdioBuffer_.resize(kStdioBufferBytes);
  setvbuf(file_, stdioBuffer_.data(), _IOFBF, stdioBuffer_.size());
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_ = pcap_fopen_offline_with_tstamp_precision(file_, PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (pcap_ == nullptr) {
    fclose(file_);
    file_ = nullptr;
    throw FaultError(
        {"BAD_FORMAT",
         BaseName(path) + ": isn't a capture file in a format Trawl understands (libpcap: " + errbuf + ")",
         path, -1});
  }
  // libpcap read a full header, so head holds its 24 bytes.
  bool bigEndian = false;
  uint32_t magic = headLen >= 24 ? Load32(head, true) : 0;
  if (magic != kMagicMicro && magic != kMagicNano && magic != kMagicKuznetzov) {
    bigEndian = false;
    magic = Load32(head, false);
  } else {
    bigEndian = true;
  }
  recordHeaderBytes_ = magic == kMagicKuznetzov ? 24 : 16;
  nanosecondFile_ = magic == kMagicNano;
  linkType_ = Load32(head + 20, bigEndian) & kLinkTypeMask;

  info_.format = "pcap";
  info_.engine = "libpcap";
  info_.byteOrder = bigEndian ? "big" : "little";
  info_.versionMajor = static_cast<uint32_t>(pcap_major_version(pcap_));
  info_.versionMinor = static_cast<uint32_t>(pcap_minor_version(pcap_));
  info_.nanosecond = nanosecondFile_;
  info_.snaplen = static_cast<uint32_t>(pcap_snapshot(pcap_));
  snapshot_ = info_.snaplen;
  info_.linkType = linkType_;
  info_.sizeBytes = size;
  InterfaceInfo iface;
  iface.linkType = linkType_;
  iface.snaplen = info_.snaplen;
  iface.tsResolution = nanosecondFile_ ? 1e9 : 1e6;
  info_.interfaces.push_back(iface);
}

LibpcapReader::~LibpcapReader() {
  if (pcap_ != nullptr) pcap_close(pcap_);  // closes file_ too
}

int64_t LibpcapReader::Position() {
  return hasPending_ ? pendingMeta_.recordOffset : ftello(file_);
}

int64_t LibpcapReader::CurrentSize() {
  struct stat st {};
  return fstat(fileno(file_), &st) == 0 ? st.st_size : info_.sizeBytes;
}

ReadStatus LibpcapReader::FillRecords(RecordBatch& batch, const std::atomic<bool>& cancel) {
  if (hasPending_) {
    if (!batch.Fits(pendingMeta_.capLen)) return ReadStatus::kMore;
    batch.Add(pendingMeta_, pendingBytes_.data());
    hasPending_ = false;
  }
  RecordMeta meta;
  meta.linkType = linkType_;
  meta.ifaceId = -1;
  int64_t offset = ftello(file_);
  for (;;) {
    if (batch.Full()) return ReadStatus::kMore;
    if (cancel.load(std::memory_order_relaxed)) return ReadStatus::kCancelled;
    struct pcap_pkthdr* hdr = nullptr;
    const u_char* bytes = nullptr;
    const int rc = pcap_next_ex(pcap_, &hdr, &bytes);
    if (rc == PCAP_ERROR_BREAK) return ReadStatus::kEnd;
    if (rc != 1) return ReadFault(offset);
    uint32_t capLen = hdr->caplen;
    // Offsets are counted, not asked of stdio (ftello costs a system call a record). libpcap
    // cuts a record longer than the file's snaplen down to the snaplen and skips the rest: only
    // then (capLen at the snaplen) does the file position tell more. tshark shows such a record
    // whole, and so does Trawl (libpcap has checked its length against the link type's maximum).
    int64_t next = offset + recordHeaderBytes_ + capLen;
    if (capLen >= snapshot_) {
      next = ftello(file_);
      const int64_t stored = next - offset - recordHeaderBytes_;
      if (stored > capLen) {
        if (!ReadWhole(offset + recordHeaderBytes_, static_cast<size_t>(stored))) {
          return Fault("EIO", offset, BaseName(path_) + ": read error at offset " + std::to_string(offset));
        }
        capLen = static_cast<uint32_t>(stored);
        bytes = wholeRecord_.data();
      }
    }
    // The file holds 32-bit unsigned seconds (libpcap may sign-extend them) and a fraction that
    // libpcap scaled to ns. A fraction of a second or more (a broken or fuzzed file) is kept as
    // Wireshark's reader keeps it: scaled to ns in 32 bits, wrapping, and read as signed (see
    // SignedNsec in JS): not carried into the seconds, so every time agrees with tshark's.
    const uint64_t sec = static_cast<uint32_t>(hdr->ts.tv_sec);
    const uint32_t fraction = static_cast<uint32_t>(nanosecondFile_ ? hdr->ts.tv_usec : hdr->ts.tv_usec / 1000);
    const uint32_t nsec = nanosecondFile_ ? fraction : fraction * 1000U;
    meta.tsSec = static_cast<double>(sec);
    meta.tsNsec = nsec;
    meta.capLen = capLen;
    meta.origLen = hdr->len;
    meta.recordOffset = offset;
    meta.dataOffset = offset + recordHeaderBytes_;
    offset = next;
    if (!batch.Fits(meta.capLen)) {
      pendingMeta_ = meta;
      pendingBytes_.assign(bytes, bytes + meta.capLen);
      hasPending_ = true;
      return ReadStatus::kMore;
    }
    batch.Add(meta, bytes);
  }
}

ReadStatus LibpcapReader::ReadFault(int64_t offset) {
  const std::string words = pcap_geterr(pcap_);
  const std::string at = " at offset " + std::to_string(offset) + " (libpcap: " + words + ")";
  if (words.rfind("truncated dump file", 0) == 0) {
    return Fault(
        "TRUNCATED", offset,
        BaseName(path_) + ": the file appears to have been cut short in the middle of a packet" + at);
  }
  if (words.rfind("error reading dump file", 0) == 0) {
    return Fault("EIO", offset, BaseName(path_) + ": read error" + at);
  }
  return Fault("BAD_RECORD", offset, BaseName(path_) + ": the packet record is corrupt" + at);
}

bool LibpcapReader::ReadWhole(int64_t at, size_t length) {
  wholeRecord_.resize(length);
  size_t got = 0;
  while (got < length) {
    const ssize_t r =
        pread(fileno(file_), wholeRecord_.data() + got, length - got, at + static_cast<int64_t>(got));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    got += static_cast<size_t>(r);
  }
  return true;
}

}  // namespace trawl
