#!/usr/bin/env node
'use strict';
/*
 * smsc.js - a scriptable SMSC for helplined's SMPP tests.
 *
 * The SMSC side is the npm smpp package's server (a third-party SMPP 3.4
 * implementation); this script only scripts it.  Usage:
 *
 *	node smsc.js [--port N] [--system-id ID]
 *
 * It listens on 127.0.0.1 (port 0 = chosen by the OS, the default) and
 * prints {"event":"listening","port":N}.  Then it reads one JSON command a
 * line on stdin and prints one JSON event a line on stdout.  Every command
 * is acknowledged by {"event":"ok","cmd":...} or {"event":"error","cmd":...,
 * "message":...} once it has been carried out ("id" is echoed if given), so
 * a driver can wait for the ack before it lets the ESME act.  It exits on
 * stdin EOF, SIGTERM or SIGINT.  Byte fields are hex strings both ways.
 *
 * Commands ("session": N picks a connection, else the newest suitable):
 *	config   {refuse_bind: status (0 = accept), submit_status: [status..]
 *	         (a queue, one per submit_sm, replaces the old one),
 *	         submit_status_default: status after the queue, hold_submits:
 *	         false | true (until "release") | ms, drop_after_submits: N
 *	         (swallow N submit_sm, then destroy that socket; one-shot),
 *	         answer_enquire_link: bool, answer_unbind: bool, delay_ms: ms
 *	         before every answer, system_id, quiet: bool (no per-message
 *	         events)}; setting hold_submits to non-true releases held ones
 *	deliver  deliver_sm to the bound receiver/transceiver: data_coding
 *	         (required), short_message (hex; or "text", encoded by the
 *	         package: 0 and 1 as its GSM-7, 3 Latin-1, 8 UCS-2), service_type, source_addr(_ton/_npi),
 *	         destination_addr, dest_addr_ton/npi, esm_class, protocol_id,
 *	         priority_flag, registered_delivery, any TLV by the package's
 *	         name (message_payload, its_session_info and other octet TLVs
 *	         in hex; sar_msg_ref_num, sar_total_segments,
 *	         sar_segment_seqnum, ussd_service_op, message_state as numbers;
 *	         receipted_message_id as a string), extra_tlvs: [[tag, hex]..]
 *	         appended raw, seq (else the next one); ack has session, seq
 *	release  answer held submit_sm: all, or {count: N}; ack has count
 *	raw      {hex}: write bytes to a client socket, bound or not
 *	drop     destroy the client socket(s): all, or {session}
 *	enquire_link, unbind   send one; ack has session, seq
 *	stats    prints a stats event
 *	bench    {messages, window, text, data_coding (0), destination_addr,
 *	         timeout_ms}: see cmdBench; prints a bench event at the end
 *
 * Events (session events carry "session"; PDUs carry "seq"):
 *	listening {port}; ok {cmd, id, ...}; error {cmd, id, message} for a
 *	command, error {session, message} for a connection (then it is
 *	closed); connect {remote_port}; bind {kind: transceiver|receiver|
 *	transmitter, system_id, password, system_type, interface_version,
 *	addr_ton, addr_npi, address_range, status answered}; submit_sm {every
 *	mandatory field, short_message hex, TLVs by name (octets in hex,
 *	unknown ones as tlv_0xNNNN), message_id, status (null = not answered,
 *	dropped), held, pdu (the whole PDU in hex)}; deliver_sm_resp
 *	{command_status, message_id}; generic_nack {status}; enquire_link
 *	{answered}; enquire_link_resp; unbind {answered}; unbind_resp (the
 *	SMSC then closes); unknown {command_id} (answered generic_nack
 *	RINVCMDID); pdu {command, ...} for anything else (requests answered
 *	RINVCMDID); stats; bench {messages, seconds, rate, p50_ms, p99_ms,
 *	window[, error, requested]}; close {bound}.
 *
 * Not bound (or bound as receiver), a submit_sm is answered RINVBNDSTS;
 * a second bind RALYBND.
 */
const readline = require('readline');
const { smpp, fromHex, jsonValue, fields, nextSeq } = require('./rawpdu');

const ESME_RINVBNDSTS = 0x04;
const ESME_RALYBND = 0x05;
const ESME_RINVCMDID = 0x03;

