// Registers the addon's exports; the classes live in their own files.
#include <napi.h>
#include <pcap/pcap.h>

#include "reader.h"
#include "writer.h"

namespace trawl {

namespace {

Napi::Value LibpcapVersion(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), pcap_lib_version());
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("Reader", Reader::Define(env));
  exports.Set("Writer", Writer::Define(env));
  exports.Set("libpcapVersion", Napi::Function::New<LibpcapVersion>(env, "libpcapVersion"));
  return exports;
}

}  // namespace trawl

static Napi::Object InitTrawl(Napi::Env env, Napi::Object exports) {
  return trawl::Init(env, exports);
}

NODE_API_MODULE(trawl, InitTrawl)
