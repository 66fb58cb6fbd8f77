#!/usr/bin/env python3
"""The benchmark corpus: deterministic chat messages, a bulk text file made of
them, and the patterns every engine of the comparison gets.

    python3 benches/corpus/generate.py OUT_DIR [--messages N] [--bulk-mb M]
    python3 benches/corpus/generate.py --patterns [--check]

The first form writes OUT_DIR/messages.jsonl (one {"text", "label", "what"}
per line) and OUT_DIR/bulk.txt (messages one after another until M MB). The
same seed always gives the same bytes.

Messages are French and English chat: meetings, projects, incidents, small
talk, with dates, amounts, times, versions, postcodes and order numbers, and
many ordinary-word traps ("le secret de la réussite", "secrétariat", "keep it
confidential", "the NATO summit", "accès restreint", "diffusion en direct").
A few percent hold a protective marking or sensitive data (valid IBANs, card
numbers, NIRs, e-mail addresses, phone numbers, API tokens). Each message
carries its label, the ground truth of the comparison: "clean", "trap",
"marking" or "data".

The second form writes benches/corpus/patterns.json from vigie's rule packs:
every written form of every marking rule (with its unaccented spelling, which
a regex engine needs and vigie does not), and the regexes of the data rules in
a syntax Python's re and Hyperscan both accept. --check fails if the
committed file differs.
"""

import argparse
import json
import random
import re
import string
import sys
import tomllib
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKS = ROOT / "crates" / "vigie" / "src" / "rules" / "packs"
PATTERNS = Path(__file__).with_name("patterns.json")
SEED = 20260626

# ---------------------------------------------------------------- patterns


def strip_accents(text):
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def portable_regex(regex):
    """vigie's Rust regex syntax, as Python's re and Hyperscan both read it."""
    regex = regex.replace(r"\x{A0}", r"\xA0")
    # Captures are vigie's (the value a validator checks); the others only
    # need the match.
    return re.sub(r"\(\?P<\w+>", "(?:", regex)


def make_patterns():
    literals, regexes = [], []
    for pack in sorted(PACKS.glob("*.toml")):
        data = tomllib.loads(pack.read_text(encoding="utf-8"))
        for rule in data.get("rule", []):
            for form in rule.get("forms", []):
                text = form.get("text")
                if text:
                    for spelling in dict.fromkeys([text, strip_accents(text)]):
                        literals.append({"rule": rule["id"], "text": spelling})
            for pattern in rule.get("patterns", []):
                regexes.append({"rule": rule["id"], "regex": portable_regex(pattern["regex"])})
    return {
        "about": "Made by benches/corpus/generate.py --patterns from vigie's rule packs. "
        "literals: every written form of every marking rule, with its unaccented "
        "spelling; match them case-insensitively between word boundaries. regexes: "
        "the data rules' patterns (Python re and Hyperscan syntax).",
        "literals": literals,
        "regexes": regexes,
    }


# ---------------------------------------------------------------- messages

NAMES = ["Camille", "Julien", "Sophie", "Karim", "Léa", "Thomas", "Nadia", "Hugo",
         "Chloé", "Mehdi", "Emma", "Lucas", "Inès", "Paul", "Sarah", "Antoine",
         "Alice", "Bob", "Priya", "John", "Maria", "Kenji", "Olivia", "Ahmed"]
PLACES = ["salle 3", "la salle Colbert", "le bâtiment B", "Lyon", "Rennes", "Bruxelles",
          "the 4th floor", "room 12", "the Brussels office", "Toulouse", "Lille"]
PROJECTS = ["Athéna", "Orion", "Hermès", "Nova", "Sirius", "Vega", "Atlas", "Boréal"]
DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "Monday", "Tuesday",
        "Wednesday", "Thursday", "Friday"]

