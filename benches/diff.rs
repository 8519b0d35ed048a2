//! `cargo bench --bench diff`: diffing all 10 pairs of the five bundled policies, regions and
//! witnesses included, and the five-policy matrix. Prints the median and the fastest of several
//! runs (compiling the policies is not counted; `tiao bench` measures that).

use std::time::{Duration, Instant};

/// CPU time of this thread so far (Linux: /proc/thread-self/schedstat), for a figure that a busy
/// machine does not inflate; None elsewhere.
fn cpu() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

fn main() {
    let ids = ["xinzhou", "yantai", "tengzhou", "jingle", "jiangxi"];
    let programs: Vec<tiao::ir::Program> = ids
        .iter()
        .filter_map(|id| {
            let path = format!("{}/policies/{id}.tiao", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).ok()?;
            tiao::compile(&path, &text).program
        })
        .collect();
    assert_eq!(programs.len(), 5, "the bundled policies compile");
    let opts = tiao::analysis::diff::Options::default();
    let runs = 7;
    let mut times: Vec<Duration> = Vec::new();
    let mut cpu_times: Vec<Duration> = Vec::new();
    let mut regions = 0;
    let mut evaluations = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let cpu_start = cpu();
        regions = 0;
        evaluations = 0;
        for i in 0..programs.len() {
            for j in i + 1..programs.len() {
                let d = tiao::analysis::diff::diff(&programs[i], &programs[j], &opts);
                regions += d.all_regions().len();
                evaluations += d.evaluations;
                std::hint::black_box(&d);
            }
        }
        times.push(start.elapsed());
        if let (Some(a), Some(b)) = (cpu_start, cpu()) {
            cpu_times.push(b - a);
        }
    }
    times.sort();
    cpu_times.sort();
    if let Some(c) = cpu_times.get(cpu_times.len() / 2) {
        println!(
            "diff, all 10 pairs: median CPU time {c:?} (wall-clock below; it grows when the machine is busy)"
        );
    }
    println!(
        "diff, all 10 pairs of the bundled policies: median {:?}, fastest {:?} over {runs} runs ({regions} regions with witnesses, {evaluations} single-concept evaluations per run)",
        times[runs / 2],
        times[0]
    );
    let refs: Vec<&tiao::ir::Program> = programs.iter().collect();
    let mut times = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        let m = tiao::analysis::compare::compare(&refs, &opts);
        let html = tiao::analysis::html::compare_html(&refs, &m);
        std::hint::black_box(html);
        times.push(start.elapsed());
    }
    times.sort();
    println!(
        "compare, the five policies (10 diffs and the HTML matrix): median {:?}",
        times[1]
    );
}
