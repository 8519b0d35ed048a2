//! Runs every scenario file under `tests/scenarios/` — the same files `tiao test` runs.

use std::path::{Path, PathBuf};

fn scenario_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(|e| e.ok()) {
        let p = e.path();
        if p.is_dir() {
            scenario_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

#[test]
fn all_scenarios_pass() {
    let mut files = Vec::new();
    scenario_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios"),
        &mut files,
    );
    files.sort();
    assert!(!files.is_empty(), "no scenario files");
    let mut failures = Vec::new();
    let mut count = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).expect("readable");
        let scenario =
            tiao::scenario::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let policy_path = f.parent().expect("in a folder").join(&scenario.policy);
        let policy = std::fs::read_to_string(&policy_path)
            .unwrap_or_else(|e| panic!("{}: {e}", policy_path.display()));
        let compiled = tiao::compile(&policy_path.display().to_string(), &policy);
        let rendered = compiled.render_diagnostics();
        let program = compiled
            .program
            .unwrap_or_else(|| panic!("{}:\n{rendered}", policy_path.display()));
        for case in &scenario.cases {
            count += 1;
            let r = tiao::scenario::run_case(&program, case);
            if !r.passed() {
                failures.push(format!(
                    "{} — {}:\n  {}",
                    f.display(),
                    r.name,
                    r.failures.join("\n  ")
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
