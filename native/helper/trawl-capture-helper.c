/*
 * trawl-capture-helper: the one privileged piece of Trawl. Installed with file capabilities
 * (cap_net_raw,cap_net_admin+ep, `npm run setcap`), it opens an AF_PACKET socket, passes the
 * descriptor to its parent over the Unix socket on descriptor 3 (SCM_RIGHTS) and exits. It reads
 * no files, takes no paths and sets nothing up: the ring, the filter and the bind happen in the
 * parent's own process.
 *
 * Usage: trawl-capture-helper raw|dgram      (SOCK_RAW for link-layer headers, SOCK_DGRAM cooked)
 * The message sent is a 4-byte errno (0 on success) with the descriptor attached on success.
 * Exit status: 0 sent, 1 bad usage, 2 could not send.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define PARENT_FD 3

static int send_result(int32_t err, int fd) {
  struct iovec iov = {.iov_base = &err, .iov_len = sizeof err};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  memset(&control, 0, sizeof control);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (fd >= 0) {
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof control.buf;
    struct cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof fd);
  }
  ssize_t n;
  do {
    n = sendmsg(PARENT_FD, &msg, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  return n == (ssize_t)sizeof err ? 0 : -1;
}

int main(int argc, char** argv) {
  struct stat st;
  /* Only ever talk to a Unix socket the parent handed over. */
  if (fstat(PARENT_FD, &st) != 0 || !S_ISSOCK(st.st_mode)) return 1;
  if (argc != 2) return 1;
  int type;
  if (strcmp(argv[1], "raw") == 0) {
    type = SOCK_RAW;
  } else if (strcmp(argv[1], "dgram") == 0) {
    type = SOCK_DGRAM;
  } else {
    return 1;
  }
  /* Protocol 0: the socket receives nothing until the parent binds it, after its filter is on. */
  int fd = socket(AF_PACKET, type | SOCK_CLOEXEC, 0);
  int32_t err = fd < 0 ? errno : 0;
  int status = send_result(err, fd) == 0 ? 0 : 2;
  if (fd >= 0) close(fd);
  return status;
}
