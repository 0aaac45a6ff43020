//! One finding per unknown name and file.
//!
//! A build with a third-party module the catalogue does not know (naxsi's 77
//! `MainRule` lines, pagespeed's option list) or a file full of one misspelling gave one
//! NGX010 per line: a flood that buries the other findings, while `nginx -t` stops at
//! the first. The first use of a name in a file keeps the finding; the others become
//! its related places, and their fixes join the first's (one `--fix` corrects every
//! line).

use foldhash::{HashMap, HashMapExt};

use lint_source::{Diagnostic, FileId, Label};

/// Codes whose findings repeat per use of one name: an unknown directive (NGX010), an
/// unknown variable (NGX024) and an unknown php-fpm `${VAR}` (FPM011: zabbix's pool
/// files gave 130 notes). Their message names the name, so equal messages in one file
/// are uses of one name.
const FOLDED: &[&str] = &["NGX010", "NGX024", "FPM011"];

/// Related places listed before the rest is counted in a note.
const LISTED: usize = 20;

/// Folds repeated findings of [`FOLDED`] codes in one file into the first (by position:
/// `found` is sorted). Runs after suppressions, so a suppressed line neither counts nor
/// carries the others.
pub fn fold(found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if !found.iter().any(|d| FOLDED.contains(&d.code)) {
        return found;
    }
    let mut out: Vec<Diagnostic> = Vec::with_capacity(found.len());
    // (file, code, message) → index in `out` of the first finding, and how many more.
    let mut first: HashMap<(FileId, &'static str, String), (usize, usize)> = HashMap::new();
    for d in found {
        let Some(primary) = d.primary.as_ref().filter(|_| FOLDED.contains(&d.code)) else {
            out.push(d);
            continue;
        };
        let key = (primary.span.file, d.code, d.message.clone());
        match first.get_mut(&key) {
            None => {
                first.insert(key, (out.len(), 0));
                out.push(d);
            }
            Some((at, more)) => {
                *more += 1;
                let kept = &mut out[*at];
                if *more <= LISTED {
                    kept.related
                        .push(Label::new(primary.span, "used again here"));
                }
                if let (Some(kept_fix), Some(fix)) = (kept.fix.as_mut(), d.fix) {
                    if kept_fix.description == fix.description {
                        kept_fix.edits.extend(fix.edits);
                    }
                }
            }
        }
    }
    for (at, more) in first.into_values() {
        if more > 0 {
            let times = if more == 1 { "time" } else { "times" };
            out[at].notes.push(format!(
                "used {more} more {times} in this file (reported once; nginx -t stops at the first)"
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use lint_source::{Edit, Fix, Span};

    fn unknown(file: FileId, at: usize, name: &str) -> Diagnostic {
        let meta = nginx_conf_parser::check::RULES
            .iter()
            .find(|r| r.code == "NGX010")
            .copied()
            .expect("NGX010 is registered");
        let span = Span::new(file, at, at + name.len());
        Diagnostic::new(meta, span, format!("unknown directive \"{name}\"")).with_fix(Fix::safe(
            "write \"listen\"",
            vec![Edit::replace(span, "listen")],
        ))
    }

    #[test]
    fn repeats_of_one_name_in_one_file_become_related_places_of_the_first() {
        let (a, b) = (FileId(0), FileId(1));
        let found = vec![
            unknown(a, 0, "lisen"),
            unknown(a, 10, "lisen"),
            unknown(a, 20, "MainRule"),
            unknown(a, 30, "lisen"),
            unknown(b, 0, "lisen"),
        ];
        let out = fold(found);
        assert_eq!(out.len(), 3, "{out:#?}");
        assert_eq!(out[0].related.len(), 2);
        assert_eq!(out[0].related[1].span.start, 30);
        assert_eq!(out[0].fix.as_ref().map(|f| f.edits.len()), Some(3));
        assert!(out[0].notes[0].contains("2 more times"));
        assert!(out[1].notes.is_empty() && out[1].message.contains("MainRule"));
        assert_eq!(out[2].primary.as_ref().map(|p| p.span.file), Some(b));
    }

    #[test]
    fn long_runs_list_twenty_places_and_count_the_rest() {
        let found = (0..100)
            .map(|i| unknown(FileId(0), i * 10, "MainRule"))
            .collect();
        let out = fold(found);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].related.len(), LISTED);
        assert!(
            out[0].notes[0].contains("99 more times"),
            "{:?}",
            out[0].notes
        );
    }
}
