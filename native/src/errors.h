// Faults as data: native code (no N-API) describes a failure with a FileFault and the binding
// layer turns it into a JS Error carrying .code, .path and .offset.
#pragma once

#include <napi.h>

#include <cstdint>
#include <exception>
#include <string>

namespace trawl {

struct FileFault {
  /** ENOENT, EACCES, EIO, BAD_FORMAT, TRUNCATED, BAD_RECORD, CANCELLED, EINVAL. */
  std::string code;
  std::string message;
  std::string path;
  /** Byte offset where the file breaks; -1 when the fault has no place in the file. */
  int64_t offset = -1;
};

/** A FileFault thrown by native code that runs without N-API (open, parse). */
class FaultError : public std::exception {
 public:
  explicit FaultError(FileFault fault) : fault_(std::move(fault)) {}
  const FileFault& fault() const { return fault_; }
  const char* what() const noexcept override { return fault_.message.c_str(); }

 private:
  FileFault fault_;
};

/** The last path component, as messages name files. */
std::string BaseName(const std::string& path);

/** A fault for a failed system call on `path`: ENOENT, EACCES or EIO by errno. */
FileFault ErrnoFault(int err, const std::string& path, const std::string& what);

/** The JS Error for `fault` (an Error with code, path and offset properties). */
Napi::Error ToJsError(Napi::Env env, const FileFault& fault);

/** A JS Error with code EINVAL, for bad arguments and misuse. */
Napi::Error InvalidArgument(Napi::Env env, const std::string& message);

}  // namespace trawl
