/*
 * raw-send: sends Ethernet frames carrying IPv4/UDP on an interface through an
 * AF_PACKET socket, for the live-capture tests and the capture benchmark. Every
 * frame is known in advance: frame i has size sizes[i % n], UDP payload
 * starting with the big-endian sequence number i, then bytes (i + k) & 0xff.
 *
 *   raw-send IFACE COUNT [--sizes 60,100,1514] [--vlan VID] [--dst-mac MAC]
 * [--src-ip A]
 *            [--dst-ip B] [--dport P] [--seconds S] [--bypass]
 *
 * With --seconds, sends as fast as it can for S seconds (COUNT 0: no limit) and
 * prints the number of frames sent. Exit status 0 when every frame was sent.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define MAX_FRAME 9018
#define MAX_SIZES 64

static uint16_t ip_checksum(const uint8_t *p, size_t n) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < n; i += 2)
    sum += (uint32_t)(p[i] << 8 | p[i + 1]);
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

static int parse_mac(const char *s, uint8_t *mac) {
  unsigned v[6];
  if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4],
             &v[5]) != 6)
    return -1;
  for (int i = 0; i < 6; i++)
    mac[i] = (uint8_t)v[i];
  return 0;
}

static double now_sec(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct opts {
  const char *iface;
  unsigned long count;
  unsigned sizes[MAX_SIZES];
  int nsizes;
  int vlan;
  uint8_t dst_mac[6];
  uint8_t src_mac[6];
  struct in_addr src_ip, dst_ip;
  uint16_t dport;
  double seconds;
  int bypass;
};

static size_t build(const struct opts *o, unsigned long seq, uint8_t *f) {
  size_t size = o->sizes[seq % (unsigned long)o->nsizes];
  size_t off = 0;
  memcpy(f, o->dst_mac, 6);
  memcpy(f + 6, o->src_mac, 6);
  off = 12;
  if (o->vlan >= 0) {
    f[off++] = 0x81;
    f[off++] = 0x00;
    f[off++] = (uint8_t)((o->vlan >> 8) & 0x0f);
    f[off++] = (uint8_t)(o->vlan & 0xff);
  }
  f[off++] = 0x08;
  f[off++] = 0x00;
  uint8_t *ip = f + off;
  size_t ip_len = size - off;
  memset(ip, 0, 20);
  ip[0] = 0x45;
  ip[2] = (uint8_t)(ip_len >> 8);
  ip[3] = (uint8_t)ip_len;
  ip[4] = (uint8_t)(seq >> 8);
  ip[5] = (uint8_t)seq;
  ip[8] = 64;
  ip[9] = 17;
  memcpy(ip + 12, &o->src_ip, 4);
  memcpy(ip + 16, &o->dst_ip, 4);
  uint16_t c = ip_checksum(ip, 20);
  ip[10] = (uint8_t)(c >> 8);
  ip[11] = (uint8_t)c;
  uint8_t *udp = ip + 20;
  size_t udp_len = ip_len - 20;
  udp[0] = 0x9c;
  udp[1] = 0x40; /* source port 40000 */
  udp[2] = (uint8_t)(o->dport >> 8);
  udp[3] = (uint8_t)o->dport;
  udp[4] = (uint8_t)(udp_len >> 8);
  udp[5] = (uint8_t)udp_len;
  udp[6] = udp[7] = 0;
  uint8_t *payload = udp + 8;
  size_t plen = udp_len - 8;
  for (size_t k = 0; k < plen; k++)
    payload[k] = (uint8_t)(seq + k);
  if (plen >= 4) {
    payload[0] = (uint8_t)(seq >> 24);
    payload[1] = (uint8_t)(seq >> 16);
    payload[2] = (uint8_t)(seq >> 8);
    payload[3] = (uint8_t)seq;
  }
  return size;
}

