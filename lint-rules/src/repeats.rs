//! One finding per unknown name and file, and one per rule and line.
//!
//! A build with a third-party module the catalogue does not know (naxsi's 77
//! `MainRule` lines, pagespeed's option list) or a file full of one misspelling gave one
//! NGX010 per line: a flood that buries the other findings, while `nginx -t` stops at
//! the first. The first use of a name in a file keeps the finding; the others become
//! its related places, and their fixes join the first's (one `--fix` corrects every
//! line).
//!
//! A snippet included by many servers (`include snippets/listen-ssl.conf;` in every
//! site) gave one finding per server on its one line, the same words but for the
//! server's name (NGX108 ten times on one `listen`). The first stays; the others'
//! messages become its notes.

use foldhash::{HashMap, HashMapExt};

use lint_source::{Diagnostic, FileId, Label, Severity};

/// Codes whose findings repeat per use of one name: an unknown directive (NGX010), an
/// unknown variable (NGX024) and an unknown php-fpm `${VAR}` (FPM011: zabbix's pool
/// files gave 130 notes). Their message names the name, so equal messages in one file
/// are uses of one name.
const FOLDED: &[&str] = &["NGX010", "NGX024", "FPM011"];

/// Codes whose note is about the file it quotes: an include the deployment does not
/// provide (NGX005). Two such notes name two files, never "the same" thing.
const NAMED_FILE: &[&str] = &["NGX005"];

/// Related places listed before the rest is counted in a note.
const LISTED: usize = 20;

/// Folds repeated findings of [`FOLDED`] codes in one file into the first (by position:
/// `found` is sorted). Runs after suppressions, so a suppressed line neither counts nor
/// carries the others.
pub fn fold(found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    fold_alike_notes(fold_shared_lines(fold_names(found)))
}

/// Folds notes that say the same of different places (FPM105 on each of a hosting box's
/// 300 pools: "pool [site1] runs 5 scripts at a time...") into the first, the others as
/// its related places. Warnings and errors stay one per place: each is to be acted on
/// where it is.
fn fold_alike_notes(found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if found
        .iter()
        .filter(|d| d.severity == Severity::Note)
        .count()
        < 2
    {
        return found;
    }
    let mut out: Vec<Diagnostic> = Vec::with_capacity(found.len());
    let mut first: HashMap<(&'static str, String), (usize, usize)> = HashMap::new();
    for d in found {
        // Notes of an unknown name are about that name (`unknown "geo_block" variable`
        // beside `unknown "other_var" variable`): each stays, not "the same" as another.
        let named = FOLDED.contains(&d.code);
        let Some(primary) = d
            .primary
            .as_ref()
            .filter(|_| d.severity == Severity::Note && !named)
        else {
            out.push(d);
            continue;
        };
        // Notes of includes not provided (NGX005) are alike only for one file: each
        // names its own (million12's site includes three missing files; the concise
        // output showed the first alone).
        let key = if NAMED_FILE.contains(&d.code) {
            (d.code, d.message.clone())
        } else {
            (d.code, unquoted(&unbracketed(&d.message)))
        };
        match first.get_mut(&key) {
            None => {
                first.insert(key, (out.len(), 0));
                out.push(d);
            }
            Some((at, more)) => {
                *more += 1;
                if *more <= LISTED {
                    let span = primary.span;
                    out[*at].related.push(Label::new(span, "the same here"));
                }
            }
        }
    }
    for (at, more) in first.into_values() {
        if more > 0 {
            let places = if more == 1 { "place" } else { "places" };
            out[at].notes.push(format!(
                "the same holds in {more} more {places} (one note for all)"
            ));
        }
    }
    out
}

/// A message with what its square brackets hold left out (`pool [site1]`).
fn unbracketed(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut depth = 0usize;
    for ch in message.chars() {
        match ch {
            '[' => {
                if depth == 0 {
                    out.push(ch);
                }
                depth += 1;
            }
            ']' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push(ch);
                }
            }
            _ if depth > 0 => {}
            _ => out.push(ch),
        }
    }
    out
}

/// Messages of the other findings listed in the kept one's note.
const QUOTED: usize = 3;