FRENCH = [
    "Bonjour {name}, la réunion de {day} est décalée à {hour} h {minute:02d} en {place}.",
    "Je t'envoie le compte rendu du comité {project} ce soir, il reste deux points à valider.",
    "Le livrable v{major}.{minor}.{patch} est parti en recette, merci {name} pour les tests.",
    "Rappel : la facture n° {order} de {amount} € doit être réglée avant le {date}.",
    "Le train de {name} arrive à {hour} h {minute:02d}, quelqu'un peut aller le chercher ?",
    "On a {count} tickets ouverts sur {project}, je propose un point {day} matin.",
    "Merci à tous pour hier, le déploiement s'est bien passé malgré la coupure de {minute} minutes.",
    "Le colis (suivi {order}) est bloqué au dépôt de {place}, code postal {postcode}.",
    "Pour le séminaire du {date}, il reste {count} places, inscrivez-vous avant {day}.",
    "Quelqu'un a la clé de {place} ? Je dois récupérer le vidéoprojecteur.",
    "Le budget {project} passe à {amount} € après l'arbitrage de {day}.",
    "Je serai en congé du {date} au {date2}, {name} assure l'intérim.",
]
ENGLISH = [
    "Hi {name}, can we move the {project} sync to {day} at {hour}:{minute:02d}?",
    "The build for v{major}.{minor}.{patch} is green, shipping it to staging now.",
    "Invoice #{order} for {amount} EUR was approved, thanks {name}.",
    "I'll be out of office on {date}, {name} is covering the on-call rotation.",
    "Latency on the {project} API went up by {count} ms after the last deploy.",
    "Lunch at {place} on {day}? {count} of us so far.",
    "Reminder: the quarterly review is on {date}, slides due {day}.",
    "Ticket {order} is closed, the root cause was a expired certificate.",
    "Can someone review my pull request before {hour}:{minute:02d}? It's a small one.",
    "The new laptops arrive on {date}; IT will set them up in {place}.",
]
# Ordinary words that a naive matcher takes for markings.
TRAPS = [
    "Le secret de la réussite, c'est la préparation, comme dit {name}.",
    "Le secrétariat de {place} ferme à {hour} h aujourd'hui.",
    "Accès restreint au parking pendant les travaux de {day}.",
    "La diffusion en direct du séminaire commence à {hour} h.",
    "Ce dossier est confidentiel entre nous, mais rien de grave : c'est la surprise pour {name}.",
    "Keep this confidential until the announcement on {date}, please.",
    "Secret Santa this year: budget is {amount} EUR, draw on {day}.",
    "Did you watch the NATO summit coverage yesterday?",
    "The restricted area near {place} is closed for maintenance.",
    "Top secret recipe from my grandmother: butter, more butter.",
    "Le top secret de la tarte de {name} : beaucoup de beurre.",
    "Les secrets de fabrication de {project} sont dans le wiki, rien de sensible.",
    "On garde le secret pour l'anniversaire de {name} vendredi.",
    "Les données sont diffusées en open data, licence restreinte à un usage interne.",
    "The EU restricted the import quotas again, see the press release.",
    "Our TLP training is on {day}; bring your laptop.",
    "Le document « DR » de {name}, c'est juste ses initiales, pas une mention.",
    "Il fait très beau à {place}, profitez-en !",
]
MARKED = [
    "DIFFUSION RESTREINTE\nNote au cabinet sur le projet {project}, réunion du {date}.",
    "{project} — compte rendu du {date}\nMention : DR\nNe pas transférer hors du service.",
    "SECRET DÉFENSE\nPlan de continuité {project}, version {major}.{minor}.",
    "[CONFIDENTIEL DÉFENSE] Synthèse des incidents de {day}.",
    "TLP:AMBER\nIndicateurs de compromission liés à la campagne {project}.",
    "NATO RESTRICTED\nMinutes of the {project} working group, {date}.",
    "RESTREINT UE/EU RESTRICTED\nDraft position paper, {date}.",
    "TOP SECRET//SCI//NOFORN\n(TS//SCI) Summary of the {project} program.",
    "OFFICIAL-SENSITIVE\nBriefing for {name} on {project}.",
    "Classification : SECRET\nObjet : déploiement {project} à {place}.",
    "TLP:RED — partage limité aux participants de la réunion du {date}.",
    "TRÈS SECRET\nAnnexe {count} du dossier {project}.",
]
DATA = [
    "Voici mon RIB pour le remboursement : IBAN {iban}",
    "My card is {card}, exp {month:02d}/{year}, can you book the hotel?",
    "Numéro de sécurité sociale de {name} pour le dossier mutuelle : {nir}",
    "Tu peux écrire à {email} pour l'inscription.",
    "Appelle {name} au {phone}, c'est urgent.",
    "token: ghp_{token36}",
    "Le mot de passe du compte de test est {password}",
    "AWS key for the staging bucket: AKIA{aws16}",
]


def luhn_digit(digits):
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d)
        if i % 2 == 0:
            n *= 2
            n -= 9 if n > 9 else 0
        total += n
    return str((10 - total % 10) % 10)


def iban(rng):
    bank = "".join(rng.choice("0123456789") for _ in range(23))
    rearranged = bank + "FR00"
    numeric = "".join(str(int(c, 36)) for c in rearranged)
    check = 98 - int(numeric) % 97
    raw = f"FR{check:02d}{bank}"
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def card(rng):
    body = "4" + "".join(rng.choice("0123456789") for _ in range(14))
    number = body + luhn_digit(body)
    return " ".join(number[i:i + 4] for i in range(0, 16, 4))


def nir(rng):
    body = (rng.choice("12") + f"{rng.randint(50, 99):02d}" + f"{rng.randint(1, 12):02d}"
            + f"{rng.choice([d for d in range(1, 96) if d != 20]):02d}"  # 20: Corsica before 1976
            + f"{rng.randint(1, 999):03d}"
            + f"{rng.randint(1, 999):03d}")
    key = 97 - int(body) % 97
    return f"{body[0]} {body[1:3]} {body[3:5]} {body[5:7]} {body[7:10]} {body[10:13]} {key:02d}"


ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

