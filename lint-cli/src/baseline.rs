//! `--baseline FILE` (or `baseline = "FILE"` in the config file): findings recorded in
//! an earlier report are not reported again, so that a repository with many old
//! findings can adopt the linter and fail only on new ones.
//!
//! The baseline is any earlier report that carries fingerprints: `--format json`,
//! `json-lines`, `gitlab` or `sarif`. Fingerprints name files by their path relative to
//! the directory the report was written from; the baseline is read as written from its
//! own directory (write it there: `nginx-fpm-lint . --format json --exit-zero >
//! .nginx-fpm-lint-baseline.json`), so that it applies from any current directory.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use lint_source::{Diagnostic, SourceMap};

use crate::render::{fingerprints, Resolver};

/// The fingerprints of an earlier report.
#[derive(Debug)]
pub struct Baseline {
    path: PathBuf,
    prints: HashSet<String>,
}

/// What applying a baseline did.
#[derive(Debug, PartialEq, Eq)]
pub struct Applied {
    /// Findings left out because the baseline has them.
    pub hidden: usize,
    /// Baseline entries no finding of this run matches (fixed since).
    pub stale: usize,
}

impl Baseline {
    /// Reads a report. Errors name the file and say what is wrong with it.
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("baseline {}: {e}", path.display()))?;
        let prints = Self::parse(&text).map_err(|e| format!("baseline {}: {e}", path.display()))?;
        Ok(Baseline {
            path: path.to_path_buf(),
            prints,
        })
    }

    /// The fingerprints of a report in any of the formats that carry them.
    fn parse(text: &str) -> Result<HashSet<String>, String> {
        let mut prints = HashSet::new();
        let mut findings = 0;
        let mut take = |item: &serde_json::Value, print: Option<&serde_json::Value>| {
            findings += usize::from(item.is_object());
            if let Some(p) = print.and_then(serde_json::Value::as_str) {
                prints.insert(p.to_string());
            }
        };
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Array(issues)) => {
                // GitLab Code Quality.
                for issue in &issues {
                    take(issue, issue.get("fingerprint"));
                }
            }
            Ok(doc) if doc.get("runs").is_some() => {
                // SARIF: the linter's own partial fingerprint.
                let results = doc["runs"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|run| run["results"].as_array())
                    .flatten();
                for result in results {
                    take(result, result["partialFingerprints"].get("nginxFpmLint/v1"));
                }
            }
            Ok(doc) if doc.get("diagnostics").is_some() => {
                for d in doc["diagnostics"].as_array().into_iter().flatten() {
                    take(d, d.get("fingerprint"));
                }
            }
            Ok(serde_json::Value::Object(one)) => {
                // A json-lines report of one finding.
                let one = serde_json::Value::Object(one);
                take(&one, one.get("fingerprint"));
            }
            Ok(_) => return Err("not a report of nginx-fpm-lint".into()),
            Err(whole) => {
                // JSON lines: one diagnostic per line.
                for (n, line) in text
                    .lines()
                    .enumerate()
                    .filter(|(_, l)| !l.trim().is_empty())
                {
                    let d: serde_json::Value = serde_json::from_str(line).map_err(|e| {
                        if n == 0 {
                            format!("not JSON: {whole}")
                        } else {
                            format!("line {}: not JSON: {e}", n + 1)
                        }
                    })?;
                    take(&d, d.get("fingerprint"));
                }
            }
        }
        if findings > prints.len() && prints.is_empty() {
            return Err("its findings have no fingerprints (a report of an older version?): write it again with `--format json`".into());
        }
        Ok(prints)
    }

    /// Drops the findings the baseline has, fingerprinted as if the report were written
    /// from the baseline's directory.
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>, map: &SourceMap, cwd: &Path) -> Applied {
        let dir = lint_source::vfs::normalize(&cwd.join(&self.path));
        let dir = dir.parent().map(Path::to_path_buf).unwrap_or_default();
        let resolver = Resolver::from_dir(map, dir, cwd.to_path_buf());
        let prints = fingerprints(diagnostics, &resolver);
        let before = diagnostics.len();
        let mut matched = HashSet::new();
        let mut keep = prints.iter().map(|p| {
            let known = self.prints.contains(p);
            if known {
                matched.insert(p.as_str());
            }
            !known
        });
        diagnostics.retain(|_| keep.next().unwrap_or(true));
        Applied {
            hidden: before - diagnostics.len(),
            stale: self.prints.len() - matched.len(),
        }
    }

    /// The file it was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_with_fingerprints_is_read() {
        let json = r#"{"version":1,"diagnostics":[{"code":"X001","fingerprint":"a"},{"code":"X002","fingerprint":"b"}]}"#;
        let gitlab = r#"[{"check_name":"X001","fingerprint":"a"}]"#;
        let sarif = r#"{"runs":[{"results":[{"ruleId":"X001","partialFingerprints":{"nginxFpmLint/v1":"a"}}]}]}"#;
        let lines = "{\"code\":\"X001\",\"fingerprint\":\"a\"}\n{\"code\":\"X002\",\"fingerprint\":\"b\"}\n";
        assert_eq!(Baseline::parse(json).map(|p| p.len()), Ok(2));
        assert_eq!(Baseline::parse(gitlab).map(|p| p.len()), Ok(1));
        assert_eq!(Baseline::parse(sarif).map(|p| p.len()), Ok(1));
        assert_eq!(Baseline::parse(lines).map(|p| p.len()), Ok(2));
        // An empty report is a baseline of nothing.
        assert_eq!(
            Baseline::parse(r#"{"diagnostics":[]}"#).map(|p| p.len()),
            Ok(0)
        );
    }

    #[test]
    fn reports_without_fingerprints_and_other_files_are_refused() {
        let old = r#"{"version":1,"diagnostics":[{"code":"X001"}]}"#;
        assert!(Baseline::parse(old).is_err_and(|e| e.contains("no fingerprints")));
        assert!(Baseline::parse("listen 80;\n").is_err_and(|e| e.contains("not JSON")));
        assert!(Baseline::parse("42").is_err_and(|e| e.contains("not a report")));
    }
}
