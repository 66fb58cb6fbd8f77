//! Every export runs inside the panic boundary: each `#[no_mangle]` or
//! `extern "C"` function of `src/` has exactly one statement, the tail
//! expression `ffi_boundary!({ ... })` (see `src/boundary.rs`), and those
//! functions are exactly the functions of the committed header, so that no
//! export escapes the check.

use std::collections::BTreeSet;
use std::path::Path;

/// Is this function exported to C?
fn is_export(function: &syn::ItemFn) -> bool {
    let no_mangle = function.attrs.iter().any(|attr| match &attr.meta {
        syn::Meta::Path(path) => path.is_ident("no_mangle"),
        // `#[unsafe(no_mangle)]`, as edition 2024 spells it.
        syn::Meta::List(list) => {
            list.path.is_ident("unsafe") && list.tokens.to_string().trim() == "no_mangle"
        }
        syn::Meta::NameValue(_) => false,
    });
    no_mangle || function.sig.abi.is_some()
}

/// Is the whole body one `ffi_boundary!` invocation, returned?
fn inside_boundary(body: &syn::Block) -> bool {
    match body.stmts.as_slice() {
        [syn::Stmt::Expr(syn::Expr::Macro(call), None)] => call.mac.path.is_ident("ffi_boundary"),
        [syn::Stmt::Macro(call)] => {
            call.mac.path.is_ident("ffi_boundary") && call.semi_token.is_none()
        }
        _ => false,
    }
}

/// Collects the exported functions of `items`, nested modules included,
/// and those whose body is not inside the boundary.
fn visit(items: &[syn::Item], file: &str, exports: &mut BTreeSet<String>, bad: &mut Vec<String>) {
    for item in items {
        match item {
            syn::Item::Fn(function) if is_export(function) => {
                let name = function.sig.ident.to_string();
                if !inside_boundary(&function.block) {
                    bad.push(format!("{file}: {name}"));
                }
                exports.insert(name);
            }
            syn::Item::Mod(module) => {
                if let Some((_, items)) = &module.content {
                    visit(items, file, exports, bad);
                }
            }
            _ => {}
        }
    }
}

#[test]
fn every_export_runs_inside_the_panic_boundary() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut exports = BTreeSet::new();
    let mut bad = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(crate_dir.join("src"))
        .expect("src/ is readable")
        .map(|entry| entry.expect("src/ is readable").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    files.sort();
    for path in &files {
        let source = std::fs::read_to_string(path).expect("a source file is readable");
        let file = syn::parse_file(&source).expect("a source file parses");
        let name = path.file_name().unwrap().to_string_lossy();
        visit(&file.items, &name, &mut exports, &mut bad);
    }
    assert!(
        bad.is_empty(),
        "exports whose body is not one `ffi_boundary!({{ ... }})`: {bad:?}"
    );

    // The header's functions: `vigie_x(` after a return type, at the start
    // of a declaration line.
    let header = std::fs::read_to_string(crate_dir.join("include/vigie.h")).expect("the header");
    let declared: BTreeSet<String> = header
        .lines()
        .filter(|line| !line.starts_with(' ') && !line.starts_with('*') && line.contains('('))
        .filter_map(|line| {
            let name_end = line.find('(')?;
            let name_start = line[..name_end].rfind([' ', '*'])? + 1;
            let name = &line[name_start..name_end];
            name.starts_with("vigie_").then(|| name.to_string())
        })
        .collect();
    assert_eq!(
        exports, declared,
        "the exports found in src/ are not the header's functions"
    );
    assert!(exports.len() >= 40, "only {} exports found", exports.len());
}