int main(int argc, char **argv) {
  struct opts o;
  memset(&o, 0, sizeof o);
  if (argc < 3) {
    fprintf(stderr, "usage: raw-send IFACE COUNT [--sizes a,b] [--vlan VID] "
                    "[--dst-mac MAC] [--src-ip A] [--dst-ip B] [--dport P] "
                    "[--seconds S] [--bypass]\n");
    return 2;
  }
  o.iface = argv[1];
  o.count = strtoul(argv[2], NULL, 10);
  o.sizes[0] = 60;
  o.nsizes = 1;
  o.vlan = -1;
  parse_mac("02:00:00:00:00:99", o.dst_mac);
  inet_pton(AF_INET, "10.99.0.1", &o.src_ip);
  inet_pton(AF_INET, "10.99.0.2", &o.dst_ip);
  o.dport = 9;
  for (int i = 3; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--bypass") == 0) {
      o.bypass = 1;
      continue;
    }
    if (v == NULL) {
      fprintf(stderr, "raw-send: %s needs a value\n", a);
      return 2;
    }
    i++;
    if (strcmp(a, "--sizes") == 0) {
      o.nsizes = 0;
      char *copy = strdup(v);
      for (char *t = strtok(copy, ","); t && o.nsizes < MAX_SIZES;
           t = strtok(NULL, ","))
        o.sizes[o.nsizes++] = (unsigned)atoi(t);
      free(copy);
    } else if (strcmp(a, "--vlan") == 0) {
      o.vlan = atoi(v);
    } else if (strcmp(a, "--dst-mac") == 0) {
      if (parse_mac(v, o.dst_mac) != 0)
        return 2;
    } else if (strcmp(a, "--src-ip") == 0) {
      inet_pton(AF_INET, v, &o.src_ip);
    } else if (strcmp(a, "--dst-ip") == 0) {
      inet_pton(AF_INET, v, &o.dst_ip);
    } else if (strcmp(a, "--dport") == 0) {
      o.dport = (uint16_t)atoi(v);
    } else if (strcmp(a, "--seconds") == 0) {
      o.seconds = atof(v);
    } else {
      fprintf(stderr, "raw-send: unknown option %s\n", a);
      return 2;
    }
  }
  for (int i = 0; i < o.nsizes; i++) {
    unsigned min = 14 + (o.vlan >= 0 ? 4 : 0) + 20 + 8;
    if (o.sizes[i] < min || o.sizes[i] > MAX_FRAME) {
      fprintf(stderr, "raw-send: frame size %u out of range\n", o.sizes[i]);
      return 2;
    }
  }
  int fd = socket(AF_PACKET, SOCK_RAW, 0);
  if (fd < 0) {
    perror("raw-send: socket");
    return 1;
  }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strncpy(ifr.ifr_name, o.iface, IFNAMSIZ - 1);
  if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0)
    memcpy(o.src_mac, ifr.ifr_hwaddr.sa_data, 6);
  struct sockaddr_ll sll;
  memset(&sll, 0, sizeof sll);
  sll.sll_family = AF_PACKET;
  sll.sll_ifindex = (int)if_nametoindex(o.iface);
  if (sll.sll_ifindex == 0 ||
      bind(fd, (struct sockaddr *)&sll, sizeof sll) != 0) {
    perror("raw-send: bind");
    return 1;
  }
  if (o.bypass) {
    int one = 1;
    setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
  }
  static uint8_t frames[BATCH][MAX_FRAME];
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  unsigned long sent = 0;
  const double end = o.seconds > 0 ? now_sec() + o.seconds : 0;
  for (;;) {
    if (o.count != 0 && sent >= o.count)
      break;
    if (end != 0 && now_sec() >= end)
      break;
    int n = BATCH;
    if (o.count != 0 && o.count - sent < (unsigned long)n)
      n = (int)(o.count - sent);
    for (int i = 0; i < n; i++) {
      iov[i].iov_base = frames[i];
      iov[i].iov_len = build(&o, sent + (unsigned long)i, frames[i]);
      memset(&msgs[i], 0, sizeof msgs[i]);
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int done = 0;
    while (done < n) {
      int r = sendmmsg(fd, msgs + done, (unsigned)(n - done), 0);
      if (r < 0) {
        if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR)
          continue;
        perror("raw-send: sendmmsg");
        printf("%lu\n", sent + (unsigned long)done);
        return 1;
      }
      done += r;
    }
    sent += (unsigned long)n;
  }
  printf("%lu\n", sent);
  close(fd);
  return 0;
}
