"""The labels minutes print ("Møtestad:", "Forfall") and the value each one holds.

A value runs from its label to the next label (or a blank line); the sets here say which
labels open a list of people present, absent, chairing or attending for the administration.
"""

from __future__ import annotations

import re

# Every label we know; a value runs from its label to the next one.
_LABELS = (
    r"Møtedato|Dato|Møtestad|Møtested|Stad|Sted|Møtetid|Tidspunkt|Tid|Møtestart|Møteslutt|Møteleder|"
    r"Møteleiar|Møtet blei styrt av|Møtet ble ledet av|Møtet vart leia av|Organ|Utval|Utvalg|"
    r"Referent|Sekretær|Saksnr til og frå|Saksnr|Til stede|Til stades|Møtt|Møtande medlemer|"
    r"Møtande medlemmer|Møtande varamedlemer|Møtande varamedlemmer|Møtende varamedlemmer|Møtande|"
    r"Møtende medlemmer|Møtende|Faste medlemer til stades|"
    r"Faste medlemmer til stede|Varamedlemer til stades|Varamedlemmer til stede|Forfall til møtet|"
    r"Forfall|Ikkje møtt|Ikke møtt|Fråvær|Fravær|Frafall|I tillegg deltok|Andre til stede|"
    r"Til stades med møte- og talerett|Sekretariat for møtet|Fra administrasjonen|Frå administrasjonen|"
    r"Saksliste|Sakliste|Underskrifter|Møtedeltakarar|Medlemmer|Varamedlemmer|Andre|Organisasjon|"
    r"Møtenummer|Møtenr|Behandlingsmåte|"
    # Longer forms first: the alternation takes the first that fits.
    r"Faste medlemmer som møtte|Faste medlemer som møtte|Varamedlemmer som møtte|"
    r"Varamedlemer som møtte|Fra administrasjonen møtte|Frå administrasjonen møtte|Frammøtte|"
    r"Fremmøtte|Møtte ikke|Møtte ikkje|Meldt forfall|Forfall meldt|Ikke til stede|Ikkje til stades|"
    r"Følgende faste medlemmer møtte|Følgende medlemmer møtte|Følgende medlemmer hadde forfall|"
    r"Følgende faste medlemmer hadde forfall|Følgende varamedlemmer møtte|Fra administrasjon møtte|"
    r"Følgjande faste medlemer møtte|Følgjande medlemer hadde forfall|Følgjande varamedlemer møtte|"
    r"Frå administrasjonen møtte|Administrasjonen"
)
# Section labels may stand without a colon ("Forfall", "Medlemmer"); other labels need one,
# so that "utval" or "tid" inside a sentence is not taken for a label.
_COLONLESS = (
    r"Til stede|Til stades|Møtt|Møtande medlemer|Møtande medlemmer|Møtende medlemmer|"
    r"Faste medlemer til stades|Faste medlemmer til stede|Forfall til møtet|Forfall|Ikkje møtt|"
    r"Ikke møtt|Fråvær|Fravær|Møtedeltakarar|Medlemmer|Varamedlemmer|Saksliste|Sakliste|Underskrifter|"
    r"Møtande varamedlemer|Møtande varamedlemmer|Møtende varamedlemmer|"
    r"Faste medlemmer som møtte|Faste medlemer som møtte|Varamedlemmer som møtte|Varamedlemer som møtte|"
    r"Frammøtte|Fremmøtte|Møtte ikke|Møtte ikkje|Meldt forfall|Administrasjonen"
)
_COLONLESS = "|".join(sorted(_COLONLESS.split("|"), key=len, reverse=True))
_LABELS = "|".join(sorted(_LABELS.split("|"), key=len, reverse=True))
LABEL = re.compile(
    rf"(?<![\w-])(?:(?P<label>{_LABELS}|{_LABELS.upper()})\s*:|(?P<section>{_COLONLESS}|{_COLONLESS.upper()})\b)"
)
PRESENT = {
    "til stede", "til stades", "møtt", "møtande medlemer", "møtande medlemmer", "møtande",
    "møtende medlemmer", "møtende", "faste medlemer til stades", "faste medlemmer til stede",
    "møtande varamedlemer", "møtande varamedlemmer", "møtende varamedlemmer",
    "varamedlemer til stades", "varamedlemmer til stede", "møtedeltakarar", "medlemmer",
    "varamedlemmer", "i tillegg deltok", "andre til stede", "faste medlemmer som møtte",
    "faste medlemer som møtte", "varamedlemmer som møtte", "varamedlemer som møtte", "frammøtte",
    "fremmøtte", "fra administrasjonen", "frå administrasjonen", "fra administrasjonen møtte",
    "frå administrasjonen møtte", "følgende faste medlemmer møtte", "følgende medlemmer møtte",
    "følgende varamedlemmer møtte", "fra administrasjon møtte", "følgjande faste medlemer møtte",
    "følgjande varamedlemer møtte", "administrasjonen",
}  # fmt: skip
# Sections of people who attend for the administration: present, but not members.
STAFF_SECTIONS = {"fra administrasjonen", "frå administrasjonen", "fra administrasjonen møtte",
                   "frå administrasjonen møtte", "fra administrasjon møtte", "administrasjonen",
                   "sekretariat for møtet", "i tillegg deltok", "andre til stede"}
ABSENT = {
    "forfall til møtet", "forfall", "ikkje møtt", "ikke møtt", "fråvær", "fravær", "frafall",
    "møtte ikke", "møtte ikkje", "meldt forfall", "forfall meldt", "ikke til stede", "ikkje til stades",
    "følgende medlemmer hadde forfall", "følgende faste medlemmer hadde forfall", "følgjande medlemer hadde forfall",
}  # fmt: skip
# Sections listing deputies as "Name  Møtte for  Party": the middle name is whom they replaced.
SUBSTITUTES = {"varamedlemmer som møtte", "varamedlemer som møtte", "følgende varamedlemmer møtte",
                "følgjande varamedlemer møtte"}
CHAIR = {"møteleder", "møteleiar", "møtet blei styrt av", "møtet ble ledet av", "møtet vart leia av"}
_SECTION_CAP = 1500


def label_values(text: str) -> list[tuple[str, str]]:
    """(label, value) pairs in order; a value stops at the next label or a blank line."""
    matches = list(LABEL.finditer(text))
    pairs = []
    for index, match in enumerate(matches):
        stop = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        value = text[match.end() : stop]
        # Web protocols print the value on its own line after a blank one ("Utvalg:\n\nX").
        value = value.lstrip(" \t:").lstrip("\n") if value.strip() else value
        value = value.split("\n\n")[0].strip()
        label = match.group("label") or match.group("section")
        pairs.append((label.lower(), value[:_SECTION_CAP]))
    return pairs


def first_value(labels: list[tuple[str, str]], names: set[str]) -> str | None:
    for label, value in labels:
        if label in names and value:
            return value.split("\n")[0].strip(" ,") or None
    return None
