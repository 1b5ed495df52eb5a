"""How Norwegian journalism writes who said it, as patterns: names, parties, roles, speech verbs, clauses.

The patterns are written from how Norwegian (Bokmål and Nynorsk) news text attributes
speech — `, sier Ryberg.`, `, seier fylkesordførar X.`, `legg han til`, a separate
`Name (Party), role` line — not from any one article. Turning what they match into a
person is archive.importers.attribution's job.
"""

from __future__ import annotations

import re

UPPER = "A-ZÆØÅÉÜÖÄ"
LOWER = "a-zæøåéèüöäáóúíòç"
# A name part: capitalised word with lower-case letters (so "KS" or "SV" are not names),
# optionally hyphenated ("Riis-Johansen"), or an initial ("B.").
NAME_WORD = rf"[{UPPER}][{LOWER}]+(?:-[{UPPER}][{LOWER}]+)?"
_INITIAL = rf"[{UPPER}]\."
_PARTICLE = r"(?:van|von|de|der|af|da|di|le|la)"
# A full name: two to four parts, the first a real word ("Kjell B. Hansen", "Anne Gine Hestetun").
FULL_NAME = rf"{NAME_WORD}(?:\s+(?:{_INITIAL}|{_PARTICLE}\s+{NAME_WORD}|{NAME_WORD})){{1,3}}"
# One to four parts: a full name or a surname alone ("Ryberg").
ANY_NAME = rf"{NAME_WORD}(?:\s+(?:{_INITIAL}|{NAME_WORD})){{0,3}}"

# Norwegian party abbreviations as printed, any case ("Ap", "AP", "FrP", "KrF", "Rødt").
_PARTIES = (
    "ap|a|h|sp|krf|sv|frp|v|mdg|r|rødt|raudt|pp|kp|inp|pf|ptf|kys|tvf|dem|demn|uav|"
    "nkp|sl|bl|fnb|høyre|venstre|tverrpolitisk liste|felleslista|bygdelista"
)
PARTY = rf"(?i:{_PARTIES})"
PARTY_PAREN = rf"\((?P<party>{PARTY})\)"

# Heads of role nouns; prefixes are free ("fylkes-", "vara-", "styre-", "KS-", "prosjekt-").
ROLE_HEADS = (
    "ordfører|ordførar|rådmann|direktør|minister|statsråd|representant|leder|leiar|sjef|"
    "fylkesmann|statsforvalter|statsforvaltar|rådgiver|rådgjevar|sekretær|koordinator|"
    "professor|forsker|forskar|rektor|politiker|politikar|talsperson|talsmann|talskvinne|"
    "byråd|fylkesråd|tillitsvalgt|tillitsvald|president|prest|biskop|advokat|lege|ombud|"
    "konsulent|saksbehandler|sakshandsamar|formann|styremedlem|kommunalråd|fylkesvaraordfører"
)
# A role noun in indefinite form, possibly "kommunal- og moderniseringsminister".
# Words that go before a role noun as part of the title: "daglig leder", "konstituert rådmann".
_ROLE_PREFIX = (
    r"(?:daglig|dagleg|administrerende|administrerande|adm\.|konstituert|konstituerte|fungerende|"
    r"fungerande|assisterende|assisterande|politisk|første|fyrste|nyvalgt|nyvald|avtroppende|"
    r"avtroppande|påtroppende|påtroppande|tidligere|tidlegare)\s+"
)
ROLE_PREFIX = _ROLE_PREFIX  # for other parsers: a word that starts a role, never part of a name
ROLE = rf"(?i:(?:{_ROLE_PREFIX})?(?:[{LOWER}]+-\s+og\s+)?(?:[A-ZÆØÅ]{{2,}}-)?[{LOWER}]*(?:{ROLE_HEADS}))"
# The definite form used for back-references: "fylkesordføreren", "KS-lederen", "leiaren".
# A capitalised prefix names the organisation or place: "KS-lederen", "Radøy-ordføraren".
ROLE_DEFINITE = rf"(?i:(?:[{UPPER}][\w]*-)?[{LOWER}]*(?:{ROLE_HEADS})(?:en|a|et|ane|ene))"
# What may follow a role before a name: "for næring", "i Ringerike kommune", "for Oslo og Viken".
_ROLE_QUALIFIER = (
    rf"(?:\s+(?:for|i|fra|frå|på|ved|hos)\s+(?:[{LOWER}]+\s+){{0,2}}?"
    rf"[\w-]+(?:\s+og\s+[{UPPER}][\w-]+)?"
    r"(?:\s+(?:kommune|fylkeskommune|fylke|herad|regionråd|regionrådet|kommunestyre|IKS|KF))?)?"
)
ROLE_WITH_QUALIFIER = ROLE + _ROLE_QUALIFIER
# A role phrase after a name runs to the next comma or full stop ("styreleder i KS").
_ROLE_PHRASE_AFTER = (
    rf"{ROLE}(?:\s+(?:for|i|fra|frå|på|ved|hos|til)\s+[^,.;:()\n]+?)?"
    r"(?=\s*[,.;:)]|\s*$|\s+(?:og|som|Foto|med|mens|der|da|då)\b)"
)

