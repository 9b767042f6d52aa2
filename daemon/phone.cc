/*
 * phone.cc - a C face on libphonenumber (C++17, no exception escapes).
 *
 * Senders are normalised to E.164 so that every spelling of a number maps
 * to one pseudonym; menu contact numbers are checked to be dialable.  The
 * number is personal data: libphonenumber's logger is replaced by its
 * NullLogger before first use, since it may otherwise echo input it fails
 * to parse, and our own string copies are wiped before they are freed.
 */

#include <string.h>

#include <string>

#include <phonenumbers/logger.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <phonenumbers/shortnumberinfo.h>

extern "C" {
#include "helpline/phone.h"
}

namespace pn = i18n::phonenumbers;

namespace {

/* Longer input is garbage, not a number: refused before parsing. */
constexpr size_t RAW_MAX = 64;

/* Wipes a string's bytes before it is freed. */
void
wipe(std::string &s)
{
	if (!s.empty())
		explicit_bzero(&s[0], s.size());
	s.clear();
}

/* Returns the shared util, with its logger silenced on first use. */
const pn::PhoneNumberUtil &
util()
{
	static pn::PhoneNumberUtil *const u = [] {
		pn::PhoneNumberUtil *p = pn::PhoneNumberUtil::GetInstance();

		/* p takes ownership of the logger. */
		p->SetLogger(new pn::NullLogger());
		return p;
	}();

	return *u;
}

/* Returns the shared short-number checker (after util() is set up). */
const pn::ShortNumberInfo &
short_info()
{
	static const pn::ShortNumberInfo *const s = [] {
		(void)util();
		return new pn::ShortNumberInfo();	/* lives until exit */
	}();

	return *s;
}

/*
 * Returns true if raw looks like a number at all: bounded, with digits and
 * only the separators people and gateways write.  Letters are refused here
 * because libphonenumber reads them as keypad digits ("INFO" is 4636), and
 * an alphanumeric sender is a brand, not a person.
 */
bool
is_plausible(const char *raw)
{
	size_t	len, i, digits = 0;

	if (raw == nullptr)
		return false;
	len = strnlen(raw, RAW_MAX + 1);
	if (len == 0 || len > RAW_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = raw[i];

		if (c >= '0' && c <= '9')
			digits++;
		else if (strchr("+ -().\t/", c) == nullptr)
			return false;
	}
	return digits > 0;
}

/* Returns true if raw holds no '+' and does not start with "00". */
bool
is_bare_digits(const char *raw)
{
	const char *p = raw + strspn(raw, " \t");

	return strchr(raw, '+') == nullptr && strncmp(p, "00", 2) != 0;
}

/* How far a parse got: not a number, possible (right length), valid. */
enum class fit { none, possible, valid };

/* Parses raw for a region into *n and grades it. */
fit
grade(const std::string &raw, const char *region, pn::PhoneNumber *n)
{
	const pn::PhoneNumberUtil &u = util();

	if (u.Parse(raw, region, n) != pn::PhoneNumberUtil::NO_PARSING_ERROR)
		return fit::none;
	if (u.IsValidNumber(*n))
		return fit::valid;
	return u.IsPossibleNumber(*n) ? fit::possible : fit::none;
}

/*
 * Parses raw into *nat (national reading) and *intl, and returns the one
 * to use, or nullptr unless one is at least possible.  Gateways often drop
 * the '+' ("31612345678", "32470123456"), so bare digits are also read as
 * international.  libphonenumber strips the region's own country code
 * itself, but a foreign one such as 32 would pass as a "possible" 11-digit
 * Dutch number: so a valid reading wins over a merely possible one, and
 * the national reading wins a tie.
 */
const pn::PhoneNumber *
parse_best(const char *raw, const char *region, pn::PhoneNumber *nat,
    pn::PhoneNumber *intl)
{
	std::string	in;
	fit		national, international = fit::none;

	in.reserve(RAW_MAX + 2);	/* so insert() leaves no stray copy */
	in.assign(raw);
	national = grade(in, region, nat);
	if (national != fit::valid && is_bare_digits(raw)) {
		in.insert(0, 1, '+');
		international = grade(in, region, intl);
	}
	wipe(in);
	if (international > national)
		return intl;
	return national != fit::none ? nat : nullptr;
}

/* Normalises raw into out; returns 0 or -1. */
int
normalise(const char *raw, const char *region, struct hl_phone *out)
{
	pn::PhoneNumber		 nat, intl;
	const pn::PhoneNumber	*n;
	std::string		 e164;
	int			 rv = -1;

	if ((n = parse_best(raw, region, &nat, &intl)) != nullptr) {
		util().Format(*n, pn::PhoneNumberUtil::E164, &e164);
		if (e164.size() < sizeof out->e164) {
			memcpy(out->e164, e164.c_str(), e164.size() + 1);
			rv = 0;
		}
	}
	wipe(e164);
	nat.Clear();
	intl.Clear();
	return rv;
}

/* Returns true if number is a valid or a valid short number for region. */
bool
dialable(const char *number, const char *region)
{
	const pn::PhoneNumberUtil	&u = util();
	pn::PhoneNumber			 n;
	std::string			 in(number);
	bool				 ok = false;

	if (u.Parse(in, region, &n) == pn::PhoneNumberUtil::NO_PARSING_ERROR)
		ok = u.IsValidNumber(n) ||
		    short_info().IsValidShortNumberForRegion(n, region);
	wipe(in);
	return ok;
}

}  // namespace


/*
 * Returns true if raw is already a Dutch number in E.164 form ("+31"
 * and nine digits, the first not 0), copying it to out.  Gateways send
 * senders in this form, and libphonenumber's parse (ICU regexes) was the
 * largest cost per message in bench/http-json; for this form its answer is
 * the input itself (tests/unit/test_phone.c checks that they agree).
 */
static bool
is_dutch_e164(const char *raw, struct hl_phone *out)
{
	if (strncmp(raw, "+31", 3) != 0 || raw[3] < '1' || raw[3] > '9')
		return false;
	for (int i = 4; i < 12; i++) {
		if (raw[i] < '0' || raw[i] > '9')
			return false;
	}
	if (raw[12] != '\0')
		return false;
	memcpy(out->e164, raw, 13);
	return true;
}

/* Normalises a sender to E.164, always through libphonenumber (tests
 * compare it with the fast path). */
extern "C" int
hl_phone_normalise_slow(const char *raw, const char *default_region,
    struct hl_phone *out)
{
	if (out == nullptr || default_region == nullptr ||
	    !is_plausible(raw))
		return -1;
	try {
		return normalise(raw, default_region, out);
	} catch (...) {
		return -1;
	}
}

/* Normalises a sender to E.164; returns 0 or -1. */
extern "C" int
hl_phone_normalise(const char *raw, const char *default_region,
    struct hl_phone *out)
{
	/* "+31..." means the same whatever the default region. */
	if (out != nullptr && raw != nullptr && default_region != nullptr &&
	    is_dutch_e164(raw, out))
		return 0;
	return hl_phone_normalise_slow(raw, default_region, out);
}

/* Returns true if a menu's contact number is dialable in the region. */
extern "C" bool
hl_phone_is_dialable(const char *number, const char *default_region)
{
	if (default_region == nullptr || !is_plausible(number))
		return false;
	try {
		return dialable(number, default_region);
	} catch (...) {
		return false;
	}
}

/* Overwrites a phone number in memory. */
extern "C" void
hl_phone_wipe(struct hl_phone *p)
{
	if (p != nullptr)
		explicit_bzero(p, sizeof *p);
}
