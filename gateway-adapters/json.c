/*
 * json.c - the generic JSON webhook, for any custom gateway.
 *
 *   POST /v1/message   Content-Type: application/json
 *   {"from": "+31612345678", "text": "1", "channel": "sms",
 *    "id": "gateway-message-id", "lang": "nl"}          (id, lang optional)
 *   200 {"reply": "...", "end": false, "coding": "gsm7"}
 *
 * The body is JSON whatever the Content-Type says among absent,
 * application/json and application/x-www-form-urlencoded (curl -d).
 * Errors are JSON too: 400 malformed body or fields, 401 missing or wrong
 * secret (when `secret` is set; sent as "Authorization: Bearer <secret>"),
 * 405 other methods, 413 text over max_text, 415 other content types,
 * 500 internal.  One exception: a body over [http] max_body is refused by
 * evhttp itself with its own 413 page before we see the request.  A rejected request stores nothing.  A retry with an
 * id seen in the last minutes gets 200 {"reply": <the first answer, or null
 * if it is no longer kept>, "end": ..., "duplicate": true}.  A message from a
 * sender over the rate limit ([ratelimit]) gets 200 {"reply": null,
 * "flooded": true}: the gateway must send nothing to the phone.
 * Refusals are counted by reason (figures.h), nothing else about them.
 * The body is parsed by jansson (Debian libjansson): strict UTF-8, duplicate
 * keys refused, no hand-written JSON parser.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <openssl/crypto.h>

#include "helpline/adapter.h"
#include "helpline/config.h"
#include "helpline/core.h"
#include "helpline/figures.h"
#include "helpline/http.h"
#include "helpline/log.h"

#define JSON_MAX_TEXT_DEFAULT 1600

struct json_adapter {
	struct hl_core *core;
	struct hl_http *http;
	struct hl_metrics *metrics;
	const char *name;	/* NAME of [adapter.NAME] */
	const char *path;
	const char *secret;	/* borrowed from the config, may be NULL */
	unsigned max_text;
	bool stopped;
};

/* Sends {"error": msg} with a status. */
static void
json_error(struct evhttp_request *req, int code, const char *reason,
    const char *msg)
{
	json_t *obj = json_pack("{s:s}", "error", msg);
	char *body = obj ? json_dumps(obj, JSON_COMPACT) : NULL;

	if (body == NULL) {
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
	} else {
		hl_http_reply(req, code, reason, "application/json", body,
		    strlen(body));
	}
	free(body);
	json_decref(obj);
}

/* Returns true if the request carries the configured secret. */
static bool
json_is_authorised(const struct json_adapter *ja, struct evhttp_request *req)
{
	const char *auth;
	size_t have, want;

	if (ja->secret == NULL)
		return true;
	auth = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	if (auth == NULL || strncmp(auth, "Bearer ", 7) != 0)
		return false;
	auth += 7;
	have = strlen(auth);
	want = strlen(ja->secret);
	/* Constant time in the secret's content; its length is no secret. */
	return have == want && CRYPTO_memcmp(auth, ja->secret, want) == 0;
}

/* Returns true if a Content-Type's media type (before any ';') is name. */
static bool
json_media_type_is(const char *type, const char *name)
{
	size_t n = strlen(name);

	return strncasecmp(type, name, n) == 0 &&
	    (type[n] == '\0' || type[n] == ';' || type[n] == ' ');
}

/*
 * Returns true if the content type may carry our JSON body: absent,
 * application/json, or application/x-www-form-urlencoded because that is
 * what `curl -d '{...}'` sends (the body is still parsed as JSON).
 */
static bool
json_is_json_type(struct evhttp_request *req)
{
	const char *type = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "Content-Type");

	return type == NULL || json_media_type_is(type, "application/json") ||
	    json_media_type_is(type, "application/x-www-form-urlencoded");
}

/* Sends the engine's reply as JSON. */
static void
json_reply_cb(const struct hl_reply *reply, void *ctx)
{
	struct evhttp_request *req = ctx;
	json_t *obj;
	char *body;

	switch (reply->status) {
	case HL_REPLY_FAILED:
		json_error(req, HTTP_INTERNAL, "Internal Server Error",
		    "internal error");
		return;
	case HL_REPLY_FLOODED:
		obj = json_pack("{s:n,s:b}", "reply", "flooded", 1);
		break;
	case HL_REPLY_DUPLICATE:
		obj = reply->len == 0 ?
		    json_pack("{s:n,s:b}", "reply", "duplicate", 1) :
		    json_pack("{s:s%,s:b,s:b}", "reply", reply->text,
		    reply->len, "end", reply->end, "duplicate", 1);
		break;
	default:
		obj = json_pack("{s:s%,s:b,s:s}", "reply", reply->text,
		    reply->len, "end", reply->end, "coding",
		    reply->coding == HL_SMS_UCS2 ? "ucs2" : "gsm7");
		break;
	}
	body = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
	if (body == NULL)
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
	else
		hl_http_reply(req, HTTP_OK, "OK", "application/json", body,
		    strlen(body));
	free(body);
	json_decref(obj);
}

/* Reads an optional string field; returns -1 if present but no string. */
static int
json_opt_string(json_t *obj, const char *name, const char **out)
{
	json_t *v = json_object_get(obj, name);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*out = json_string_value(v);
	return 0;
}

/* Turns a parsed body into an inbound message, or says what is wrong. */
static const char *
json_parse_inbound(const struct json_adapter *ja, json_t *obj,
    struct hl_inbound *in, int *code)
{
	/* The message is this adapter's, whatever the section is called. */
	in->adapter = ja->name;
	const char *channel;
	json_t *text;

