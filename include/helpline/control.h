/*
 * control.h - helplined's Unix control socket, through which helplinectl
 * publishes, rolls back and sets the draft.
 *
 * The socket's file permissions are the access control: it is created
 * 0600 (owner only), or 0660 with group [control] group, so only members
 * of that group can connect (the kernel refuses everyone else before a
 * byte is read).  The protocol is one JSON object per line each way: one
 * request per connection, one response, then the daemon closes.
 *
 *   request:  {"cmd": "publish", ...}\n
 *   response: {"ok": true, ...}\n  or  {"ok": false, "error": "code",
 *             "message": "..."}\n
 *
 * The commands are the daemon's (daemon.c); this file is the transport.
 */
#ifndef HELPLINE_CONTROL_H
#define HELPLINE_CONTROL_H

#include <stddef.h>

#include <jansson.h>

struct event_base;

#define HL_CONTROL_MAX_REQUEST (8u << 20)	/* a menu fits many times */

/* Answers one request; returns a new reference to the response object
 * (never NULL: {"ok": false, ...} on error).  The request is borrowed. */
typedef json_t *(*hl_control_cb)(json_t *request, void *arg);

struct hl_control;

/* Listens on path (a stale socket left by a crash is replaced; a socket a
 * running daemon answers on is not) with group access for group (NULL:
 * owner only).  Returns NULL with err set on failure. */
struct hl_control *hl_control_new(struct event_base *, const char *path,
    const char *group, hl_control_cb cb, void *arg, char *err,
    size_t errlen);

/* Stops listening, closes open connections and removes the socket.
 * NULL is fine. */
void hl_control_free(struct hl_control *);

#endif
