/*
 * ussd_profile.c - a USSD aggregator's profile from the config, and the
 * pure request/reply steps of the ussd adapter (ussd_profile.h).
 *
 * Kept apart from ussd.c so unit tests reach every rule without HTTP: how
 * the latest input is found in cumulative text, how a new session is
 * recognised, what is too long, and how CON/END or a JSON reply is
 * written.  Nothing here logs; values are personal data and are only
 * looked at, never copied.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "helpline/config.h"
#include "helpline/text.h"
#include "helpline/ussd_profile.h"

#define USSD_FAILURE_DEFAULT \
	"Sorry, er ging iets mis. Probeer het later opnieuw. / " \
	"Sorry, something went wrong. Please try again later."
#define USSD_SECRET_HEADER_DEFAULT "X-Helpline-Secret"
#define USSD_MAX_TEXT_LIMIT 4096
#define USSD_MAX_SEQUENCE_DIGITS 9

/* Reads one string key (def when absent). */
static int
profile_str(struct hl_config *cfg, const char *section, const char *key,
    const char *def, const char **out, char *err, size_t errlen)
{
	return hl_config_str(cfg, section, key, def, out, err, errlen);
}

/* Reads a key whose value must be one of names (NULL-terminated); *out
 * is the index.  Returns 0 or -1. */
static int
profile_enum(struct hl_config *cfg, const char *section, const char *key,
    const char *const *names, unsigned *out, char *err, size_t errlen)
{
	char list[64] = "";
	const char *v;

	if (profile_str(cfg, section, key, names[0], &v, err, errlen) == -1)
		return -1;
	for (unsigned i = 0; names[i] != NULL; i++) {
		if (strcmp(v, names[i]) == 0) {
			*out = i;
			return 0;
		}
		snprintf(list + strlen(list), sizeof list - strlen(list),
		    "%s%s", i ? ", " : "", names[i]);
	}
	snprintf(err, errlen, "[%s] %s: must be one of %s", section, key,
	    list);
	return -1;
}

/* Reads a field name; the value `none` means no field (NULL): INI has no
 * empty values. */
static int
profile_field(struct hl_config *cfg, const char *section, const char *key,
    const char *def, const char **out, char *err, size_t errlen)
{
	if (profile_str(cfg, section, key, def, out, err, errlen) == -1)
		return -1;
	if (*out != NULL && strcmp(*out, "none") == 0)
		*out = NULL;
	return 0;
}

/*
 * Reads a reply prefix into out.  INI values lose their trailing blanks,
 * so "CON " is written with quotes: continue_prefix = "CON ".  One pair of
 * surrounding double quotes is removed.
 */
static int
profile_prefix(struct hl_config *cfg, const char *section, const char *key,
    const char *def, char out[HL_USSD_PREFIX_MAX], char *err, size_t errlen)
{
	const char *v;
	size_t n;

	if (profile_str(cfg, section, key, def, &v, err, errlen) == -1)
		return -1;
	n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v++;
		n -= 2;
	}
	if (n == 0 || n >= HL_USSD_PREFIX_MAX) {
		snprintf(err, errlen, "[%s] %s: must be 1 to %d bytes "
		    "(quote it to keep a trailing space: \"CON \")", section,
		    key, HL_USSD_PREFIX_MAX - 1);
		return -1;
	}
	memcpy(out, v, n);
	out[n] = '\0';
	return 0;
}

/* Parses a reply value: the literals true/false are JSON booleans. */
static void
profile_value(const char *s, struct hl_ussd_value *out)
{
	out->str = s;
	out->boolean = -1;
	if (s != NULL && strcmp(s, "true") == 0)
		out->boolean = 1;
	else if (s != NULL && strcmp(s, "false") == 0)
		out->boolean = 0;
}

