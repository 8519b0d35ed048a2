//! The architecture's invariants, checked (ARCHITECTURE.md): the IR is the contract, so nothing
//! behind it imports the front end; only the CLI does I/O; and every bundled policy's IR passes
//! `ir::validate`.
#![expect(
    clippy::expect_used,
    reason = "a test fails loudly on a broken fixture"
)]

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for e in entries {
        let p = e.expect("a directory entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn files_under(sub: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(sub);
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    assert!(!files.is_empty(), "no Rust files under src/{sub}");
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable");
            (p.display().to_string(), text)
        })
        .collect()
}

#[test]
fn the_ir_and_its_backends_do_not_depend_on_the_front_end() {
    let mut checked = 0;
    for phase in ["ir", "eval", "analysis"] {
        for (path, text) in files_under(phase) {
            checked += 1;
            for front in ["crate::syntax", "crate::resolve", "crate::check"] {
                assert!(
                    !text.contains(front),
                    "{path} uses {front}: the IR and what consumes it may not depend on the front end"
                );
            }
        }
    }
    assert!(checked >= 10, "only {checked} files checked");
}

#[test]
fn only_the_cli_touches_files_and_the_terminal() {
    let mut checked = 0;
    for phase in [
        "ir", "eval", "analysis", "syntax", "resolve", "check", "calendar",
    ] {
        for (path, text) in files_under(phase) {
            checked += 1;
            for io in [
                "std::fs",
                "println!",
                "eprintln!",
                "std::io::stdout",
                "SystemTime",
            ] {
                assert!(!text.contains(io), "{path} uses {io}: phases are pure");
            }
        }
    }
    assert!(checked >= 15, "only {checked} files checked");
}

#[test]
fn every_bundled_policy_has_a_valid_ir() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("policies/") {
        let p = e.expect("entry").path();
        if p.extension().is_none_or(|x| x != "tiao") {
            continue;
        }
        let text = std::fs::read_to_string(&p).expect("readable");
        let compiled = tiao::compile(&p.display().to_string(), &text);
        let program = compiled
            .program
            .unwrap_or_else(|| panic!("{} does not check", p.display()));
        let problems = tiao::ir::validate(&program);
        assert!(problems.is_empty(), "{}: {problems:?}", p.display());
        n += 1;
    }
    assert_eq!(n, 5, "the five bundled policies");
}
