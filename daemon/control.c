/*
 * control.c - the Unix control socket's transport (control.h).
 *
 * One request per connection, read up to its newline (bounded by
 * HL_CONTROL_MAX_REQUEST and a read timeout), parsed with jansson, answered
 * by the daemon's callback, written back, closed.  Requests are rare and
 * come from coordinators' tools, so each is handled whole in one callback.
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "helpline/control.h"
#include "helpline/log.h"

#define CONTROL_TIMEOUT_S 30
#define CONTROL_MAX_READ (1 << 20)
#define CONTROL_MAX_CONNS 16	/* coordinators, not crowds */

struct control_conn {
	struct hl_control *ctl;
	struct bufferevent *bev;
	struct control_conn *next;
	size_t searched;	/* input already searched for the newline */
	bool answered;		/* closes once the response is written */
};

struct hl_control {
	struct event_base *base;
	struct evconnlistener *listener;
	struct control_conn *conns;
	size_t n_conns;
	hl_control_cb cb;
	void *arg;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

/* Closes one connection and unlinks it from the list. */
static void
control_conn_close(struct control_conn *c)
{
	struct control_conn **pp = &c->ctl->conns;

	while (*pp != NULL && *pp != c)
		pp = &(*pp)->next;
	if (*pp != NULL) {
		*pp = c->next;
		c->ctl->n_conns--;
	}
	bufferevent_free(c->bev);
	free(c);
}

/* Writes a response line and marks the connection for closing. */
static void
control_respond(struct control_conn *c, json_t *response)
{
	char *text = json_dumps(response, JSON_COMPACT);

	if (text == NULL || bufferevent_write(c->bev, text, strlen(text)) ==
	    -1 || bufferevent_write(c->bev, "\n", 1) == -1) {
		free(text);
		control_conn_close(c);
		return;
	}
	free(text);
	c->answered = true;
	bufferevent_disable(c->bev, EV_READ);
}

/* Answers with an error object. */
static void
control_refuse(struct control_conn *c, const char *code, const char *msg)
{
	json_t *r = json_pack("{s:b,s:s,s:s}", "ok", 0, "error", code,
	    "message", msg);

	if (r == NULL) {
		control_conn_close(c);
		return;
	}
	control_respond(c, r);
	json_decref(r);
}

/* Reads the request line once it is complete. */
static void
control_read_cb(struct bufferevent *bev, void *arg)
{
	struct control_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer_ptr eol, from;
	json_t *req, *resp;
	json_error_t jerr;
	char *line;
	size_t len;

	if (c->answered)
		return;
	evbuffer_ptr_set(in, &from, c->searched, EVBUFFER_PTR_SET);
	eol = evbuffer_search(in, "\n", 1, &from);
	if (eol.pos == -1) {
		c->searched = evbuffer_get_length(in);
		if (c->searched > HL_CONTROL_MAX_REQUEST)
			control_refuse(c, "too_large", "request too large");
		return;
	}
	len = (size_t)eol.pos;
	if ((line = malloc(len + 1)) == NULL) {
		control_conn_close(c);
		return;
	}
	evbuffer_remove(in, line, len + 1);
	line[len] = '\0';
	req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	free(line);
	if (req == NULL || !json_is_object(req)) {
		json_decref(req);
		control_refuse(c, "bad_request", "not a JSON object");
		return;
	}
	resp = c->ctl->cb(req, c->ctl->arg);
	json_decref(req);
	control_respond(c, resp);
	json_decref(resp);
}

/* Closes once the response is out, or on error, EOF or timeout. */
static void
control_write_cb(struct bufferevent *bev, void *arg)
{
	struct control_conn *c = arg;

	(void)bev;
	if (c->answered)
		control_conn_close(c);
}

/* Closes on EOF, error or timeout. */
static void
control_event_cb(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)what;
	control_conn_close(arg);
}

/* Takes a new connection. */
static void
control_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct hl_control *ctl = arg;
	struct control_conn *c = calloc(1, sizeof *c);
	struct timeval tv = { CONTROL_TIMEOUT_S, 0 };

	(void)l;
	(void)sa;
	(void)salen;
	if (ctl->n_conns == CONTROL_MAX_CONNS) {
		/* Each holds up to a menu in memory: bound them. */
		free(c);
		evutil_closesocket(fd);
		return;
	}
	if (c == NULL || (c->bev = bufferevent_socket_new(ctl->base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		free(c);
		evutil_closesocket(fd);
		return;
	}
	c->ctl = ctl;
	c->next = ctl->conns;
	ctl->conns = c;
	ctl->n_conns++;
	bufferevent_setcb(c->bev, control_read_cb, control_write_cb,
	    control_event_cb, c);
	/* A menu arrives in one read, not in a hundred slices each waiting
	 * for a turn of a busy event loop. */
	bufferevent_set_max_single_read(c->bev, CONTROL_MAX_READ);
	bufferevent_set_timeouts(c->bev, &tv, &tv);
	bufferevent_enable(c->bev, EV_READ);
}

/* Returns true if a daemon answers on the socket at path. */
static bool
control_is_alive(const struct sockaddr_un *sun)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool alive;

	if (fd == -1)
		return false;
	alive = connect(fd, (const struct sockaddr *)sun, sizeof *sun) == 0;
	close(fd);
	return alive;
}