/* Copies s[0..n) without surrounding blanks into a new string. */
static char *
profile_trimmed(const char *s, size_t n)
{
	char *out;

	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

/* Splits a comma-separated list into owned, trimmed, non-empty names.
 * Returns the count, or -1 (err set) on an empty item, too many or OOM. */
static int
profile_list(const char *section, const char *key, const char *s,
    char **out, size_t max, char *err, size_t errlen)
{
	size_t n = 0;

	while (s != NULL && *s != '\0') {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		char *item;

		if (n == max) {
			snprintf(err, errlen, "[%s] %s: at most %zu names",
			    section, key, max);
			goto fail;
		}
		if ((item = profile_trimmed(s, len)) == NULL) {
			snprintf(err, errlen, "[%s] %s: out of memory",
			    section, key);
			goto fail;
		}
		out[n++] = item;
		if (item[0] == '\0') {
			snprintf(err, errlen, "[%s] %s: an empty name in the "
			    "list", section, key);
			goto fail;
		}
		s = comma ? comma + 1 : s + len;
	}
	return (int)n;
fail:
	while (n > 0)
		free(out[--n]);
	return -1;
}

/* Reads reply_constant ("Name=value, Name=value") into p->constant. */
static int
profile_constants(struct hl_ussd_profile *p, const char *section,
    const char *s, char *err, size_t errlen)
{
	char *items[HL_USSD_MAX_ECHO];
	int n = profile_list(section, "reply_constant", s, items,
	    HL_USSD_MAX_ECHO, err, errlen);
	int rc = 0;

	if (n == -1)
		return -1;
	for (int i = 0; i < n; i++) {
		char *eq = strchr(items[i], '=');

		if (rc == 0 && (eq == NULL || eq == items[i])) {
			snprintf(err, errlen, "[%s] reply_constant: write "
			    "Name=value, comma-separated", section);
			rc = -1;
		}
		if (rc == -1) {
			free(items[i]);
			continue;
		}
		/* "Label = Helpline": blanks around '=' are not part of
		 * either side. */
		for (char *t = eq; t > items[i] && isspace((unsigned char)
		    t[-1]); t--)
			t[-1] = '\0';
		*eq++ = '\0';
		while (isspace((unsigned char)*eq))
			eq++;
		p->constant[p->n_constant].name = items[i];
		p->constant[p->n_constant].value = eq;
		p->n_constant++;
	}
	return rc;
}

/* Returns true if a secret can be a path segment as it is: the path is
 * compared before percent-decoding. */
static bool
profile_is_path_safe(const char *s)
{
	for (; *s != '\0'; s++) {
		if (!isalnum((unsigned char)*s) && strchr("-._~", *s) == NULL)
			return false;
	}
	return true;
}

/* Reads the request side: path, format, fields, input mode. */
static int
profile_load_request(struct hl_ussd_profile *p, struct hl_config *cfg,
    const char *s, char *err, size_t errlen)
{
	static const char *const requests[] = { "form", "json", "query",
	    NULL };
	static const char *const inputs[] = { "cumulative", "step", NULL };
	const char *sep;
	unsigned req, in;

	if (profile_str(cfg, s, "path", "/ussd", &p->path, err,
	    errlen) == -1 ||
	    profile_enum(cfg, s, "request", requests, &req, err,
	    errlen) == -1 ||
	    profile_field(cfg, s, "field_session", "sessionId",
	    &p->field_session, err, errlen) == -1 ||
	    profile_field(cfg, s, "field_sender", "phoneNumber",
	    &p->field_sender, err, errlen) == -1 ||
	    profile_field(cfg, s, "field_text", "text", &p->field_text, err,
	    errlen) == -1 ||
	    profile_field(cfg, s, "field_service", "serviceCode",
	    &p->field_service, err, errlen) == -1 ||
	    profile_field(cfg, s, "field_sequence", NULL, &p->field_sequence,
	    err, errlen) == -1 ||
	    profile_enum(cfg, s, "input", inputs, &in, err, errlen) == -1 ||
	    profile_str(cfg, s, "input_separator", NULL, &sep, err,
	    errlen) == -1 ||
	    profile_field(cfg, s, "field_new_session", NULL,
	    &p->field_new_session, err, errlen) == -1 ||
	    profile_str(cfg, s, "new_session_value", NULL,
	    &p->new_session_value, err, errlen) == -1 ||
	    hl_config_uint(cfg, s, "max_text", HL_USSD_MAX_TEXT_DEFAULT, 1,
	    USSD_MAX_TEXT_LIMIT, &p->max_text, err, errlen) == -1)
		return -1;
	p->request = (enum hl_ussd_request_kind)req;
	p->input = (enum hl_ussd_input_mode)in;
	if (p->path[0] != '/' || p->path[1] == '\0' ||
	    p->path[strlen(p->path) - 1] == '/' ||
	    strpbrk(p->path, "?# \t") != NULL) {
		snprintf(err, errlen, "[%s] path: must start with '/', not end "
		    "with one, and hold no '?', '#' or blank", s);
		return -1;
	}
	if (p->field_session == NULL || p->field_sender == NULL ||
	    p->field_text == NULL) {
		snprintf(err, errlen, "[%s] field_session, field_sender and "
		    "field_text must name a field", s);
		return -1;
	}
	if (sep != NULL && p->input != HL_USSD_INPUT_CUMULATIVE) {
		snprintf(err, errlen, "[%s] input_separator: applies to "
		    "input = cumulative only", s);
		return -1;
	}
	if (sep != NULL && strlen(sep) != 1) {
		snprintf(err, errlen, "[%s] input_separator: must be one "
		    "character", s);
		return -1;
	}
	p->separator = sep != NULL ? sep[0] : '*';
	if (p->field_sequence != NULL && p->input != HL_USSD_INPUT_STEP) {
		snprintf(err, errlen, "[%s] field_sequence: applies to input = "
		    "step only (cumulative text counts its own steps)", s);
		return -1;
	}
	if ((p->field_new_session == NULL) != (p->new_session_value == NULL)) {
		snprintf(err, errlen, "[%s] field_new_session and "
		    "new_session_value go together", s);
		return -1;
	}
	return 0;
}

/* Reads the text reply keys; refuses them under reply = json. */
static int
profile_load_text_reply(struct hl_ussd_profile *p, struct hl_config *cfg,
    const char *s, char *err, size_t errlen)
{
	const char *con, *end;

	if (profile_str(cfg, s, "continue_prefix", NULL, &con, err,
	    errlen) == -1 ||
	    profile_str(cfg, s, "end_prefix", NULL, &end, err, errlen) == -1)
		return -1;
	if (p->reply != HL_USSD_REPLY_TEXT) {
		if (con != NULL || end != NULL) {
			snprintf(err, errlen, "[%s] %s: applies to reply = "
			    "text only", s, con ? "continue_prefix" :
			    "end_prefix");
			return -1;
		}
		return 0;
	}
	if (profile_prefix(cfg, s, "continue_prefix", "\"CON \"",
	    p->continue_prefix, err, errlen) == -1 ||
	    profile_prefix(cfg, s, "end_prefix", "\"END \"", p->end_prefix,
	    err, errlen) == -1)
		return -1;
	if (strcmp(p->continue_prefix, p->end_prefix) == 0) {
		snprintf(err, errlen, "[%s] continue_prefix and end_prefix "
		    "must differ", s);
		return -1;
	}
	return 0;
}

/* Checks the JSON reply keys read by profile_load_json_reply. */
static int
profile_check_json_reply(struct hl_ussd_profile *p, const char *s,
    char *err, size_t errlen)
{
	if (p->reply_text_field == NULL || p->reply_end_field == NULL ||
	    p->reply_continue.str == NULL || p->reply_end.str == NULL) {
		snprintf(err, errlen, "[%s] reply = json needs "
		    "reply_text_field, reply_end_field, reply_continue_value "
		    "and reply_end_value", s);
		return -1;
	}
	if (strcmp(p->reply_text_field, p->reply_end_field) == 0 ||
	    strcmp(p->reply_continue.str, p->reply_end.str) == 0) {
		snprintf(err, errlen, "[%s] reply_text_field and "
		    "reply_end_field, and the continue and end values, must "
		    "differ", s);
		return -1;
	}
	for (size_t i = 0; i < p->n_echo + p->n_constant; i++) {
		const char *name = i < p->n_echo ? p->echo[i] :
		    p->constant[i - p->n_echo].name;

		if (strcmp(name, p->reply_text_field) == 0 ||
		    strcmp(name, p->reply_end_field) == 0) {
			snprintf(err, errlen, "[%s] reply_echo/reply_constant: "
			    "'%s' is already the text or end field", s, name);
			return -1;
		}
	}
	return 0;
}

/* Reads the JSON reply keys; refuses them under reply = text. */
static int
profile_load_json_reply(struct hl_ussd_profile *p, struct hl_config *cfg,
    const char *s, char *err, size_t errlen)
{
	static const char *const keys[] = { "reply_text_field",
	    "reply_end_field", "reply_continue_value", "reply_end_value",
	    "reply_echo", "reply_constant" };
	const char *v[6];
	int n;

	for (size_t i = 0; i < 6; i++) {
		if (profile_field(cfg, s, keys[i], NULL, &v[i], err,
		    errlen) == -1)
			return -1;
	}
	if (p->reply != HL_USSD_REPLY_JSON) {
		for (size_t i = 0; i < 6; i++) {
			if (v[i] != NULL) {
				snprintf(err, errlen, "[%s] %s: applies to "
				    "reply = json only", s, keys[i]);
				return -1;
			}
		}
		return 0;
	}
	p->reply_text_field = v[0];
	p->reply_end_field = v[1];
	profile_value(v[2], &p->reply_continue);
	profile_value(v[3], &p->reply_end);
	n = profile_list(s, "reply_echo", v[4], p->echo, HL_USSD_MAX_ECHO,
	    err, errlen);
	if (n == -1)
		return -1;
	p->n_echo = (size_t)n;
	if (profile_constants(p, s, v[5], err, errlen) == -1)
		return -1;
	return profile_check_json_reply(p, s, err, errlen);
}

/* Reads the reply side: its kind, its keys and the failure screen. */
static int
profile_load_reply(struct hl_ussd_profile *p, struct hl_config *cfg,
    const char *s, char *err, size_t errlen)
{
	static const char *const replies[] = { "text", "json", NULL };
	unsigned kind;
	size_t len;

	if (profile_enum(cfg, s, "reply", replies, &kind, err, errlen) == -1)
		return -1;
	p->reply = (enum hl_ussd_reply_kind)kind;
	if (profile_load_text_reply(p, cfg, s, err, errlen) == -1 ||
	    profile_load_json_reply(p, cfg, s, err, errlen) == -1 ||
	    profile_str(cfg, s, "failure_text", USSD_FAILURE_DEFAULT,
	    &p->failure_text, err, errlen) == -1)
		return -1;
	len = strlen(p->failure_text);
	if (len == 0 || !hl_utf8_is_valid(p->failure_text, len) ||
	    hl_utf8_chars(p->failure_text, len) > 160) {
		snprintf(err, errlen, "[%s] failure_text: must be 1 to 160 "
		    "characters of UTF-8", s);
		return -1;
	}
	return 0;
}

/* Reads the shared secret and where it is carried. */
static int
profile_load_secret(struct hl_ussd_profile *p, struct hl_config *cfg,
    const char *s, char *err, size_t errlen)
{
	static const char *const places[] = { "header", "path", NULL };
	const char *place, *header;
	unsigned in = 0;

	if (profile_field(cfg, s, "secret", NULL, &p->secret, err,
	    errlen) == -1 ||
	    profile_str(cfg, s, "secret_in", NULL, &place, err,
	    errlen) == -1 ||
	    profile_field(cfg, s, "secret_header", NULL, &header, err,
	    errlen) == -1)
		return -1;
	if (place != NULL) {
		if (profile_enum(cfg, s, "secret_in", places, &in, err,
		    errlen) == -1)
			return -1;
		if (p->secret == NULL) {
			snprintf(err, errlen, "[%s] secret_in: set secret too",
			    s);
			return -1;
		}
	}
	p->secret_in = (enum hl_ussd_secret_in)in;
	if (header != NULL && p->secret_in != HL_USSD_SECRET_HEADER) {
		snprintf(err, errlen, "[%s] secret_header: applies to "
		    "secret_in = header only", s);
		return -1;
	}
	p->secret_header = header ? header : USSD_SECRET_HEADER_DEFAULT;
	if (p->secret != NULL && p->secret_in == HL_USSD_SECRET_PATH &&
	    !profile_is_path_safe(p->secret)) {
		/* Name the key, never the value. */
		snprintf(err, errlen, "[%s] secret: with secret_in = path use "
		    "only letters, digits and - . _ ~", s);
		return -1;
	}
	return 0;
}

/* Reads a profile. */
int
hl_ussd_profile_load(struct hl_ussd_profile *p, struct hl_config *cfg,
    const char *section, char *err, size_t errlen)
{
	memset(p, 0, sizeof *p);
	if (profile_load_request(p, cfg, section, err, errlen) == -1 ||
	    profile_load_reply(p, cfg, section, err, errlen) == -1 ||
	    profile_load_secret(p, cfg, section, err, errlen) == -1) {
		hl_ussd_profile_clear(p);
		return -1;
	}
	return 0;
}

/* Frees what a profile owns. */
void
hl_ussd_profile_clear(struct hl_ussd_profile *p)
{
	for (size_t i = 0; i < p->n_echo; i++)
		free(p->echo[i]);
	for (size_t i = 0; i < p->n_constant; i++)
		free(p->constant[i].name);	/* value shares the block */
	memset(p, 0, sizeof *p);
}

/* Finds the latest input in cumulative text. */
size_t
hl_ussd_last_input(const char *s, size_t len, char separator, size_t *off)
{
	size_t inputs = len > 0 ? 1 : 0;

	*off = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == separator) {
			inputs++;
			*off = i + 1;
		}
	}
	return inputs;
}