const config = {
	refuse_bind: 0,
	submit_status: [],
	submit_status_default: 0,
	hold_submits: false,
	drop_after_submits: 0,
	answer_enquire_link: true,
	answer_unbind: true,
	delay_ms: 0,
	system_id: 'SMSC',
	quiet: false,
};

const stats = {
	connections: 0, bind: 0, submit_sm: 0, deliver_sm: 0,
	deliver_sm_resp: 0, enquire_link: 0, generic_nack: 0, unbind: 0,
	errors: 0,
};

const sessions = new Map();	/* id -> state */
let lastId = 0;
let nextMessageId = 1;
let dropCount = 0;		/* submit_sm swallowed toward drop_after_submits */
const held = [];		/* [{st, resp}] submit_sm answers on hold */
let bench = null;

function emit(ev) {
	process.stdout.write(JSON.stringify(ev) + '\n');
}

/* Per-message events, muted by the quiet option and during a benchmark. */
function emitMsg(ev) {
	if (!config.quiet && !bench)
		emit(ev);
}

/* Sends a response now or after ms (default delay_ms), if still open. */
function respond(st, resp, ms, then) {
	if (ms === undefined)
		ms = config.delay_ms;
	const go = function() {
		if (st.closed)
			return;
		st.session.send(resp);
		if (then)
			then();
	};
	if (ms > 0) {
		const t = setTimeout(function() {
			st.timers.delete(t);
			go();
		}, ms);
		st.timers.add(t);
	} else
		go();
}

const BIND_KINDS = {
	bind_transceiver: 'transceiver',
	bind_receiver: 'receiver',
	bind_transmitter: 'transmitter',
};

function onBind(st, pdu) {
	const kind = BIND_KINDS[pdu.command];
	let status = config.refuse_bind || 0;
	if (!status && st.bound)
		status = ESME_RALYBND;
	stats.bind++;
	emit({ event: 'bind', session: st.id, kind: kind,
	    seq: pdu.sequence_number, system_id: pdu.system_id,
	    password: pdu.password, system_type: pdu.system_type,
	    interface_version: pdu.interface_version,
	    addr_ton: pdu.addr_ton, addr_npi: pdu.addr_npi,
	    address_range: pdu.address_range, status: status });
	if (status)
		respond(st, pdu.response({ command_status: status }));
	else
		respond(st, pdu.response({ system_id: config.system_id }),
		    undefined, function() { st.bound = kind; });
}

function onSubmit(st, pdu) {
	stats.submit_sm++;
	const ev = Object.assign({ event: 'submit_sm', session: st.id,
	    seq: pdu.sequence_number }, fields(pdu));
	let status = null, resp = null;
	if (st.bound !== 'transceiver' && st.bound !== 'transmitter') {
		status = ESME_RINVBNDSTS;
	} else if (config.drop_after_submits > 0) {
		dropCount++;
	} else {
		status = config.submit_status.length ?
		    config.submit_status.shift() : config.submit_status_default;
	}
	if (status === 0) {
		ev.message_id = String(nextMessageId++);
		resp = pdu.response({ message_id: ev.message_id });
	} else if (status !== null)
		resp = pdu.response({ command_status: status });
	ev.status = status;
	ev.held = resp !== null && config.hold_submits === true &&
	    status !== ESME_RINVBNDSTS;
	ev.pdu = pdu.raw ? pdu.raw.toString('hex') : null;
	emitMsg(ev);
	if (bench)
		benchSubmit(st, pdu);
	if (resp === null) {
		if (dropCount >= config.drop_after_submits) {
			/* One-shot: the ESME's reconnect must get through. */
			config.drop_after_submits = 0;
			dropCount = 0;
			st.socket.destroy();
		}
		return;
	}
	if (ev.held)
		held.push({ st: st, resp: resp });
	else if (typeof config.hold_submits === 'number' &&
	    config.hold_submits > 0)
		respond(st, resp, config.hold_submits);
	else
		respond(st, resp);
}

function onEnquireLink(st, pdu) {
	stats.enquire_link++;
	emit({ event: 'enquire_link', session: st.id, seq: pdu.sequence_number,
	    answered: !!config.answer_enquire_link });
	if (config.answer_enquire_link)
		respond(st, pdu.response());
}