# Speech verbs, Bokmål and Nynorsk, present and past.
_VERBS = (
    "sier|seier|sa|forteller|fortel|fortalte|fortalde|fortsetter|fortset|fortsatte|"
    "understreker|understrekar|understreket|understreka|påpeker|påpeikar|påpekte|påpeika|"
    "mener|meiner|mente|meinte|opplyser|opplyste|repliserer|repliserte|replikerer|"
    "svarer|svarar|svarte|svara|uttaler|uttalar|uttalte|uttala|forklarer|forklarar|"
    "forklarte|konstaterer|konstaterte|poengterer|poengterte|presiserer|presiserte|"
    "framhever|fremhever|framhevar|fremhevet|framhevet|framheva|tilføyer|tilføyde|"
    "avslutter|avsluttar|avsluttet|avslutta|innrømmer|innrømmar|innrømmet|innrømte|"
    "advarer|åtvarar|advarte|åtvara|oppsummerer|oppsummerte|utdyper|utdjupar|utdypet|"
    "kommenterer|kommenterte|spør|spurte|ler|humrer|tror|trur|håper|håpar|lover|lovar|"
    "roser|rosar|rosa|erkjenner|erkjente|vedgår|vedgikk|legger|legg|la|slår|slo|held|heldt|"
    # Press releases quote by writing ("skriver statsråden i pressemeldinga").
    "skriver|skriv|skrev|skreiv|"
    "hevder|hevdar|hevdet|hevda|bekrefter|stadfestar|bekreftet|stadfesta|fastslår|fastslo|"
    "konkluderer|konkluderte|oppfordrer|oppmodar|oppfordret|oppmoda|varsler|varslar|varslet|"
    "medgir|medgav|tilføyer|føyer|føyde|minner|minnet|minte|peker|peiker|peikar|pekte|peika|"
    "skyter|skyt|skjøt|lova|lovet|lovte|lovde|"
    # Not a verb, but it attributes the same way: "«A», ifølgje Askeland, «B»."
    "ifølge|ifølgje"
)
SPEECH_VERB = rf"(?:{_VERBS})"
# Verbs that need a particle after the subject: "legger han til", "held ho fram", "slår X fast".
# Without their particle these are ordinary verbs ("la fram", "held møte", "peker ut").
_PARTICLE_VERBS = {"legger": "til", "legg": "til", "la": "til", "slår": "fast", "slo": "fast",
                   "held": "fram", "heldt": "fram", "føyer": "til", "føyde": "til",
                   "minner": "om", "minnet": "om", "minte": "om", "peker": "på", "peiker": "på",
                   "peikar": "på", "pekte": "på", "peika": "på", "skyter": "inn", "skyt": "inn",
                   "skjøt": "inn"}  # fmt: skip
PRONOUNS = {"han", "hun", "ho", "hen"}

# "sier en tilfreds regionrådsleder X", "seier ein nøgd ordførar X", "sier en stolt Hansen":
# an indefinite article and up to two describing words before the role or the name.
_DESCRIBED = rf"(?:(?i:en|ein|ei|et|eit)\s+(?:[{LOWER}]+\s+){{1,2}}?)"
_SUBJECT = (
    r"(?P<pronoun>han|hun|ho|hen)"
    rf"|{_DESCRIBED}?(?P<role_name>{ROLE_WITH_QUALIFIER}),?\s+(?P<rn_name>{ANY_NAME})"
    rf"(?:\s*{PARTY_PAREN.replace('party', 'rn_party')})?"
    # "den nyvalde fylkesordføraren", "den avtroppande rådmannen": a described role word.
    rf"|(?:(?i:den|det|dei|de)\s+(?:[{LOWER}]+\s+)?)?(?P<role_def>{ROLE_DEFINITE})"
    rf"|{_DESCRIBED}?(?P<name>{ANY_NAME})(?:\s*{PARTY_PAREN})?(?:,\s+(?P<name_role>{_ROLE_PHRASE_AFTER}))?"
    # An organisation speaks in press releases ("skriv NHO", "sier departementet"): the
    # statement is kept, with no person.
    rf"|(?P<org>[{UPPER}]{{2,}}(?:-[{LOWER}]+)?|[{UPPER}]?[{LOWER}]*(?:departementet|direktoratet|"
    rf"fylkeskommunen|kommunen|regjeringen|regjeringa|statsforvalteren|statsforvaltaren|fylkesmannen))"
)
# The clause itself. The lead is a comma (", sier X"), a closing quote mark (`,” seier X`)
# or — for named speakers only — plain space ("… Happy Feet sier fylkesordfører Solli").
CLAUSE = re.compile(
    rf"(?P<lead>\s*[,]?\s*[”»\"]?\s*,?\s+)(?P<verb>{_VERBS})\s+(?:(?P<subject>{_SUBJECT}))"
    rf"(?:\s+(?P<particle>til|fram|fast|på|om|inn))?"
    rf"(?=\s*(?:[.!?,;:]|[-–—]|$)|\s+[{LOWER}(])"
)
# A separate attribution sentence after the quote: "… stolte av. Det sa fylkesordfører X i …".
ATTRIBUTION_SENTENCE = re.compile(
    rf"(?P<lead>(?<=[.!?…])\s+|^)(?:Det|Dette|Slik|Så)\s+(?P<verb>sa|sier|seier|mener|meiner|"
    rf"fortalte|forteller|fortel|fortalde|uttalte|uttala|uttaler|understreket|understreka|understreker|"
    rf"understrekar|fremhevet|framheva|skriver|skriv|skrev|skreiv|opplyser|opplyste|påpeker|påpeikar)\s+"
    rf"(?P<subject>{_SUBJECT})(?=\s*(?:[.!?,;:]|$)|\s+[{LOWER}(])"
)

