//! GitLab Code Quality reports (the subset of the Code Climate format GitLab reads).
//!
//! A job that saves this output as `artifacts:reports:codequality` gets the findings in
//! the merge request widget and diff. GitLab requires `description`, `check_name`,
//! `fingerprint`, `severity` and `location.path` with `location.lines.begin`; it
//! compares reports of the source and target branch by fingerprint, so a fingerprint
//! must not change when unrelated lines move (see [`fingerprints`]).

use std::io::{self, Write};

use lint_source::{Diagnostic, Severity};
use serde::Serialize;

use super::{fingerprint::fingerprints, Resolver};

/// GitLab's severities are `info`, `minor`, `major`, `critical`, `blocker`. An error
/// of this linter is a site or pool that does not start or answer (a 502, a refused
/// reload): `critical`; a warning is a likely fault, `major`; a note, `info`.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Note => "info",
    }
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

/// The report: one JSON array of issues.
pub fn render(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    resolver: &Resolver<'_>,
) -> io::Result<()> {
    let prints = fingerprints(diagnostics, resolver);
    let issues = diagnostics.iter().zip(prints).map(|(d, fingerprint)| {
        // GitLab wants a path on every issue: a finding about the run itself (no file)
        // points at the current directory's first line.
        let (path, begin, end) = match &d.primary {
            Some(p) => {
                let place = resolver.place(p.span);
                (place.path.to_string(), place.start.line, place.end.line)
            }
            None => (".".to_string(), 1, 1),
        };
        Issue {
            description: format!("{} {}: {}", d.code, d.name, d.message),
            check_name: d.code,
            fingerprint,
            severity: severity(d.severity),
            location: Location {
                path: path.replace('\\', "/"),
                lines: Lines {
                    begin,
                    end: end.max(begin),
                },
            },
        }
    });
    let mut serializer = serde_json::Serializer::pretty(&mut *out);
    serde::Serializer::collect_seq(&mut serializer, issues).map_err(io::Error::other)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::super::fingerprint::tests::diagnostics;
    use super::*;
    use lint_source::SourceMap;
    use std::path::PathBuf;

    #[test]
    fn report_has_the_fields_gitlab_requires() {
        let map = SourceMap::new();
        let list = diagnostics(&map, "x;\nlisten 80;\n", &[(3, 13)]);
        let resolver = Resolver::new(&map, PathBuf::from("/srv"));
        let mut out = Vec::new();
        render(&mut out, &list, &resolver).expect("renders");
        let value: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
        let issue = &value[0];
        for field in ["description", "check_name", "fingerprint", "severity"] {
            assert!(issue[field].is_string(), "{field} in {issue}");
        }
        assert_eq!(issue["location"]["path"], "nginx.conf");
        assert_eq!(issue["location"]["lines"]["begin"], 2);
    }
}
