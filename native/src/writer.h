// The JS Writer: a pcap file written through libpcap's dumper (pcap_open_dead + pcap_dump_*).
#pragma once

#include <napi.h>
#include <pcap/pcap.h>

#include <string>

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
  void Release();

  std::string path_;
  pcap_t* pcap_ = nullptr;
  pcap_dumper_t* dumper_ = nullptr;
  uint32_t snaplen_ = 262144;
  bool nanosecond_ = false;
};

}  // namespace trawl