/// Folds findings of one rule at one place (a line of a file included in several
/// places) into the first: exact duplicates were dropped by the sort, so these differ
/// in their message, and are folded only when they differ in its quoted names alone
/// (the server or pool they were found for) and not in severity.
fn fold_shared_lines(found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    // Only a place with several findings of one rule and severity can fold: its
    // findings are the ones keyed by message below. (Keyed all, the map and its copies
    // of the messages were 2.7 MiB of the CLI's heap peak on the heavy 5 000-site tree,
    // where no finding shares its place.)
    type Place = (FileId, u32, u32, &'static str, Severity);
    let place = |d: &Diagnostic| {
        d.primary
            .as_ref()
            .map(|p| (p.span.file, p.span.start, p.span.end, d.code, d.severity))
    };
    let mut per_place: HashMap<Place, u32> = HashMap::with_capacity(found.len());
    for p in found.iter().filter_map(place) {
        *per_place.entry(p).or_default() += 1;
    }
    per_place.retain(|_, n| *n > 1);
    if per_place.is_empty() {
        return found;
    }
    let mut out: Vec<Diagnostic> = Vec::with_capacity(found.len());
    // (file, start, end, code) → index in `out` of the first, and the others' messages.
    type Key = (FileId, u32, u32, &'static str, Severity, String);
    let mut first: HashMap<Key, (usize, Vec<String>)> = HashMap::new();
    for d in found {
        let Some(primary) = d
            .primary
            .as_ref()
            .filter(|_| place(&d).is_some_and(|p| per_place.contains_key(&p)))
        else {
            out.push(d);
            continue;
        };
        let span = primary.span;
        let key = (
            span.file,
            span.start,
            span.end,
            d.code,
            d.severity,
            unquoted(&d.message),
        );
        match first.get_mut(&key) {
            None => {
                first.insert(key, (out.len(), Vec::new()));
                out.push(d);
            }
            Some((_, others)) => others.push(d.message),
        }
    }
    for (at, others) in first.into_values() {
        if others.is_empty() {
            continue;
        }
        let mut note = format!(
            "the same holds {} more {} at this line (its file is read in several places): ",
            others.len(),
            if others.len() == 1 { "time" } else { "times" }
        );
        let quoted: Vec<&str> = others.iter().take(QUOTED).map(String::as_str).collect();
        note.push_str(&quoted.join("; "));
        if others.len() > QUOTED {
            note.push_str(&format!("; and {} more", others.len() - QUOTED));
        }
        out[at].notes.push(note);
    }
    out
}

/// A message with what its double quotes hold left out: the server or pool named is
/// what differs between the contexts of a shared line, while two findings that differ
/// elsewhere (two CVEs of one module on one line) say two things and both stay.
fn unquoted(message: &str) -> String {
    let mut out = message
        .split('"')
        .enumerate()
        .map(|(i, part)| if i % 2 == 0 { part } else { "" })
        .collect::<Vec<_>>()
        .join("\"");
    // A quoted list counts as one quoted word: the headers a shared location drops differ
    // per including server (LEMPer's static-files include: SEC010 twice per location).
    while out.contains("\"\", \"\"") {
        out = out.replace("\"\", \"\"", "\"\"");
    }
    out
}

/// Folds repeated findings of [`FOLDED`] codes in one file into the first.
fn fold_names(found: Vec<Diagnostic>) -> Vec<Diagnostic> {
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
    fn one_rule_at_one_place_reports_once_with_the_others_as_a_note() {
        let meta = nginx_conf_parser::check::RULES[0];
        let span = Span::new(FileId(0), 5, 20);
        let other = Span::new(FileId(0), 30, 40);
        let found = (1..=5)
            .map(|i| Diagnostic::new(meta, span, format!("for server \"s{i}.test\"")))
            .chain([
                Diagnostic::new(meta, other, "elsewhere"),
                // Two things said of one place: not folded.
                Diagnostic::new(meta, other, "elsewhere again"),
            ])
            .collect();
        let out = fold(found);
        assert_eq!(out.len(), 3, "{out:#?}");
        assert_eq!(out[0].message, "for server \"s1.test\"");
        let note = &out[0].notes[0];
        assert!(note.starts_with("the same holds 4 more times"), "{note}");
        assert!(
            note.contains("\"s2.test\"") && note.contains("\"s4.test\""),
            "{note}"
        );
        assert!(
            !note.contains("s5.test") && note.ends_with("and 1 more"),
            "{note}"
        );
        assert!(out[1].notes.is_empty() && out[2].notes.is_empty());
        assert_eq!(unquoted(r#"a "b" c "d""#), r#"a "" c """#);
    }

    #[test]
    fn notes_alike_in_many_files_are_one_note_with_related_places() {
        let meta = nginx_conf_parser::check::RULES
            .iter()
            .find(|r| !FOLDED.contains(&r.code))
            .copied()
            .expect("a rule of no name");
        let note = |file: u32, pool: &str| {
            Diagnostic::new(
                meta,
                Span::new(FileId(file), 0, 4),
                format!("pool [{pool}] runs 5 scripts at a time"),
            )
            .with_severity(Severity::Note)
        };
        let warning = |file: u32| {
            Diagnostic::new(
                meta,
                Span::new(FileId(file), 0, 4),
                "pool [x] runs 5 scripts at a time",
            )
            .with_severity(Severity::Warning)
        };
        let found = vec![
            note(0, "a"),
            note(1, "b"),
            note(2, "c"),
            warning(9),
            warning(10),
        ];
        let out = fold(found);
        // One note for three pools; warnings stay one per place.
        assert_eq!(out.len(), 3, "{out:#?}");
        assert_eq!(out[0].related.len(), 2);
        assert!(
            out[0].notes[0].contains("2 more places"),
            "{:?}",
            out[0].notes
        );
        assert_eq!(unbracketed("pool [www] and [a[b]]"), "pool [] and []");
    }

    #[test]
    fn notes_on_different_unknown_names_stay_apart() {
        // FeministWiki: `$geo_block` and `$wiki_page` unknown while an include is unread
        // are notes on two names, not one note "the same in 1 more place".
        let note = |at: usize, name: &str| {
            let mut d = unknown(FileId(0), at, name);
            d.code = "NGX024";
            d.message = format!("unknown \"{name}\" variable");
            d.with_severity(Severity::Note)
        };
        let out = fold(vec![
            note(0, "geo_block"),
            note(50, "wiki_page"),
            note(90, "geo_block"),
        ]);
        let names: Vec<&str> = out.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            names,
            [
                "unknown \"geo_block\" variable",
                "unknown \"wiki_page\" variable"
            ],
            "{out:#?}"
        );
        // The repeat of one name is still folded into its first use.
        assert_eq!(out[0].related.len(), 1);
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
