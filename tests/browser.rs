//! The HTML reports in a real headless browser (Debian's `chromium`): the 江西 vs 滕州 diff and the
//! five-policy comparison load without a console message or error, their script runs, and the
//! expected rows are there. A screenshot of each is left in `target/tiao-browser/`.
//!
//! `.ci/run` installs chromium and sets `TIAO_REQUIRE_BROWSER=1`, so that a missing browser fails
//! the run there; on a developer machine without chromium the test is skipped with a loud
//! message. `TIAO_CHROMIUM` names another binary.
#![expect(
    clippy::expect_used,
    reason = "a test fails loudly on a broken fixture"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn program(id: &str) -> tiao::ir::Program {
    let path = format!("{}/policies/{id}.tiao", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("readable");
    tiao::compile(&path, &text)
        .program
        .expect("the policy checks")
}

fn chromium() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("TIAO_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join(name))
                    .find(|p| p.is_file())
            })
        })
}

fn out_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tiao-browser");
    std::fs::create_dir_all(&d).expect("a folder for the reports");
    d
}

/// Run chromium headless on a file: (the DOM after load, stderr).
fn run(chrome: &Path, file: &Path, extra: &[&str], profile: &str) -> (String, String) {
    let profile =
        std::env::temp_dir().join(format!("tiao-chromium-{}-{profile}", std::process::id()));
    let _ = std::fs::remove_dir_all(&profile);
    let mut cmd = Command::new(chrome);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--enable-logging=stderr",
        "--log-level=0",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(extra)
    .arg(format!("file://{}", file.display()));
    let out = cmd.output().expect("chromium runs");
    let _ = std::fs::remove_dir_all(&profile);
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn check_page(chrome: &Path, name: &str, html: &str, rows: &[&str]) {
    // self-contained: nothing fetched from anywhere
    for bad in [
        "src=\"http",
        "href=\"http",
        "url(",
        "@import",
        "<link",
        "<img",
        "<iframe",
    ] {
        assert!(
            !html.contains(bad),
            "{name}: the report refers to an outside resource ({bad})"
        );
    }
    let file = out_dir().join(format!("{name}.html"));
    std::fs::write(&file, html).expect("the report is written");
    let (dom, log) = run(chrome, &file, &["--dump-dom"], name);
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(
        console.is_empty(),
        "{name}: console messages:\n{}",
        console.join("\n")
    );
    assert!(
        !dom.trim().is_empty(),
        "{name}: chromium returned no DOM:\n{log}"
    );
    // the inline script ran: it counts the rows and marks the page ready
    let ready = dom
        .split("data-ready=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or_else(|| panic!("{name}: the page's script did not run"));
    assert!(ready >= rows.len(), "{name}: only {ready} rows");
    for r in rows {
        assert!(dom.contains(r), "{name}: no row {r}");
    }
    let shot = out_dir().join(format!("{name}.png"));
    let _ = std::fs::remove_file(&shot);
    run(
        chrome,
        &file,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1400,2200",
        ],
        &format!("{name}-shot"),
    );
    let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    assert!(size > 10_000, "{name}: no screenshot ({size} bytes)");
}

#[test]
fn the_reports_load_in_a_real_browser() {
    let Some(chrome) = chromium() else {
        assert!(
            std::env::var_os("TIAO_REQUIRE_BROWSER").is_none(),
            "TIAO_REQUIRE_BROWSER is set but no chromium was found: install it (apt-get install -y chromium)"
        );
        eprintln!(
            "\n\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
             !!! SKIPPED: the HTML reports were NOT checked in a browser:         !!!\n\
             !!! no chromium here (apt-get install -y chromium, or TIAO_CHROMIUM) !!!\n\
             !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        );
        return;
    };
    let (jx, tz) = (program("jiangxi"), program("tengzhou"));
    let opts = tiao::analysis::diff::Options::default();
    let d = tiao::analysis::diff::diff(&jx, &tz, &opts);
    let html = tiao::analysis::html::diff_html(&jx, &tz, &d);
    check_page(
        &chrome,
        "jiangxi-tengzhou",
        &html,
        &[
            "data-entry=\"in_scope\" data-status=\"changed\"",
            "data-entry=\"technical_review_required\" data-status=\"changed\"",
            "data-entry=\"supervision_required\" data-status=\"changed\"",
            "data-entry=\"incident_report_required\" data-status=\"same\"",
            "data-entry=\"contract_filing\" data-status=\"only_in_b\"",
            "data-entry=\"self_evaluation\" data-status=\"changed\"",
            "第十八條",
            "第三条",
        ],
    );
    let ids = ["yantai", "jiangxi", "tengzhou", "jingle", "xinzhou"];
    let ps: Vec<tiao::ir::Program> = ids.iter().map(|i| program(i)).collect();
    let refs: Vec<&tiao::ir::Program> = ps.iter().collect();
    let m = tiao::analysis::compare::compare(&refs, &opts);
    let html = tiao::analysis::html::compare_html(&refs, &m);
    check_page(
        &chrome,
        "compare-five",
        &html,
        &[
            "data-row=\"self_evaluation\"",
            "data-row=\"supervision_required\"",
            "data-row=\"in_scope\"",
            "data-group=\"1\"",
        ],
    );
}
