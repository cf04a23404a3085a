#include "packet_socket.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

extern char** environ;

namespace trawl {

namespace {

/** The descriptor number the helper sends on (it refuses to run without a socket there). */
constexpr int kHelperFd = 3;

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

/** Runs the helper and receives its descriptor; returns -errno (or -EPERM with `why`) on failure. */
int FromHelper(bool cooked, const std::string& helperPath, std::string& why) {
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    why = SyscallMessage("socketpair", errno);
    return -errno;
  }
  Fd ours(pair[0]);
  Fd theirs(pair[1]);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // dup2 clears close-on-exec on the child's copy.
  posix_spawn_file_actions_adddup2(&actions, theirs.get(), kHelperFd);
  char arg0[] = "trawl-capture-helper";
  char raw[] = "raw";
  char dgram[] = "dgram";
  char* argv[] = {arg0, cooked ? dgram : raw, nullptr};
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, helperPath.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    why = "cannot run " + helperPath + ": " + std::strerror(spawned);
    return -spawned;
  }
  close(theirs.release());

  int32_t err = 0;
  struct iovec iov = {&err, sizeof err};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control{};
  struct msghdr msg {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;
  ssize_t n;
  do {
    n = recvmsg(ours.get(), &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  const int recvErr = errno;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  int fd = -1;
  for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
  }
  if (n != static_cast<ssize_t>(sizeof err)) {
    if (fd >= 0) close(fd);
    why = n < 0
              ? helperPath + " sent nothing: " + std::strerror(recvErr)
              : helperPath + " exited (status " + std::to_string(WEXITSTATUS(status)) + ") without a socket";
    return -EIO;
  }
  if (err != 0 || fd < 0) {
    if (fd >= 0) close(fd);
    why = helperPath + " could not open it either: " + std::strerror(err != 0 ? err : EIO) +
          (err == EPERM ? " (the helper has no cap_net_raw file capability)" : "");
    return -(err != 0 ? err : EIO);
  }
  return fd;
}

}  // namespace

std::string SyscallMessage(const std::string& call, int err) {
  const char* name = strerrorname_np(err);
  return call + " failed: " + (name != nullptr ? name : std::to_string(err)) + " (" + std::strerror(err) +
         ")";
}

int OpenPacketSocket(bool cooked, const std::string& helperPath) {
  const int type = (cooked ? SOCK_DGRAM : SOCK_RAW) | SOCK_CLOEXEC;
  const int fd = socket(AF_PACKET, type, 0);
  if (fd >= 0) return fd;
  const int err = errno;
  if (err != EPERM && err != EACCES)
    throw CaptureError({"EIO", SyscallMessage("socket(AF_PACKET)", err), ""});

  std::string why;
  if (helperPath.empty()) {
    why = "no capture helper was found";
  } else if (access(helperPath.c_str(), X_OK) != 0) {
    why = "the capture helper " + helperPath + " is missing or not executable";
  } else {
    const int got = FromHelper(cooked, helperPath, why);
    if (got >= 0) return got;
  }
  const std::string target = helperPath.empty() ? "native/build/Release/trawl-capture-helper" : helperPath;
  throw CaptureError({"EPERM",
                      "Capturing needs CAP_NET_RAW: this process does not have it "
                      "(socket(AF_PACKET) failed: EPERM) and " +
                          why + ".",
                      "sudo setcap cap_net_raw,cap_net_admin+ep " + target + "   (or: npm run setcap)"});
}

}  // namespace trawl
