/*
 * log.c - levelled logging to stderr or syslog.
 *
 * libevent's own warnings are routed here too, so one place decides what
 * reaches the log.  Callers pass event kinds and counters only: see log.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <event2/event.h>

#include "helpline/log.h"

static bool log_syslog;
static enum hl_log_level log_level = HL_LOG_INFO;

static const char *const log_names[] = {
	[HL_LOG_ERR] = "err",
	[HL_LOG_WARN] = "warn",
	[HL_LOG_INFO] = "info",
	[HL_LOG_DEBUG] = "debug",
};

/* Routes a libevent message into our log at a matching level. */
static void
log_from_libevent(int severity, const char *msg)
{
	enum hl_log_level level;

	switch (severity) {
	case EVENT_LOG_DEBUG:
		level = HL_LOG_DEBUG;
		break;
	case EVENT_LOG_MSG:
		level = HL_LOG_INFO;
		break;
	case EVENT_LOG_WARN:
		level = HL_LOG_WARN;
		break;
	default:
		level = HL_LOG_ERR;
		break;
	}
	hl_log(level, "libevent: %s", msg);
}

/* Starts logging. */
void
hl_log_open(const char *ident, bool use_syslog, enum hl_log_level level)
{
	log_syslog = use_syslog;
	log_level = level;
	if (use_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	event_set_log_callback(log_from_libevent);
}

/* Changes the level. */
void
hl_log_set_level(enum hl_log_level level)
{
	log_level = level;
}

/* Parses a level name. */
int
hl_log_level_parse(const char *name, enum hl_log_level *out)
{
	for (size_t i = 0; i < sizeof log_names / sizeof log_names[0]; i++) {
		if (strcmp(name, log_names[i]) == 0) {
			*out = (enum hl_log_level)i;
			return 0;
		}
	}
	return -1;
}

/* Closes syslog if open. */
void
hl_log_close(void)
{
	if (log_syslog)
		closelog();
	log_syslog = false;
}

/* Logs one line. */
void
hl_log(enum hl_log_level level, const char *fmt, ...)
{
	static const int syslog_prio[] = {
		[HL_LOG_ERR] = LOG_ERR,
		[HL_LOG_WARN] = LOG_WARNING,
		[HL_LOG_INFO] = LOG_INFO,
		[HL_LOG_DEBUG] = LOG_DEBUG,
	};
	char line[1024];
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);

	/* Strip control characters so no caller can forge a log line. */
	for (char *p = line; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	}
	if (log_syslog) {
		syslog(syslog_prio[level], "%s", line);
		return;
	}

	char stamp[32];
	struct tm tm;
	time_t now = time(NULL);

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s helplined[%s]: %s\n", stamp, log_names[level],
	    line);
}
