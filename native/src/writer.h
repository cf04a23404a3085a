// The JS Writer: a pcap file written through libpcap's dumper (DumpFile).
#pragma once

#include <napi.h>

#include <memory>
#include <string>

#include "dump_file.h"

namespace trawl {

class Writer : public Napi::ObjectWrap<Writer> {
 public:
  static Napi::Function Define(Napi::Env env);

  explicit Writer(const Napi::CallbackInfo& info);
  ~Writer() override;

 private:
  void WritePacket(const Napi::CallbackInfo& info);
  void WriteBatch(const Napi::CallbackInfo& info);
  Napi::Value Position(const Napi::CallbackInfo& info);
  void Flush(const Napi::CallbackInfo& info);
  void Close(const Napi::CallbackInfo& info);

  void Dump(double tsSec, double tsNsec, uint32_t origLen, const uint8_t* bytes, size_t length);
  /** Throws EINVAL when closed. */
  void CheckOpen(Napi::Env env, const char* method) const;
  /** Throws EIO when the stream has failed. */
  void CheckStream(Napi::Env env);

  std::string path_;
  std::unique_ptr<DumpFile> file_;
};

}  // namespace trawl
