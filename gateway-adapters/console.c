/*
 * console.c - a conversation on stdin/stdout, for a newcomer and for tests.
 *
 * Each line typed is one message from a fixed sender (`from`, default a
 * number in the Dutch test range) on a channel (`channel`, sms or ussd);
 * each reply is printed followed by an empty line.  A line longer than
 * `max_text` bytes is cut at a character boundary.  At end of input the
 * console asks the daemon to stop.  A line over the rate limit
 * ([ratelimit]) gets no reply; the console says so in brackets, as it
 * does for an internal error, because the terminal is the operator's and
 * a silent prompt would look like a hang.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "helpline/adapter.h"
#include "helpline/config.h"
#include "helpline/core.h"
#include "helpline/log.h"
#include "helpline/text.h"

#define CONSOLE_MAX_TEXT_DEFAULT 1600
#define CONSOLE_READ_CHUNK 4096

struct console_adapter {
	struct event_base *base;
	struct hl_core *core;
	struct event *read_ev;
	struct evbuffer *input;
	const char *from;		/* borrowed from the config */
	enum hl_channel channel;
	unsigned max_text;
	bool interactive;
	bool from_file;		/* stdin is a regular file: epoll cannot
				 * watch it, so read a chunk per iteration */
	bool stopped;
	void (*request_stop)(void *);
	void *stop_ctx;
};

/* Shows a prompt when a person is typing. */
static void
console_prompt(const struct console_adapter *ca)
{
	if (ca->interactive) {
		fputs("> ", stdout);
		fflush(stdout);
	}
}

/* Prints a reply. */
static void
console_reply_cb(const struct hl_reply *reply, void *ctx)
{
	struct console_adapter *ca = ctx;

	if (reply->status == HL_REPLY_FAILED)
		fputs("[internal error]\n", stdout);
	else if (reply->status == HL_REPLY_FLOODED)
		fputs("[no reply: over the rate limit]", stdout);
	else
		fwrite(reply->text, 1, reply->len, stdout);
	if (reply->end)
		fputs("\n[session ended]", stdout);
	fputs("\n\n", stdout);
	fflush(stdout);
	(void)ca;
}

/* Submits one line of input as a message. */
static void
console_submit(struct console_adapter *ca, char *line, size_t len)
{
	struct hl_inbound in = {
		.adapter = "console",
		.channel = ca->channel,
		.sender = ca->from,
	};

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len > ca->max_text) {
		len = hl_utf8_is_valid(line, len) ?
		    hl_utf8_truncate(line, len, ca->max_text) : ca->max_text;
	}
	in.text.bytes = line;
	in.text.len = len;
	hl_core_submit(ca->core, &in, console_reply_cb, ca);
}

/* Takes every complete line in the input buffer. */
static void
console_drain(struct console_adapter *ca, bool at_eof)
{
	char *line;
	size_t len;

	while ((line = evbuffer_readln(ca->input, &len,
	    EVBUFFER_EOL_LF)) != NULL) {
		console_submit(ca, line, len);
		explicit_bzero(line, len);
		free(line);
		console_prompt(ca);
	}
	if (at_eof && (len = evbuffer_get_length(ca->input)) > 0) {
		line = malloc(len + 1);
		if (line != NULL && evbuffer_remove(ca->input, line, len) ==
		    (int)len) {
			line[len] = '\0';
			console_submit(ca, line, len);
			explicit_bzero(line, len);
		}
		free(line);
	}
	/* A line with no end in sight: cap what we hold. */
	if (evbuffer_get_length(ca->input) > (size_t)ca->max_text * 4 + 16)
		evbuffer_drain(ca->input, evbuffer_get_length(ca->input));
}

/* Reads what stdin has. */
static void
console_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct console_adapter *ca = arg;
	int n;

	(void)fd;
	(void)what;
	n = evbuffer_read(ca->input, STDIN_FILENO, CONSOLE_READ_CHUNK);
	if (n > 0) {
		console_drain(ca, false);
		if (ca->from_file && !ca->stopped)
			event_active(ca->read_ev, EV_READ, 0);
		return;
	}
	console_drain(ca, true);
	event_del(ca->read_ev);
	hl_log_info("console: end of input");
	if (ca->request_stop != NULL)
		ca->request_stop(ca->stop_ctx);
}

/* Reads [adapter.console]. */
static void *
console_create(const struct hl_adapter_env *env, char *err, size_t errlen)
{
	struct console_adapter *ca = calloc(1, sizeof *ca);
	const char *channel;

	if (ca == NULL || (ca->input = evbuffer_new()) == NULL) {
		snprintf(err, errlen, "console: out of memory");
		free(ca);
		return NULL;
	}
	ca->base = env->base;
	ca->core = env->core;
	ca->request_stop = env->request_stop;
	ca->stop_ctx = env->stop_ctx;
	ca->interactive = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	if (hl_config_str(env->config, env->section, "from", "+31600000000",
	    &ca->from, err, errlen) == -1 ||
	    hl_config_str(env->config, env->section, "channel", "sms",
	    &channel, err, errlen) == -1 ||
	    hl_config_uint(env->config, env->section, "max_text",
	    CONSOLE_MAX_TEXT_DEFAULT, 1, 65536, &ca->max_text, err,
	    errlen) == -1)
		goto fail;
	if (hl_channel_parse(channel, &ca->channel) == -1) {
		snprintf(err, errlen, "[%s] channel: expected sms or ussd",
		    env->section);
		goto fail;
	}
	return ca;
fail:
	evbuffer_free(ca->input);
	free(ca);
	return NULL;
}

/* Starts reading stdin. */
static int
console_start(void *state)
{
	struct console_adapter *ca = state;
	struct stat st;

	ca->from_file = fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode);
	if (ca->from_file) {
		ca->read_ev = event_new(ca->base, -1, 0, console_read_cb, ca);
		if (ca->read_ev == NULL)
			return -1;
		event_active(ca->read_ev, EV_READ, 0);
	} else {
		ca->read_ev = event_new(ca->base, STDIN_FILENO,
		    EV_READ | EV_PERSIST, console_read_cb, ca);
		if (ca->read_ev == NULL || event_add(ca->read_ev, NULL) == -1)
			return -1;
	}
	if (ca->interactive) {
		fputs("helplined console: type a message and press Enter "
		    "(Ctrl-D ends).\n", stdout);
	}
	console_prompt(ca);
	return 0;
}

/* Stops reading stdin. */
static void
console_stop(void *state)
{
	struct console_adapter *ca = state;

	ca->stopped = true;
	if (ca->read_ev != NULL)
		event_del(ca->read_ev);
}

/* Frees the console. */
static void
console_free(void *state)
{
	struct console_adapter *ca = state;

	if (ca->read_ev != NULL)
		event_free(ca->read_ev);
	evbuffer_free(ca->input);
	free(ca);
}

const struct hl_adapter_ops hl_adapter_console = {
	.name = "console",
	.create = console_create,
	.start = console_start,
	.stop = console_stop,
	.free = console_free,
};
