// SPDX-License-Identifier: GPL-2.0
/*
 * net.c - virtio-net (VIRTIO 1.2, 5.1): `-n/--network mode=...` as lkvm
 * spells it, one NIC per use: on a tap (mode=tap, its queues served here
 * or, with vhost=on, by the host kernel's vhost-net: vhost.c), or on
 * passt's stream socket (mode=user, a passt the vmm starts: passt.c; or
 * mode=passt, one the user started).  Without -n, the implicit NIC is
 * mode=user where passt is on PATH.
 *
 * The tap speaks the guest's own frame format: with IFF_VNET_HDR and a
 * 12-byte header (TUNSETVNETHDRSZ) every frame is a struct
 * virtio_net_hdr_v1 then the Ethernet frame, so a transmit chain goes to
 * the tap in one writev(), and the guest's checksum and TSO offloads are
 * the tap's (CSUM, HOST_TSO4/6 out; GUEST_CSUM, GUEST_TSO4/6 in, told to
 * the tap with TUNSETOFFLOAD).  A received frame is read whole, then
 * copied into as many chains as it needs (MRG_RXBUF; one without it).
 * Both queues are served on the main loop under the device's lock; the
 * tap's readiness is watched only while the guest has receive buffers, so
 * a full guest leaves the frames queued in the tap.
 *
 * What the guest or the tap hands over that cannot be a frame is dropped
 * and counted, never fatal: a transmit chain shorter than the header or
 * longer than the largest frame, a receive chain too small for a header.
 */
#include <ctype.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/if_ether.h>
#include <linux/if_tun.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>

#include "virtio.h"

#define NET_QUEUE_SIZE		256
#define RX_QUEUE		0
#define TX_QUEUE		1
#define NET_HDR_LEN		sizeof(struct virtio_net_hdr_v1)	/* 12 */
#define NET_MAX_FRAME		VIRTIO_NET_FRAME_MAX	/* virtio.h's: the header counted */
_Static_assert(NET_HDR_LEN == 12, "VIRTIO_NET_FRAME_MAX counts a 12-byte header");
/* receive chains one frame may take with MRG_RXBUF: the largest in 1 KiB ones */
#define NET_MAX_MERGE		72

enum net_mode { NET_MODE_NONE, NET_MODE_TAP, NET_MODE_PASST, NET_MODE_USER };

/* mode=user's port forwards, hostfwd=tcp:HOSTPORT:GUESTPORT */
#define NET_MAX_FWDS		16

struct net_fwd {
	bool		udp;
	u16		host, guest;
};

struct net_params {
	enum net_mode	mode;
	char		tapif[IFNAMSIZ];	/* "" : the kernel names it */
	char		socket[108];		/* mode=passt: its UNIX socket */
	u8		mac[6];
	bool		has_mac;
	bool		vhost;			/* mode=tap,vhost=on */
	unsigned int	nr_fwds;
	struct net_fwd	fwds[NET_MAX_FWDS];
};

struct net {
	struct virtio_dev		vdev;
	struct virtio_net_config	config;
	struct vm			*vm;
	char				name[32];	/* "virtio-net eth0" */
	int				fd;		/* the frames: a tap */
	bool				started;
	bool				watched;	/* EPOLLIN on fd */
	bool				hup;		/* the back-end hung up, ... */
	bool				gone;		/* ... and all it sent is read */
	bool				socket;		/* fd is a datagram socket */
	bool				stream;		/* fd is passt's stream socket */
	struct passt			passt;		/* mode=user: the passt we started */
	int				passt_pidfd;	/* ... its pidfd, told when it ends */
	struct vhost			vh;		/* vhost=on: the kernel's queues (vdev.vhost) */
	bool				tap;		/* fd takes TUNSETOFFLOAD */
	bool				mergeable;	/* MRG_RXBUF, from DRIVER_OK */
	u64				tx_dropped, rx_dropped;

	/* the frame being received, and the chains it has so far */
	u32				rx_len;		/* 0: none */
	unsigned int			nr_held;
	u64				held_room;
	struct virtq_chain		held[NET_MAX_MERGE];
	u8				rx_buf[NET_MAX_FRAME + 1];	/* + 1: sees a longer one */

	/*
	 * passt's stream (mode=passt): what came in and is not yet a whole
	 * frame; a frame the socket did not take whole, sent before any other.
	 */
	u32				in_off, in_len;	/* in_buf[in_off, in_len) */
	u32				out_len, out_off;
	u8				in_buf[VIRTIO_NET_STREAM_ROOM];
	u8				out_buf[4 + NET_MAX_FRAME];
};

/* ---- the option ----------------------------------------------------------- */

static const struct device_desc net_dev;

static int parse_mac(const char *s, size_t len, u8 *mac)
{
	unsigned int i, v;
	char hex[3] = { 0 };

	if (len != 17)
		return -1;
	for (i = 0; i < 6; i++) {
		if (i && s[3 * i - 1] != ':')
			return -1;
		memcpy(hex, s + 3 * i, 2);
		if (!isxdigit((unsigned char)hex[0]) || !isxdigit((unsigned char)hex[1]))
			return -1;
		sscanf(hex, "%x", &v);
		mac[i] = v;
	}
	return 0;
}

/* A port, 1 to 65535, in decimal: 0, or -1. */
static int parse_port(const char *s, size_t len, u16 *port)
{
	unsigned int v = 0;
	size_t i;

	if (!len || len > 5 || s[0] == '0')
		return -1;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v > 65535)
		return -1;
	*port = v;
	return 0;
}

/* "tcp:HOSTPORT:GUESTPORT" or "udp:...", @len bytes: 0, or -1. */
static int parse_fwd(const char *s, size_t len, struct net_fwd *fwd)
{
	const char *colon;

	if (len < 4 || s[3] != ':')
		return -1;
	if (!strncmp(s, "tcp", 3))
		fwd->udp = false;
	else if (!strncmp(s, "udp", 3))
		fwd->udp = true;
	else
		return -1;
	s += 4;
	len -= 4;
	colon = memchr(s, ':', len);
	if (!colon || parse_port(s, colon - s, &fwd->host) ||
	    parse_port(colon + 1, len - (colon + 1 - s), &fwd->guest))
		return -1;
	return 0;
}

