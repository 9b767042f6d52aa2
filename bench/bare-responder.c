/*
 * bare-responder.c - the benchmarks' baseline: a bare libevent evhttp
 * server that answers every request with a fixed small body.  helplined's
 * JSON webhook is measured against it in the same run (bench/http-json),
 * and so is helplined's Kannel adapter (bench/kannel-chain, with --text:
 * a text/plain screen as long as helplined's start screen, which Kannel
 * sends back as the SMS).
 *
 * usage: bare-responder [--text] PORT-FILE
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

struct canned {
	const char *type;
	const char *body;
};

static const struct canned json = {
	"application/json",
	"{\"reply\":\"Hulplijn. 1 Signalen 2 Benaderen 3 Hulp bieden\","
	"\"end\":false,\"coding\":\"gsm7\"}",
};

static const struct canned text = {
	"text/plain; charset=utf-8",
	"Eerste hulp bij zorgen om iemand. Acuut gevaar? Bel 112.\n"
	"1 Signalen herkennen\n2 Benaderen\n3 Hulp bieden\n4 Wie bellen?\n"
	"5 Tips per rol\n8 English\n9 Help",
};

/* Answers one request with the fixed body. */
static void
respond(struct evhttp_request *req, void *arg)
{
	const struct canned *c = arg;
	struct evbuffer *buf = evbuffer_new();

	evbuffer_add(buf, c->body, strlen(c->body));
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", c->type);
	evhttp_send_reply(req, 200, "OK", buf);
	evbuffer_free(buf);
}

int
main(int argc, char **argv)
{
	struct event_base *base = event_base_new();
	struct evhttp *http = evhttp_new(base);
	struct evhttp_bound_socket *bound;
	const struct canned *c = &json;
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	FILE *f;

	if (argc == 3 && strcmp(argv[1], "--text") == 0) {
		c = &text;
		argv++;
		argc--;
	}
	if (argc != 2 || base == NULL || http == NULL)
		return 2;
	evhttp_set_gencb(http, respond, (void *)(uintptr_t)c);
	bound = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0);
	if (bound == NULL)
		return 1;
	getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&ss,
	    &len);
	f = fopen(argv[1], "w");
	if (f == NULL)
		return 1;
	fprintf(f, "%u\n", ntohs(((struct sockaddr_in *)&ss)->sin_port));
	fclose(f);
	event_base_dispatch(base);
	evhttp_free(http);
	event_base_free(base);
	return 0;
}
