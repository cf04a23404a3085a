// Getting an AF_PACKET socket without running as root: directly when the process has
// CAP_NET_RAW, else from trawl-capture-helper over a Unix socket (SCM_RIGHTS). No N-API.
#pragma once

#include <exception>
#include <string>

namespace trawl {

/** A failure to start or continue a capture, as data (the JS side's CaptureFailure). */
struct CaptureFault {
  /** EPERM, ENODEV, BAD_FILTER, EINVAL, EIO, IFACE_DOWN. */
  std::string code;
  std::string message;
  /** The one command that fixes it, when there is one. */
  std::string fix;
};

class CaptureError : public std::exception {
 public:
  explicit CaptureError(CaptureFault fault) : fault_(std::move(fault)) {}
  const CaptureFault& fault() const { return fault_; }
  const char* what() const noexcept override { return fault_.message.c_str(); }

 private:
  CaptureFault fault_;
};

/** "setsockopt(PACKET_RX_RING) failed: ENOMEM (Cannot allocate memory)". */
std::string SyscallMessage(const std::string& call, int err);

/**
 * An AF_PACKET socket (SOCK_RAW, or SOCK_DGRAM when `cooked`) with protocol 0, so it receives
 * nothing until bound. Opened directly, else through the helper at `helperPath` (empty: none).
 * Throws CaptureError EPERM naming both failures and the fix.
 */
int OpenPacketSocket(bool cooked, const std::string& helperPath);

}  // namespace trawl
