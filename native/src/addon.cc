// Registers the addon's exports; the classes live in their own files.
#include <napi.h>
#include <cerrno>
#include <pcap/pcap.h>

#include "capture_session.h"
#include "errors.h"
#include "reader.h"
#include "ring_capture.h"
#include "writer.h"

namespace trawl {

namespace {

Napi::Value LibpcapVersion(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), pcap_lib_version());
}

/** checkCaptureFilter(linkType, filter, snaplen?): throws code BAD_FILTER with libpcap's words. */
void CheckCaptureFilter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsString())
    throw InvalidArgument(env, "checkCaptureFilter(linkType, filter, snaplen?)");
  const uint32_t snaplen =
      info.Length() > 2 && info[2].IsNumber() ? info[2].As<Napi::Number>().Uint32Value() : 262144;
  try {
    RingCapture::CheckFilter(info[0].As<Napi::Number>().Uint32Value(), snaplen,
                             info[1].As<Napi::String>().Utf8Value());
  } catch (const CaptureError& e) {
    Napi::Error error = Napi::Error::New(env, e.fault().message);
    error.Value().Set("code", e.fault().code);
    throw error;
  }
}

/**
 * packetSocketStatistics(fd): the counters of an AF_PACKET socket opened elsewhere in this process
 * (libpcap's, under the `cap` package, which has no pcap_stats) since they were last read:
 * {packets, drops}. Throws code EINVAL when `fd` is no such socket.
 */
Napi::Value PacketSocketStatistics(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throw InvalidArgument(env, "packetSocketStatistics(fd)");
  KernelStats stats;
  if (!AddPacketStatistics(info[0].As<Napi::Number>().Int32Value(), stats)) {
    Napi::Error error = Napi::Error::New(env, SyscallMessage("getsockopt(PACKET_STATISTICS)", errno));
    error.Value().Set("code", "EINVAL");
    throw error;
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("packets", static_cast<double>(stats.packets));
  out.Set("drops", static_cast<double>(stats.drops));
  return out;
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("Reader", Reader::Define(env));
  exports.Set("Writer", Writer::Define(env));
  exports.Set("CaptureSession", CaptureSession::Define(env));
  exports.Set("checkCaptureFilter", Napi::Function::New<CheckCaptureFilter>(env, "checkCaptureFilter"));
  exports.Set("packetSocketStatistics",
              Napi::Function::New<PacketSocketStatistics>(env, "packetSocketStatistics"));
  exports.Set("libpcapVersion", Napi::Function::New<LibpcapVersion>(env, "libpcapVersion"));
  return exports;
}

}  // namespace trawl

static Napi::Object InitTrawl(Napi::Env env, Napi::Object exports) {
  return trawl::Init(env, exports);
}

NODE_API_MODULE(trawl, InitTrawl)