/* What the kernel takes as an interface name (dev_valid_name()). */
static bool valid_ifname(const char *name, size_t len)
{
	size_t i;

	if (!len || len >= IFNAMSIZ || (len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return false;
	for (i = 0; i < len; i++)
		if (name[i] == '/' || name[i] == ':' || isspace((unsigned char)name[i]))
			return false;
	return true;
}

/* lkvm's keys this vmm does not take, with what to do instead */
static const struct {
	const char	*key;
	const char	*instead;
} unsupported[] = {
	{ "script",	"set the tap up beforehand (ip link, a bridge)" },
	{ "host_ip",	"give the tap its address beforehand (ip addr)" },
	{ "guest_ip",	"configure the address in the guest" },
	{ "host_mac",	"set the tap's address beforehand (ip link)" },
	{ "trans",	"use --virtio-transport" },
};

/*
 * "mode=tap,tapif=NAME,vhost=on,guest_mac=MAC", "mode=user,hostfwd=...",
 * "mode=passt,socket=PATH", keys in any order; mode=none alone.  0, or -1
 * with the reason in @err.
 */
static int parse_network(const char *value, struct net_params *p, char *err,
			 size_t errlen)
{
	const char *s = value, *end, *eq;
	bool has_mode = false, has_tapif = false, has_vhost = false;
	unsigned int i, j;

	memset(p, 0, sizeof(*p));
	for (;;) {
		size_t len, klen;

		end = strchr(s, ',');
		len = end ? (size_t)(end - s) : strlen(s);
		if (!len)
			return errorf(err, errlen, "--network %s: an empty item", value);
		eq = memchr(s, '=', len);
		if (!eq)
			return errorf(err, errlen, "--network %s: '%.*s' is not key=value",
				      value, (int)len, s);
		klen = eq - s;
		eq++;
		len -= klen + 1;
		if (klen == 4 && !strncmp(s, "mode", 4)) {
			if (has_mode)
				return errorf(err, errlen, "--network %s: mode given twice", value);
			if (len == 3 && !strncmp(eq, "tap", 3))
				p->mode = NET_MODE_TAP;
			else if (len == 5 && !strncmp(eq, "passt", 5))
				p->mode = NET_MODE_PASST;
			else if (len == 4 && !strncmp(eq, "none", 4))
				p->mode = NET_MODE_NONE;
			else if (len == 4 && !strncmp(eq, "user", 4))
				p->mode = NET_MODE_USER;
			else
				return errorf(err, errlen, "--network %s: unknown mode '%.*s' (expected user, tap, passt or none)",
					      value, (int)len, eq);
			has_mode = true;
		} else if (klen == 5 && !strncmp(s, "tapif", 5)) {
			if (has_tapif)
				return errorf(err, errlen, "--network %s: tapif given twice", value);
			if (!valid_ifname(eq, len))
				return errorf(err, errlen, "--network %s: tapif must be an interface name: 1 to %d characters, no '/', ':' or space, not . or ..",
					      value, IFNAMSIZ - 1);
			memcpy(p->tapif, eq, len);
			p->tapif[len] = 0;
			has_tapif = true;
		} else if (klen == 6 && !strncmp(s, "socket", 6)) {
			if (*p->socket)
				return errorf(err, errlen, "--network %s: socket given twice", value);
			if (!len || len >= sizeof(p->socket))
				return errorf(err, errlen, "--network %s: socket must be a path of 1 to %zu bytes",
					      value, sizeof(p->socket) - 1);
			memcpy(p->socket, eq, len);
			p->socket[len] = 0;
		} else if (klen == 5 && !strncmp(s, "vhost", 5)) {
			if (has_vhost)
				return errorf(err, errlen, "--network %s: vhost given twice", value);
			if (len == 2 && !strncmp(eq, "on", 2))
				p->vhost = true;
			else if (!(len == 3 && !strncmp(eq, "off", 3)))
				return errorf(err, errlen, "--network %s: vhost is on or off", value);
			has_vhost = true;
		} else if (klen == 7 && !strncmp(s, "hostfwd", 7)) {
			if (p->nr_fwds == NET_MAX_FWDS)
				return errorf(err, errlen, "--network: more than %d hostfwd in one NIC",
					      NET_MAX_FWDS);
			if (parse_fwd(eq, len, &p->fwds[p->nr_fwds]))
				return errorf(err, errlen, "--network %s: hostfwd must be tcp:HOSTPORT:GUESTPORT or udp:HOSTPORT:GUESTPORT, ports 1 to 65535",
					      value);
			p->nr_fwds++;
		} else if (klen == 9 && !strncmp(s, "guest_mac", 9)) {
			if (p->has_mac)
				return errorf(err, errlen, "--network %s: guest_mac given twice", value);
			if (parse_mac(eq, len, p->mac))
				return errorf(err, errlen, "--network %s: guest_mac must be six hex bytes, aa:bb:cc:dd:ee:ff",
					      value);
			if (p->mac[0] & 1)
				return errorf(err, errlen, "--network %s: guest_mac must not be a multicast address",
					      value);
			if (!(p->mac[0] | p->mac[1] | p->mac[2] | p->mac[3] | p->mac[4] | p->mac[5]))
				return errorf(err, errlen, "--network %s: guest_mac must not be all zeroes",
					      value);
			p->has_mac = true;
		} else {
			for (i = 0; i < ARRAY_SIZE(unsupported); i++)
				if (strlen(unsupported[i].key) == klen &&
				    !strncmp(s, unsupported[i].key, klen))
					return errorf(err, errlen, "--network %s: '%s' is not supported: %s",
						      value, unsupported[i].key,
						      unsupported[i].instead);
			return errorf(err, errlen, "--network %s: unknown key '%.*s' (expected mode, hostfwd, tapif, vhost, socket or guest_mac)",
				      value, (int)klen, s);
		}
		if (!end)
			break;
		s = end + 1;
	}
	if (!has_mode)
		return errorf(err, errlen, "--network %s: give a mode (mode=user, mode=tap, mode=passt or mode=none)",
			      value);
	if (p->mode == NET_MODE_NONE && strcmp(value, "mode=none"))
		return errorf(err, errlen, "--network %s: mode=none takes no other key", value);
	if (p->mode == NET_MODE_PASST && !*p->socket)
		return errorf(err, errlen, "--network %s: mode=passt needs socket=PATH, passt's (passt -s PATH)",
			      value);
	if (p->mode != NET_MODE_PASST && *p->socket)
		return errorf(err, errlen, "--network %s: socket= is for mode=passt", value);
	if (p->mode != NET_MODE_TAP && has_tapif)
		return errorf(err, errlen, "--network %s: tapif= is for mode=tap", value);
	if (p->mode != NET_MODE_TAP && p->vhost)
		return errorf(err, errlen, "--network %s: vhost=on is for mode=tap", value);
	if (p->mode != NET_MODE_USER && p->nr_fwds)
		return errorf(err, errlen, "--network %s: hostfwd= is for mode=user (a running passt takes -t and -u itself)",
			      value);
	for (i = 0; i < p->nr_fwds; i++)
		for (j = 0; j < i; j++)
			if (p->fwds[j].udp == p->fwds[i].udp &&
			    p->fwds[j].host == p->fwds[i].host)
				return errorf(err, errlen, "--network %s: host port %s:%u forwarded twice",
					      value, p->fwds[i].udp ? "udp" : "tcp",
					      p->fwds[i].host);
	return 0;
}

static int check_network(const char *value, char *err, size_t errlen)
{
	struct net_params p;

	return parse_network(value, &p, err, errlen);
}

/*
 * A stable default MAC for NIC @index of the VM called @name: locally
 * administered, unicast, the rest an FNV-1a hash, so that a named VM keeps
 * its address (and its DHCP lease) from run to run.
 */
static void default_mac(const char *name, unsigned int index, u8 *mac)
{
	u32 h = 2166136261u;
	const char *c;

	for (c = name; *c; c++)
		h = (h ^ (u8)*c) * 16777619u;
	h = (h ^ index) * 16777619u;
	mac[0] = 0x02;
	mac[1] = 0x15;
	mac[2] = h >> 24;
	mac[3] = h >> 16;
	mac[4] = h >> 8;
	mac[5] = h;
}

/* ---- the tap -------------------------------------------------------------- */

/*
 * Open tap @p->tapif (a new one the kernel names if ""), frames with the
 * virtio-net header, non-blocking; bring it up if we may.  The fd, with
 * the tap's name in @ifname, or -1 after a log line.
 */
static int open_tap(const struct net_params *p, const char *opt, char *ifname)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	int hdr = NET_HDR_LEN, fd, sock;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		pr_err("--network %s: /dev/net/tun: %s%s", opt, strerror(errno),
		       errno == ENOENT ? " (load the tun module)" :
		       errno == EACCES ? " (distributions leave it open to all: chmod 666 it)" : "");
		return -1;
	}
	memcpy(ifr.ifr_name, p->tapif, sizeof(p->tapif));
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		pr_err("--network %s: cannot attach to tap %s: %s%s", opt,
		       *p->tapif ? p->tapif : "(new)", strerror(errno),
		       errno == EPERM ? " (it takes CAP_NET_ADMIN, or a tap made for you: ip tuntap add mode tap user $USER vnet_hdr)" :
		       errno == EBUSY ? " (another process has it)" :
		       errno == EINVAL ? " (is it a tap made without vnet_hdr, or not a tap?)" : "");
		close(fd);
		return -1;
	}
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr)) {
		pr_err("--network %s: TUNSETVNETHDRSZ: %s", opt, strerror(errno));
		close(fd);
		return -1;
	}
	/* VERSION_1 headers are little-endian; a persistent tap may say otherwise */
	ioctl(fd, TUNSETVNETLE, &(int){ 1 });
	memcpy(ifname, ifr.ifr_name, IFNAMSIZ);
	ifname[IFNAMSIZ - 1] = 0;

	/* up, as lkvm leaves it; without CAP_NET_ADMIN the user does it */
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock >= 0 && !ioctl(sock, SIOCGIFFLAGS, &ifr) && !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(sock, SIOCSIFFLAGS, &ifr))
			pr_info("--network %s: tap %s is down and cannot be brought up here (%s): ip link set %s up",
				opt, ifname, strerror(errno), ifname);
	}
	if (sock >= 0)
		close(sock);
	return fd;
}

