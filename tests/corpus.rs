//! Corpus tests: small annotated `.tiao` files under `tests/corpus/`, so that a drafter can add a
//! case without touching Rust. The first line states the expected result:
//! `// expect: ok` or `// expect: E0102` (every listed code must be reported, and nothing else).
//! The rendered diagnostics — exactly what a drafter sees — are snapshot-tested.

use std::collections::BTreeSet;
use std::path::Path;

#[test]
fn corpus_files_report_the_expected_diagnostics() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/corpus exists")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "tiao"));
    files.sort();
    assert!(files.len() >= 30, "the corpus has {} files", files.len());
    let mut failures = Vec::new();
    let mut kinds = BTreeSet::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable");
        let header = text.lines().next().unwrap_or_default();
        let expected: BTreeSet<String> = header
            .strip_prefix("// expect:")
            .unwrap_or_else(|| panic!("{} lacks a `// expect:` header", path.display()))
            .split_whitespace()
            .filter(|c| *c != "ok")
            .map(str::to_string)
            .collect();
        let name = format!(
            "tests/corpus/{}",
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
        );
        let compiled = tiao::compile(&name, &text);
        let got: BTreeSet<String> = compiled
            .diagnostics
            .iter()
            .map(|d| d.code.to_string())
            .collect();
        if got != expected {
            failures.push(format!(
                "{name}: expected {expected:?}, got {got:?}\n{}",
                compiled.render_diagnostics()
            ));
        }
        kinds.extend(got);
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        insta::assert_snapshot!(format!("corpus__{stem}"), compiled.render_diagnostics());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let errors = kinds.iter().filter(|k| k.starts_with('E')).count();
    assert!(
        errors >= 20,
        "only {errors} distinct error kinds are exercised: {kinds:?}"
    );
}

/// Every `file:line:col` header ariadne prints is the place of a label of that diagnostic: a
/// snapshot fixes what the output is, this checks what it should be.
#[test]
fn every_printed_location_is_the_place_of_a_label() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/corpus exists")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tiao"))
        .collect();
    files.sort();
    let mut headers = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable");
        let name = format!(
            "tests/corpus/{}",
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
        );
        let compiled = tiao::compile(&name, &text);
        for d in &compiled.diagnostics {
            let rendered = tiao::diagnostic::render(&compiled.sources, std::slice::from_ref(d));
            for line in rendered.lines() {
                let Some(start) = line.find("─[ ") else {
                    continue;
                };
                let Some(end) = line.rfind(" ]") else {
                    continue;
                };
                let place = &line[start + "─[ ".len()..end];
                let mut parts = place.rsplitn(3, ':');
                let (col, row, file) = (parts.next(), parts.next(), parts.next());
                let (Some(col), Some(row), Some(file)) = (col, row, file) else {
                    panic!("{name}: unreadable header {line}");
                };
                let (row, col): (usize, usize) = (
                    row.parse().expect("a line number"),
                    col.parse().expect("a column"),
                );
                headers += 1;
                let found = d.labels.iter().any(|l| {
                    compiled.sources.get(l.span.file).name == file
                        && compiled
                            .sources
                            .line_col(l.span.file, l.span.start as usize)
                            == (row, col)
                });
                assert!(
                    found,
                    "{name}: header {file}:{row}:{col} is not the place of any label of\n{rendered}"
                );
            }
        }
    }
    assert!(headers >= 60, "only {headers} headers checked");
}
