/*
 * log.h - levelled logging to stderr or syslog, with libevent's own messages
 * routed in.
 *
 * Log lines carry event kinds and counters only (DESIGN.md section 5 rule 6):
 * never a phone number, a message text, a pseudonym, a request line, a query
 * string or a gateway message id.  Phone numbers and texts live in their own
 * struct types (struct hl_phone, struct hl_msg_text) so they cannot be passed
 * to these printf-style functions by accident.
 */
#ifndef HELPLINE_LOG_H
#define HELPLINE_LOG_H

#include <stdbool.h>

enum hl_log_level {
	HL_LOG_ERR,
	HL_LOG_WARN,
	HL_LOG_INFO,
	HL_LOG_DEBUG,
};

/* Starts logging to stderr, or to syslog with ident if use_syslog.  Also
 * routes libevent's messages into the log. */
void hl_log_open(const char *ident, bool use_syslog, enum hl_log_level level);

/* Changes the level. */
void hl_log_set_level(enum hl_log_level level);

/* Parses "err", "warn", "info" or "debug".  Returns 0 or -1. */
int hl_log_level_parse(const char *name, enum hl_log_level *out);

/* Closes syslog if open. */
void hl_log_close(void);

/* Logs one line at a level; untrusted strings must not be passed in. */
void hl_log(enum hl_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define hl_log_err(...) hl_log(HL_LOG_ERR, __VA_ARGS__)
#define hl_log_warn(...) hl_log(HL_LOG_WARN, __VA_ARGS__)
#define hl_log_info(...) hl_log(HL_LOG_INFO, __VA_ARGS__)
#define hl_log_debug(...) hl_log(HL_LOG_DEBUG, __VA_ARGS__)

#endif
