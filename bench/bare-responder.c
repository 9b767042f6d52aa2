/*
 * bare-responder.c - the benchmark's baseline: a bare libevent evhttp
 * server that answers every POST with a fixed small JSON body.  helplined's
 * JSON webhook is measured against it in the same run (bench/http-json).
 *
 * usage: bare-responder PORT-FILE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

static const char body[] =
    "{\"reply\":\"Hulplijn. 1 Signalen 2 Benaderen 3 Hulp bieden\","
    "\"end\":false,\"coding\":\"gsm7\"}";

/* Answers one request with the fixed body. */
static void
respond(struct evhttp_request *req, void *arg)
{
	struct evbuffer *buf = evbuffer_new();

	(void)arg;
	evbuffer_add(buf, body, sizeof body - 1);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/json");
	evhttp_send_reply(req, 200, "OK", buf);
	evbuffer_free(buf);
}

int
main(int argc, char **argv)
{
	struct event_base *base = event_base_new();
	struct evhttp *http = evhttp_new(base);
	struct evhttp_bound_socket *bound;
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	FILE *f;

	if (argc != 2 || base == NULL || http == NULL)
		return 2;
	evhttp_set_gencb(http, respond, NULL);
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