	*code = HTTP_BADREQUEST;
	if (!json_is_object(obj))
		return "body must be a JSON object";
	if (json_opt_string(obj, "from", &in->sender) == -1 ||
	    in->sender == NULL)
		return "\"from\" must be a string";
	text = json_object_get(obj, "text");
	if (!json_is_string(text))
		return "\"text\" must be a string";
	in->text.bytes = json_string_value(text);
	in->text.len = json_string_length(text);
	if (in->text.len > ja->max_text) {
		*code = 413;
		return "\"text\" is too long";
	}
	if (json_opt_string(obj, "channel", &channel) == -1)
		return "\"channel\" must be a string";
	in->channel = HL_CHANNEL_SMS;
	if (channel != NULL && hl_channel_parse(channel, &in->channel) == -1)
		return "\"channel\" must be \"sms\" or \"ussd\"";
	if (json_opt_string(obj, "id", &in->gateway_id) == -1)
		return "\"id\" must be a string";
	if (json_opt_string(obj, "lang", &in->lang_hint) == -1)
		return "\"lang\" must be a string";
	if (json_opt_string(obj, "session", &in->session_id) == -1)
		return "\"session\" must be a string";
	return NULL;
}

/* Refuses a request with an error, counting it by reason. */
static void
json_refuse(const struct json_adapter *ja, struct evhttp_request *req,
    int code, const char *reason, const char *msg, enum hl_reject why)
{
	hl_figures_reject(ja->metrics, ja->name, why);
	json_error(req, code, reason, msg);
}

/* Handles one webhook request. */
static void
json_handle(struct evhttp_request *req, void *arg)
{
	struct json_adapter *ja = arg;
	struct hl_inbound in = { 0 };
	json_error_t jerr;
	json_t *obj = NULL;
	const char *problem;
	char *body = NULL;
	size_t len;
	int code;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "POST");
		json_refuse(ja, req, 405, "Method Not Allowed", "use POST",
		    HL_REJECT_METHOD);
		return;
	}
	/* After SIGTERM the listener is closed; a request that still arrives
	 * came on a connection accepted before, so it is answered as usual
	 * and the connection closed after it. */
	if (ja->stopped)
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Connection", "close");
	if (!json_is_authorised(ja, req)) {
		json_refuse(ja, req, 401, "Unauthorized",
		    "missing or wrong secret", HL_REJECT_BAD_SECRET);
		return;
	}
	if (!json_is_json_type(req)) {
		json_refuse(ja, req, 415, "Unsupported Media Type",
		    "use Content-Type: application/json",
		    HL_REJECT_MEDIA_TYPE);
		return;
	}
	body = hl_http_body(req, hl_http_max_body(ja->http), &len);
	if (body == NULL) {
		json_refuse(ja, req, 413, "Payload Too Large",
		    "body too large", HL_REJECT_TOO_LARGE);
		return;
	}
	obj = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (obj == NULL) {
		char msg[96];

		/* jerr.text may quote the body: report only where. */
		snprintf(msg, sizeof msg, "body is not valid JSON (UTF-8) "
		    "at line %d column %d", jerr.line, jerr.column);
		json_refuse(ja, req, HTTP_BADREQUEST, "Bad Request", msg,
		    json_error_code(&jerr) == json_error_invalid_utf8 ?
		    HL_REJECT_BAD_UTF8 : HL_REJECT_MALFORMED);
		goto done;
	}
	problem = json_parse_inbound(ja, obj, &in, &code);
	if (problem != NULL) {
		json_refuse(ja, req, code, code == 413 ? "Payload Too Large" :
		    "Bad Request", problem, code == 413 ?
		    HL_REJECT_TOO_LARGE : HL_REJECT_MALFORMED);
		goto done;
	}
	if (hl_core_submit(ja->core, &in, json_reply_cb, req) == -1)
		json_error(req, HTTP_INTERNAL, "Internal Server Error",
		    "internal error");
done:
	json_decref(obj);
	if (body != NULL) {
		explicit_bzero(body, len);
		free(body);
	}
}

/* Reads [adapter.json] and registers the route. */
static void *
json_create(const struct hl_adapter_env *env, char *err, size_t errlen)
{
	struct json_adapter *ja = calloc(1, sizeof *ja);

	if (ja == NULL) {
		snprintf(err, errlen, "json: out of memory");
		return NULL;
	}
	ja->core = env->core;
	ja->http = env->http;
	ja->metrics = env->metrics;
	ja->name = env->section + strlen("adapter.");
	if (hl_config_str(env->config, env->section, "path", "/v1/message",
	    &ja->path, err, errlen) == -1 ||
	    hl_config_str(env->config, env->section, "secret", NULL,
	    &ja->secret, err, errlen) == -1 ||
	    hl_config_uint(env->config, env->section, "max_text",
	    JSON_MAX_TEXT_DEFAULT, 1, 65536, &ja->max_text, err,
	    errlen) == -1)
		goto fail;
	if (env->http == NULL) {
		snprintf(err, errlen, "json: needs the HTTP listener");
		goto fail;
	}
	if (hl_http_route(env->http, ja->path, json_handle, ja) == -1) {
		snprintf(err, errlen, "json: path %s is already taken",
		    ja->path);
		goto fail;
	}
	return ja;
fail:
	free(ja);
	return NULL;
}

/* Refuses new messages from now on. */
static void
json_stop(void *state)
{
	struct json_adapter *ja = state;

	ja->stopped = true;
}

/* Frees the adapter. */
static void
json_free(void *state)
{
	free(state);
}

const struct hl_adapter_ops hl_adapter_json = {
	.name = "json",
	.create = json_create,
	.stop = json_stop,
	.free = json_free,
};
