// SPDX-License-Identifier: GPL-2.0
/*
 * tcpxfer [-6] B R: one TCP connection over loopback (127.0.0.1, or ::1
 * with -6) with exactly B bytes from the client to the server and R bytes
 * back, then the client closes first and the server after it sees EOF.
 * The client is a forked child.  Prints "server=PORT client=PORT
 * spid=PID cpid=PID" for the suite to find the session's records.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void xfer_write(int fd, unsigned long n)
{
	char buf[4096];
	ssize_t r;

	memset(buf, 'x', sizeof(buf));
	while (n) {
		r = write(fd, buf, n < sizeof(buf) ? n : sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			die("write");
		n -= r;
	}
}

/* Reads exactly @n bytes, or until EOF when @n is ULONG_MAX. */
static unsigned long xfer_read(int fd, unsigned long n)
{
	unsigned long got = 0;
	char buf[4096];
	ssize_t r;

	while (got < n) {
		r = read(fd, buf, n - got < sizeof(buf) ? n - got : sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("read");
		if (!r)
			break;
		got += r;
	}
	return got;
}

static unsigned long parse(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-') {
		fprintf(stderr, "tcpxfer: invalid byte count '%s'\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t len = sizeof(ss);
	unsigned long b, r, got;
	int v6 = 0, lfd, fd, st, port, cport;
	pid_t child;

	if (argc > 1 && !strcmp(argv[1], "-6")) {
		v6 = 1;
		argv++;
		argc--;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: tcpxfer [-6] B R\n");
		return 2;
	}
	b = parse(argv[1]);
	r = parse(argv[2]);

	memset(&ss, 0, sizeof(ss));
	if (v6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
	} else {
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	}
	lfd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	if (bind(lfd, (struct sockaddr *)&ss, len) || listen(lfd, 1))
		die("bind/listen");
	if (getsockname(lfd, (struct sockaddr *)&ss, &len))
		die("getsockname");
	port = ntohs(v6 ? sin6->sin6_port : sin->sin_port);

	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		close(lfd);
		fd = socket(ss.ss_family, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len))
			die("connect");
		xfer_write(fd, b);
		if (xfer_read(fd, r) != r)
			die("short read in the client");
		close(fd);
		_exit(0);
	}

	fd = accept(lfd, (struct sockaddr *)&ss, &len);
	if (fd < 0)
		die("accept");
	close(lfd);
	cport = ntohs(v6 ? sin6->sin6_port : sin->sin_port);
	got = xfer_read(fd, b);
	if (got != b) {
		fprintf(stderr, "tcpxfer: server got %lu of %lu bytes\n", got, b);
		return 1;
	}
	xfer_write(fd, r);
	/* The client closes first: wait for its FIN, then close. */
	if (xfer_read(fd, 1) != 0) {
		fprintf(stderr, "tcpxfer: data after the transfer\n");
		return 1;
	}
	close(fd);
	if (waitpid(child, &st, 0) != child || !WIFEXITED(st) ||
	    WEXITSTATUS(st))
		return 1;
	printf("server=%d client=%d spid=%d cpid=%d\n", port, cport,
	       (int)getpid(), (int)child);
	return 0;
}
