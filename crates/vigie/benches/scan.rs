//! Hot paths of the scanner: a short and a 1 KB clean chat message, a marked
//! one, one with personal data and a credential, and a megabyte of clean, of
//! candidate-dense and of number-heavy chat text.
//!
//! Run with `cargo bench -p vigie --bench scan`. Throughput is reported per
//! byte, so criterion prints MB/s beside the time per iteration.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use vigie::Scanner;

/// About 1 KB of ordinary French and English chat, with the words that look
/// like markings but are not ("secret", "confidential", "restreint").
const CLEAN_MESSAGE: &str = "Bonjour à tous, petit point sur la réunion de jeudi : \
le secrétariat a confirmé la salle 204 et l'ordre du jour sera envoyé demain matin. \
Merci de garder ces chiffres confidentiels jusqu'à la présentation, l'accès au dossier \
reste restreint à l'équipe projet. Le secret de la réussite, c'est la préparation ! \
Hi all, quick update from the London office: the official statement goes out on \
Monday, please keep this confidential until then. The NATO summit logistics are \
handled by Claire, and the Secret Santa draw is on Friday at 4pm in room B. \
Pour les congés, pensez à remplir le tableau partagé avant le 15, sinon la paie ne \
pourra pas les prendre en compte ce mois-ci. Les badges d'accès au bâtiment C seront \
renouvelés la semaine prochaine ; passez à l'accueil avec une pièce d'identité. \
Thanks for the great work on the release, version 2.4.1 is now in production and \
the dashboards look healthy. Bonne journée !";

const MARKED_MESSAGE: &str = "DIFFUSION RESTREINTE\n\nCompte rendu de la réunion du \
3 mars : les points suivants sont à traiter avant la fin du mois. Merci de ne pas \
transférer ce message en dehors du service.\n\nDIFFUSION RESTREINTE";

/// A message with personal data and a credential in it.
const SENSITIVE_MESSAGE: &str = "Bonjour, voici mes coordonnées pour le remboursement : \
IBAN FR76 3000 6000 0112 3456 7890 189, portable 06 12 34 56 78, \
jean.dupont@example.fr. Pour le serveur de test, le mot de passe : Tr0ub4dor&3 \
et le jeton ghp_16C7e42F292c6912E7710c838347Ae178B4a. Merci !";

/// A plain 200-byte chat message, the shape of most of a server's traffic.
const SHORT_MESSAGE: &str = "Bonjour Kenji, la réunion de mardi est décalée à 14 h 00 \
dans le bâtiment B. Hi Karim, the Brussels sync moves to Thursday at 8:20, the build \
for v2.4.1 is green. Merci !";

/// A megabyte of chat as a server sees it: numbers everywhere (times,
/// amounts, order numbers), and now and then an IBAN, a phone number or a
/// marking. Quadratic work on numbers shows here first.
fn chat_megabyte() -> String {
    let lines = [
        "Rappel : la facture n° 535448452 de 62066 € doit être réglée avant le 12/03/2026.",
        "Le colis (suivi 287147267) est bloqué au dépôt de Lyon, code postal 69007.",
        "Hi Chloé, can we move the Orion sync to Thursday at 13:20?",
        "Voici mon RIB pour le remboursement : IBAN FR76 3000 6000 0112 3456 7890 189",
        "Appelle Hugo au 06 20 44 51 57, c'est urgent.",
        "Invoice #620868241 for 23058 EUR was approved, thanks Paul.",
        "Le livrable v8.9.8 est parti en recette, merci Sophie pour les tests.",
        "DIFFUSION RESTREINTE",
        "On a 32 tickets ouverts sur Vega, je propose un point lundi matin.",
        "Le budget Atlas passe à 48200 € après l'arbitrage de mardi.",
    ];
    megabyte_of(&lines)
}

/// `lines` one after another, one per line, again and again up to 1 MiB.
fn megabyte_of(lines: &[&str]) -> String {
    let mut text = String::with_capacity(1 << 20);
    for line in lines.iter().cycle() {
        if text.len() >= 1 << 20 {
            break;
        }
        text.push_str(line);
        text.push('\n');
    }
    text
}

fn clean_megabyte() -> String {
    megabyte_of(&[CLEAN_MESSAGE])
}

/// A megabyte where every line holds a candidate: markings, traps, banners.
fn dense_megabyte() -> String {
    let lines = [
        "SECRET",
        "le secret de la réussite",
        "la note est en diffusion restreinte",
        "TLP:AMBER merci",
        "Classification : CONFIDENTIEL",
        "keep this confidential",
        "(S//NF) The convoy leaves at dawn.",
        "TOP SECRET//SCI//NOFORN",
        "the NATO summit and NATO SECRET papers",
        "accès restreint au secrétariat",
    ];
    megabyte_of(&lines)
}

fn bench_scan(c: &mut Criterion) {
    // The dense megabyte holds some 20,000 markings: lift the findings limit
    // so that the whole text is scanned.
    let policy = vigie::Policy::from_toml("[limits]\nmax_findings = 1000000", "bench").unwrap();
    let scanner = Scanner::builder().policy(policy).build().unwrap();
    let mut group = c.benchmark_group("scan_text");
    let clean_megabyte = clean_megabyte();
    let dense_megabyte = dense_megabyte();
    let chat_megabyte = chat_megabyte();
    for (name, text) in [
        ("short_message_200b", SHORT_MESSAGE),
        ("clean_message_1k", CLEAN_MESSAGE),
        ("marked_message", MARKED_MESSAGE),
        ("sensitive_message", SENSITIVE_MESSAGE),
        ("clean_1mb", clean_megabyte.as_str()),
        ("dense_1mb", dense_megabyte.as_str()),
        ("chat_1mb", chat_megabyte.as_str()),
    ] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| b.iter(|| scanner.scan_text(black_box(text))));
    }
    group.finish();

    c.bench_function("scanner_build", |b| b.iter(Scanner::new));

    // Attachments: extraction and scanning together.
    let documents =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/documents");
    let mut group = c.benchmark_group("scan_bytes");
    for name in [
        "header-only.docx",
        "print-header.xlsx",
        "footer.odt",
        "dossier.zip",
        "message.eml",
        "page.html",
    ] {
        let bytes = std::fs::read(documents.join(name)).expect("fixtures are generated");
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| scanner.scan_bytes(black_box(&bytes), None))
        });
    }
    group.finish();

    // Pages per second: the 200-page documents LibreOffice made.
    let mut group = c.benchmark_group("pages");
    group.sample_size(20);
    for name in ["long.pdf", "long.docx"] {
        let bytes =
            std::fs::read(documents.join("produced").join(name)).expect("fixtures are committed");
        group.throughput(Throughput::Elements(200));
        group.bench_function(name, |b| {
            b.iter(|| scanner.scan_bytes(black_box(&bytes), None))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_scan);
criterion_main!(benches);