function onUnbind(st, pdu) {
	stats.unbind++;
	emit({ event: 'unbind', session: st.id, seq: pdu.sequence_number,
	    answered: !!config.answer_unbind });
	if (config.answer_unbind)
		respond(st, pdu.response(), undefined, function() {
			st.bound = null;
			st.socket.end();
		});
}

function onPdu(st, pdu) {
	const base = { session: st.id, seq: pdu.sequence_number,
	    command_status: pdu.command_status };
	switch (pdu.command) {
	case 'bind_transceiver':
	case 'bind_receiver':
	case 'bind_transmitter':
		return onBind(st, pdu);
	case 'submit_sm':
		return onSubmit(st, pdu);
	case 'enquire_link':
		return onEnquireLink(st, pdu);
	case 'unbind':
		return onUnbind(st, pdu);
	case 'deliver_sm_resp':
		stats.deliver_sm_resp++;
		emitMsg(Object.assign({ event: 'deliver_sm_resp' }, base,
		    { message_id: pdu.message_id }));
		return;
	case 'generic_nack':
		stats.generic_nack++;
		emit({ event: 'generic_nack', session: st.id,
		    seq: pdu.sequence_number, status: pdu.command_status });
		return;
	case 'enquire_link_resp':
		emit(Object.assign({ event: 'enquire_link_resp' }, base));
		return;
	case 'unbind_resp':
		emit(Object.assign({ event: 'unbind_resp' }, base));
		st.bound = null;
		st.socket.end();
		return;
	case 'unknown':
		emit(Object.assign({ event: 'unknown',
		    command_id: pdu.command_id }, base));
		respond(st, pdu.response());	/* generic_nack RINVCMDID */
		return;
	}
	emit(Object.assign({ event: 'pdu', command: pdu.command,
	    command_id: pdu.command_id }, base, fields(pdu)));
	if (!pdu.isResponse())
		respond(st, pdu.response({ command_status: ESME_RINVCMDID }));
}

function onSession(session) {
	const st = { id: ++lastId, session: session, socket: session.socket,
	    bound: null, timers: new Set(), closed: false };
	sessions.set(st.id, st);
	stats.connections++;
	/* Nagle would add the simulator's own latency to every echo. */
	session.socket.setNoDelay(true);
	emit({ event: 'connect', session: st.id,
	    remote_port: session.socket.remotePort });
	session.on('pdu', function(pdu) { onPdu(st, pdu); });
	session.on('error', function(e) {
		/* A parse error leaves the package's reader stuck: hang up. */
		stats.errors++;
		emit({ event: 'error', session: st.id, message: e.message });
		session.socket.destroy();
	});
	session.on('close', function() {
		st.closed = true;
		for (const t of st.timers)
			clearTimeout(t);
		sessions.delete(st.id);
		emit({ event: 'close', session: st.id, bound: st.bound });
		if (bench && bench.st === st)
			benchEnd('session closed');
	});
}

/* The session a command is for: "session" if given, else the newest. */
function pickSession(c, needRx) {
	if (c.session !== undefined) {
		const st = sessions.get(c.session);
		if (!st)
			throw Error('no session ' + c.session);
		return st;
	}
	let found = null;
	for (const st of sessions.values())
		if (!needRx || st.bound === 'transceiver' ||
		    st.bound === 'receiver')
			found = st;
	if (!found)
		throw Error(needRx ? 'no bound receiver or transceiver' :
		    'no client connected');
	return found;
}

/* Writes a request PDU with an optional raw TLV tail; returns its seq. */
function sendRequest(st, pdu, extraTlvs) {
	if (!pdu.sequence_number)
		pdu.sequence_number = nextSeq(st.session);
	let buf = pdu.toBuffer();
	if (extraTlvs && extraTlvs.length) {
		const parts = [buf];
		for (const [tag, hex] of extraTlvs) {
			const v = fromHex(hex, 'extra_tlvs');
			const h = Buffer.alloc(4);
			h.writeUInt16BE(Number(tag), 0);
			h.writeUInt16BE(v.length, 2);
			parts.push(h, v);
		}
		buf = Buffer.concat(parts);
		buf.writeUInt32BE(buf.length, 0);
	}
	st.socket.write(buf);
	return pdu.sequence_number;
}

