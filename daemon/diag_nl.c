/*
 * diag_nl.c - the Dutch catalogue of the menu checker's findings.
 *
 * Each entry maps an English printf format (or a fixed fragment such as
 * "a list"), exactly as the call site in daemon/menu.c or menu_check.c
 * spells it, to its Dutch twin.  A twin must have the same conversions in
 * the same order, or a finding could read the wrong argument:
 * tests/unit/test_menu.c compares every pair, and loads every fixture in
 * Dutch to show that no finding falls back to English.  Names from the
 * file (node ids, keys such as `goto` or `globals`) stay as the file
 * spells them, so a coordinator can find them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "helpline/menu.h"

struct diag_pair {
	const char	*en;
	const char	*nl;
};

static const struct diag_pair diag_nl[] = {
	/* Fragments: what a value is or should be. */
	{ "a block of 'name: value' lines", "een blok 'naam: waarde'-regels" },
	{ "a list", "een lijst" },
	{ "a text", "een tekst" },
	{ "empty", "leeg" },
	{ "a block with back, home, help, more, forget and language",
	  "een blok met back, home, help, more, forget en language" },
	{ "a block with helpline, version, languages, start, messages, "
	  "globals and nodes",
	  "een blok met helpline, version, languages, start, messages, "
	  "globals en nodes" },
	{ "a block with invalid, forgotten and optionally resume, "
	  "resume_continue, resume_restart",
	  "een blok met invalid, forgotten en eventueel resume, "
	  "resume_continue, resume_restart" },
	{ "a block with keys, words, label and show",
	  "een blok met keys, words, label en show" },
	{ "a contact with name, phone or url, source and checked",
	  "een contact met name, phone of url, source en checked" },
	{ "a list of keys", "een lijst van toetsen" },
	{ "a list of language codes, such as [nl, en]",
	  "een lijst van taalcodes, zoals [nl, en]" },
	{ "a list of options", "een lijst van opties" },
	{ "a list of words", "een lijst van woorden" },
	{ "a list of words per language, such as {nl: [TERUG], en: [BACK]}",
	  "een lijst van woorden per taal, zoals {nl: [TERUG], en: "
	  "[BACK]}" },
	{ "a node with text and options",
	  "een knooppunt met text en options" },
	{ "a text per language, such as {nl: ..., en: ...}",
	  "een tekst per taal, zoals {nl: ..., en: ...}" },
	{ "an option with key, label and goto",
	  "een optie met key, label en goto" },
	{ "keywords per language, such as {nl: {huisarts: role_gp}}",
	  "trefwoorden per taal, zoals {nl: {huisarts: role_gp}}" },
	{ "node ids, each followed by its node",
	  "knooppunt-id's, elk gevolgd door zijn knooppunt" },
	{ "words, each with the node it leads to, such as {huisarts: "
	  "role_gp}",
	  "woorden, elk met het knooppunt waar het heen leidt, zoals "
	  "{huisarts: role_gp}" },

	/* Fragments: names of parts. */
	{ "name", "naam" },
	{ "language", "taal" },
	{ "node id", "knooppunt-id" },
	{ "keyword", "trefwoord" },
	{ "option %zu", "optie %zu" },
	{ "option %zu: key", "optie %zu: toets" },
	{ "globals: %s: key", "globals: %s: toets" },
	{ "globals: %s (%s): word", "globals: %s (%s): woord" },
	{ "keywords: %s: keyword", "keywords: %s: trefwoord" },
	{ "the text", "de tekst" },
	{ "the screen", "het scherm" },
	{ "the key of option %zu", "de toets van optie %zu" },
	{ "the label of option %zu", "het label van optie %zu" },
	{ "the label of %s in globals", "het label van %s in globals" },
	{ "a key of %s in globals", "een toets van %s in globals" },

	/* Fragments: what a missing part is for. */
	{ "the reply to a choice that is no option",
	  "het antwoord op een keuze die geen optie is" },
	{ "the reply to forget-me", "het antwoord op 'wis mij'" },
	{ "resume, resume_continue and resume_restart go together",
	  "resume, resume_continue en resume_restart horen bij elkaar" },
	{ "the web page where the number was verified",
	  "de webpagina waar het nummer is gecontroleerd" },
	{ "the date it was verified, YYYY-MM-DD",
	  "de datum van die controle, JJJJ-MM-DD" },

	/* Fragments: why a file cannot be read. */
	{ "there is no file by that name (check the name and the folder)",
	  "er is geen bestand met die naam (controleer de naam en de map)" },
	{ "you may not read it (ask for read permission)",
	  "je mag het niet lezen (vraag om leesrecht)" },
	{ "that is a folder, not a file", "dat is een map, geen bestand" },

	/* Fragments: what a gateway does with a reserved word. */
	{ "opt-out: the gateway stops all replies to that phone",
	  "afmelden: de gateway stuurt die telefoon geen antwoorden meer" },
	{ "opt-in: the gateway may answer it itself",
	  "aanmelden: de gateway antwoordt er misschien zelf op" },
	{ "help: the gateway may answer it itself",
	  "hulp: de gateway antwoordt er misschien zelf op" },

	/* The file. */
	{ "cannot open the file: %s", "kan het bestand niet openen: %s" },
	{ "cannot read the file: %s", "kan het bestand niet lezen: %s" },
	{ "the file is %zu bytes, at most %d are allowed: make it smaller",
	  "het bestand is %zu bytes, er mogen er hoogstens %d zijn: maak het "
	  "kleiner" },
	{ "the file is over %d bytes, the most allowed: make it smaller",
	  "het bestand is groter dan %d bytes, het maximum: maak het "
	  "kleiner" },
	{ "byte 0x%02x is not UTF-8: save the file as UTF-8",
	  "byte 0x%02x is geen UTF-8: sla het bestand op als UTF-8" },
	{ "the file is empty: a menu starts with helpline, version, "
	  "languages, start, messages, globals and nodes",
	  "het bestand is leeg: een menu begint met helpline, version, "
	  "languages, start, messages, globals en nodes" },
	{ "the file's layout is broken here (YAML: %s): check indentation, "
	  "colons and quotes",
	  "de opmaak van het bestand klopt hier niet (YAML: %s): controleer "
	  "inspringen, dubbele punten en aanhalingstekens" },
	{ "the file's layout is broken here (YAML: %s, %s on line %lu): "
	  "check indentation, colons and quotes",
	  "de opmaak van het bestand klopt hier niet (YAML: %s, %s op regel "
	  "%lu): controleer inspringen, dubbele punten en "
	  "aanhalingstekens" },
	{ "a second YAML document starts here: a menu file holds one "
	  "(remove '---' and what follows)",
	  "hier begint een tweede YAML-document: een menubestand bevat er "
	  "één (haal '---' en wat erna komt weg)" },
	{ "aliases (*name) are not allowed: write the text out in full",
	  "aliassen (*naam) zijn niet toegestaan: schrijf de tekst voluit" },
	{ "anchors (&%s) are not allowed: write the text out in full",
	  "ankers (&%s) zijn niet toegestaan: schrijf de tekst voluit" },
	{ "tags (%s) are not allowed: remove it",
	  "tags (%s) zijn niet toegestaan: haal hem weg" },
	{ "indented deeper than %d levels: a menu needs far fewer",
	  "dieper ingesprongen dan %d niveaus: een menu heeft er veel minder "
	  "nodig" },
	{ "the file has more than %d values: make it smaller",
	  "het bestand heeft meer dan %d waarden: maak het kleiner" },

	/* Shapes and names. */
	{ "this should be %s, but it is %s",
	  "hier hoort %s, maar het is %s" },
	{ "%s: the text holds a NUL character (\\0), which a phone cannot "
	  "show: remove it",
	  "%s: de tekst bevat een NUL-teken (\\0), dat een telefoon niet kan "
	  "tonen: haal het weg" },
	{ "the name before ':' should be a text, but it is %s",
	  "de naam vóór ':' moet een tekst zijn, maar het is %s" },
	{ "%s '%s' is written twice (first on line %lu), and only the first "
	  "counts: remove or rename one",
	  "%s '%s' staat er twee keer (eerst op regel %lu), en alleen de "
	  "eerste telt: haal er één weg of geef die een andere naam" },
	{ "'%s' is not a name used here: check its spelling (allowed: %s)",
	  "'%s' is hier geen bekende naam: controleer de spelling "
	  "(toegestaan: %s)" },
	{ "'%s' is missing: add it", "'%s' ontbreekt: voeg het toe" },
	{ "'%s' is missing (%s): add it",
	  "'%s' ontbreekt (%s): voeg het toe" },
	{ "'%s' is missing at the top level of the file: add it",
	  "'%s' ontbreekt op het bovenste niveau van het bestand: voeg het "
	  "toe" },
	{ "%s: '%s' is not one of the file's languages (%s): use one of "
	  "those, or add it to languages",
	  "%s: '%s' is geen taal van dit bestand (%s): gebruik een daarvan, "
	  "of voeg hem toe aan languages" },
	{ "%s: the %s translation is missing: add it",
	  "%s: de vertaling in %s ontbreekt: voeg die toe" },
	{ "%s: there is no node '%s': check the spelling, or add that node",
	  "%s: er is geen knooppunt '%s': controleer de spelling, of voeg "
	  "dat knooppunt toe" },

	/* Forms and caps. */
	{ "helpline: '%s' cannot be a name: use 1 to %d letters A-Z, a-z, "
	  "digits, '.', '-' and '_'",
	  "helpline: '%s' kan geen naam zijn: gebruik 1 tot %d letters A-Z, "
	  "a-z, cijfers, '.', '-' en '_'" },
	{ "version: '%s' cannot be a version: use 1 to %d letters A-Z, a-z, "
	  "digits, '.', '-' and '_', such as 2026-11-23.1",
	  "version: '%s' kan geen versie zijn: gebruik 1 tot %d letters A-Z, "
	  "a-z, cijfers, '.', '-' en '_', zoals 2026-11-23.1" },
	{ "languages: list 1 to %d language codes (there are %zu)",
	  "languages: geef 1 tot %d taalcodes (het zijn er %zu)" },
	{ "languages: '%s' is not a language code: use 2 or 3 small "
	  "letters, such as nl",
	  "languages: '%s' is geen taalcode: gebruik 2 of 3 kleine letters, "
	  "zoals nl" },
	{ "languages: '%s' is listed twice: remove one",
	  "languages: '%s' staat er twee keer: haal er één weg" },
	{ "nodes: there are %zu nodes, a menu has 1 to %d",
	  "nodes: er zijn %zu knooppunten, een menu heeft er 1 tot %d" },
	{ "nodes: '%s' cannot be a node id: use 1 to %d small letters a-z, "
	  "digits and _",
	  "nodes: '%s' kan geen knooppunt-id zijn: gebruik 1 tot %d kleine "
	  "letters a-z, cijfers en _" },
	{ "%s: '%s' cannot be a key: use 1 to %d characters without spaces",
	  "%s: '%s' kan geen toets zijn: gebruik 1 tot %d tekens zonder "
	  "spaties" },
	{ "%s: '%s' cannot be a word: use 1 to %d bytes (letters), no tabs "
	  "or line breaks, no space at either end",
	  "%s: '%s' kan geen woord zijn: gebruik 1 tot %d bytes (letters), "
	  "geen tabs of regeleinden, geen spatie aan begin of eind" },
	{ "%s: '%s' cannot be a keyword: use 1 to %d bytes (letters), no "
	  "tabs or line breaks, no space at either end",
	  "%s: '%s' kan geen trefwoord zijn: gebruik 1 tot %d bytes "
	  "(letters), geen tabs of regeleinden, geen spatie aan begin of "
	  "eind" },
	{ "options: %zu options, at most %d are allowed: split the node",
	  "options: %zu opties, er mogen er hoogstens %d zijn: verdeel het "
	  "knooppunt" },
	{ "%s: %zu keys, at most %d are allowed",
	  "%s: %zu toetsen, er mogen er hoogstens %d zijn" },
	{ "%s: %zu words, at most %d are allowed",
	  "%s: %zu woorden, er mogen er hoogstens %d zijn" },
	{ "%s: %zu keywords, at most %d are allowed",
	  "%s: %zu trefwoorden, er mogen er hoogstens %d zijn" },

	/* Options. */
	{ "%s: has both goto and action: keep one",
	  "%s: heeft zowel goto als action: houd er één" },
	{ "%s: '%s' is not an action: the only one is language",
	  "%s: '%s' is geen actie: de enige is language" },
	{ "%s: does not say where it leads: add goto: and a node id (or "
	  "action: language)",
	  "%s: zegt niet waar het heen leidt: voeg goto: en een "
	  "knooppunt-id toe (of action: language)" },

	/* Contacts. */
	{ "contact: give a phone number, a web address (url), or both",
	  "contact: geef een telefoonnummer, een webadres (url), of allebei" },
	{ "contact: checked: '%s' is not a date: write it as YYYY-MM-DD, "
	  "such as 2026-11-23",
	  "contact: checked: '%s' is geen datum: schrijf hem als JJJJ-MM-DD, "
	  "zoals 2026-11-23" },
	{ "contact: phone: this is not a number that can be called in %s "
	  "(libphonenumber knows no such number or short number): check it "
	  "against the source",
	  "contact: phone: dit is geen nummer dat in %s te bellen is "
	  "(libphonenumber kent zo'n nummer of kort nummer niet): "
	  "controleer het bij de bron" },
	{ "contact: checked %s is %ld days before %s, more than a year: "
	  "check the number again and update the date",
	  "contact: checked %s is %ld dagen vóór %s, meer dan een jaar: "
	  "controleer het nummer opnieuw en pas de datum aan" },
	{ "contact: checked %s is after today (%s): write the date the "
	  "number was last checked",
	  "contact: checked %s ligt na vandaag (%s): vul de datum in waarop "
	  "het nummer het laatst is gecontroleerd" },

	/* Globals. */
	{ "%s: show: '%s' is not a choice: use all, start, inner or never",
	  "%s: show: '%s' is geen keuze: gebruik all, start, inner of "
	  "never" },
	{ "%s: show does nothing without a label: add a label or remove "
	  "show",
	  "%s: show doet niets zonder label: voeg een label toe of haal show "
	  "weg" },
	{ "%s: only help has a goto: remove it here",
	  "%s: alleen help heeft een goto: haal hem hier weg" },
	{ "%s: does not say where it leads: add goto: and the id of the "
	  "help node",
	  "%s: zegt niet waar het heen leidt: voeg goto: en het id van het "
	  "hulpknooppunt toe" },
	{ "%s: takes words only, no keys or label (a word listed under a "
	  "language switches to that language)",
	  "%s: heeft alleen woorden, geen keys of label (een woord onder een "
	  "taal schakelt naar die taal)" },
	{ "%s: needs keys and a label: every page of a long screen but the "
	  "last ends with them",
	  "%s: heeft keys en een label nodig: elke pagina van een lang "
	  "scherm behalve de laatste eindigt ermee" },
	{ "%s: a label is shown next to a key, and there are no keys: add "
	  "keys or remove the label",
	  "%s: een label staat naast een toets, en er zijn geen keys: voeg "
	  "keys toe of haal het label weg" },
	{ "%s: has no keys and no words, so no caller can use it: add some",
	  "%s: heeft geen keys en geen words, dus geen beller kan het "
	  "gebruiken: voeg ze toe" },

	/* Clashes. */
	{ "option %zu: key '%s' is used twice in this node (also by option "
	  "%zu): give each option its own key",
	  "optie %zu: toets '%s' komt twee keer voor in dit knooppunt (ook "
	  "bij optie %zu): geef elke optie een eigen toets" },
	{ "option %zu: key '%s' is also the key of %s in globals, which "
	  "works on every screen: choose another key",
	  "optie %zu: toets '%s' is ook de toets van %s in globals, die op "
	  "elk scherm werkt: kies een andere toets" },
	{ "globals: %s: key '%s' is listed twice: remove one",
	  "globals: %s: toets '%s' staat er twee keer: haal er één weg" },
	{ "globals: %s: key '%s' is also the key of %s: a key can do only "
	  "one thing, so choose another",
	  "globals: %s: toets '%s' is ook de toets van %s: een toets kan "
	  "maar één ding doen, dus kies een andere" },
	{ "globals: %s: word '%s' (%s) is also a word of %s (%s): a word "
	  "can do only one thing, so remove one",
	  "globals: %s: woord '%s' (%s) is ook een woord van %s (%s): een "
	  "woord kan maar één ding doen, dus haal er één weg" },
	{ "keywords: %s: keyword '%s' is listed twice (capitals do not "
	  "count): remove one",
	  "keywords: %s: trefwoord '%s' staat er twee keer (hoofdletters "
	  "tellen niet): haal er één weg" },
	{ "keywords: %s: keyword '%s' is also a word of %s (%s) in globals, "
	  "which works on every screen: choose another keyword",
	  "keywords: %s: trefwoord '%s' is ook een woord van %s (%s) in "
	  "globals, dat op elk scherm werkt: kies een ander trefwoord" },
	{ "%s '%s' is a word SMS gateways such as Twilio act on themselves "
	  "(%s): a caller who sends it may never reach the helpline; choose "
	  "another",
	  "%s '%s' is een woord waar sms-gateways zoals Twilio zelf op "
	  "reageren (%s): wie het stuurt, bereikt de hulplijn misschien "
	  "nooit; kies een ander" },

	/* Reach. */
	{ "no caller can reach this node: no option, keyword or help leads "
	  "here from the start node '%s'; link it from a node or remove it",
	  "geen beller kan dit knooppunt bereiken: geen optie, trefwoord of "
	  "help leidt hierheen vanaf het startknooppunt '%s'; verwijs ernaar "
	  "vanuit een knooppunt of haal het weg" },

	/* Screens. */
	{ "on sms the %s screen is %zu characters, over the %zu it may use: "
	  "it will be sent in pages; shorten it to keep it whole",
	  "via sms is het %s-scherm %zu tekens, meer dan de %zu die het mag "
	  "gebruiken: het gaat in pagina's; kort het in om het heel te "
	  "houden" },
	{ "on sms the %s screen is %zu characters, over the %zu it may use: "
	  "'%s' (U+%04X) in %s is not in the SMS alphabet (GSM-7), so the "
	  "whole SMS goes as UCS-2, which holds fewer characters: replace "
	  "that character or shorten the screen",
	  "via sms is het %s-scherm %zu tekens, meer dan de %zu die het mag "
	  "gebruiken: '%s' (U+%04X) in %s staat niet in het sms-alfabet "
	  "(GSM-7), dus gaat de hele sms als UCS-2, waarin minder tekens "
	  "passen: vervang dat teken of kort het scherm in" },
	{ "on ussd the %s screen is %zu characters, over the %u it may use: "
	  "it will be sent in pages; shorten it to keep it whole",
	  "via ussd is het %s-scherm %zu tekens, meer dan de %u die het mag "
	  "gebruiken: het gaat in pagina's; kort het in om het heel te "
	  "houden" },
	{ "on ussd the %s screen is %zu characters, and '%s' (U+%04X) in %s "
	  "is not in GSM-7, so an SMPP gateway sends it as UCS-2, which "
	  "holds %d: the rest is cut off; replace that character or shorten "
	  "the screen",
	  "via ussd is het %s-scherm %zu tekens, en '%s' (U+%04X) in %s "
	  "staat niet in GSM-7, dus stuurt een SMPP-gateway het als UCS-2, "
	  "waarin er %d passen: de rest valt weg; vervang dat teken of kort "
	  "het scherm in" },
	{ "messages: resume (%s): with its two choices the offer is %zu "
	  "characters, over the %u of one ussd screen: shorten it",
	  "messages: resume (%s): met de twee keuzes is het aanbod %zu "
	  "tekens, meer dan de %u van één ussd-scherm: kort het in" },
	{ "messages: forgotten (%s) does not fit one %s screen, and it "
	  "cannot be split into pages because the session ends with it: "
	  "shorten it",
	  "messages: forgotten (%s) past niet op één %s-scherm, en kan niet "
	  "over pagina's verdeeld worden omdat de sessie ermee eindigt: kort "
	  "het in" },
};

/* Returns the translation of an English format or fragment, or NULL. */
const char *
hl_diag_translate(const char *lang, const char *english)
{
	size_t	i;

	if (lang == NULL || strcmp(lang, "nl") != 0)
		return NULL;
	/* A linear walk: findings are few, and a finding is rare. */
	for (i = 0; i < sizeof(diag_nl) / sizeof(diag_nl[0]); i++)
		if (strcmp(diag_nl[i].en, english) == 0)
			return diag_nl[i].nl;
	return NULL;
}

/* Returns pair i of lang's catalogue; false past the end. */
bool
hl_diag_catalogue(const char *lang, size_t i, const char **english,
    const char **translated)
{
	if (lang == NULL || strcmp(lang, "nl") != 0 ||
	    i >= sizeof(diag_nl) / sizeof(diag_nl[0]))
		return false;
	*english = diag_nl[i].en;
	*translated = diag_nl[i].nl;
	return true;
}
