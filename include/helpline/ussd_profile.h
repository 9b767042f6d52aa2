/*
 * ussd_profile.h - how one USSD aggregator speaks (protocols.md section 2),
 * read from an adapter's config section, and the pure parts of the USSD
 * adapter: finding the latest input in a request and rendering a reply.
 *
 * The defaults are Africa's Talking: a form POST with sessionId,
 * phoneNumber, serviceCode and a cumulative `text` ("1*2*4"), answered in
 * text/plain starting "CON " or "END ".  Other aggregators (Hubtel, Nalo,
 * Arkesel, GET-style resellers) differ only in field names, JSON or form,
 * cumulative or per-step input, how a new session is marked and how the
 * end of a session is written in the reply: all of that is a profile, so
 * another gateway is a config section, not another adapter.
 *
 * Request fields are reached through a getter (hl_ussd_get_cb), so this
 * module knows nothing of HTTP or of how the body was decoded.  Every value
 * it sees is personal data; none is copied or kept.
 */
#ifndef HELPLINE_USSD_PROFILE_H
#define HELPLINE_USSD_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

struct hl_config;
struct json_t;

#define HL_USSD_MAX_ECHO 16		/* reply_echo, reply_constant */
#define HL_USSD_PREFIX_MAX 32		/* bytes of a prefix, with NUL */
#define HL_USSD_MAX_SESSION_ID 128	/* bytes of a gateway session id */
#define HL_USSD_MAX_SENDER 64		/* bytes of a sender as sent */
#define HL_USSD_MAX_TEXT_DEFAULT 182	/* a USSD string (GSM-7) */

enum hl_ussd_request_kind {
	HL_USSD_REQ_FORM,	/* POST application/x-www-form-urlencoded */
	HL_USSD_REQ_JSON,	/* POST application/json, one object */
	HL_USSD_REQ_QUERY,	/* GET with a query string */
};

enum hl_ussd_input_mode {
	HL_USSD_INPUT_CUMULATIVE,	/* all inputs of the session, joined */
	HL_USSD_INPUT_STEP,		/* the latest input only */
};

enum hl_ussd_reply_kind {
	HL_USSD_REPLY_TEXT,	/* text/plain: prefix + screen */
	HL_USSD_REPLY_JSON,	/* application/json object */
};

enum hl_ussd_secret_in {
	HL_USSD_SECRET_HEADER,
	HL_USSD_SECRET_PATH,
};

/* A value written into a JSON reply: a string, or a JSON boolean when the
 * config says the literal true or false. */
struct hl_ussd_value {
	const char *str;	/* borrowed from the config */
	int boolean;		/* -1: a string; else 0 or 1 */
};

/* One constant member of every JSON reply (reply_constant). */
struct hl_ussd_constant {
	char *name;
	char *value;
};

/* A profile; strings are borrowed from the config unless noted. */
struct hl_ussd_profile {
	const char *path;
	enum hl_ussd_request_kind request;
	const char *field_session;
	const char *field_sender;
	const char *field_text;
	const char *field_service;	/* NULL: not required */
	const char *field_sequence;	/* NULL: none (hl_ussd_request) */
	enum hl_ussd_input_mode input;
	char separator;			/* cumulative mode: '*' */
	const char *field_new_session;	/* NULL: a new session is an empty
					 * input (cumulative) */
	const char *new_session_value;
	unsigned max_text;		/* characters of the latest input */

	enum hl_ussd_reply_kind reply;
	char continue_prefix[HL_USSD_PREFIX_MAX];
	char end_prefix[HL_USSD_PREFIX_MAX];
	const char *reply_text_field;
	const char *reply_end_field;
	struct hl_ussd_value reply_continue;
	struct hl_ussd_value reply_end;
	char *echo[HL_USSD_MAX_ECHO];	/* owned */
	size_t n_echo;
	struct hl_ussd_constant constant[HL_USSD_MAX_ECHO];	/* owned */
	size_t n_constant;
	const char *failure_text;	/* END screen for an internal error */

	const char *secret;		/* NULL: none */
	enum hl_ussd_secret_in secret_in;
	const char *secret_header;
};

/* Returns the value of a request field as a string, or NULL if absent.
 * The string lives as long as the request. */
typedef const char *(*hl_ussd_get_cb)(void *ctx, const char *name);

/* What a request asks of the core, borrowed from the request. */
struct hl_ussd_request {
	const char *session_id;
	const char *sender;
	const char *text;	/* the latest input ("" on a new session) */
	size_t text_len;
	bool new_session;
	/* The request's number within its session (cumulative: how many
	 * inputs the text holds; step: field_sequence), or -1 if unknown.
	 * A gateway that sends the same request twice sends the same
	 * number, which lets the core answer a retry without moving on. */
	long step;
};

/* Reads a profile from config section `section` into *p (cleared first).
 * Returns 0, or -1 with a message naming the section and key in err
 * (then *p holds nothing to free). */
int hl_ussd_profile_load(struct hl_ussd_profile *p, struct hl_config *cfg,
    const char *section, char *err, size_t errlen);

/* Frees what a profile owns. */
void hl_ussd_profile_clear(struct hl_ussd_profile *p);

/*
 * Finds the latest input in cumulative text s[0..len): the part after the
 * last separator ("1*2*4" -> "4", "1*2*" -> "", "" -> "").  Sets *off to
 * where it starts and returns how many inputs s holds (0 for "", 3 for
 * "1*2*").  An input that itself contains the separator cannot be told
 * apart from two inputs; only its last part is seen.
 */
size_t hl_ussd_last_input(const char *s, size_t len, char separator,
    size_t *off);

/*
 * Reads a request through get into *out.  Returns 0, or an HTTP status
 * with *problem set to a short reason that quotes no value: 400 for a
 * missing or empty required field or an unusable sequence, 413 for a
 * value over its cap (the latest input over max_text characters, counted
 * in bytes if it is not valid UTF-8).
 */
int hl_ussd_request_read(const struct hl_ussd_profile *p, hl_ussd_get_cb get,
    void *ctx, struct hl_ussd_request *out, const char **problem);

/*
 * Renders a reply screen text[0..len) as the gateway wants it, into a new
 * buffer *body (NUL-terminated, *body_len bytes; the caller wipes and
 * frees it) and its *content_type (static).  A JSON reply copies the
 * reply_echo fields from the request: from request_obj with their JSON
 * types when the request was JSON, else as strings through get (an absent
 * field is left out).  Returns 0, or -1 on out of memory.
 */
int hl_ussd_render(const struct hl_ussd_profile *p, const char *text,
    size_t len, bool end, const struct json_t *request_obj,
    hl_ussd_get_cb get, void *ctx, char **body, size_t *body_len,
    const char **content_type);

#endif