# How to make each placeholder of the templates; only those a template uses
# are made, so that the expensive ones (checksums) cost nothing elsewhere.
VALUES = {
    "name": lambda rng: rng.choice(NAMES),
    "day": lambda rng: rng.choice(DAYS),
    "place": lambda rng: rng.choice(PLACES),
    "project": lambda rng: rng.choice(PROJECTS),
    "hour": lambda rng: rng.randint(8, 19),
    "minute": lambda rng: rng.choice([0, 15, 30, 45, 5, 20]),
    "major": lambda rng: rng.randint(1, 9),
    "minor": lambda rng: rng.randint(0, 20),
    "patch": lambda rng: rng.randint(0, 30),
    "order": lambda rng: f"{rng.randint(10**7, 10**9)}",
    "amount": lambda rng: f"{rng.randint(20, 90000)}",
    "date": lambda rng: f"{rng.randint(1, 28)}/{rng.randint(1, 12):02d}/2026",
    "date2": lambda rng: f"{rng.randint(1, 28)}/{rng.randint(1, 12):02d}/2026",
    "count": lambda rng: rng.randint(2, 40),
    "postcode": lambda rng: f"{rng.randint(1000, 95999):05d}",
    "iban": iban,
    "card": card,
    "nir": nir,
    "month": lambda rng: rng.randint(1, 12),
    "year": lambda rng: rng.randint(27, 31),
    "email": lambda rng: f"{rng.choice(NAMES).lower()}.{rng.choice(PROJECTS).lower()}@example.org",
    "phone": lambda rng: "06 " + " ".join(str(rng.randint(10, 99)) for _ in range(4)),
    "token36": lambda rng: "".join(rng.choice(ALPHABET) for _ in range(36)),
    "aws16": lambda rng: "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16)),
    "password": lambda rng: "".join(rng.choice(ALPHABET + "!#%&") for _ in range(14)),
}
FIELDS = {}


def fill(template, rng):
    if template not in FIELDS:
        FIELDS[template] = [f for _, f, _, _ in string.Formatter().parse(template) if f]
    values = {}
    for field in FIELDS[template]:
        if field not in values:
            values[field] = VALUES[field](rng)
    return template.format(**values)


def message(rng):
    """One message and its label. About 3% marked, 3% with data, 20% with a
    trap, the rest ordinary chat; one to three sentences."""
    roll = rng.random()
    if roll < 0.03:
        label, first = "marking", rng.choice(MARKED)
    elif roll < 0.06:
        label, first = "data", rng.choice(DATA)
    elif roll < 0.26:
        label, first = "trap", rng.choice(TRAPS)
    else:
        label, first = "clean", rng.choice(FRENCH if rng.random() < 0.6 else ENGLISH)
    parts = [fill(first, rng)]
    for _ in range(rng.choice([0, 1, 1, 1, 2, 2])):
        parts.append(fill(rng.choice(FRENCH + ENGLISH), rng))
    if label == "trap":
        rng.shuffle(parts)
    return {"text": " ".join(parts), "label": label}


def write_corpus(out, count, bulk_mb):
    rng = random.Random(SEED)
    out.mkdir(parents=True, exist_ok=True)
    messages = [message(rng) for _ in range(count)]
    with open(out / "messages.jsonl", "w", encoding="utf-8") as f:
        for item in messages:
            f.write(json.dumps(item, ensure_ascii=False) + "\n")
    # The bulk file: the messages again and again, one per line, up to the
    # size asked for.
    target = bulk_mb * 1_000_000
    written = 0
    with open(out / "bulk.txt", "w", encoding="utf-8") as f:
        while written < target:
            for item in messages:
                line = item["text"].replace("\n", " ") + "\n"
                f.write(line)
                written += len(line.encode("utf-8"))
                if written >= target:
                    break
    sizes = sorted(len(m["text"].encode("utf-8")) for m in messages)
    print(f"{count} messages (median {sizes[len(sizes) // 2]} bytes), "
          f"bulk.txt {written / 1e6:.1f} MB in {out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", type=Path)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--bulk-mb", type=int, default=32)
    parser.add_argument("--patterns", action="store_true")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.patterns:
        text = json.dumps(make_patterns(), ensure_ascii=False, indent=1) + "\n"
        if args.check:
            if PATTERNS.read_text(encoding="utf-8") != text:
                sys.exit(f"{PATTERNS} is out of date: run {sys.argv[0]} --patterns")
            return
        PATTERNS.write_text(text, encoding="utf-8")
        print(f"wrote {PATTERNS}")
        return
    if args.out is None:
        parser.error("OUT_DIR is required (or --patterns)")
    write_corpus(args.out, args.messages, args.bulk_mb)


if __name__ == "__main__":
    main()
