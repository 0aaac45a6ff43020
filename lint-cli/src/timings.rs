//! `--timings`: what each phase and each rule of a run cost, per input byte, so
//! that a slow rule shows the day it lands (the benchmark prints this table).

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use lint_rules::RuleTime;
use lint_source::SourceMap;

/// Wall time between laps; does nothing unless enabled.
pub struct Clock {
    last: Option<Instant>,
    laps: Vec<(&'static str, Duration)>,
}

impl Clock {
    /// A clock that records only when `enabled`.
    pub fn new(enabled: bool) -> Self {
        Clock {
            last: enabled.then(Instant::now),
            laps: Vec::new(),
        }
    }

    /// Ends the phase `name`.
    pub fn lap(&mut self, name: &'static str) {
        if let Some(last) = self.last {
            let now = Instant::now();
            self.laps.push((name, now - last));
            self.last = Some(now);
        }
    }

    /// The phase table, then every rule by cost (most expensive first).
    pub fn report(&self, map: &SourceMap, rules: &[RuleTime], findings: usize) -> String {
        let bytes: usize = map.files().iter().map(|(_, f)| f.text_len()).sum();
        let per_byte = |d: Duration| d.as_nanos() as f64 / bytes.max(1) as f64;
        let mut out = String::new();
        let total: Duration = self.laps.iter().map(|(_, d)| *d).sum();
        let _ = writeln!(
            out,
            "timings: {} files, {:.1} MB of input, {findings} findings",
            map.len(),
            bytes as f64 / 1e6
        );
        let _ = writeln!(out, "| phase | wall | ns per input byte |");
        let _ = writeln!(out, "|---|---:|---:|");
        for (name, d) in self.laps.iter().chain([&("total", total)]) {
            let _ = writeln!(
                out,
                "| {name} | {:.1} ms | {:.1} |",
                d.as_secs_f64() * 1e3,
                per_byte(*d)
            );
        }
        let mut sorted = rules.to_vec();
        sorted.sort_by(|a, b| b.time.cmp(&a.time).then(a.code.cmp(b.code)));
        let _ = writeln!(
            out,
            "\n| rule | time (its thread) | ns per input byte | findings |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|");
        for r in &sorted {
            let _ = writeln!(
                out,
                "| {} | {:.2} ms | {:.2} | {} |",
                r.code,
                r.time.as_secs_f64() * 1e3,
                per_byte(r.time),
                r.findings
            );
        }
        out
    }
}