/* Returns true if a field's value equals the new-session marker (ASCII
 * case ignored: Hubtel writes "Initiation" in places, "initiation" in
 * others). */
static bool
request_is_new_session(const struct hl_ussd_profile *p, hl_ussd_get_cb get,
    void *ctx)
{
	const char *v;

	if (p->field_new_session == NULL)
		return false;
	v = get(ctx, p->field_new_session);
	return v != NULL && strcasecmp(v, p->new_session_value) == 0;
}

/* Reads field_sequence into *step.  Returns 0, or -1 if it is not a
 * small non-negative decimal number. */
static int
request_sequence(const char *v, long *step)
{
	size_t n = strlen(v);

	if (n == 0 || n > USSD_MAX_SEQUENCE_DIGITS ||
	    strspn(v, "0123456789") != n)
		return -1;
	*step = strtol(v, NULL, 10);
	return 0;
}

/* Returns the length of s[0..len) as max_text counts it. */
static size_t
request_text_chars(const char *s, size_t len)
{
	return hl_utf8_is_valid(s, len) ? hl_utf8_chars(s, len) : len;
}

/* Reads the session id and sender; returns 0 or a status. */
static int
request_who(const struct hl_ussd_profile *p, hl_ussd_get_cb get, void *ctx,
    struct hl_ussd_request *out, const char **problem)
{
	out->session_id = get(ctx, p->field_session);
	out->sender = get(ctx, p->field_sender);
	if (out->session_id == NULL || out->session_id[0] == '\0') {
		*problem = "missing session id field";
		return 400;
	}
	if (out->sender == NULL || out->sender[0] == '\0') {
		*problem = "missing sender field";
		return 400;
	}
	if (strlen(out->session_id) > HL_USSD_MAX_SESSION_ID) {
		*problem = "session id too long";
		return 413;
	}
	if (strlen(out->sender) > HL_USSD_MAX_SENDER) {
		*problem = "sender too long";
		return 413;
	}
	if (p->field_service != NULL && get(ctx, p->field_service) == NULL) {
		*problem = "missing service code field";
		return 400;
	}
	return 0;
}

