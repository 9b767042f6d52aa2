#!/usr/bin/env node
'use strict';
/*
 * echo-esme.js - the smallest ESME: the benchmark's denominator and a
 * client for checking smsc.js on its own.
 *
 *	node echo-esme.js PORT [--system-id ID] [--password PW] [--verbose]
 *
 * Binds as transceiver to 127.0.0.1:PORT with the npm smpp package and
 * answers every deliver_sm at once with deliver_sm_resp, then sends one
 * submit_sm back to the sender with the same service_type, data_coding,
 * UDH bit and short_message bytes (delivery receipts are not echoed).
 * Answers enquire_link and unbind, and an unknown command with
 * generic_nack.  Prints JSON lines: bound | bind_failed (then exits 1),
 * error (exits 1), close (exits 0, with counters); with --verbose also
 * deliver_sm, submit_sm_resp, generic_nack, unknown, enquire_link and
 * unbind.  SIGTERM sends unbind and waits for the close.
 */
const { smpp, fields } = require('./rawpdu');

function emit(ev) {
	process.stdout.write(JSON.stringify(ev) + '\n');
}

function usage() {
	process.stderr.write('usage: node echo-esme.js PORT [--system-id ID] ' +
	    '[--password PW] [--verbose]\n');
	process.exit(2);
}

const argv = process.argv.slice(2);
const opt = { port: 0, system_id: 'echo', password: 'secret',
    verbose: false };
for (let i = 0; i < argv.length; i++) {
	if (argv[i] === '--system-id' && i + 1 < argv.length)
		opt.system_id = argv[++i];
	else if (argv[i] === '--password' && i + 1 < argv.length)
		opt.password = argv[++i];
	else if (argv[i] === '--verbose' || argv[i] === '-v')
		opt.verbose = true;
	else if (/^\d+$/.test(argv[i]) && !opt.port)
		opt.port = Number(argv[i]);
	else
		usage();
}
if (!opt.port)
	usage();

const count = { deliver_sm: 0, submit_sm: 0, submit_sm_resp: {} };
let bound = false;
let failed = false;

function say(ev) {
	if (opt.verbose)
		emit(ev);
}

const session = smpp.connect({ host: '127.0.0.1', port: opt.port });

session.on('connect', function() {
	session.socket.setNoDelay(true);
	session.bind_transceiver({ system_id: opt.system_id,
	    password: opt.password, interface_version: 0x34 });
});

session.on('pdu', function(pdu) {
	const seq = pdu.sequence_number;
	switch (pdu.command) {
	case 'bind_transceiver_resp':
		if (pdu.command_status) {
			failed = true;
			emit({ event: 'bind_failed', status: pdu.command_status });
			session.destroy();
			return;
		}
		bound = true;
		emit({ event: 'bound', system_id: pdu.system_id });
		return;
	case 'deliver_sm':
		count.deliver_sm++;
		say(Object.assign({ event: 'deliver_sm', seq: seq }, fields(pdu)));
		session.send(pdu.response());
		if (!bound || (pdu.esm_class & 0x3C) === 0x04)
			return;
		count.submit_sm++;
		session.submit_sm(Object.assign({ service_type: pdu.service_type,
		    source_addr_ton: pdu.dest_addr_ton,
		    source_addr_npi: pdu.dest_addr_npi,
		    source_addr: pdu.destination_addr,
		    dest_addr_ton: pdu.source_addr_ton,
		    dest_addr_npi: pdu.source_addr_npi,
		    destination_addr: pdu.source_addr,
		    esm_class: pdu.esm_class & 0x40,
		    data_coding: pdu.data_coding,
		    short_message: pdu.short_message },
		    pdu.message_payload ?
		    { message_payload: pdu.message_payload } : {}));
		return;
	case 'submit_sm_resp': {
		const k = String(pdu.command_status);
		count.submit_sm_resp[k] = (count.submit_sm_resp[k] || 0) + 1;
		say({ event: 'submit_sm_resp', seq: seq,
		    status: pdu.command_status, message_id: pdu.message_id });
		return;
	}
	case 'enquire_link':
		say({ event: 'enquire_link', seq: seq });
		session.send(pdu.response());
		return;
	case 'unbind':
		say({ event: 'unbind', seq: seq });
		session.send(pdu.response(), function() { session.close(); });
		return;
	case 'unbind_resp':
		session.close();
		return;
	case 'generic_nack':
		say({ event: 'generic_nack', seq: seq,
		    status: pdu.command_status });
		return;
	case 'unknown':
		say({ event: 'unknown', seq: seq, command_id: pdu.command_id });
		session.send(pdu.response());
		return;
	}
	say({ event: 'pdu', command: pdu.command, seq: seq });
});

session.on('error', function(e) {
	failed = true;
	emit({ event: 'error', message: e.message });
	session.destroy();
});

session.on('close', function() {
	emit(Object.assign({ event: 'close' }, count));
	process.exit(failed ? 1 : 0);
});

process.on('SIGTERM', function() {
	if (!bound || !session.unbind())
		session.destroy();
});