/* Connect to passt's socket: the fd, non-blocking, or -1 after a log line. */
static int open_passt(const struct net_params *p, const char *opt)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	memcpy(addr.sun_path, p->socket, sizeof(p->socket));
	/* non-blocking: a UNIX connect then never waits on a full backlog */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		pr_err("--network %s: cannot connect to passt at %s: %s%s", opt, p->socket,
		       errno == EAGAIN ? "it is not accepting" : strerror(errno),
		       errno == ENOENT || errno == ECONNREFUSED ?
		       " (is passt running? passt -s PATH)" : "");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* ---- the queues ------------------------------------------------------------ */

/*
 * The events the back-end's fd is watched for: frames in, room for the
 * held one out.  EPOLLRDHUP too with EPOLLIN: a socket whose peer shut
 * only its sending side reads 0 for ever without EPOLLHUP, and a
 * datagram socket's 0 is an empty datagram otherwise (next_frame()).
 */
static void update_watch(struct net *n)
{
	u32 events = (n->watched ? EPOLLIN | EPOLLRDHUP : 0) | (n->out_len ? EPOLLOUT : 0);

	/* a hung-up fd is out of the loop: epoll reports a hang-up whatever the mask */
	if (!n->hup && loop__mod(&n->vm->loop, n->fd, events))
		pr_debug("%s: watching the back-end: %s", n->name, strerror(errno));
}

static void watch_frames(struct net *n, bool on)
{
	if (n->watched == on)
		return;
	n->watched = on;
	update_watch(n);
}

/* ---- passt's stream: each frame after its length, 32 bits big-endian ------ */

/*
 * Send what is held in out_buf: true once it all went (or the back-end is
 * gone: nothing more will).
 */
