//! Scanning a clean message allocates nothing that grows with the number of
//! rules. One test in this file: dhat's testing profiler is one per process.

use vigie::Scanner;

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

/// A clean message of about 1 KB, full of words that look like markings.
const CLEAN: &str = "Bonjour à tous, le secrétariat confirme la salle 204 pour jeudi. \
Merci de garder ces chiffres confidentiels jusqu'à la présentation ; l'accès au dossier \
reste restreint à l'équipe. Le secret de la réussite, c'est la préparation ! Hi all, the \
official statement goes out on Monday, please keep this confidential until then. The NATO \
summit logistics are handled by Claire, and the Secret Santa draw is on Friday at 4pm. \
Pour les congés, pensez à remplir le tableau partagé avant le 15. Les badges d'accès au \
bâtiment C seront renouvelés la semaine prochaine. Thanks for the great work on the \
release: version 2.4.1 is in production and the dashboards look healthy. Bonne journée !";

fn blocks_allocated_by(scanner: &Scanner) -> u64 {
    // Warm the thread's scratch buffers first: they are kept between scans.
    assert!(scanner.scan_text(CLEAN).findings.is_empty());
    let before = dhat::HeapStats::get().total_blocks;
    for _ in 0..100 {
        assert!(scanner.scan_text(CLEAN).findings.is_empty());
    }
    dhat::HeapStats::get().total_blocks - before
}

#[test]
fn clean_messages_allocate_nothing_that_grows_with_the_rules() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let builtin = Scanner::new();
    let mut pack = String::from("pack = \"many\"\n");
    for i in 0..500 {
        pack.push_str(&format!(
            "[[rule]]\nid = \"many.rule-{i}\"\nname = \"Rule {i}\"\nlevel = 3\nforms = [{{ text = \"MARQUE SPECIALE {i}\" }}, {{ text = \"LABEL{i}\", context = \"banner\" }}]\n"
        ));
    }
    let many = Scanner::builder().rule_pack("many", pack).build().unwrap();
    assert!(many.rules().rules().len() > builtin.rules().rules().len() + 400);

    let with_builtin = blocks_allocated_by(&builtin);
    let with_many = blocks_allocated_by(&many);
    assert_eq!(
        with_builtin, with_many,
        "allocations grew with the number of rules"
    );
    assert_eq!(
        with_builtin, 0,
        "a clean message should allocate nothing once buffers are warm"
    );
}