/* Removes a socket a crashed daemon left, refusing to touch a live one or
 * anything that is not a socket. */
static int
control_clear_stale(const struct sockaddr_un *sun, char *err, size_t len)
{
	struct stat st;

	if (lstat(sun->sun_path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, len, "%s exists and is not a socket; not "
		    "replacing it", sun->sun_path);
		return -1;
	}
	if (control_is_alive(sun)) {
		snprintf(err, len, "%s: another helplined answers on this "
		    "control socket", sun->sun_path);
		return -1;
	}
	return unlink(sun->sun_path);
}

/*
 * Lets the group reach a socket in a directory of ours that only we may
 * enter (the state directory is 0700): the group gets search permission
 * (x, not r: it cannot list), so it reaches the socket and nothing else
 * (the database is 0600).
 */
static int
control_open_parent(const char *path, gid_t gid, char *err, size_t len)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;
	struct stat st;

	snprintf(dir, sizeof dir, "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		return 0;
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) == -1 || st.st_uid != geteuid() ||
	    (st.st_mode & S_IXGRP) != 0)
		return 0;
	if (chown(dir, (uid_t)-1, gid) == -1 ||
	    chmod(dir, (st.st_mode & 07777) | S_IXGRP) == -1) {
		snprintf(err, len, "%s: cannot let the control group reach "
		    "the socket: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* Gives the socket its group and mode: 0660 with a group, else 0600. */
static int
control_permissions(const char *path, const char *group, char *err,
    size_t len)
{
	struct group *gr;

	if (group == NULL)
		return chmod(path, 0600);
	if ((gr = getgrnam(group)) == NULL) {
		snprintf(err, len, "[control] group: no group named '%s' "
		    "(create it: groupadd %s)", group, group);
		return -1;
	}
	if (chown(path, (uid_t)-1, gr->gr_gid) == -1 ||
	    chmod(path, 0660) == -1) {
		snprintf(err, len, "%s: cannot give it group '%s': %s (the "
		    "daemon's user must be a member of the group; under "
		    "systemd: SupplementaryGroups=%s)", path, group,
		    strerror(errno), group);
		return -1;
	}
	return control_open_parent(path, gr->gr_gid, err, len);
}

/* Listens on the control socket. */
struct hl_control *
hl_control_new(struct event_base *base, const char *path, const char *group,
    hl_control_cb cb, void *arg, char *err, size_t errlen)
{
	struct hl_control *ctl = calloc(1, sizeof *ctl);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	mode_t old;

	if (ctl == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (strlen(path) >= sizeof sun.sun_path) {
		snprintf(err, errlen, "%s: path too long for a socket", path);
		goto fail;
	}
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	snprintf(ctl->path, sizeof ctl->path, "%s", path);
	ctl->base = base;
	ctl->cb = cb;
	ctl->arg = arg;
	if (control_clear_stale(&sun, err, errlen) == -1) {
		if (err[0] == '\0')
			snprintf(err, errlen, "%s: %s", path,
			    strerror(errno));
		goto fail;
	}
	/* Owner-only from the first moment; the group comes after. */
	old = umask(0177);
	ctl->listener = evconnlistener_new_bind(base, control_accept_cb, ctl,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 16,
	    (struct sockaddr *)&sun, sizeof sun);
	umask(old);
	if (ctl->listener == NULL) {
		snprintf(err, errlen, "%s: cannot listen: %s", path,
		    strerror(errno));
		goto fail;
	}
	if (control_permissions(path, group, err, errlen) == -1)
		goto fail;
	return ctl;
fail:
	hl_control_free(ctl);
	return NULL;
}

/* Stops listening and removes the socket. */
void
hl_control_free(struct hl_control *ctl)
{
	if (ctl == NULL)
		return;
	while (ctl->conns != NULL)
		control_conn_close(ctl->conns);
	if (ctl->listener != NULL) {
		evconnlistener_free(ctl->listener);
		unlink(ctl->path);
	}
	free(ctl);
}
