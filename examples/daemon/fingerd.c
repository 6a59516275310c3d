/*
 * A small finger-style daemon that drops privileges the wrong way, for trying privlint:
 *   node bin/privlint.js examples/daemon
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <err.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <stdlib.h>
#include <syslog.h>
#include <unistd.h>

extern int listen_on(int port);
extern void serve_forever(int fd);

static void
drop_privileges(const struct passwd *pw)
{
	int spool = open("/var/spool/fingerd", O_RDONLY | O_DIRECTORY);

	if (chroot("/var/empty") == -1)
		err(1, "chroot");
	if (setuid(pw->pw_uid) == -1)
		syslog(LOG_WARNING, "setuid failed");
	(void)setgid(pw->pw_gid);
	(void)spool;
}

int
main(int argc, char *argv[])
{
	struct passwd *pw;
	int ch, port = 79, fd;

	while ((ch = getopt(argc, argv, "p:")) != -1)
		if (ch == 'p')
			port = atoi(optarg);
	if ((pw = getpwnam("_fingerd")) == NULL)
		errx(1, "no _fingerd user");
	fd = listen_on(port);
	drop_privileges(pw);
	serve_forever(fd);
	return 0;
}