const DELIVER_FIELDS = ['service_type', 'source_addr_ton', 'source_addr_npi',
    'source_addr', 'dest_addr_ton', 'dest_addr_npi', 'destination_addr',
    'esm_class', 'protocol_id', 'priority_flag', 'registered_delivery',
    'data_coding'];

function cmdDeliver(c) {
	const st = pickSession(c, true);
	if (typeof c.data_coding !== 'number')
		throw Error('data_coding is required');
	const o = {};
	for (const k of DELIVER_FIELDS)
		if (c[k] !== undefined)
			o[k] = c[k];
	if (c.short_message !== undefined)
		o.short_message = fromHex(c.short_message, 'short_message');
	else if (c.text !== undefined)
		o.short_message = c.text;	/* the package encodes it */
	for (const k of Object.keys(c)) {
		const tlv = smpp.tlvs[k];
		if (!tlv || c[k] === undefined || c[k] === null)
			continue;
		o[k] = tlv.type === smpp.types.tlv.buffer ? fromHex(c[k], k) : c[k];
	}
	if (c.seq)
		o.sequence_number = c.seq;
	const seq = sendRequest(st, new smpp.PDU('deliver_sm', o), c.extra_tlvs);
	stats.deliver_sm++;
	return { session: st.id, seq: seq };
}

function cmdConfig(c) {
	for (const k of Object.keys(c)) {
		if (k === 'cmd' || k === 'id')
			continue;
		if (!(k in config))
			throw Error('unknown config key ' + k);
	}
	for (const k of Object.keys(c)) {
		if (k === 'cmd' || k === 'id')
			continue;
		if (k === 'submit_status')
			config.submit_status = [].concat(c[k]);
		else if (k === 'drop_after_submits') {
			config.drop_after_submits = c[k];
			dropCount = 0;
		} else
			config[k] = c[k];
	}
	if (config.hold_submits !== true && held.length)
		release(held.length);
	return { config: config };
}

function release(count) {
	const n = Math.min(count, held.length);
	for (const h of held.splice(0, n))
		respond(h.st, h.resp);
	return n;
}

const commands = {
	config: cmdConfig,
	deliver: cmdDeliver,
	release: function(c) {
		return { count: release(c.count === undefined ?
		    held.length : c.count) };
	},
	raw: function(c) {
		const st = pickSession(c, false);
		st.socket.write(fromHex(c.hex, 'hex'));
		return { session: st.id };
	},
	drop: function(c) {
		const ids = [];
		const list = c.session !== undefined ? [pickSession(c, false)] :
		    Array.from(sessions.values());
		for (const st of list) {
			ids.push(st.id);
			st.socket.destroy();
		}
		return { sessions: ids };
	},
	enquire_link: function(c) {
		const st = pickSession(c, false);
		return { session: st.id,
		    seq: sendRequest(st, new smpp.PDU('enquire_link', {})) };
	},
	unbind: function(c) {
		const st = pickSession(c, false);
		return { session: st.id,
		    seq: sendRequest(st, new smpp.PDU('unbind', {})) };
	},
	stats: function() {
		const ev = Object.assign({ event: 'stats' }, stats, {
		    sessions: Array.from(sessions.values()).map(function(st) {
			    return { session: st.id, bound: st.bound };
		    }),
		    held: held.length });
		emit(ev);
		return {};
	},
	bench: cmdBench,
};

/*
 * The echo benchmark: N MO deliver_sm, at most `window` outstanding.  An MO
 * is outstanding until a submit_sm comes back to its sender; each window
 * slot has its own sender (+3161000SSSS), so the reply says which MO it
 * answers.  Latency is MO written -> submit_sm read.
 */
function cmdBench(c) {
	if (bench)
		throw Error('a benchmark is running');
	const st = pickSession(c, true);
	const n = c.messages || 1000;
	const window = Math.min(c.window || 10, 9999, n);
	const dc = c.data_coding !== undefined ? c.data_coding : 0;
	const text = c.text !== undefined ? c.text : 'hello';
	/* Encoded once by the package, by the same rules as deliver's text. */
	const probe = new smpp.PDU('deliver_sm', { data_coding: dc,
	    short_message: text });
	probe._filter('encode');
	bench = { st: st, n: n, window: window, sent: 0, done: 0, latencies: [],
	    slots: new Map(), dc: dc, sm: probe.short_message,
	    dest: c.destination_addr || '1234', start: process.hrtime.bigint(),
	    last: null, timer: null };
	bench.timer = setTimeout(function() { benchEnd('timeout'); },
	    c.timeout_ms || 600000);
	for (let i = 0; i < window; i++)
		benchSend('+3161000' + String(i).padStart(4, '0'));
	return { session: st.id, messages: n, window: window };
}

