'use strict';
/*
 * rawpdu.js - the npm smpp package, set up for tests that check bytes.
 *
 * Out of the box the package decodes short_message and message_payload
 * into text (guessing a charset from data_coding) and turns time fields
 * into Date objects, so a test could not see the octets the ESME sent.
 * Here both decoders are made the identity: received PDUs keep those
 * fields as Buffers.  Encoding is untouched: a Buffer is sent as is, a
 * string is encoded by the package according to data_coding.  Every
 * received PDU also keeps its wire bytes in the non-enumerable `raw`.
 */
let smpp;
try {
	smpp = require('smpp');
} catch (e) {
	process.stderr.write('the npm smpp package is missing under ' +
	    __dirname + '/node_modules: run contrib/deps.sh\n');
	process.exit(2);
}

smpp.filters.message.decode = function(value) { return value; };
smpp.filters.time.decode = function(value) { return value; };

const PDU = smpp.PDU;
PDU.fromStream = function(stream, command_length) {
	if (command_length < 16)
		throw Error('PDU length was too small (' + command_length + ')');
	const rest = stream.read(command_length - 4);
	if (!rest)
		return false;
	const head = Buffer.alloc(4);
	head.writeUInt32BE(command_length, 0);
	const raw = Buffer.concat([head, rest]);
	const pdu = new PDU(raw);
	Object.defineProperty(pdu, 'raw', { value: raw, enumerable: false });
	return pdu;
};

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/* Bytes from a hex string; throws on anything that is not whole octets. */
function fromHex(s, what) {
	if (typeof s !== 'string' || !HEX.test(s))
		throw Error((what || 'value') + ': not a hex string');
	return Buffer.from(s, 'hex');
}

/* A PDU field as JSON: Buffers become hex. */
function jsonValue(v) {
	if (Buffer.isBuffer(v))
		return v.toString('hex');
	if (Array.isArray(v))
		return v.map(jsonValue);
	if (v instanceof Date)
		return v.toISOString();
	return v;
}

/*
 * The mandatory fields and TLVs of a received PDU as a plain object.
 * Known TLVs keep the package's names; unknown ones are tlv_0xNNNN (hex).
 */
function fields(pdu) {
	const out = {};
	const def = smpp.commands[pdu.command] || {};
	const params = def.params || {};
	for (const k of Object.keys(params))
		if (k in pdu)
			out[k] = jsonValue(pdu[k]);
	for (const k of Object.keys(pdu)) {
		if (k in params)
			continue;
		if (smpp.tlvs[k])
			out[k] = jsonValue(pdu[k]);
		else if (/^\d+$/.test(k))
			out['tlv_0x' + Number(k).toString(16).padStart(4, '0')] =
			    jsonValue(pdu[k]);
	}
	return out;
}

/* The next sequence number of a session, as the package counts them. */
function nextSeq(session) {
	if (session.sequence >= 0x7FFFFFFF)
		session.sequence = 0;
	return ++session.sequence;
}

module.exports = { smpp, fromHex, jsonValue, fields, nextSeq };
