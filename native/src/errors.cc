#include "errors.h"

#include <cerrno>
#include <cstring>

namespace trawl {

std::string BaseName(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

FileFault ErrnoFault(int err, const std::string& path, const std::string& what) {
  FileFault fault;
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      fault.code = "ENOENT";
      break;
    case EACCES:
    case EPERM:
    case EROFS:
      fault.code = "EACCES";
      break;
    default:
      fault.code = "EIO";
  }
  fault.message = BaseName(path) + ": " + what + ": " + std::strerror(err);
  fault.path = path;
  return fault;
}

Napi::Error ToJsError(Napi::Env env, const FileFault& fault) {
  Napi::Error error = Napi::Error::New(env, fault.message);
  Napi::Object obj = error.Value();
  obj.Set("code", fault.code);
  if (!fault.path.empty()) obj.Set("path", fault.path);
  if (fault.offset >= 0) obj.Set("offset", static_cast<double>(fault.offset));
  return error;
}

Napi::Error InvalidArgument(Napi::Env env, const std::string& message) {
  Napi::Error error = Napi::TypeError::New(env, message);
  error.Value().Set("code", "EINVAL");
  return error;
}

}  // namespace trawl