/* Reads a request. */
int
hl_ussd_request_read(const struct hl_ussd_profile *p, hl_ussd_get_cb get,
    void *ctx, struct hl_ussd_request *out, const char **problem)
{
	const char *text, *seq;
	size_t len, off = 0;
	int rc;

	memset(out, 0, sizeof *out);
	out->step = -1;
	out->text = "";
	if ((rc = request_who(p, get, ctx, out, problem)) != 0)
		return rc;
	out->new_session = request_is_new_session(p, get, ctx);
	text = get(ctx, p->field_text);
	if (text == NULL && !out->new_session) {
		*problem = "missing text field";
		return 400;
	}
	len = text != NULL ? strlen(text) : 0;
	if (p->input == HL_USSD_INPUT_CUMULATIVE) {
		out->step = (long)hl_ussd_last_input(text, len, p->separator,
		    &off);
		if (out->step == 0)
			out->new_session = true;
	} else if (p->field_sequence != NULL) {
		seq = get(ctx, p->field_sequence);
		if (seq == NULL || request_sequence(seq, &out->step) == -1) {
			*problem = "missing or unusable sequence field";
			return 400;
		}
	}
	/* A new session's text is the dial string (or nothing): not an
	 * answer to any screen. */
	if (out->new_session)
		return 0;
	if (request_text_chars(text + off, len - off) > p->max_text) {
		*problem = "input too long";
		return 413;
	}
	out->text = text + off;
	out->text_len = len - off;
	return 0;
}