function benchSend(addr) {
	const b = bench;
	b.sent++;
	b.slots.set(addr, process.hrtime.bigint());
	sendRequest(b.st, new smpp.PDU('deliver_sm', { source_addr: addr,
	    source_addr_ton: 1, source_addr_npi: 1, destination_addr: b.dest,
	    data_coding: b.dc, short_message: b.sm }));
	stats.deliver_sm++;
}

function benchSubmit(st, pdu) {
	const b = bench;
	const t0 = b.slots.get(pdu.destination_addr);
	if (st !== b.st || t0 === undefined)
		return;
	const now = process.hrtime.bigint();
	b.slots.delete(pdu.destination_addr);
	b.latencies.push(Number(now - t0) / 1e6);
	b.done++;
	b.last = now;
	if (b.sent < b.n)
		benchSend(pdu.destination_addr);
	else if (b.done === b.n)
		benchEnd(null);
}

function percentile(sorted, p) {
	if (!sorted.length)
		return null;
	const i = Math.min(sorted.length - 1,
	    Math.max(0, Math.ceil(p * sorted.length) - 1));
	return Math.round(sorted[i] * 1000) / 1000;
}

function benchEnd(error) {
	const b = bench;
	bench = null;
	clearTimeout(b.timer);
	const end = b.last || process.hrtime.bigint();
	const seconds = Number(end - b.start) / 1e9;
	const lat = b.latencies.sort(function(x, y) { return x - y; });
	const ev = { event: 'bench', messages: b.done, window: b.window,
	    seconds: Math.round(seconds * 1000) / 1000,
	    rate: seconds > 0 ? Math.round(b.done / seconds) : null,
	    p50_ms: percentile(lat, 0.50), p99_ms: percentile(lat, 0.99) };
	if (error) {
		ev.error = error;
		ev.requested = b.n;
	}
	emit(ev);
}

function onLine(line) {
	line = line.trim();
	if (!line)
		return;
	let c;
	try {
		c = JSON.parse(line);
	} catch (e) {
		emit({ event: 'error', cmd: null, message: 'bad JSON: ' +
		    e.message });
		return;
	}
	const ack = { cmd: c.cmd };
	if (c.id !== undefined)
		ack.id = c.id;
	const fn = typeof c.cmd === 'string' &&
	    Object.prototype.hasOwnProperty.call(commands, c.cmd) ?
	    commands[c.cmd] : null;
	try {
		if (!fn)
			throw Error('unknown command');
		emit(Object.assign({ event: 'ok' }, ack, jsonValue(fn(c)) || {}));
	} catch (e) {
		emit(Object.assign({ event: 'error' }, ack, { message: e.message }));
	}
}

function parseArgs(argv) {
	const a = { port: 0 };
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--port' && i + 1 < argv.length)
			a.port = Number(argv[++i]);
		else if (argv[i] === '--system-id' && i + 1 < argv.length)
			config.system_id = argv[++i];
		else {
			process.stderr.write('usage: node smsc.js [--port N] ' +
			    '[--system-id ID]\n');
			process.exit(2);
		}
	}
	return a;
}

function main() {
	const args = parseArgs(process.argv.slice(2));
	const server = smpp.createServer(onSession);
	let stopping = false;
	const stop = function() {
		if (stopping)
			return;
		stopping = true;
		for (const st of sessions.values())
			st.socket.destroy();
		server.close();
		process.exit(0);
	};
	server.on('error', function(e) {
		emit({ event: 'error', cmd: null, message: e.message });
		process.exit(1);
	});
	server.listen(args.port, '127.0.0.1', function() {
		emit({ event: 'listening', port: server.address().port });
		const rl = readline.createInterface({ input: process.stdin });
		rl.on('line', onLine);
		rl.on('close', stop);
	});
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
}

main();
