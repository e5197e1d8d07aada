// SPDX-License-Identifier: GPL-2.0
/*
 * udpxfer K S: K UDP datagrams of exactly S bytes over loopback
 * (127.0.0.1) from one socket to another of this process, each received
 * before the next is sent, so none is dropped: K packets of S + 28 bytes
 * (IPv4 and UDP headers) leave and K arrive, which netsize must count
 * (tests/vm/suites/74-bpf-only.sh).  Prints "sent=K bytes=S".
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define UDPXFER_MAX	65000

static void die(const char *what)
{
	perror(what);
	exit(1);
}

int main(int argc, char **argv)
{
	static char buf[UDPXFER_MAX + 1];
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	long k, s, i;
	int rx, tx;
	ssize_t r;

	if (argc != 3) {
		fprintf(stderr, "usage: udpxfer K S\n");
		return 2;
	}
	k = atol(argv[1]);
	s = atol(argv[2]);
	if (k < 0 || s < 0 || s > UDPXFER_MAX) {
		fprintf(stderr, "udpxfer: S is 0 to %d\n", UDPXFER_MAX);
		return 2;
	}
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rx = socket(AF_INET, SOCK_DGRAM, 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	if (rx < 0 || tx < 0)
		die("socket");
	if (bind(rx, (struct sockaddr *)&addr, sizeof(addr)) ||
	    getsockname(rx, (struct sockaddr *)&addr, &len))
		die("bind");
	memset(buf, 'u', sizeof(buf));
	for (i = 0; i < k; i++) {
		if (sendto(tx, buf, s, 0, (struct sockaddr *)&addr,
			   sizeof(addr)) != s)
			die("sendto");
		r = recv(rx, buf, sizeof(buf), 0);
		if (r != s)
			die("recv");
	}
	printf("sent=%ld bytes=%ld\n", k, s);
	return 0;
}