/* Renders a text reply: prefix + screen. */
static int
render_text(const struct hl_ussd_profile *p, const char *text, size_t len,
    bool end, char **body, size_t *body_len)
{
	const char *prefix = end ? p->end_prefix : p->continue_prefix;
	size_t plen = strlen(prefix);
	char *b = malloc(plen + len + 1);

	if (b == NULL)
		return -1;
	memcpy(b, prefix, plen);
	memcpy(b + plen, text, len);
	b[plen + len] = '\0';
	*body = b;
	*body_len = plen + len;
	return 0;
}

/* Returns a reply value as JSON (new reference, or NULL on OOM). */
static json_t *
render_value(const struct hl_ussd_value *v)
{
	if (v->boolean != -1)
		return json_boolean(v->boolean);
	return json_string(v->str);
}

/* Adds the echoed request fields to a JSON reply.  Returns 0 or -1. */
static int
render_echo(const struct hl_ussd_profile *p, json_t *obj,
    const json_t *request_obj, hl_ussd_get_cb get, void *ctx)
{
	for (size_t i = 0; i < p->n_echo; i++) {
		json_t *v = NULL;

		if (request_obj != NULL) {
			json_t *m = json_object_get(request_obj, p->echo[i]);

			if (m == NULL)
				continue;
			v = json_deep_copy(m);
		} else {
			const char *s = get(ctx, p->echo[i]);

			if (s == NULL)
				continue;
			v = json_string(s);
		}
		if (v == NULL || json_object_set_new(obj, p->echo[i], v) == -1)
			return -1;
	}
	return 0;
}

