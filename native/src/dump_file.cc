#include "dump_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace trawl {

namespace {
constexpr size_t kStdioBufferBytes = 1u << 20;
}  // namespace

int DltOf(uint32_t linkType) {
  // libpcap's linktype_to_dlt is not exported.
  switch (linkType) {
    case 100:
      return DLT_ATM_RFC1483;
    case 101:
      return DLT_RAW;
    case 102:
      return DLT_SLIP_BSDOS;
    case 103:
      return DLT_PPP_BSDOS;
    case 106:
      return DLT_ATM_CLIP;
    default:
      return static_cast<int>(linkType);
  }
}

DumpFile::DumpFile(std::string path, const DumpFileOptions& options)
    : path_(std::move(path)), snaplen_(options.snaplen), nanosecond_(options.nanosecond) {
  pcap_ = pcap_open_dead_with_tstamp_precision(
      DltOf(options.linkType), static_cast<int>(snaplen_),
      nanosecond_ ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
  if (pcap_ == nullptr) throw FaultError({"EIO", BaseName(path_) + ": pcap_open_dead failed", path_, -1});

  // Refuse a link type the dumper cannot write before touching the file.
  if (FILE* probe = fopen("/dev/null", "we")) {
    pcap_dumper_t* d = pcap_dump_fopen(pcap_, probe);
    if (d == nullptr) {
      fclose(probe);
      const std::string words = pcap_geterr(pcap_);
      Release();
      throw FaultError(
          {"EINVAL", BaseName(path_) + ": cannot write the file (libpcap: " + words + ")", path_, -1});
    }
    pcap_dump_close(d);
  }

  errno = 0;
  if (options.append) {
    dumper_ = pcap_dump_open_append(pcap_, path_.c_str());
  } else {
    FILE* f = CreateStream(options.direct);
    if (f == nullptr) {
      const int err = errno;
      Release();
      throw FaultError(ErrnoFault(err, path_, "cannot create"));
    }
    dumper_ = pcap_dump_fopen(pcap_, f);
    if (dumper_ == nullptr) {
      fclose(f);
      direct_ = nullptr;
    }
  }
  if (dumper_ == nullptr) {
    const int err = errno;
    const std::string words = pcap_geterr(pcap_);
    Release();
    FileFault fault;
    if (words.find("isn't supported in savefiles") != std::string::npos) {
      fault.code = "EINVAL";
    } else if (err == ENOENT || err == ENOTDIR || err == EACCES || err == EPERM || err == EROFS) {
      fault = ErrnoFault(err, path_, "cannot open");
    } else if (options.append && err == 0) {
      fault.code = "BAD_FORMAT";  // an existing file that is not a matching pcap
    } else {
      fault.code = "EIO";
    }
    fault.path = path_;
    fault.message = BaseName(path_) + ": cannot " + (options.append ? "append to" : "write") +
                    " the file (libpcap: " + words + ")";
    throw FaultError(fault);
  }
  // Record offsets are counted from here, not asked of stdio for every record.
  position_ = pcap_dump_ftell64(dumper_);
}

FILE* DumpFile::CreateStream(bool direct) {
  if (direct) {
    DirectFile* d = DirectFile::Create(path_);
    if (d != nullptr) {
      FILE* f = d->OpenStream();
      if (f == nullptr) delete d;
      direct_ = f != nullptr ? d : nullptr;
      return f;
    }
    if (errno != EINVAL) return nullptr;
    // The file system takes no direct writes (tmpfs on older kernels, some FUSE): buffered.
  }
  FILE* f = fopen(path_.c_str(), "wbe");
  // Large writes: a live capture at line rate would otherwise make a syscall every few packets.
  if (f != nullptr) setvbuf(f, nullptr, _IOFBF, kStdioBufferBytes);
  return f;
}

DumpFile::~DumpFile() {
  Release();
}

void DumpFile::Release() {
  if (dumper_ != nullptr) pcap_dump_close(dumper_);
  dumper_ = nullptr;
  direct_ = nullptr;
  if (pcap_ != nullptr) pcap_close(pcap_);
  pcap_ = nullptr;
}

FaultError DumpFile::WriteFailed(int err) const {
  return FaultError({"EIO", BaseName(path_) + ": write failed: " + std::strerror(err), path_, -1});
}

void DumpFile::Dump(int64_t tsSec, int64_t tsNsec, uint32_t origLen, const uint8_t* bytes, size_t length) {
  struct pcap_pkthdr hdr {};
  // A fraction outside [0, 1 s) (a broken source file's) is carried into the seconds.
  constexpr int64_t kNs = 1000000000;
  tsSec += tsNsec / kNs;
  tsNsec %= kNs;
  if (tsNsec < 0) {
    tsNsec += kNs;
    tsSec -= 1;
  }
  hdr.ts.tv_sec = static_cast<time_t>(tsSec);
  hdr.ts.tv_usec = static_cast<suseconds_t>(nanosecond_ ? tsNsec : tsNsec / 1000);
  hdr.caplen = static_cast<bpf_u_int32>(std::min<size_t>(length, snaplen_));
  // Never less than the bytes given, also when the snaplen cuts them.
  hdr.len = std::max<bpf_u_int32>(origLen, static_cast<bpf_u_int32>(std::min<size_t>(length, UINT32_MAX)));
  pcap_dump(reinterpret_cast<u_char*>(dumper_), &hdr, bytes);
  position_ += kRecordHeaderBytes + hdr.caplen;
}

void DumpFile::CheckStream() {
  FILE* f = pcap_dump_file(dumper_);
  if (f != nullptr && ferror(f)) throw WriteFailed(errno);
}

void DumpFile::Flush() {
  if (pcap_dump_flush(dumper_) != 0) throw WriteFailed(errno);
  if (direct_ != nullptr && !direct_->Sync()) throw WriteFailed(errno);
}

void DumpFile::Close() {
  if (dumper_ == nullptr) return;
  const bool ok = pcap_dump_flush(dumper_) == 0 && (direct_ == nullptr || direct_->Sync());
  const int err = errno;
  Release();
  if (!ok) throw WriteFailed(err);
}

}  // namespace trawl