# Where people are introduced, in any sentence of the article.
ROLE_BEFORE_NAME = re.compile(
    rf"(?<![\w-])(?P<role>{ROLE_WITH_QUALIFIER}),?\s+(?P<name>{FULL_NAME})(?:\s*{PARTY_PAREN})?"
)
NAME_WITH_ROLE = re.compile(
    rf"(?<![\w-])(?P<name>{FULL_NAME})(?:\s*{PARTY_PAREN})?"
    rf"(?:,\s+|\s+(?:er|blir|ble|blei|vart|var|er\s+ny|blir\s+ny|er\s+nyvald|er\s+nyvalgt)\s+"
    # "er vald til ny fylkesordførar", "er tilsett som rådmann"
    rf"(?:(?:vald|valt|valgt|gjenvald|gjenvalgt|tilsett|ansatt|konstituert|utnevnt|utnemnd)\s+(?:til|som)\s+)?"
    rf"(?:ny\s+|nyvald\s+|nyvalgt\s+|konstituert\s+)?)(?P<role>{_ROLE_PHRASE_AFTER})"
)
# "Fylkesvaraordførar vart Marit Tveit (Ap)", "Ny leiar blir Kari Holm": role, verb, name.
ROLE_THEN_NAME = re.compile(
    rf"(?<![\w-])(?P<role>{ROLE_WITH_QUALIFIER})\s+(?:vart|ble|blei|blir|er)\s+(?P<name>{FULL_NAME})"
    rf"(?:\s*{PARTY_PAREN})?"
)
NAME_WITH_PARTY = re.compile(rf"(?<![\w-])(?P<name>{FULL_NAME})\s*{PARTY_PAREN}")
# "Roger Ryberg (Ap), fylkesordfører" or "Bjørn Arild Gram, styreleder i KS." on its own line.
BYLINE = re.compile(
    rf"^(?P<name>{FULL_NAME})(?:\s*{PARTY_PAREN})?,\s*(?P<role>{ROLE}[^.!?]{{0,80}}?)\.?$"
)
NAME_ONLY_LINE = re.compile(rf"^{FULL_NAME}$")
# A full name in running text with no role or party: "Den 43 år gamle Arnstein Menes bur …".
PLAIN_NAME = re.compile(rf"(?<![\w-])(?P<name>{FULL_NAME})(?![\w-])")
# Words after which a capitalised pair is a place or an organisation, not a person.
PLACE_BEFORE = re.compile(r"(?i)(?:\b(?:i|på|frå|fra|til|mot|over|gjennom|langs|ved|nær|mellom|og)\s+)$")
ORG_AFTER = re.compile(
    r"^\s+(?:kommune|fylkeskommune|fylke|herad|regionråd|IKS|AS|ASA|KF|HF|skule|skole|kyrkje|kirke|"
    r"sentrum|stasjon|hamn|havn|bibliotek|sjukehus|sykehus|universitet|høgskule|høgskole)\b"
)
ROLE_DEF_ALONE = re.compile(rf"^{ROLE_DEFINITE}$")


def particle_ok(match: re.Match[str]) -> bool:
    """Verbs like "legger" only attribute speech with their particle ("legger han til")."""
    needed = _PARTICLE_VERBS.get(match.group("verb").lower())
    return needed is None or (match.group("particle") or "").lower() == needed