/* Renders a JSON reply object. */
static int
render_json(const struct hl_ussd_profile *p, const char *text, size_t len,
    bool end, const json_t *request_obj, hl_ussd_get_cb get, void *ctx,
    char **body, size_t *body_len)
{
	json_t *obj = json_object();
	char *b = NULL;
	int rc = -1;

	if (obj == NULL || render_echo(p, obj, request_obj, get, ctx) == -1)
		goto done;
	for (size_t i = 0; i < p->n_constant; i++) {
		if (json_object_set_new(obj, p->constant[i].name,
		    json_string(p->constant[i].value)) == -1)
			goto done;
	}
	if (json_object_set_new(obj, p->reply_text_field,
	    json_stringn(text, len)) == -1 ||
	    json_object_set_new(obj, p->reply_end_field,
	    render_value(end ? &p->reply_end : &p->reply_continue)) == -1)
		goto done;
	if ((b = json_dumps(obj, JSON_COMPACT)) == NULL)
		goto done;
	*body = b;
	*body_len = strlen(b);
	rc = 0;
done:
	json_decref(obj);
	return rc;
}

/* Renders a reply. */
int
hl_ussd_render(const struct hl_ussd_profile *p, const char *text,
    size_t len, bool end, const struct json_t *request_obj,
    hl_ussd_get_cb get, void *ctx, char **body, size_t *body_len,
    const char **content_type)
{
	if (p->reply == HL_USSD_REPLY_TEXT) {
		*content_type = "text/plain; charset=utf-8";
		return render_text(p, text, len, end, body, body_len);
	}
	*content_type = "application/json";
	return render_json(p, text, len, end, request_obj, get, ctx, body,
	    body_len);
}