static bool stream_flush(struct net *n)
{
	ssize_t done;

	while (n->out_off < n->out_len) {
		done = send(n->fd, n->out_buf + n->out_off, n->out_len - n->out_off,
			    MSG_DONTWAIT | MSG_NOSIGNAL);
		if (done < 0 && errno == EINTR)
			continue;
		if (done < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return false;
		if (done < 0) {
			/*
			 * The back-end's end, or an error with part of the frame
			 * sent: the stream is out of step, so it ends here too and
			 * the hang-up shows on the read side.
			 */
			n->tx_dropped++;
			shutdown(n->fd, SHUT_RDWR);
			break;
		}
		n->out_off += done;
	}
	n->out_len = n->out_off = 0;
	update_watch(n);
	return true;
}

/*
 * A frame to passt: its length, then the frame without the virtio-net
 * header (passt takes no offloads).  What the socket does not take now is
 * held and sent first next time; 0, or -1 if it was dropped.
 */
static int stream_send(struct net *n, const struct virtq_chain *c)
{
	u32 len = c->out_len - NET_HDR_LEN;
	struct iovec iov[1 + VIRTQ_MAX_CHAIN];
	u32 be = htobe32(len);
	unsigned int i, cnt = 1;
	ssize_t done;
	u64 skip = NET_HDR_LEN;

	/* passt resets the connection on a frame no Ethernet has: never send one */
	if (len < ETH_HLEN || len > ETH_MAX_MTU)
		return -1;
	iov[0] = (struct iovec){ .iov_base = &be, .iov_len = sizeof(be) };
	for (i = 0; i < c->nr_out; i++) {
		if (skip >= c->iov[i].iov_len) {
			skip -= c->iov[i].iov_len;
			continue;
		}
		iov[cnt++] = (struct iovec){
			.iov_base = (u8 *)c->iov[i].iov_base + skip,
			.iov_len = c->iov[i].iov_len - skip,
		};
		skip = 0;
	}
	do {
		done = sendmsg(n->fd, &(struct msghdr){ .msg_iov = iov, .msg_iovlen = cnt },
			       MSG_DONTWAIT | MSG_NOSIGNAL);
	} while (done < 0 && errno == EINTR);
	if (done < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
		return -1;
	if (done == (ssize_t)(sizeof(be) + len))
		return 0;
	/* the rest waits in out_buf, whole: the stream must stay in step */
	n->out_len = sizeof(be) + len;
	n->out_off = done < 0 ? 0 : done;
	memcpy(n->out_buf, &be, sizeof(be));
	virtq_chain__read(c, NET_HDR_LEN, n->out_buf + sizeof(be), len);
	update_watch(n);
	return 0;
}

ssize_t virtio_net__stream_next(u8 *in, u32 *off, u32 *len, u8 *frame, u32 *bad)
{
	u32 have = *len - *off, flen;

	if (have >= 4) {
		memcpy(&flen, in + *off, 4);
		flen = be32toh(flen);
		if (flen < ETH_HLEN || flen > NET_MAX_FRAME - NET_HDR_LEN) {
			*bad = flen;
			return -1;
		}
		if (have >= 4 + flen) {
			memset(frame, 0, NET_HDR_LEN);
			memcpy(frame + NET_HDR_LEN, in + *off + 4, flen);
			*off += 4 + flen;
			return NET_HDR_LEN + flen;
		}
	}
	/* room for the rest of this frame at least: one move, not one per frame */
	if (*off) {
		memmove(in, in + *off, have);
		*off = 0;
		*len = have;
	}
	return 0;
}

/*
 * The next frame from passt into rx_buf, behind a zero header: its length,
 * 0 when no whole frame is in yet, -1 when the stream ended or broke (a
 * length no Ethernet frame has: it cannot be resynchronised).
 */
static ssize_t stream_recv(struct net *n)
{
	ssize_t got;
	u32 bad;

	for (;;) {
		got = virtio_net__stream_next(n->in_buf, &n->in_off, &n->in_len, n->rx_buf, &bad);
		if (got < 0) {
			pr_warn("%s: passt sent a frame of %u bytes: the stream is broken",
				n->name, bad);
			shutdown(n->fd, SHUT_RDWR);	/* nothing more goes to it either */
			errno = EPROTO;
			return -1;
		}
		if (got)
			return got;
		got = read(n->fd, n->in_buf + n->in_len, sizeof(n->in_buf) - n->in_len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (got <= 0) {
			if (!got)
				errno = 0;
			return -1;
		}
		n->in_len += got;
	}
}

/*
 * The other way: a frame may only ask of the back-end what the guest
 * negotiated (checksum and GSO requests from a hostile guest go no
 * further than the vmm).
 */
static bool tx_header_ok(struct net *n, const struct virtq_chain *c)
{
	struct virtio_dev *vdev = &n->vdev;
	struct virtio_net_hdr_v1 h;

	if (virtq_chain__read(c, 0, &h, sizeof(h)) != sizeof(h))
		return false;
	if ((h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    !virtio_dev__has(vdev, VIRTIO_NET_F_CSUM))
		return false;
	if (h.gso_type & VIRTIO_NET_HDR_GSO_ECN)
		return false;		/* HOST_ECN is not offered */
	switch (h.gso_type) {
	case VIRTIO_NET_HDR_GSO_NONE:
		return true;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		return virtio_dev__has(vdev, VIRTIO_NET_F_HOST_TSO4);
	case VIRTIO_NET_HDR_GSO_TCPV6:
		return virtio_dev__has(vdev, VIRTIO_NET_F_HOST_TSO6);
	}
	return false;
}

/*
 * The guest's frames, to the tap: at most a queue's worth per turn of the
 * main loop (see rng.c's serve()).  A frame the tap refuses (down, full)
 * is dropped, as a NIC's wire would.
 */
static void transmit(struct net *n)
{
	struct virtio_dev *vdev = &n->vdev;
	struct virtqueue *vq = &vdev->vqs[TX_QUEUE];
	unsigned int budget = vq->size;
	struct virtq_chain chain;
	bool pushed = false;

	/* a frame passt did not take whole goes first; until then, nothing */
	if (n->out_len && !stream_flush(n))
		return;
	do {
		while (budget && !n->out_len && virtio_dev__pop(vdev, vq, &chain) > 0) {
			if (chain.out_len < NET_HDR_LEN || chain.out_len > NET_MAX_FRAME ||
			    !tx_header_ok(n, &chain) ||
			    (n->stream ? stream_send(n, &chain) :
			     writev(n->fd, chain.iov, chain.nr_out)) < 0)
				n->tx_dropped++;
			virtq__push(vq, chain.head, 0);
			pushed = true;
			budget--;
		}
		if (!budget) {
			virtio_dev__kick(vq);
			break;
		}
		if (n->out_len)
			break;	/* the rest when the socket has room (EPOLLOUT) */
	} while (!vdev->failed && virtq__arm_notify(vq));
	if (pushed)
		virtio_dev__signal(vdev, vq);
}

/*
 * The back-end hung up (a socket's peer closed) and what it sent before is
 * read: the link is down for good.
 */
static void backend_gone(struct net *n, int err)
{
	n->gone = true;
	if (!n->hup) {
		n->hup = true;
		loop__del(&n->vm->loop, n->fd);
	}
	if (n->stream)
		pr_warn("%s: passt closed its socket%s%s%s: the link is down", n->name,
			err ? " (" : "", err ? strerror(err) : "", err ? ")" : "");
	else if (err)
		pr_warn("%s: the network back-end failed (%s): the link is down", n->name,
			strerror(err));
	else
		pr_warn("%s: the network back-end closed: the link is down", n->name);
	n->config.status = 0;
	n->vdev.config_generation++;
	if (n->vdev.status & VIRTIO_CONFIG_S_DRIVER_OK)
		n->vdev.transport->interrupt(&n->vdev, NULL);
}

/*
 * Read the next frame into rx_buf, unless one is pending there: true with
 * one, false when there is none (or the back-end is gone).  A datagram
 * too short for the header or too long for rx_buf is dropped (a socket
 * tells the true length with MSG_TRUNC; a tap never exceeds it).  Once
 * the back-end hung up, an empty read is its end; before, an empty
 * datagram, dropped.
 */
static bool next_frame(struct net *n)
{
	ssize_t got;

	while (!n->rx_len && n->stream) {
		got = stream_recv(n);
		if (got < 0) {
			backend_gone(n, errno);
			return false;
		}
		if (!got)
			return false;
		n->rx_len = got;
	}
	while (!n->rx_len) {
		if (n->socket)
			got = recv(n->fd, n->rx_buf, sizeof(n->rx_buf), MSG_TRUNC | MSG_DONTWAIT);
		else
			got = read(n->fd, n->rx_buf, sizeof(n->rx_buf));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return false;	/* nothing waiting */
		if (got < 0 || (got == 0 && n->hup)) {
			/* a tap deleted under us (EBADFD), a socket's end */
			backend_gone(n, got < 0 ? errno : 0);
			return false;
		}
		if (got < (ssize_t)NET_HDR_LEN || got > (ssize_t)NET_MAX_FRAME) {
			n->rx_dropped++;
			if (!got)
				return false;	/* the hang-up, maybe: its event says */
		} else {
			n->rx_len = got;
		}
	}
	return true;
}

/*
 * Gather receive chains for the pending frame: one, or with MRG_RXBUF as
 * many as it needs.  Chains already gathered stay held (not given back)
 * while the guest has no more.  True once the frame has room.
 */
static bool gather(struct net *n, struct virtqueue *vq, unsigned int *budget,
		   bool *pushed)
{
	struct virtio_dev *vdev = &n->vdev;
	/* a ring smaller than that: what it has, or the frame would wait forever */
	unsigned int max = !n->mergeable ? 1 : vq->size < NET_MAX_MERGE ? vq->size : NET_MAX_MERGE;
	struct virtq_chain *c;

	while (n->nr_held < max && n->held_room < n->rx_len) {
		c = &n->held[n->nr_held];
		if (!*budget || virtio_dev__pop(vdev, vq, c) <= 0)
			return false;
		if (c->in_len < NET_HDR_LEN) {
			/* 5.1.6.3.1: too small for any frame: back, empty, on the budget */
			n->rx_dropped++;
			virtq__push(vq, c->head, 0);
			*pushed = true;
			(*budget)--;
			continue;
		}
		n->held_room += c->in_len;
		n->nr_held++;
	}
	return true;
}

/*
 * 5.1.6.4.1: the header may only ask of the guest what it negotiated.
 * Checksum flags it did not take are cleared; a GSO frame it cannot take
 * is refused (false).  A tap told TUNSETOFFLOAD never sends either; any
 * other back-end is held to it here.
 */
static bool rx_header_ok(struct net *n)
{
	struct virtio_net_hdr_v1 *h = (struct virtio_net_hdr_v1 *)n->rx_buf;
	struct virtio_dev *vdev = &n->vdev;

	if (!virtio_dev__has(vdev, VIRTIO_NET_F_GUEST_CSUM)) {
		h->flags = 0;
		h->csum_start = h->csum_offset = 0;
	}
	if ((h->gso_type & VIRTIO_NET_HDR_GSO_ECN) &&
	    !virtio_dev__has(vdev, VIRTIO_NET_F_GUEST_ECN))
		return false;
	switch (h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
	case VIRTIO_NET_HDR_GSO_NONE:
		return true;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		return virtio_dev__has(vdev, VIRTIO_NET_F_GUEST_TSO4);
	case VIRTIO_NET_HDR_GSO_TCPV6:
		return virtio_dev__has(vdev, VIRTIO_NET_F_GUEST_TSO6);
	}
	return false;
}

/*
 * Frames from the back-end into the guest's receive chains, while both
 * last, at most a queue's worth per turn.  A frame is read into rx_buf
 * first, so that it takes exactly the chains it needs; out of chains, it
 * waits there and the back-end is no longer watched until the guest posts
 * more.  A frame larger than the chains the guest may give it (one without
 * MRG_RXBUF) is dropped.
 */
static void receive(struct net *n)
{
	struct virtio_dev *vdev = &n->vdev;
	struct virtqueue *vq = &vdev->vqs[RX_QUEUE];
	unsigned int budget = vq->size, i, used;
	bool pushed = false;
	u32 left, len;
	__le16 nbufs;

	while (budget && !n->gone && next_frame(n)) {
		if (!n->nr_held && !rx_header_ok(n)) {
			n->rx_dropped++;	/* unasked for: dropped before it takes a chain */
			n->rx_len = 0;
			budget--;
			continue;
		}
		if (!gather(n, vq, &budget, &pushed)) {
			if (!budget)
				break;
			/* out of chains: the frame waits for the guest's next ones */
			if (vdev->failed || !virtq__arm_notify(vq)) {
				watch_frames(n, false);
				break;
			}
			continue;
		}
		if (n->held_room < n->rx_len) {
			/*
			 * Larger than all the guest may give it: dropped.  The
			 * chains stay held for the next frames, unless they are the
			 * whole ring (MRG_RXBUF on a small ring): then they go back.
			 */
			n->rx_dropped++;
			n->rx_len = 0;
			budget--;
			if (n->mergeable) {
				for (i = 0; i < n->nr_held; i++)
					virtq__push(vq, n->held[i].head, 0);
				pushed = true;
				n->nr_held = 0;
				n->held_room = 0;
			}
			continue;
		}
		/* the chains the frame fills, in order; the rest stay held */
		left = n->rx_len;
		for (used = 0; used < n->nr_held && left; used++) {
			len = left < n->held[used].in_len ? left : n->held[used].in_len;
			virtq_chain__write(&n->held[used], 0, n->rx_buf + (n->rx_len - left), len);
			left -= len;
		}
		/* VERSION_1 headers carry num_buffers: the chains the frame takes */
		nbufs = htole16(used);
		virtq_chain__write(&n->held[0], offsetof(struct virtio_net_hdr_v1, num_buffers),
				   &nbufs, sizeof(nbufs));
		left = n->rx_len;
		for (i = 0; i < used; i++) {
			len = left < n->held[i].in_len ? left : n->held[i].in_len;
			virtq__push(vq, n->held[i].head, len);
			n->held_room -= n->held[i].in_len;
			left -= len;
		}
		n->nr_held -= used;
		memmove(n->held, n->held + used, n->nr_held * sizeof(n->held[0]));
		pushed = true;
		budget -= budget < used ? budget : used;
		n->rx_len = 0;
	}
	if (!budget)
		virtio_dev__kick(vq);	/* the rest on the next turn */
	if (pushed)
		virtio_dev__signal(vdev, vq);
}

static void on_tx(void *opaque, u32 events __unused)
{
	struct net *n = opaque;

	virtio_dev__clear_notify(&n->vdev.vqs[TX_QUEUE]);
	pthread_mutex_lock(&n->vdev.lock);
	if (n->started && n->vdev.vqs[TX_QUEUE].ready)
		transmit(n);
	pthread_mutex_unlock(&n->vdev.lock);
}

/* The guest posted receive buffers: frames may flow again. */
static void on_rx(void *opaque, u32 events __unused)
{
	struct net *n = opaque;

	virtio_dev__clear_notify(&n->vdev.vqs[RX_QUEUE]);
	pthread_mutex_lock(&n->vdev.lock);
	if (n->started && n->vdev.vqs[RX_QUEUE].ready) {
		watch_frames(n, true);
		receive(n);
	}
	pthread_mutex_unlock(&n->vdev.lock);
}

static void on_frames(void *opaque, u32 events)
{
	struct net *n = opaque;

	pthread_mutex_lock(&n->vdev.lock);
	if ((events & EPOLLOUT) && n->out_len && stream_flush(n) && n->started &&
	    n->vdev.vqs[TX_QUEUE].ready)
		transmit(n);	/* room again: the frames that waited */
	if (events & (EPOLLHUP | EPOLLERR | EPOLLRDHUP)) {
		/* out of the loop; what it sent before is still read, then the link goes */
		n->hup = true;
		loop__del(&n->vm->loop, n->fd);
	}
	if (n->started && n->vdev.vqs[RX_QUEUE].ready)
		receive(n);
	else
		watch_frames(n, false);	/* nowhere to put frames until DRIVER_OK */
	pthread_mutex_unlock(&n->vdev.lock);
}

/*
 * What the tap may hand over from now on: partial checksums and TSO
 * frames, as far as the guest takes them (TUNSETOFFLOAD; the other way,
 * the tap takes whatever the guest's headers say).
 */
static void set_offloads(struct net *n)
{
	struct virtio_dev *vdev = &n->vdev;
	unsigned int flags = 0;

	if (virtio_dev__has(vdev, VIRTIO_NET_F_GUEST_CSUM)) {
		flags |= TUN_F_CSUM;
		if (virtio_dev__has(vdev, VIRTIO_NET_F_GUEST_TSO4))
			flags |= TUN_F_TSO4;
		if (virtio_dev__has(vdev, VIRTIO_NET_F_GUEST_TSO6))
			flags |= TUN_F_TSO6;
	}
	if (ioctl(n->fd, TUNSETOFFLOAD, flags))
		pr_warn("%s: TUNSETOFFLOAD 0x%x: %s", n->name, flags, strerror(errno));
}

static int net_start(struct virtio_dev *vdev)
{
	struct net *n = vdev->priv;
	int ret;

	n->mergeable = virtio_dev__has(vdev, VIRTIO_NET_F_MRG_RXBUF);
	if (n->tap)
		set_offloads(n);
	if (vdev->vhost) {
		ret = vhost__start(&n->vh, vdev, n->fd);
		if (ret)
			pr_warn("%s: vhost-net would not take the queues: %s", n->name,
				strerror(-ret));
		return ret;
	}
	n->started = true;
	/* buffers posted before DRIVER_OK: look at both queues on the loop */
	virtio_dev__kick(&vdev->vqs[RX_QUEUE]);
	virtio_dev__kick(&vdev->vqs[TX_QUEUE]);
	return 0;
}

static void net_reset(struct virtio_dev *vdev)
{
	struct net *n = vdev->priv;

	n->started = false;	/* under the lock the queues are served with */
	if (vdev->vhost)
		vhost__stop(&n->vh, vdev);
	else
		watch_frames(n, false);
	/* the next driver may take no offloads (frames queued meanwhile: rx_header_ok()) */
	if (n->tap && ioctl(n->fd, TUNSETOFFLOAD, 0))
		pr_debug("%s: TUNSETOFFLOAD 0: %s", n->name, strerror(errno));
	/* the held chains were the guest's queue's; the frame is dropped */
	n->nr_held = 0;
	n->held_room = 0;
	if (n->rx_len)
		n->rx_dropped++;
	n->rx_len = 0;
}

static const struct virtio_dev_ops net_ops = {
	.start	= net_start,
	.reset	= net_reset,
};

/* ---- set-up ---------------------------------------------------------------- */

/*
 * vhost=on: from now on the kernel serves the queues, reading and writing
 * the tap itself; the main loop no longer watches the tap or the notifies.
 * 0 or -errno (@fd closed either way).
 */
static int use_vhost(struct net *n, int fd)
{
	struct loop *loop = &n->vm->loop;

	loop__del(loop, n->vdev.vqs[RX_QUEUE].notify_fd);
	loop__del(loop, n->vdev.vqs[TX_QUEUE].notify_fd);
	loop__del(loop, n->fd);
	return vhost__init(&n->vh, &n->vdev, fd);
}

void virtio_net__destroy(void *state)
{
	struct net *n = state;
	struct loop *loop = &n->vm->loop;

	if (n->vdev.vqs[RX_QUEUE].notify_fd >= 0) {
		loop__del(loop, n->vdev.vqs[RX_QUEUE].notify_fd);
		loop__del(loop, n->vdev.vqs[TX_QUEUE].notify_fd);
	}
	loop__del(loop, n->fd);
	if (n->vdev.vhost)
		vhost__destroy(&n->vh, &n->vdev);
	close(n->fd);
	if (n->passt_pidfd >= 0) {
		loop__del(loop, n->passt_pidfd);
		close(n->passt_pidfd);
	}
	passt__stop(&n->passt);
	virtio_dev__remove(&n->vdev);
	virtio_dev__destroy(&n->vdev);
	if (n->tx_dropped || n->rx_dropped)
		pr_info("%s: %" PRIu64 " frames dropped out, %" PRIu64 " in", n->name,
			n->tx_dropped, n->rx_dropped);
	free(n);
}

/* How many NICs the VM has before this one: eth0, eth1, ... in order. */
static unsigned int nic_index(const struct vm *vm, const char *arg)
{
	const struct vm_config *cfg = vm->cfg;
	unsigned int i, nr = 0;

	for (i = 0; i < cfg->nr_dev_args && cfg->dev_args[i].value != arg; i++)
		if (cfg->dev_args[i].desc == &net_dev &&
		    strcmp(cfg->dev_args[i].value, "mode=none"))
			nr++;
	return nr;
}

int virtio_net__create(struct vm *vm, int fd, const u8 *mac, unsigned int index,
		       const char *backend, void **state)
{
	struct net *n;
	u64 features;
	int ret;

	n = calloc(1, sizeof(*n));
	if (!n) {
		close(fd);
		return -ENOMEM;
	}
	n->vm = vm;
	n->fd = fd;
	n->passt.pid = -1;
	n->passt.fd = -1;
	n->passt_pidfd = -1;
	snprintf(n->name, sizeof(n->name), "virtio-net eth%u", index);
	features = (1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS) |
		   (1ULL << VIRTIO_NET_F_MRG_RXBUF);
	/* a tap takes the guest's offloads: checksums and TSO both ways */
	n->tap = !ioctl(fd, TUNSETOFFLOAD, 0);
	{
		int type = 0;
		socklen_t tlen = sizeof(type);

		if (!getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen)) {
			n->stream = type == SOCK_STREAM;
			n->socket = !n->stream;
		}
	}
	if (n->tap)
		features |= (1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_CSUM) |
			    (1ULL << VIRTIO_NET_F_HOST_TSO4) | (1ULL << VIRTIO_NET_F_HOST_TSO6) |
			    (1ULL << VIRTIO_NET_F_GUEST_TSO4) | (1ULL << VIRTIO_NET_F_GUEST_TSO6);
	ret = virtio_dev__init(&n->vdev, vm, n->name, VIRTIO_ID_NET, features, 2,
			       NET_QUEUE_SIZE);
	if (ret) {
		close(fd);
		free(n);
		return ret;
	}
	n->vdev.ops = &net_ops;
	n->vdev.priv = n;
	memcpy(n->config.mac, mac, 6);
	n->config.status = htole16(VIRTIO_NET_S_LINK_UP);
	n->config.max_virtqueue_pairs = htole16(1);
	n->vdev.config = (u8 *)&n->config;
	n->vdev.config_size = offsetof(struct virtio_net_config, mtu);

	ret = loop__add(&vm->loop, fd, 0, on_frames, n);
	if (!ret)
		ret = loop__add(&vm->loop, n->vdev.vqs[RX_QUEUE].notify_fd, EPOLLIN, on_rx, n);
	if (!ret)
		ret = loop__add(&vm->loop, n->vdev.vqs[TX_QUEUE].notify_fd, EPOLLIN, on_tx, n);
	if (!ret)
		ret = virtio_dev__add(&n->vdev);
	if (ret) {
		virtio_net__destroy(n);
		return ret;
	}
	pr_info("%s: %s, MAC %02x:%02x:%02x:%02x:%02x:%02x", n->name, backend,
		mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	*state = n;
	return 0;
}

/*
 * passt's port-forward arguments for @p's hostfwd keys, into @args (at
 * most 4 and a NULL) with their text in @tcp and @udp: "-t 2222:22,8080:80".
 */
static void passt_args(const struct net_params *p, const char **args,
		       char *tcp, char *udp, size_t len)
{
	unsigned int i, n = 0;
	size_t tl = 0, ul = 0;

	*tcp = *udp = 0;
	for (i = 0; i < p->nr_fwds; i++) {
		const struct net_fwd *f = &p->fwds[i];

		if (f->udp)
			ul += snprintf(udp + ul, len - ul, "%s%u:%u", ul ? "," : "",
				       f->host, f->guest);
		else
			tl += snprintf(tcp + tl, len - tl, "%s%u:%u", tl ? "," : "",
				       f->host, f->guest);
	}
	if (*tcp) {
		args[n++] = "-t";
		args[n++] = tcp;
	}
	if (*udp) {
		args[n++] = "-u";
		args[n++] = udp;
	}
	args[n] = NULL;
}

/* The passt we started ended: say how (its socket's end takes the link down). */
static void on_passt_exit(void *opaque, u32 events __unused)
{
	struct net *n = opaque;
	char why[64];

	if (!passt__exited(&n->passt, why, sizeof(why)))
		return;
	pr_warn("%s: passt %s", n->name, why);
	loop__del(&n->vm->loop, n->passt_pidfd);
	close(n->passt_pidfd);
	n->passt_pidfd = -1;
}

/*
 * The NIC owns @passt from now on; its end is reported as it happens
 * (a pidfd in the loop, where the kernel has them: 5.3 and later).
 */
static void watch_passt(struct net *n, const struct passt *passt)
{
	n->passt = *passt;
	n->passt_pidfd = syscall(SYS_pidfd_open, passt->pid, 0);
	if (n->passt_pidfd < 0)
		return;		/* (a pidfd is close-on-exec from the start) */
	if (loop__add(&n->vm->loop, n->passt_pidfd, EPOLLIN, on_passt_exit, n)) {
		close(n->passt_pidfd);
		n->passt_pidfd = -1;
	}
}

/*
 * mode=user: start passt on a socket of its own.  The fd, with passt in
 * @passt, or -1 after a log line.
 */
static int start_passt(const struct net_params *p, const char *opt,
		       struct passt *passt)
{
	/* NET_MAX_FWDS "65535:65535," each */
	char path[4096], err[256], tcp[NET_MAX_FWDS * 12], udp[NET_MAX_FWDS * 12];
	const char *args[5];

	if (!passt__find(path, sizeof(path))) {
		pr_err("--network %s: passt is not installed (apt install passt) or not on PATH",
		       opt);
		return -1;
	}
	passt_args(p, args, tcp, udp, sizeof(tcp));
	if (passt__start(passt, path, args, err, sizeof(err))) {
		pr_err("--network %s: %s", opt, err);
		return -1;
	}
	return passt->fd;
}

/* The implicit NIC: lkvm's default, user networking, where passt is. */
static const char implicit_user[] = "mode=user";

static const char *net_implicit(const struct vm_config *cfg)
{
	char path[4096];

	if (cfg->nodefaults)
		return NULL;
	if (!passt__find(path, sizeof(path))) {
		pr_info("no network: passt is not installed (apt install passt); -n mode=none says so quietly");
		return NULL;
	}
	return implicit_user;
}

static int net_init(struct vm *vm, const char *arg, void **state)
{
	char err[256], ifname[IFNAMSIZ], backend[48];
	struct passt passt = { .pid = -1, .fd = -1 };
	struct net_params p;
	unsigned int index;
	int fd, ret, vhost_fd = -1;

	if (parse_network(arg, &p, err, sizeof(err))) {
		pr_err("%s", err);
		return -DEVICE_EREPORTED;
	}
	if (p.mode == NET_MODE_NONE)
		return 1;
	index = nic_index(vm, arg);
	if (!p.has_mac)
		default_mac(vm->cfg->name ? vm->cfg->name : "", index, p.mac);
	if (p.mode == NET_MODE_USER) {
		fd = start_passt(&p, arg, &passt);
		snprintf(backend, sizeof(backend), "passt (pid %d)", (int)passt.pid);
	} else if (p.mode == NET_MODE_PASST) {
		fd = open_passt(&p, arg);
		snprintf(backend, sizeof(backend), "passt");
	} else {
		fd = open_tap(&p, arg, ifname);
		snprintf(backend, sizeof(backend), "tap %s", ifname);
	}
	if (fd < 0)
		return -DEVICE_EREPORTED;
	if (p.vhost) {
		vhost_fd = vhost__open("/dev/vhost-net", err, sizeof(err));
		if (vhost_fd < 0) {
			pr_err("--network %s: %s", arg, err);
			close(fd);
			return -DEVICE_EREPORTED;
		}
		strncat(backend, ", vhost-net", sizeof(backend) - strlen(backend) - 1);
	}
	ret = virtio_net__create(vm, fd, p.mac, index, backend, state);
	if (ret) {
		if (vhost_fd >= 0)
			close(vhost_fd);
		passt__stop(&passt);
		return ret;
	}
	if (passt.pid > 0)
		watch_passt(*state, &passt);
	if (vhost_fd >= 0) {
		ret = use_vhost(*state, vhost_fd);
		if (ret) {
			pr_err("--network %s: vhost-net: %s", arg, strerror(-ret));
			virtio_net__destroy(*state);
			return -DEVICE_EREPORTED;
		}
	}
	return 0;
}

static int net_fdt(struct vm *vm __unused, void *state, void *fdt)
{
	struct net *n = state;

	return virtio_dev__fdt(&n->vdev, fdt);
}

static void net_exit(struct vm *vm __unused, void *state)
{
	virtio_net__destroy(state);
}

static const struct device_option network_option = {
	.name		= "network",
	.short_name	= 'n',
	.metavar	= "mode=user[,hostfwd=tcp|udp:HOSTPORT:GUESTPORT]...|mode=tap[,tapif=NAME][,vhost=on]|mode=passt,socket=PATH|mode=none, each [,guest_mac=MAC]",
	.help		= "a NIC (virtio-net): given again, the next one (eth0,\n"
			  "eth1, ...).  mode=user: user networking, no privilege\n"
			  "needed, through a passt the vmm starts and stops (DHCP,\n"
			  "DNS, the host's loopback at the gateway's address;\n"
			  "hostfwd: a host port, on all its addresses, to the\n"
			  "guest's).  mode=tap: on tap NAME (made if absent, which\n"
			  "takes CAP_NET_ADMIN; brought up if allowed); vhost=on:\n"
			  "its queues in the host kernel (/dev/vhost-net).\n"
			  "mode=passt: through the passt listening at PATH.\n"
			  "guest_mac: default 02:15 and a hash of --name.\n"
			  "Default: mode=user if passt is on PATH, else no NIC;\n"
			  "none with --nodefaults or mode=none",
	.check		= check_network,
};

static const struct device_desc net_dev = {
	.name	= "virtio-net",
	.order	= 12,
	.option	= &network_option,
	.implicit = net_implicit,
	.init	= net_init,
	.fdt	= net_fdt,
	.exit	= net_exit,
};
DEVICE_REGISTER(net_dev);
